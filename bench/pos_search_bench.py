"""POS search benchmark: what a cashier waits for while typing, over 20,000 SKUs.

Run by hand against PostgreSQL (it creates and drops its own database):

    .venv/bin/python bench/pos_search_bench.py --skus 20000 --rounds 200

Prints median and p95 milliseconds of `pos_sku_search` (the items and their till prices, as the
/pos/search endpoint answers them) for a name fragment, a code prefix and an exact barcode, and
of `pos_sku_by_code` (a scan). The target is ≤ 30 ms.
"""

import argparse
import os
import statistics
import subprocess
import time
from decimal import Decimal

BENCH_DB = "storeos_bench_pos"


def _setup_env() -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
    os.environ.setdefault("STOREOS_DATA_DIR", "/tmp/storeos-bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "storeos.settings"
    import django

    django.setup()


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True
    )


def _seed(sku_count: int):
    from django.core.management import call_command

    from storeos.accounts.models import RoleGrant, User
    from storeos.catalog.models import Barcode, Category, PriceList, PriceListItem, Product, Sku
    from storeos.stores.models import Region, Store

    call_command("migrate", verbosity=0)
    store = Store.objects.create(
        code="B1", name="Bench store", region=Region.objects.create(code="B", name="Bench")
    )
    category = Category.objects.create(code="C", name="Bench", path="/1/")
    products = Product.objects.bulk_create(
        Product(code=f"P{n:03}", name=f"Product {n}", category=category) for n in range(200)
    )
    words = ["brick", "train", "castle", "moutai", "wine", "tea", "figure", "rocket"]
    skus = Sku.objects.bulk_create(
        (
            Sku(
                product=products[n % 200],
                code=f"SKU-{n:06}",
                name=f"{words[n % len(words)].title()} set {n}",
                list_price=Decimal("10.00") + n % 90,
            )
            for n in range(sku_count)
        ),
        batch_size=5000,
    )
    Barcode.objects.bulk_create(
        (Barcode(sku=sku, code=f"690{n:010}") for n, sku in enumerate(skus)), batch_size=5000
    )
    chain = PriceList.objects.create(code="CHAIN", name="Chain")
    local = PriceList.objects.create(code="LOCAL", name="Store", store=store)
    PriceListItem.objects.bulk_create(
        [PriceListItem(price_list=chain, sku=sku, price=Decimal("9.90")) for sku in skus[::3]]
        + [PriceListItem(price_list=local, sku=sku, price=Decimal("8.80")) for sku in skus[::7]],
        batch_size=5000,
    )
    call_command("dbshell", "--", "-qc", "ANALYZE")
    cashier = User.objects.create_user(username="bench-cashier")
    RoleGrant.objects.create(user=cashier, role="cashier", store=store)
    return store, cashier


def _timed(fn, rounds: int) -> tuple[float, float]:
    fn()  # warm the connection and the grant cache
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    _psql(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _psql(f"CREATE DATABASE {BENCH_DB}")
    try:
        _setup_env()
        from storeos.sales.pos_search import pos_sku_by_code, pos_sku_search

        store, cashier = _seed(args.skus)
        cases = {
            "name fragment 'castle set 1'": lambda: pos_sku_search(
                user=cashier, store=store, q="castle set 1"
            ),
            "code prefix 'SKU-0123'": lambda: pos_sku_search(
                user=cashier, store=store, q="SKU-0123"
            ),
            "exact barcode": lambda: pos_sku_search(user=cashier, store=store, q="6900000012345"),
            "scan (lookup by barcode)": lambda: pos_sku_by_code(
                user=cashier, store=store, code="6900000012345"
            ),
        }
        print(f"POS search over {args.skus} SKUs, {args.rounds} rounds each (PostgreSQL)")
        for label, fn in cases.items():
            median, p95 = _timed(fn, args.rounds)
            print(f"  {label:32} median {median:6.2f} ms   p95 {p95:6.2f} ms")
    finally:
        from django.db import connections

        connections.close_all()
        _psql(f"DROP DATABASE IF EXISTS {BENCH_DB}")


if __name__ == "__main__":
    main()
