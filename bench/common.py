"""Shared set-up for the benchmarks: a throwaway PostgreSQL database and a stocked store."""

import os
import subprocess
import time
from decimal import Decimal

# Each benchmark may be pointed at its own database so two can run side by side.
BENCH_DB = os.environ.get("STOREOS_BENCH_DB", "storeos_bench")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"


def django_setup(redis_url: str | None) -> None:
    """Django on the bench database; jobs on Redis at `redis_url`, else on SQLite."""
    os.environ["DATABASE_URL"] = PG_URL
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("STOREOS_DATA_DIR", "/tmp/storeos-bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "storeos.settings"
    import django

    django.setup()


def database_drop() -> None:
    _psql(f"DROP DATABASE IF EXISTS {BENCH_DB}")


def database_recreate() -> None:
    database_drop()
    _psql(f"CREATE DATABASE {BENCH_DB}")


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True
    )


def bench_store():
    """Migrate, then one store with a shop floor serving every channel: (store, shelf)."""
    from django.core.management import call_command

    from storeos.core.channels import Channel
    from storeos.stores.models import Location, Region, Store

    call_command("migrate", verbosity=0)
    region = Region.objects.create(code="B", name="Bench")
    store = Store.objects.create(code="B1", name="Bench store", region=region)
    shelf = Location.objects.create(
        code="B1-SHELF",
        name="Shelf",
        kind=Location.Kind.STORE_SHELF,
        store=store,
        sellable=True,
        channels=list(Channel.values),
    )
    return store, shelf


def chain_seed(*, sku_count: int, units_per_sku: int, hot_units: int | None = None) -> None:
    """One store with a shop floor serving every channel, `sku_count` SKUs with a barcode each
    (S00000 is the "hot" SKU), all stocked, and a cashier `bench` in that store."""
    from storeos.accounts.models import RoleGrant, User
    from storeos.catalog.models import Barcode, Category, Product, Sku
    from storeos.inventory.models import SkuCost, StockLevel, StockMove

    store, shelf = bench_store()
    category = Category.objects.create(code="C", name="Bench", path="/1/")
    product = Product.objects.create(code="P", name="Bench", category=category)
    Sku.objects.bulk_create(
        Sku(
            product=product,
            code=f"S{i:05d}",
            name=f"Bench SKU {i}",
            list_price=Decimal("10.00") + i % 90,
            cost=Decimal("5.00"),
        )
        for i in range(sku_count + 1)
    )
    skus = list(Sku.objects.order_by("pk"))
    Barcode.objects.bulk_create(Barcode(sku=s, code=f"69{s.pk:011d}") for s in skus)
    # Opening stock straight into the ledger and levels (the receipt service is measured
    # elsewhere; seeding 20,000 receipts one by one would dominate the run).
    now = time.time()
    from storeos.core import clock

    at = clock.now()
    levels, moves = [], []
    for sku in skus:
        units = hot_units if (hot_units is not None and sku.code == "S00000") else units_per_sku
        levels.append(StockLevel(location=shelf, sku=sku, on_hand=units))
        moves.append(
            StockMove(
                at=at,
                kind="receive",
                location=shelf,
                sku=sku,
                quantity=units,
                unit_cost=Decimal("5"),
                reference_type="bench",
            )
        )
    StockLevel.objects.bulk_create(levels)
    StockMove.objects.bulk_create(moves)
    SkuCost.objects.bulk_create(SkuCost(sku=s, average_cost=Decimal("5")) for s in skus)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have done on a live database
    user = User.objects.create_user(username="bench", password="bench-password-2026")
    RoleGrant.objects.create(user=user, role="cashier", store=store)
    print(f"seeded {len(skus)} SKUs in {time.time() - now:.1f} s", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
