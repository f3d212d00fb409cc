"""Fault drills on a scratch PostgreSQL database: tills that ring up member sales in their own
processes (so one can be killed with SIGKILL mid-checkout), the retries, and the check that
nothing was left half-written.

The test process drives it (sales/tests/test_faults.py); the tills, the seeding and the checks
run as `python -m storeos.testing.faults <command>` with DATABASE_URL naming the scratch
database, so each sees only committed data, as a real till and a real auditor would.
"""

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import uuid
from decimal import Decimal

STORES = 2
SKUS = 4
MEMBERS = 3
PRICE = Decimal("20.00")
POINTS_PART = Decimal("5.00")  # of each unit, paid in points (500 points at 100 a yuan)
STOCK = 5000
MEMBER_POINTS = 1_000_000
ORDER_NAMESPACE = uuid.UUID("6f1c1e2a-7d0b-4c3e-9a57-5a1e5f0a0007")


def order_uuid(n: int) -> uuid.UUID:
    return uuid.uuid5(ORDER_NAMESPACE, f"sale-{n}")


# --- Driving it from the test process --------------------------------------------------------
def database_url(name: str, like: dict) -> str:
    """A URL for database `name` on the server and credentials of Django's settings `like`."""
    password = f":{like['PASSWORD']}" if like.get("PASSWORD") else ""
    host = like.get("HOST") or "127.0.0.1"
    port = like.get("PORT") or 5432
    return f"postgres://{like['USER']}{password}@{host}:{port}/{name}"


def _admin_params(like: dict) -> dict:
    return {
        "dbname": "postgres",
        "user": like["USER"],
        "password": like.get("PASSWORD") or None,
        "host": like.get("HOST") or "127.0.0.1",
        "port": like.get("PORT") or 5432,
        "autocommit": True,
    }


