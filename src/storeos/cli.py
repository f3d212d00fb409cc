"""The `storeos` command: demo, serve, worker, seed, check and Django management passthrough."""

import argparse
import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time

from rich.console import Console

console = Console(stderr=True, highlight=False)


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storeos.settings")
    import django

    django.setup()


def _fail(message: str) -> "int":
    console.print(f"[bold red]storeos:[/] {message}")
    return 1


def _port_free(host: str, port: int) -> str | None:
    """None when we can listen on host:port, else the reason (so we refuse before migrating)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use (is another StoreOS running?)"
            return f"cannot listen on {host}:{port}: {exc.strerror}"
    return None


def _migrate() -> None:
    from django.core.management import call_command

    with console.status("Applying database migrations…"):
        call_command("migrate", interactive=False, verbosity=0)


def _serve(host: str, port: int, workers: int, threads: int) -> int:
    """Serve the WSGI app with gunicorn (pre-forked workers, each with request threads)."""
    from gunicorn.app.base import BaseApplication

    class StoreOSServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", None)
            self.cfg.set("loglevel", "warning")
            self.cfg.set("graceful_timeout", 5)
            # Longer than a till's pause between sales: a connection the server closes just as
            # the till reuses it is a request lost without an answer (gunicorn's default is 2 s).
            self.cfg.set("keepalive", 10)

        def load(self):
            from storeos.wsgi import application

            return application

    console.print(f"[green]Serving StoreOS on http://{host}:{port}/[/]  (Ctrl+C to stop)")
    StoreOSServer().run()
    return 0


def _start_worker() -> subprocess.Popen:
    """The Huey consumer as a child process in our process group; it dies with us."""
    return subprocess.Popen(
        [sys.executable, "-m", "storeos.cli", "worker"],
        env=os.environ.copy(),
    )


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def cmd_demo(args: argparse.Namespace) -> int:
    if reason := _port_free(args.host, args.port):
        return _fail(reason)
    _django_setup()
    from storeos.core.errors import DomainError
    from storeos.demo.seed import demo_accounts, seed_demo, seeded_scenario

    started = time.monotonic()
    _migrate()
    if seeded_scenario() is None:
        try:
            console.print(seed_demo(scenario=args.scenario, seed=args.seed, console=console))
        except DomainError as refused:
            return _fail(refused.message)
    else:
        console.print(f"Database already holds the [bold]{seeded_scenario()}[/] demo; not seeding.")
    _print_accounts(demo_accounts(), args.host, args.port)
    worker = _start_worker()
    console.print(f"Ready in {time.monotonic() - started:.1f} s.")
    try:
        return _serve(args.host, args.port, args.workers, args.threads)
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(worker)


def _print_accounts(accounts: list[tuple[str, str, str]], host: str, port: int) -> None:
    from rich.table import Table

    table = Table(title=f"Log in at http://{host}:{port}/")
    table.add_column("username")
    table.add_column("password")
    table.add_column("role")
    for username, password, role in accounts:
        table.add_row(username, password, role)
    Console().print(table)


def cmd_serve(args: argparse.Namespace) -> int:
    if reason := _port_free(args.host, args.port):
        return _fail(reason)
    _django_setup()
    try:
        return _serve(args.host, args.port, args.workers, args.threads)
    except KeyboardInterrupt:
        return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    with contextlib.suppress(KeyboardInterrupt):
        call_command("run_huey", workers=args.workers)
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    _django_setup()
    from storeos.core.errors import DomainError
    from storeos.demo.seed import seed_demo, seeded_scenario

    _migrate()
    if (existing := seeded_scenario()) is not None:
        return _fail(f"the database already holds the {existing} demo; seed an empty database")
    try:
        console.print(seed_demo(scenario=args.scenario, seed=args.seed, console=console))
    except DomainError as refused:
        return _fail(refused.message)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    _django_setup()
    from storeos.core.health import health_report

    problems = 0
    for name, ok, detail in health_report():
        mark = "[green]ok[/]  " if ok else "[red]FAIL[/]"
        console.print(f"{mark} {name}: {detail}")
        problems += not ok
    if problems:
        console.print(f"[red]{problems} problem(s) found.[/]")
        return 1
    console.print("[green]All checks passed.[/]")
    return 0


def cmd_loyalty_verify(args: argparse.Namespace) -> int:
    _django_setup()
    from storeos.loyalty.verify import ledger_verify

    report = ledger_verify()
    counts = f"{report.members} members, {report.entries} entries, {report.checkpoints} checkpoints"
    if report.ok:
        console.print(f"[green]OK[/] points ledger intact: {counts}.")
        return 0
    for found in report.breaks:
        console.print(f"[red]BROKEN[/] {found}")
    return _fail(f"{report.broken_count} break(s) in the points ledger ({counts}).")


def cmd_loyalty_checkpoint(args: argparse.Namespace) -> int:
    _django_setup()
    from storeos.loyalty.checkpoints import ledger_checkpoint_create

    checkpoint = ledger_checkpoint_create()
    console.print(
        f"checkpoint {checkpoint.seq}: {checkpoint.members} members, "
        f"{checkpoint.entries} entries, {checkpoint.checkpoint_hash[:16]}…"
    )
    return 0


def cmd_audit_reconcile(args: argparse.Namespace) -> int:
    _django_setup()
    from storeos.core.reconcile import reconcile

    report = reconcile(limit=args.limit)
    for check in report.checks:
        mark = "[green]ok[/]  " if check.ok else "[red]FAIL[/]"
        console.print(f"{mark} {check.title} ({check.examined} checked)")
        for mismatch in check.mismatches:
            console.print(f"       [red]{check.code}[/] {mismatch}")
        if check.failures > len(check.mismatches):
            console.print(f"       … and {check.failures - len(check.mismatches)} more")
    if report.ok:
        console.print("[green]Everything reconciles.[/]")
        return 0
    return _fail(f"{report.failures} mismatch(es) found.")


def cmd_outbox_retry(args: argparse.Namespace) -> int:
    _django_setup()
    from storeos.core.outbox import outbox_parked, outbox_retry

    for event in outbox_parked():
        console.print(f"{event.topic}#{event.pk} ({event.attempts} attempts): {event.last_error}")
    console.print(f"{outbox_retry()} parked event(s) back in line for the next dispatch.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    _django_setup()
    from storeos.core.backup import BackupError, backup_create

    try:
        done = backup_create(path=args.path)
    except BackupError as refused:
        _fail(refused.message)
        return 2
    console.print(
        f"[green]Backed up[/] {done.vendor} {done.database} to {done.path} ({done.size:,} bytes)."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _django_setup()
    from storeos.core.backup import BackupError, backup_restore

    try:
        done = backup_restore(path=args.path)
    except BackupError as refused:
        _fail(refused.message)
        return 2
    console.print(
        f"[green]Restored[/] {done.vendor} {done.database} from {done.path}. "
        "Run `storeos manage migrate`, then `storeos audit reconcile`."
    )
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["storeos manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storeos", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add_server_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
        p.add_argument("--threads", type=int, default=4, help="threads per process (default 4)")

    def add_seed_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--scenario", choices=["lego", "liquor"], default="lego")
        p.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")

    demo = sub.add_parser("demo", help="migrate, seed the demo chain if empty, and serve it")
    add_server_args(demo)
    add_seed_args(demo)
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the web app and API")
    add_server_args(serve)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the background job consumer (Huey)")
    worker.add_argument("--workers", type=int, default=2)
    worker.set_defaults(func=cmd_worker)

    seed = sub.add_parser("seed", help="seed an empty database with a demo chain")
    add_seed_args(seed)
    seed.set_defaults(func=cmd_seed)

    check = sub.add_parser(
        "check", help="check configuration, database, migrations, parked events and jobs"
    )
    check.set_defaults(func=cmd_check)

    loyalty = sub.add_parser("loyalty", help="points ledger integrity")
    loyalty_sub = loyalty.add_subparsers(dest="loyalty_command", required=True)
    verify = loyalty_sub.add_parser("verify", help="verify every member's points hash chain")
    verify.set_defaults(func=cmd_loyalty_verify)
    checkpoint = loyalty_sub.add_parser("checkpoint", help="record a ledger checkpoint now")
    checkpoint.set_defaults(func=cmd_loyalty_checkpoint)

    audit = sub.add_parser("audit", help="cross-checks of stock, money, points and coupons")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    reconcile = audit_sub.add_parser(
        "reconcile", help="check that stock, orders, payments, points and coupons add up"
    )
    reconcile.add_argument("--limit", type=int, default=50, help="mismatches listed per check")
    reconcile.set_defaults(func=cmd_audit_reconcile)

    outbox = sub.add_parser("outbox", help="domain events waiting for delivery")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True)
    retry = outbox_sub.add_parser(
        "retry", help="send again the events parked after repeated handler failures"
    )
    retry.set_defaults(func=cmd_outbox_retry)

    backup = sub.add_parser("backup", help="back up the database to a file (safe while running)")
    backup.add_argument("path", help="the backup file to write")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the database with a backup (stop first)")
    restore.add_argument("path", help="a file written by `storeos backup`")
    restore.set_defaults(func=cmd_restore)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
