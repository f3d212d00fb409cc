"""What `storeos check` reports: configuration, database, migrations, parked events and the job
queue."""

from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

Check = tuple[str, bool, str]


def _configuration() -> Check:
    problems = []
    if settings.DEBUG:
        problems.append("debug is on (STOREOS_DEBUG)")
    if len(settings.SECRET_KEY) < 32:
        problems.append("STOREOS_SECRET_KEY is shorter than 32 characters")
    detail = "; ".join(problems) or (
        f"time zone {settings.TIME_ZONE}, currency {settings.STOREOS_CURRENCY}, "
        f"data dir {settings.DATA_DIR}"
    )
    return "configuration", not problems, detail


def _database() -> Check:
    vendor = connection.vendor
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return "database", False, f"{vendor}: cannot connect ({exc})"
    return "database", True, f"{vendor} ({connection.settings_dict['NAME']}) reachable"


def _migrations() -> Check:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return "migrations", False, f"cannot read migration state ({exc})"
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return "migrations", False, f"{len(plan)} unapplied (run `storeos manage migrate`): {names}"
    return "migrations", True, "all applied"


def _job_queue() -> Check:
    from huey.contrib.djhuey import HUEY

    kind = "redis" if settings.REDIS_URL else "sqlite"
    try:
        pending = HUEY.pending_count()
    except Exception as exc:
        return "job queue", False, f"{kind} storage unreachable ({exc})"
    return "job queue", True, f"{kind} storage reachable, {pending} job(s) pending"


def _outbox() -> Check:
    from storeos.core.outbox import outbox_parked

    parked = outbox_parked()
    if parked:
        first = parked[0]
        return (
            "events",
            False,
            f"{len(parked)} event(s) parked after repeated handler failures, first "
            f"{first.topic}#{first.pk}: {first.last_error[:200]} "
            "(fix the cause, then `storeos outbox retry`)",
        )
    return "events", True, "none parked"


def health_report() -> Iterator[Check]:
    yield _configuration()
    database = _database()
    yield database
    if database[1]:
        yield _migrations()
        yield _outbox()
    yield _job_queue()
