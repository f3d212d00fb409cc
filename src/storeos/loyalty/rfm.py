"""RFM: how recently, how often and how much each member buys, scored 1–5 and named, nightly.

Who: every active member with at least one paid order (paid, ready for pick-up, shipped,
completed) on or before today.

- Recency: days from the business day of the member's last paid order to today (the chain's
  business day in its time zone). Any paid order counts, however old.
- Frequency: paid orders whose business day lies in the last 365 days (today and the 364 days
  before it). A fully refunded order still counts as a visit.
- Monetary: the sum over the same orders of total minus refunded (`Order.refunded_total`, which
  the returns service raises by each return's refunds); exchange credit is subtracted from the
  old order and the new order counts in full.

Scores are quintiles over the scored population: score = 1 + ⌊5 × (rank − 1) / n⌋, with rank
the SQL RANK() (ties share the lowest rank) in ascending order of last order date (so the most
recent are 5), frequency and monetary. Without ties this is exactly NTILE(5); with ties, equal
behaviour gets an equal score, which NTILE would not promise.

Segments, first matching row wins (R, F, M are the scores):

    | segment      | R     | F     | M     |
    |--------------|-------|-------|-------|
    | champions    | ≥ 4   | ≥ 4   | ≥ 4   |
    | loyal        | ≥ 3   | ≥ 4   | any   |
    | cannot_lose  | ≤ 2   | ≥ 4   | ≥ 4   |
    | at_risk      | ≤ 2   | ≥ 3   | any   |
    | new          | ≥ 4   | 1     | any   |
    | potential    | ≥ 3   | ≤ 3   | any   |
    | hibernating  | 2     | ≤ 2   | any   |
    | lost         | 1     | ≤ 2   | any   |

The table covers every (R, F, M). Scores of members no longer scored (merged, or their orders
gone) are deleted at the end of the run.
"""

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction

from storeos.core import clock
from storeos.loyalty.models import Member, MemberRfm, MemberStatus, Segment
from storeos.sales.models import Order
from storeos.sales.models.orders import OrderStatus

WINDOW_DAYS = 365
BATCH_SIZE = 5000
_PAID = (
    OrderStatus.PAID,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
)
_CENT = Decimal("0.01")

# (segment, R range, F range, M range), checked in order.
SEGMENT_RULES: list[tuple[str, range, range, range]] = [
    (Segment.CHAMPIONS, range(4, 6), range(4, 6), range(4, 6)),
    (Segment.LOYAL, range(3, 6), range(4, 6), range(1, 6)),
    (Segment.CANNOT_LOSE, range(1, 3), range(4, 6), range(4, 6)),
    (Segment.AT_RISK, range(1, 3), range(3, 6), range(1, 6)),
    (Segment.NEW, range(4, 6), range(1, 2), range(1, 6)),
    (Segment.POTENTIAL, range(3, 6), range(1, 4), range(1, 6)),
    (Segment.HIBERNATING, range(2, 3), range(1, 3), range(1, 6)),
    (Segment.LOST, range(1, 2), range(1, 3), range(1, 6)),
]


def rfm_segment(r: int, f: int, m: int) -> str:
    """The named segment for three scores (see the table in the module docstring)."""
    for segment, rs, fs, ms in SEGMENT_RULES:
        if r in rs and f in fs and m in ms:
            return segment
    raise ValueError(f"RFM scores out of range: {r}{f}{m}")


def quintile(rank: int, n: int) -> int:
    """1–5 from a 1-based rank among n (NTILE(5) when there are no ties)."""
    return 1 + (rank - 1) * 5 // n


_SQL = """
WITH agg AS (
    SELECT o.member_id AS member_id,
           MAX(o.business_date) AS last_date,
           SUM(CASE WHEN o.business_date >= %(since)s THEN 1 ELSE 0 END) AS frequency,
           SUM(CASE WHEN o.business_date >= %(since)s
                    THEN o.total - o.refunded_total ELSE 0 END) AS monetary
    FROM {order} o
    JOIN {member} m ON m.id = o.member_id
    WHERE o.status IN ({statuses}) AND o.business_date <= %(today)s AND m.status = %(active)s
    GROUP BY o.member_id
)
SELECT member_id, last_date, frequency, monetary,
       RANK() OVER (ORDER BY last_date) AS r_rank,
       RANK() OVER (ORDER BY frequency) AS f_rank,
       RANK() OVER (ORDER BY monetary) AS m_rank,
       COUNT(*) OVER () AS n
FROM agg
"""


def _rows(today: dt.date) -> list[tuple]:
    """(member id, last date, frequency, monetary, r/f/m ranks, n) for everyone: one query."""
    statuses = ", ".join(f"%(s{i})s" for i in range(len(_PAID)))
    sql = _SQL.format(
        order=connection.ops.quote_name(Order._meta.db_table),
        member=connection.ops.quote_name(Member._meta.db_table),
        statuses=statuses,
    )
    params = {
        "since": today - dt.timedelta(days=WINDOW_DAYS - 1),
        "today": today,
        "active": MemberStatus.ACTIVE.value,
        **{f"s{i}": str(status) for i, status in enumerate(_PAID)},
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> dt.date:
    # SQLite hands back dates as ISO text; PostgreSQL as dates.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _as_money(value) -> Decimal:
    # SQLite sums decimals as floats; two places recover the exact cents.
    return Decimal(str(value or 0)).quantize(_CENT)


def _score(row, today: dt.date, at: dt.datetime) -> MemberRfm:
    member_id, last_date, frequency, monetary, r_rank, f_rank, m_rank, n = row
    r, f, m = quintile(r_rank, n), quintile(f_rank, n), quintile(m_rank, n)
    return MemberRfm(
        member_id=member_id,
        recency_days=(today - _as_date(last_date)).days,
        frequency=int(frequency or 0),
        monetary=_as_money(monetary),
        r_score=r,
        f_score=f,
        m_score=m,
        segment=rfm_segment(r, f, m),
        computed_at=at,
    )


def _upsert(batch: list[MemberRfm]) -> None:
    MemberRfm.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=[
            "recency_days",
            "frequency",
            "monetary",
            "r_score",
            "f_score",
            "m_score",
            "segment",
            "computed_at",
        ],
    )


@transaction.atomic
def rfm_recompute(*, at: dt.datetime | None = None) -> int:
    """Score every active member with a paid order (one aggregate query, upserts in batches of
    5,000) and forget the scores of members no longer scored. Returns how many were scored."""
    at = at or clock.now()
    today = clock.business_date(at)
    scored = 0
    batch: list[MemberRfm] = []
    for row in _rows(today):
        batch.append(_score(row, today, at))
        if len(batch) >= BATCH_SIZE:
            _upsert(batch)
            scored += len(batch)
            batch = []
    if batch:
        _upsert(batch)
        scored += len(batch)
    MemberRfm.objects.exclude(computed_at=at).delete()
    return scored