def _admin(like: dict, sql: str) -> None:
    import psycopg

    with psycopg.connect(**_admin_params(like)) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def scratch_database(name: str, like: dict, *, template: str | None = None):
    """Create database `name` (dropping a leftover), yield (its URL, whether it was cloned from
    `template`), drop it afterwards. Cloning an already migrated database saves migrating it;
    PostgreSQL refuses while anyone is connected to the template, and then it starts empty."""
    import psycopg

    _admin(like, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cloned = False
    if template:
        try:
            _admin(like, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            cloned = True
        except psycopg.Error:
            pass
    if not cloned:
        _admin(like, f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name, like), cloned
    finally:
        _admin(like, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch_recreate(name: str, like: dict) -> None:
    """Start `name` over, empty (a clone that turned out to hold data)."""
    _admin(like, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(like, f'CREATE DATABASE "{name}"')


def child_env(url: str, data_dir: str) -> dict:
    env = os.environ.copy()
    env.update(DATABASE_URL=url, STOREOS_DATA_DIR=data_dir)
    # Jobs go to a queue file of the drill's own, not to a Redis others may be reading.
    for name in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "STOREOS_HUEY_IMMEDIATE"):
        env.pop(name, None)
    return env


def run_command(env: dict, *args: str, timeout: float = 120) -> dict:
    """Run one command of this module in a fresh process; the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", "storeos.testing.faults", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"faults {args[0]} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Till:
    """A till process ringing up sales `first`..`last - 1`; notes which it started and ended."""

    def __init__(self, env: dict, first: int, last: int):
        self.started: list[int] = []
        self.finished: list[int] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "storeos.testing.faults", "till", str(first), str(last)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            word, _, n = line.strip().partition(" ")
            if word == "ready":
                self.ready.set()
            elif word == "start":
                self.started.append(int(n))
            elif word in ("done", "error"):
                self.finished.append(int(n))
        self.ready.set()  # a till that died before it was ready must not hang the drill

    def wait(self, timeout: float) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code


# --- Commands run in the child processes ----------------------------------------------------
def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storeos.settings")
    import django

    django.setup()


def seed() -> dict:
    """A two-store chain with four SKUs in stock, a single-tier programme (so prices never move
    with a member's tier) and members holding plenty of points."""
    from storeos.accounts.models import RoleGrant, User
    from storeos.catalog.models import Category, Product, Sku
    from storeos.core import clock
    from storeos.core.channels import Channel
    from storeos.inventory.stock import stock_receive
    from storeos.loyalty.ledger import Source, points_earn
    from storeos.loyalty.members import member_create
    from storeos.loyalty.models import Programme, Tier
    from storeos.stores.models import Location, Region, Store

    if Store.objects.exists():
        raise SystemExit("the drill seeds an empty database")
    region = Region.objects.create(code="FAULT", name="Fault drill")
    category = Category.objects.create(code="DRILL", name="Drill", path="/1/")
    skus = []
    for k in range(SKUS):
        product = Product.objects.create(code=f"P-DRILL{k}", name=f"Drill {k}", category=category)
        skus.append(
            Sku.objects.create(
                product=product,
                code=f"DRILL{k}",
                name=f"Drill {k}",
                list_price=PRICE,
                cost=PRICE / 2,
            )
        )
    cashier = User.objects.create_user(username="drill-cashier")
    for s in range(STORES):
        store = Store.objects.create(code=f"F{s}", name=f"Fault store {s}", region=region)
        floor = Location.objects.create(
            code=f"F{s}-SHELF",
            name="Shelf",
            kind=Location.Kind.STORE_SHELF,
            store=store,
            sellable=True,
            channels=[c.value for c in Channel],
        )
        RoleGrant.objects.create(user=cashier, role="cashier", store=store)
        for sku in skus:
            stock_receive(actor=None, location=floor, sku=sku, quantity=STOCK, unit_cost=PRICE / 2)
    programme = Programme.objects.create(code="DRILL", name="Drill club")
    Tier.objects.create(
        programme=programme,
        code="basic",
        name="Basic",
        rank=0,
        upgrade_threshold=0,
        retention_threshold=0,
    )
    for m in range(MEMBERS):
        member = member_create(phone=f"1380000{m:04d}", name=f"Drill {m}", programme=programme)
        points_earn(
            member_id=member.pk,
            points=MEMBER_POINTS,
            key=f"drill-seed-{m}",
            source=Source("activity", "drill"),
            expires_on=clock.now().date() + dt.timedelta(days=730),
        )
    return {"stores": STORES, "skus": SKUS, "members": MEMBERS}


def _chain():
    from storeos.accounts.models import User
    from storeos.catalog.models import Sku
    from storeos.loyalty.models import Member
    from storeos.stores.models import Store

    return (
        User.objects.get(username="drill-cashier"),
        list(Store.objects.filter(code__startswith="F").order_by("code")),
        list(Sku.objects.filter(code__startswith="DRILL").order_by("code")),
        list(Member.objects.order_by("pk").values_list("pk", flat=True)),
    )


def sale(n: int, chain) -> dict:
    """Sale number n, the same every time it is asked for (so a retry sends the same payload)."""
    from storeos.sales.checkout import CartLine, Tender

    cashier, stores, skus, members = chain
    quantity = 1 + n % 3
    return {
        "actor": cashier,
        "order_id": order_uuid(n),
        "store": stores[n % len(stores)],
        "lines": [CartLine(skus[n % len(skus)], quantity)],
        "payments": [
            Tender("points", POINTS_PART * quantity),
            Tender("cash", (PRICE - POINTS_PART) * quantity),
        ],
        "member_id": members[n % len(members)],
    }


def till(first: int, last: int) -> None:
    """Ring up sales first..last-1, one after another, printing `start n` / `done n`."""
    from django.db import close_old_connections

    from storeos.sales.checkout import checkout

    chain = _chain()
    print("ready", flush=True)
    for n in range(first, last):
        print(f"start {n}", flush=True)
        try:
            checkout(**sale(n, chain))
        except Exception as exc:  # a till reports and rings up the next sale
            close_old_connections()
            print(f"error {n} {type(exc).__name__}", flush=True)
        else:
            print(f"done {n}", flush=True)


def retry(numbers: list[int]) -> dict:
    """The tills' retries: every sale sent again with its order id. Which orders it returns."""
    from storeos.sales.checkout import checkout

    chain = _chain()
    orders = {}
    for n in numbers:
        orders[n] = str(checkout(**sale(n, chain)).uuid)
    return {"orders": orders}


def api_access() -> dict:
    """A bearer token for the drill's cashier and the ids an API client needs."""
    from storeos.accounts.services import api_token_issue

    cashier, stores, skus, members = _chain()
    _, token = api_token_issue(actor=None, user=cashier, name="fault drill")
    return {
        "token": token,
        "stores": [s.pk for s in stores],
        "skus": [s.pk for s in skus],
        "members": members,
    }


def api_sale(n: int, access: dict) -> dict:
    """Sale number n as the body of POST /api/v1/sales/orders: the same sale as `sale(n)`."""
    quantity = 1 + n % 3
    return {
        "order_id": str(order_uuid(n)),
        "store_id": access["stores"][n % len(access["stores"])],
        "lines": [{"sku_id": access["skus"][n % len(access["skus"])], "quantity": quantity}],
        "payments": [
            {"method": "points", "amount": str(POINTS_PART * quantity)},
            {"method": "cash", "amount": str((PRICE - POINTS_PART) * quantity)},
        ],
        "member_id": access["members"][n % len(access["members"])],
    }


def order_problems(n: int) -> list[str]:
    """What is wrong with sale n: half of it written, or written twice."""
    from django.db.models import Sum

    from storeos.core.models import OutboxEvent
    from storeos.inventory.models import StockMove
    from storeos.loyalty.models import PointsEntry
    from storeos.sales.models import Order

    oid = order_uuid(n)
    order = Order.objects.filter(uuid=oid).prefetch_related("lines", "payments").first()
    moves = StockMove.objects.filter(reference_type="order", reference_id__startswith=f"{oid}/")
    points = PointsEntry.objects.filter(idempotency_key__startswith=f"order:{oid}:")
    events = OutboxEvent.objects.filter(topic="order.paid", payload__order_id=str(oid))
    if order is None:
        leftovers = {"stock moves": moves.count(), "points entries": points.count()}
        leftovers["order.paid events"] = events.count()
        return [f"sale {n}: no order but {k}: {v}" for k, v in leftovers.items() if v]
    problems = []
    lines, payments = list(order.lines.all()), list(order.payments.all())
    sold = sum(ln.quantity for ln in lines)
    if not lines or sum(ln.line_total for ln in lines) != order.total:
        problems.append(f"sale {n}: lines do not add up to the total {order.total}")
    if sum(p.amount for p in payments) != order.total:
        problems.append(f"sale {n}: payments do not add up to the total {order.total}")
    if -(moves.aggregate(q=Sum("quantity"))["q"] or 0) != sold:
        problems.append(f"sale {n}: stock moves do not match the {sold} units sold")
    redeemed = points.filter(idempotency_key=f"order:{oid}:points")
    if [e.points for e in redeemed] != [-int(POINTS_PART * sold * 100)]:
        problems.append(f"sale {n}: points paid {[e.points for e in redeemed]}")
    if points.filter(idempotency_key=f"order:{oid}:earn").count() > 1:
        problems.append(f"sale {n}: points earned twice")
    if events.count() != 1:
        problems.append(f"sale {n}: {events.count()} order.paid events")
    return problems


def reconciliation_problems() -> list[str]:
    """The chain-wide books: `storeos audit reconcile` where it exists, else its core checks."""
    try:
        from storeos.core.reconcile import reconcile
    except ImportError:
        reconcile = None
    if reconcile is not None:
        report = reconcile()
        return [] if report.ok else [f"reconcile: {m}" for m in report.mismatches]

    from django.db.models import Sum

    from storeos.inventory.selectors import levels_mismatching_moves
    from storeos.loyalty.models import Member, PointsEntry
    from storeos.loyalty.verify import ledger_verify
    from storeos.sales.models import Order

    problems = [f"stock level off its moves: {m}" for m in levels_mismatching_moves()]
    for member in Member.objects.all():
        ledger = PointsEntry.objects.filter(member=member).aggregate(s=Sum("points"))["s"] or 0
        if ledger != member.points_balance:
            problems.append(f"member {member.pk}: balance {member.points_balance}, ledger {ledger}")
    report = ledger_verify()
    problems += [f"ledger: {b}" for b in report.breaks]
    for order in Order.objects.annotate(
        lines_sum=Sum("lines__line_total", distinct=False)
    ).prefetch_related("payments"):
        paid = sum((p.amount for p in order.payments.all()), Decimal(0))
        if order.lines_sum != order.total or paid != order.total:
            problems.append(f"order {order.number}: total {order.total}, paid {paid}")
    return problems


def check(numbers: list[int]) -> dict:
    from storeos.sales.models import Order

    problems = [p for n in numbers for p in order_problems(n)] + reconciliation_problems()
    present = list(
        Order.objects.filter(uuid__in=[order_uuid(n) for n in numbers]).values_list(
            "uuid", flat=True
        )
    )
    return {"orders": len(present), "all_orders": Order.objects.count(), "problems": problems}


def main(argv: list[str]) -> None:
    _setup()
    command, args = argv[0], argv[1:]
    if command == "till":
        till(int(args[0]), int(args[1]))
        return
    numbers = json.loads(args[0]) if args else []
    result = {
        "seed": seed,
        "access": api_access,
        "retry": lambda: retry(numbers),
        "check": lambda: check(numbers),
    }
    print(json.dumps(result[command](), default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
