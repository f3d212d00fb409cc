"""RFM benchmark: the nightly recompute over a large member base on PostgreSQL.

Run by hand (it creates and drops its own database, storeos_bench_rfm):

    .venv/bin/python bench/rfm_bench.py --members 100000 --orders 500000

Seeding writes members with one bulk insert (phones encrypted, a stand-in blind index; the
registration service is measured elsewhere) and orders with one INSERT … SELECT over
generate_series: order counts per member are skewed (some buy often, some never), dates spread
over two years, 5% of orders half refunded. Then ANALYZE, as autovacuum would on a live database.

Figures printed: seeding time, the first recompute (every score inserted) and a second one
(every score updated) in seconds, and the segment counts. Target: 100,000 members in ≤ 60 s.
"""

import argparse
import os
import sys
import time

# Its own database by default (common.BENCH_DB reads this), so it can run beside another bench.
os.environ.setdefault("STOREOS_BENCH_DB", "storeos_bench_rfm")

from common import bench_store, database_drop, database_recreate, django_setup


def _seed_chain():
    """The bench store and a one-tier programme: (store, shelf, programme, tier)."""
    from storeos.loyalty.models import Programme, Tier

    store, shelf = bench_store()
    programme = Programme.objects.create(code="BENCH", name="Bench VIP")
    tier = Tier.objects.create(
        programme=programme,
        code="bronze",
        name="Bronze",
        rank=0,
        upgrade_threshold=0,
        retention_threshold=0,
    )
    return store, shelf, programme, tier


def _seed_members(count: int, store, programme, tier) -> None:
    from storeos.core import clock
    from storeos.loyalty.models import Member

    now = clock.now()
    Member.objects.bulk_create(
        (
            Member(
                code=f"B{i:09d}",
                referral_code=f"R{i:09d}",
                programme=programme,
                phone=f"13{i:09d}",
                phone_index=f"bench-{i}",
                name="张三",
                home_store=store,
                channel="pos",
                tier=tier,
                tier_since=now,
                created_at=now,
            )
            for i in range(count)
        ),
        batch_size=5000,
    )


_ORDERS_SQL = """
INSERT INTO sales_order (uuid, number, store_id, location_id, channel, status, fulfilment,
    member_id, subtotal, discount_total, total, tax_total, cost_total, refunded_total,
    created_at, paid_at, business_date, pickup_code, carrier, tracking_no, request_hash, note,
    adjustments, coupon_codes)
SELECT md5(g::text)::uuid, 'B' || g, %(store)s, %(shelf)s, 'pos', 'completed', 'in_store',
    %(first)s + floor(%(n)s * power(random(), 2))::bigint, total, 0, total, 0, 0,
    CASE WHEN random() < 0.05 THEN round(total / 2, 2) ELSE 0 END,
    day::timestamptz, day::timestamptz, day, '', '', '', 'bench', '', '[]', '[]'
FROM (
    SELECT g, round((random() * 2000)::numeric, 2) AS total,
           current_date - floor(random() * 730)::int AS day
    FROM generate_series(1, %(orders)s) AS g
) AS o
"""


def _seed_orders(count: int, store, shelf) -> None:
    from django.db import connection

    from storeos.loyalty.models import Member

    first = Member.objects.order_by("pk").values_list("pk", flat=True).first()
    members = Member.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            _ORDERS_SQL,
            {"store": store.pk, "shelf": shelf.pk, "first": first, "n": members, "orders": count},
        )
        cursor.execute("ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=500_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    database_recreate()
    django_setup(None)
    from django.db import connection
    from django.db.models import Count

    from storeos.loyalty.models import MemberRfm
    from storeos.loyalty.rfm import rfm_recompute

    began = time.perf_counter()
    store, shelf, programme, tier = _seed_chain()
    _seed_members(args.members, store, programme, tier)
    _seed_orders(args.orders, store, shelf)
    print(
        f"seeded {args.members:,} members and {args.orders:,} orders "
        f"in {time.perf_counter() - began:.1f} s",
        flush=True,
    )

    for label in ("first run (insert)", "second run (update)"):
        began = time.perf_counter()
        scored = rfm_recompute()
        print(f"rfm_recompute {label}: {scored:,} members in {time.perf_counter() - began:.1f} s")

    counts = MemberRfm.objects.values("segment").annotate(n=Count("pk")).order_by("-n")
    print("segments: " + ", ".join(f"{row['segment']} {row['n']:,}" for row in counts))
    connection.close()
    if not args.keep:
        database_drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
