"""Loyalty benchmark: points postings per second with concurrent workers, and ledger verify time.

Run by hand against PostgreSQL (it creates and drops its own database):

    .venv/bin/python bench/loyalty_bench.py --workers 8 --seconds 10 --entries 1000000

Figures printed:
  * points postings/s across distinct members (each worker posts for its own members; three
    earnings to one redemption),
  * `loyalty verify` over --entries hash-chained entries seeded in bulk (real hashes), and the
    time a checkpoint takes over the same members.
"""

import argparse
import multiprocessing as mp
import sys
import time

from common import database_recreate, django_setup

ENTRIES_PER_MEMBER = 50


def _worker(args, worker: int, ready, start, window, results) -> None:
    django_setup(args.redis)
    import datetime as dt

    from django.db import connection

    from storeos.loyalty.ledger import Source, points_earn, points_spend
    from storeos.loyalty.models import Member

    member_ids = list(
        Member.objects.filter(code__startswith="P")
        .order_by("pk")
        .values_list("pk", flat=True)[worker :: args.workers]
    )
    expires_on = dt.date(2099, 12, 31)
    posted = i = 0
    connection.ensure_connection()
    ready.put(worker)
    start.wait()
    deadline = window.value
    try:
        while time.monotonic() < deadline:
            member_id = member_ids[(i // 4) % len(member_ids)]  # earn, earn, earn, spend
            key = f"w{worker}:{i}"
            if i % 4 == 3:
                points_spend(member_id=member_id, points=5, key=key, source=Source("order", key))
            else:
                points_earn(
                    member_id=member_id,
                    points=10,
                    key=key,
                    source=Source("order", key),
                    expires_on=expires_on,
                )
            posted += 1
            i += 1
    finally:
        connection.close()
        results.put(posted)


def _postings(args) -> int:
    ctx = mp.get_context("spawn")
    results, ready, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    window = ctx.Value("d", 0.0)
    procs = [
        ctx.Process(target=_worker, args=(args, n, ready, start, window, results))
        for n in range(args.workers)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:  # every worker has started Django and connected: open the window
        ready.get(timeout=300)
    window.value = time.monotonic() + args.seconds
    start.set()
    totals = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    return sum(totals)


def _programme_seed():
    from decimal import Decimal

    from django.core.management import call_command

    from storeos.loyalty.models import Programme, Tier

    call_command("migrate", verbosity=0)
    programme = Programme.objects.create(code="BENCH", name="Bench")
    return Tier.objects.create(
        programme=programme,
        code="base",
        name="Base",
        rank=0,
        upgrade_threshold=0,
        retention_threshold=0,
        discount_rate=Decimal("0"),
        points_multiplier=Decimal("1"),
    )


def _members_create(tier, prefix: str, count: int) -> list[int]:
    from storeos.core import clock
    from storeos.loyalty.models import Member

    now = clock.now()
    Member.objects.bulk_create(
        (
            Member(
                code=f"{prefix}{n:08d}",
                referral_code=f"R{prefix}{n:08d}",
                programme=tier.programme,
                phone=f"1{n:010d}",
                phone_index=f"{prefix}{n}",
                channel="pos",
                tier=tier,
                tier_since=now,
                created_at=now,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    return list(
        Member.objects.filter(code__startswith=prefix).order_by("pk").values_list("pk", flat=True)
    )


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _ledger_seed(tier, entries: int) -> None:
    """`entries` real hash-chained entries: per member one earning (with its lot) and then
    redemptions, written with COPY; the member rows get their heads and balances."""
    import datetime as dt

    from django.db import connection

    from storeos.core import clock
    from storeos.loyalty.ledger import entry_canonical, entry_hash
    from storeos.loyalty.models import GENESIS_HASH, Member, PointsEntry, PointsLot

    began = time.monotonic()
    member_ids = _members_create(tier, "V", -(-entries // ENTRIES_PER_MEMBER))
    at = clock.now()
    expires_on = dt.date(2099, 12, 31)
    entry_cols = [
        "id",
        "member_id",
        "seq",
        "kind",
        "points",
        "balance_after",
        "debt_after",
        "idempotency_key",
        "source_type",
        "source_id",
        "expires_on",
        "memo",
        "created_at",
        "prev_hash",
        "entry_hash",
    ]
    heads, lots = [], []
    entry_id = 0

    def rows():
        nonlocal entry_id
        left = entries
        for member_id in member_ids:
            head, balance = GENESIS_HASH, 0
            for seq in range(1, min(ENTRIES_PER_MEMBER, left) + 1):
                entry_id += 1
                earn = seq == 1
                kind, points = ("earn", 10_000) if earn else ("redeem", -(seq % 7 + 1))
                balance += points
                key = f"seed:{member_id}:{seq}"
                expiry = expires_on if earn else None
                canonical = entry_canonical(
                    member_id=member_id,
                    seq=seq,
                    kind=kind,
                    points=points,
                    balance_after=balance,
                    debt_after=0,
                    idempotency_key=key,
                    source_type="order",
                    source_id=key,
                    expires_on=expiry,
                    created_at=at,
                )
                new_head = entry_hash(head, canonical)
                yield (entry_id, member_id, seq, kind, points, balance, 0, key, "order", key,
                       expiry, "", at, head, new_head)  # fmt: skip
                if earn:
                    lots.append([member_id, entry_id, 10_000, expires_on])
                head = new_head
            left -= min(ENTRIES_PER_MEMBER, left)
            heads.append((member_id, seq, head, balance))
            lots[-1].insert(3, balance)  # the lot's remaining is the final balance
            if left <= 0:
                break

    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        _copy(cursor, PointsEntry._meta.db_table, tuple(entry_cols), rows())
        _copy(
            cursor,
            PointsLot._meta.db_table,
            ("member_id", "entry_id", "points", "remaining", "expires_on"),
            lots,
        )
        cursor.execute("CREATE TEMP TABLE bench_heads (id bigint, seq int, head text, balance int)")
        _copy(cursor, "bench_heads", ("id", "seq", "head", "balance"), heads)
        members = Member._meta.db_table
        cursor.execute(
            f"UPDATE {members} m SET ledger_seq = h.seq, ledger_head = h.head, "
            "points_balance = h.balance FROM bench_heads h WHERE m.id = h.id"
        )
        table = PointsEntry._meta.db_table
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {entry_id})")
        cursor.execute("ANALYZE")
    print(
        f"seeded {entry_id:,} entries for {len(heads):,} members in "
        f"{time.monotonic() - began:.1f} s",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--members", type=int, default=2000, help="members the postings use")
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries to verify")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()

    database_recreate()
    django_setup(args.redis)
    tier = _programme_seed()

    if args.entries:
        _ledger_seed(tier, args.entries)
    from storeos.loyalty.checkpoints import ledger_checkpoint_create
    from storeos.loyalty.verify import ledger_verify

    began = time.monotonic()
    report = ledger_verify()
    took = time.monotonic() - began
    verdict = "OK" if report.ok else f"{report.broken_count} breaks, first: {report.first}"
    counted = f"{report.entries:,} entries of {report.members:,} members"
    print(f"verify: {counted} in {took:.1f} s ({verdict})")
    began = time.monotonic()
    checkpoint = ledger_checkpoint_create()
    print(f"checkpoint of {checkpoint.members:,} members in {time.monotonic() - began:.1f} s")

    _members_create(tier, "P", args.members)
    posted = _postings(args)
    print(
        f"points postings: {posted / args.seconds:.0f}/s ({args.workers} workers, 3 earn : 1 spend)"
    )
    report = ledger_verify()
    print(
        f"verify after postings: {'OK' if report.ok else report.first} ({report.entries:,} entries)"
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
