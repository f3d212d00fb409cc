"""A day of a 20-store chain under load: locust (headless) against `storeos serve` on PostgreSQL.

Run by hand (it creates and drops its own database; needs `pip install locust`):

    .venv/bin/python bench/load_test.py --users 24 --minutes 2

Seeds 20 stores (300 stocked SKUs each), 2,000 members with points and a coupon each, two running
promotions and API tokens for each store's cashier and manager, starts `storeos serve` and
`storeos worker`, and plays bench/locustfile.py: cashiers checking out (members, member prices,
promotions, coupons, points as payment), online orders reserving and paying, members redeeming
points in the app, managers reading the dashboard and the day's orders. Prints throughput,
p50/p95/p99 and errors per operation, then runs `storeos audit reconcile`, which must pass.
"""

import argparse
import csv
import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

from common import database_recreate, django_setup

STORES = 20
SKUS = 300
MEMBERS = 2_000
FIXTURE = Path("/tmp/storeos-load/fixture.json")


def _seed() -> dict:
    from django.core.management import call_command
    from django.db import connection

    from storeos.accounts.models import RoleGrant, User
    from storeos.accounts.services import api_token_issue
    from storeos.catalog.models import Category, Product, Sku
    from storeos.core import clock
    from storeos.core.channels import Channel
    from storeos.inventory.models import SkuCost, StockLevel, StockMove
    from storeos.loyalty import ledger, members
    from storeos.loyalty.models import MemberSession, Programme, Reward, Tier
    from storeos.promotions.coupons import coupon_issue
    from storeos.promotions.models import CouponKind, CouponTemplate, Promotion
    from storeos.stores.models import Location, Region, Store

    call_command("migrate", verbosity=0)
    now = clock.now()
    region = Region.objects.create(code="EAST", name="East")
    stores = [
        Store.objects.create(code=f"S{n:02d}", name=f"Store {n}", region=region)
        for n in range(1, STORES + 1)
    ]
    shelves = [
        Location.objects.create(
            code=f"{s.code}-SHELF",
            name="Shelf",
            kind=Location.Kind.STORE_SHELF,
            store=s,
            sellable=True,
            channels=list(Channel.values),
        )
        for s in stores
    ]
    category = Category.objects.create(code="TOYS", name="Toys", path="/1/")
    product = Product.objects.create(code="P", name="Sets", category=category)
    Sku.objects.bulk_create(
        Sku(
            product=product,
            code=f"K{i:04d}",
            name=f"Set {i}",
            list_price=Decimal("19.90") + i % 200,
            cost=Decimal("8"),
        )
        for i in range(SKUS)
    )
    skus = list(Sku.objects.order_by("pk"))
    SkuCost.objects.bulk_create(SkuCost(sku=s, average_cost=Decimal("8")) for s in skus)
    StockLevel.objects.bulk_create(
        StockLevel(location=shelf, sku=sku, on_hand=100_000) for shelf in shelves for sku in skus
    )
    StockMove.objects.bulk_create(
        StockMove(
            at=now,
            kind="receive",
            location=shelf,
            sku=sku,
            quantity=100_000,
            unit_cost=Decimal("8"),
            reference_type="load",
        )
        for shelf in shelves
        for sku in skus
    )

    programme = Programme.objects.create(code="VIP", name="VIP", points_per_yuan_redeemed=100)
    for rank, (code, threshold, keep, discount) in enumerate(
        [("silver", 0, 0, "0"), ("gold", 2000, 1000, "0.05"), ("black", 8000, 5000, "0.1")]
    ):
        Tier.objects.create(
            programme=programme,
            code=code,
            name=code.title(),
            rank=rank,
            upgrade_threshold=threshold,
            retention_threshold=keep,
            discount_rate=Decimal(discount),
        )
    Reward.objects.create(code="MUG", name="Mug", kind="goods", points_cost=500, stock=1_000_000)
    template = CouponTemplate.objects.create(
        code="TEN",
        name="¥10 off ¥50",
        kind=CouponKind.AMOUNT_OFF,
        value=Decimal("10"),
        min_spend=Decimal("50"),
        valid_days=30,
        created_at=now,
    )
    for code, kind, rule, scope in [
        ("TENPCT", "percent_off", {"percent": "10"}, {"skus": [s.pk for s in skus[:50]]}),
        ("300-30", "spend_save", {"every": "300", "off": "30"}, {}),
    ]:
        Promotion.objects.create(
            code=code,
            name=code,
            kind=kind,
            rule=rule,
            scope=scope,
            starts_at=now - dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=30),
            status="active",
            created_at=now,
            updated_at=now,
        )

    fixture = {"stores": [], "skus": [s.pk for s in skus], "members": []}
    expires = (now + dt.timedelta(days=365)).date()
    for n in range(MEMBERS):
        member = members.member_create(
            phone=f"139{n:08d}", name=f"会员{n}", home_store=stores[n % STORES]
        )
        ledger.points_earn(
            member_id=member.pk,
            points=50_000,
            key=f"load:{member.pk}",
            source=ledger.Source("migration", str(member.pk)),
            expires_on=expires,
        )
        coupon = coupon_issue(template=template, member_id=member.pk, source="claim")
        token = secrets.token_urlsafe(24) if n < 400 else ""
        if token:
            from storeos.loyalty.registration import _token_hash

            MemberSession.objects.create(
                member=member,
                token_hash=_token_hash(token),
                created_at=now,
                expires_at=now + dt.timedelta(days=1),
            )
        fixture["members"].append(
            {"id": member.pk, "store": n % STORES, "coupon": coupon.code, "token": token}
        )
    for store in stores:
        entry = {"id": store.pk, "code": store.code}
        for role in ("cashier", "store_manager"):
            user = User.objects.create_user(
                username=f"{role}-{store.code}", password="load-test-password-2026"
            )
            RoleGrant.objects.create(user=user, role=role, store=store)
            entry[role] = api_token_issue(actor=None, user=user, name="load")[1]
        fixture["stores"].append(entry)
    online = User.objects.create_user(username="online-shop", password="load-test-password-2026")
    RoleGrant.objects.create(user=online, role="cashier", store=None)
    fixture["online_token"] = api_token_issue(actor=None, user=online, name="load")[1]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return fixture


