"""Inventory benchmark: stock issues per second with concurrent workers, and bulk availability.

Run by hand against PostgreSQL (it creates and drops its own database) with jobs on Redis:

    .venv/bin/python bench/inventory_bench.py --workers 8 --seconds 10

Figures printed:
  * single-line issues/s across distinct SKUs (each worker sells from its own SKUs),
  * single-line issues/s on one hot SKU with limited stock, and whether it oversold,
  * availability of 1,000 SKUs on one channel: median and p95 milliseconds.
"""

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal

BENCH_DB = "storeos_bench"


def _setup_env(args) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
    os.environ["REDIS_URL"] = args.redis
    os.environ.setdefault("STOREOS_DATA_DIR", "/tmp/storeos-bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "storeos.settings"
    import django

    django.setup()


def _recreate_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
            check=True,
        )


def _seed(sku_count: int, hot_units: int) -> None:
    from django.core.management import call_command

    from storeos.catalog.models import Category, Product, Sku
    from storeos.core.channels import Channel
    from storeos.inventory.stock import stock_receive
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
    category = Category.objects.create(code="C", name="Bench", path="/1/")
    product = Product.objects.create(code="P", name="Bench", category=category)
    Sku.objects.bulk_create(
        Sku(product=product, code=f"S{i:05d}", name=f"SKU {i}", list_price=Decimal("10"))
        for i in range(sku_count + 1)
    )
    for sku in Sku.objects.order_by("pk"):
        units = hot_units if sku.code == "S00000" else 1_000_000
        stock_receive(actor=None, location=shelf, sku=sku, quantity=units, unit_cost=Decimal("5"))


def _worker(args, worker: int, hot: bool, deadline: float, results) -> None:
    _setup_env(args)
    from django.db import connection

    from storeos.catalog.models import Sku
    from storeos.inventory.errors import InsufficientStock
    from storeos.inventory.stock import stock_issue
    from storeos.stores.models import Location

    shelf = Location.objects.get(code="B1-SHELF")
    if hot:
        skus = [Sku.objects.get(code="S00000")]
    else:
        skus = list(Sku.objects.exclude(code="S00000").order_by("pk")[worker :: args.workers])
    sold = refused = 0
    i = 0
    while time.monotonic() < deadline:
        try:
            stock_issue(actor=None, location=shelf, sku=skus[i % len(skus)], quantity=1)
            sold += 1
        except InsufficientStock:
            refused += 1
        i += 1
    connection.close()
    results.put((sold, refused))


def _run(args, hot: bool) -> tuple[int, int, float]:
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    start = time.monotonic() + 3  # let the workers start and connect first
    deadline = start + args.seconds
    procs = [
        ctx.Process(target=_worker, args=(args, n, hot, deadline, results))
        for n in range(args.workers)
    ]
    for proc in procs:
        proc.start()
    totals = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    return sum(s for s, _ in totals), sum(r for _, r in totals), args.seconds


def _availability(sample: int) -> list[float]:
    from storeos.catalog.models import Sku
    from storeos.inventory.availability import availability_for

    ids = list(Sku.objects.order_by("pk").values_list("pk", flat=True)[:1000])
    timings = []
    for _ in range(sample):
        began = time.perf_counter()
        availability_for(channel="online_mall", sku_ids=ids)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--hot-units", type=int, default=100_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()

    _recreate_database()
    _setup_env(args)
    print(f"Seeding {args.skus} SKUs…", flush=True)
    _seed(args.skus, args.hot_units)

    sold, refused, seconds = _run(args, hot=False)
    print(f"distinct SKUs: {sold / seconds:.0f} issues/s ({args.workers} workers, {sold} sold)")

    sold, refused, seconds = _run(args, hot=True)
    from storeos.inventory.models import StockLevel
    from storeos.inventory.selectors import levels_mismatching_moves

    hot = StockLevel.objects.get(sku__code="S00000")
    oversold = sold - args.hot_units if sold > args.hot_units else 0
    print(
        f"one hot SKU: {sold / seconds:.0f} issues/s, {refused} refused, on hand {hot.on_hand}, "
        f"oversold {oversold}, ledger mismatches {len(levels_mismatching_moves())}"
    )

    timings = _availability(50)
    print(
        f"availability of 1,000 SKUs: median {statistics.median(timings):.1f} ms, "
        f"p95 {statistics.quantiles(timings, n=20)[-1]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
