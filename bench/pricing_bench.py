"""Pricing benchmark: the promotions engine pricing 5-line and 50-line carts with 500 approved
promotions of mixed kinds and scopes, in-process.

Run by hand (SQLite in a throwaway data directory unless --postgres):

    .venv/bin/python bench/pricing_bench.py --promotions 500 --rounds 300

Figures printed per cart size: median and p95 CPU time per `price_cart` call (process time,
which a busy shared machine disturbs less than wall time), the wall median, and queries per call.
Targets (issue 6): 5 lines ≤ 2 ms median, 50 lines ≤ 10 ms median.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from decimal import Decimal

DATA_DIR = "/tmp/storeos-pricing-bench"


def setup(postgres: bool) -> None:
    if postgres:
        from common import database_recreate, django_setup

        database_recreate()
        django_setup(os.environ.get("REDIS_URL", ""))
    else:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        os.environ.pop("DATABASE_URL", None)
        os.environ["STOREOS_DATA_DIR"] = DATA_DIR
        os.environ["DJANGO_SETTINGS_MODULE"] = "storeos.settings"
        import django

        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(*, sku_count: int, promotions: int, rng: random.Random):
    from storeos.catalog.models import Category, Product, Series, Sku
    from storeos.stores.models import Region, Store

    store = Store.objects.create(code="B1", name="Bench", region=Region.objects.create(code="B"))
    roots = []
    categories = []
    for i in range(4):
        root = Category.objects.create(code=f"R{i}", name=f"Root {i}")
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        roots.append(root)
        for j in range(5):
            child = Category.objects.create(code=f"C{i}{j}", name=f"Cat {i}{j}", parent=root)
            child.path = f"{root.path}{child.pk}/"
            child.save(update_fields=["path"])
            categories.append(child)
    series = [Series.objects.create(code=f"S{i}", name=f"Series {i}") for i in range(10)]
    products = Product.objects.bulk_create(
        Product(
            code=f"P{i:05d}",
            name=f"Product {i}",
            category=categories[i % len(categories)],
            series=series[i % len(series)] if i % 3 else None,
        )
        for i in range(sku_count)
    )
    Sku.objects.bulk_create(
        Sku(
            product=p,
            code=f"K{i:05d}",
            name=f"SKU {i}",
            list_price=Decimal("5.00") + Decimal(i % 300) + Decimal("0.90"),
            cost=Decimal("3.00"),
        )
        for i, p in enumerate(products)
    )
    skus = list(Sku.objects.select_related("product__category").order_by("pk"))
    _promotions_seed(promotions, rng, [s.pk for s in skus], categories + roots, series)
    return store, skus


def _promotions_seed(count: int, rng: random.Random, sku_ids, categories, series) -> None:
    """`count` approved promotions: mixed kinds; scopes 5 % everything, 45 % a few SKUs, 30 % a
    category (a root covers its sub-tree), 20 % a series; some stackable, grouped, exclusive,
    limited by channel, weekday, minimum or budget."""
    import datetime as dt

    from storeos.core import clock
    from storeos.promotions.models import Promotion, PromotionKind, PromotionStatus

    kinds = [
        (PromotionKind.PERCENT_OFF, 25),
        (PromotionKind.AMOUNT_OFF, 14),
        (PromotionKind.FIXED_PRICE, 10),
        (PromotionKind.TIER_PRICE, 5),
        (PromotionKind.SPEND_SAVE, 10),
        (PromotionKind.BUY_X_GET_Y, 8),
        (PromotionKind.NTH_ITEM, 8),
        (PromotionKind.BUNDLE, 8),
        (PromotionKind.GIFT, 4),
        (PromotionKind.POINTS_MULTIPLIER, 4),
    ]
    now = clock.now()
    rows = []
    for n in range(count):
        kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        roll = rng.random()
        if roll < 0.05:
            scope = {}
        elif roll < 0.50:
            scope = {"skus": rng.sample(sku_ids, rng.randint(1, 8))}
        elif roll < 0.80:
            scope = {"categories": [rng.choice(categories).pk]}
        else:
            scope = {"series": [rng.choice(series).pk]}
        rule = _rule(kind, rng, sku_ids)
        rows.append(
            Promotion(
                code=f"B{n:04d}",
                name=f"Bench {n}",
                kind=kind,
                rule=rule,
                scope=scope,
                channels=["pos", "online_mall"] if rng.random() < 0.3 else [],
                starts_at=now - dt.timedelta(days=1),
                ends_at=now + dt.timedelta(days=30),
                weekdays=list(range(7)) if rng.random() < 0.2 else [],
                min_amount=Decimal(rng.choice([0, 0, 0, 50, 200])),
                budget=Decimal("100000") if rng.random() < 0.03 else Decimal("0"),
                priority=rng.randint(0, 5),
                stacking_group=rng.choice(["", "", "", "a", "b"]),
                stackable=rng.random() < 0.2,
                exclusive=rng.random() < 0.01,
                status=PromotionStatus.ACTIVE,
                created_at=now,
                updated_at=now,
            )
        )
    Promotion.objects.bulk_create(rows)


def _rule(kind, rng: random.Random, sku_ids):
    from storeos.promotions.models import PromotionKind as K

    if kind == K.PERCENT_OFF:
        return {"percent": str(rng.choice([5, 10, 15, 20, 30]))}
    if kind == K.AMOUNT_OFF:
        return {"amount": f"{rng.randint(1, 10)}.00"}
    if kind == K.FIXED_PRICE:
        return {"price": f"{rng.randint(5, 200)}.90"}
    if kind == K.TIER_PRICE:
        return {"percents": {"gold": "10", "silver": "5"}}
    if kind == K.SPEND_SAVE:
        if rng.random() < 0.5:
            return {"every": "300", "off": "30"}
        return {"tiers": [["200", "20"], ["500", "60"], ["1000", "150"]]}
    if kind == K.BUY_X_GET_Y:
        get_sku = rng.choice(sku_ids) if rng.random() < 0.3 else None
        return {"buy": 2, "get": 1, "get_sku": get_sku, "percent": "100"}
    if kind == K.NTH_ITEM:
        return {"nth": 2, "percent": "50"}
    if kind == K.BUNDLE:
        return {"skus": rng.sample(sku_ids, 2), "price": "99.00"}
    if kind == K.GIFT:
        return {"sku": rng.choice(sku_ids), "quantity": 1, "min_amount": "99999.00"}
    return {"multiplier": "2"}


def measure(store, skus, *, lines: int, rounds: int, rng: random.Random) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from storeos.sales.pricing import CartItem, price_cart

    carts = [
        [CartItem(sku=s, quantity=rng.randint(1, 3)) for s in rng.sample(skus, lines)]
        for _ in range(rounds)
    ]
    price_cart(store=store, channel="pos", items=carts[0])  # warm the catalogue
    cpu, wall, discounts = [], [], 0
    for cart in carts:
        c0, w0 = time.process_time(), time.perf_counter()
        priced = price_cart(store=store, channel="pos", items=cart)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        discounts += priced.discount_total > 0
    with CaptureQueriesContext(connection) as queries:
        price_cart(store=store, channel="pos", items=carts[0])
    cpu.sort()
    return {
        "cpu_median_ms": statistics.median(cpu) * 1000,
        "cpu_p95_ms": cpu[int(len(cpu) * 0.95) - 1] * 1000,
        "wall_median_ms": statistics.median(wall) * 1000,
        "queries": len(queries),
        "discounted_carts": f"{discounts}/{len(carts)}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promotions", type=int, default=500)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(__file__))
    setup(args.postgres)
    rng = random.Random(args.seed)
    store, skus = seed(sku_count=args.skus, promotions=args.promotions, rng=rng)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    targets = {5: 2.0, 50: 10.0}
    ok = True
    for lines, target in targets.items():
        result = measure(store, skus, lines=lines, rounds=args.rounds, rng=rng)
        passed = result["cpu_median_ms"] <= target
        ok &= passed
        print(
            f"{lines:>2} lines: CPU median {result['cpu_median_ms']:.2f} ms"
            f" (target ≤ {target} ms, {'ok' if passed else 'MISSED'}),"
            f" p95 {result['cpu_p95_ms']:.2f} ms, wall median {result['wall_median_ms']:.2f} ms,"
            f" {result['queries']} queries, discounted {result['discounted_carts']}"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