def _start(*command: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "storeos.cli", *command],
        env=os.environ.copy(),
        start_new_session=True,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _report(prefix: Path, seconds: float) -> None:
    rows = list(csv.DictReader(prefix.with_name(prefix.name + "_stats.csv").open()))
    heading = ("requests", "/s", "p50", "p95", "p99", "fail")
    print(f"{'operation':44} " + " ".join(f"{h:>8}" for h in heading))
    for row in rows:
        name = f"{row['Type']} {row['Name']}".strip()  # GET and POST of one page apart
        print(
            f"{name[:44]:44} {row['Request Count']:>8} "
            f"{float(row['Request Count']) / seconds:>7.1f} {row['50%']:>6} {row['95%']:>6} "
            f"{row['99%']:>6} {row['Failure Count']:>5}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=4)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()

    database_recreate()
    django_setup(args.redis)
    began = time.monotonic()
    fixture = _seed()
    print(f"seeded {STORES} stores, {MEMBERS:,} members in {time.monotonic() - began:.0f} s")
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(fixture))
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    logs = FIXTURE.parent
    servers = [
        _start("worker", "--workers", "2", log=logs / "worker.log"),
        _start(
            "serve",
            "--port",
            str(args.port),
            "--workers",
            str(args.server_workers),
            "--threads",
            str(args.server_threads),
            log=logs / "serve.log",
        ),
    ]
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/login/")
                break
            except OSError:
                time.sleep(0.5)
        seconds = args.minutes * 60
        prefix = logs / "locust"
        subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{int(seconds)}s",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            env={**os.environ, "STOREOS_LOAD_FIXTURE": str(FIXTURE)},
            check=False,
        )
        _report(prefix, seconds)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    time.sleep(2)
    audit = subprocess.run(
        [sys.executable, "-m", "storeos.cli", "audit", "reconcile"],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
    )
    print(audit.stdout.strip().splitlines()[-1] if audit.stdout.strip() else audit.stderr)
    return audit.returncode


if __name__ == "__main__":
    sys.exit(main())
