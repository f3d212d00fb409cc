"""Inventory benchmark: stock issues per second with concurrent workers, and bulk availability.

Run by hand against PostgreSQL (it creates and drops its own database) with jobs on Redis:

    .venv/bin/python bench/inventory_bench.py --workers 8 --seconds 10

Figures printed:
  * single-line issues/s across distinct SKUs (each worker sells from its own SKUs),
  * single-line issues/s on one hot SKU, then a sell-out race on it: sold must equal its stock,
  * availability of 1,000 SKUs on one channel: median and p95 milliseconds.
"""

import argparse
import multiprocessing as mp
import statistics
import sys
import time

from common import chain_seed, database_recreate, django_setup, percentile


def _worker(args, worker: int, hot: bool, deadline: float, results) -> None:
    django_setup(args.redis)
    from django.db import connection

    from storeos.catalog.models import Sku
    from storeos.inventory.errors import InsufficientStock
    from storeos.inventory.stock import stock_issue
    from storeos.stores.models import Location

    shelf = Location.objects.select_related("store").get(code="B1-SHELF")
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
            if hot and refused > 50:
                break  # sold out: the race is over
        i += 1
    connection.close()
    results.put((sold, refused))


def _run(args, hot: bool) -> tuple[int, int]:
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    deadline = time.monotonic() + 4 + args.seconds  # the workers start and connect first
    procs = [
        ctx.Process(target=_worker, args=(args, n, hot, deadline, results))
        for n in range(args.workers)
    ]
    for proc in procs:
        proc.start()
    totals = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    return sum(s for s, _ in totals), sum(r for _, r in totals)


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
    parser.add_argument("--hot-units", type=int, default=1000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()

    database_recreate()
    django_setup(args.redis)
    chain_seed(sku_count=args.skus, units_per_sku=1_000_000)

    # Measured in wall time over the window, counting only work done inside it.
    sold, _ = _run(args, hot=False)
    print(f"distinct SKUs: {sold / args.seconds:.0f} issues/s ({args.workers} workers)")

    from storeos.inventory.models import StockLevel, StockMove
    from storeos.inventory.selectors import levels_mismatching_moves

    sold, _ = _run(args, hot=True)
    print(f"one hot SKU: {sold / args.seconds:.0f} issues/s ({args.workers} workers)")

    # The sell-out race: leave exactly --hot-units on the hot SKU and let every worker grab.
    hot = StockLevel.objects.get(sku__code="S00000")
    StockMove.objects.create(
        at=StockMove.objects.latest("id").at,
        kind="adjust",
        location=hot.location,
        sku=hot.sku,
        quantity=args.hot_units - hot.on_hand,
        unit_cost=5,
        reference_type="bench",
    )
    StockLevel.objects.filter(pk=hot.pk).update(on_hand=args.hot_units)
    sold, _ = _run(args, hot=True)
    hot.refresh_from_db()
    oversold = max(sold - args.hot_units, 0)
    print(
        f"sell-out race: {sold} sold of {args.hot_units}, oversold {oversold}, "
        f"on hand {hot.on_hand}, ledger mismatches {len(levels_mismatching_moves())}"
    )

    timings = _availability(50)
    print(
        f"availability of 1,000 SKUs: median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
