"""RFM scores by quintile and the segments they name."""

import datetime as dt
from decimal import Decimal

import pytest

from storeos.catalog.models import Sku
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, MemberRfm, MemberStatus, Segment
from storeos.loyalty.rfm import rfm_recompute, rfm_segment
from storeos.loyalty.tests.test_tags import NOW, paid_order

# Ten members, each given its rank (1 = lowest) in recency, frequency and monetary, and the
# scores and segment those ranks must produce (ranks 1–2 → 1, 3–4 → 2, … 9–10 → 5).
POPULATION = [
    # r_rank, f_rank, m_rank, expected (R, F, M), segment
    (10, 10, 10, (5, 5, 5), Segment.CHAMPIONS),
    (9, 8, 1, (5, 4, 1), Segment.LOYAL),
    (2, 9, 9, (1, 5, 5), Segment.CANNOT_LOSE),
    (3, 6, 5, (2, 3, 3), Segment.AT_RISK),
    (8, 1, 2, (4, 1, 1), Segment.NEW),
    (6, 4, 6, (3, 2, 3), Segment.POTENTIAL),
    (4, 2, 3, (2, 1, 2), Segment.HIBERNATING),
    (1, 3, 4, (1, 2, 2), Segment.LOST),
    (7, 5, 7, (4, 3, 4), Segment.POTENTIAL),
    (5, 7, 8, (3, 4, 4), Segment.LOYAL),
]


def days_ago(n: int) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def shop(store, floor, member, sku: Sku, *, r_rank: int, f_rank: int, m_rank: int) -> None:
    """Orders giving the member these ranks: the last order (20 × (11 − r_rank)) days ago,
    f_rank orders in all, and ¥1,000 × m_rank on the last one (¥1 on each earlier one)."""
    last = 20 * (11 - r_rank)
    paid_order(store, floor, member, [(sku, 1, 1000 * m_rank)], at=days_ago(last))
    for extra in range(1, f_rank):
        paid_order(store, floor, member, [(sku, 1, 1)], at=days_ago(last + extra))


@pytest.fixture
def population(store, floor, bricks, programme):
    members = []
    for n, (r_rank, f_rank, m_rank, _scores, _segment) in enumerate(POPULATION):
        member = member_create(phone=f"1360000{n:04d}")
        shop(store, floor, member, bricks, r_rank=r_rank, f_rank=f_rank, m_rank=m_rank)
        members.append(member)
    return members


def test_scores_are_quintiles_and_name_the_segment(population):
    # given ten members with distinct recency, frequency and spend

    # when the nightly job runs
    scored = rfm_recompute(at=NOW)

    # then each member has the expected scores and segment
    assert scored == 10
    for member, (r_rank, f_rank, m_rank, scores, segment) in zip(
        population, POPULATION, strict=True
    ):
        rfm = MemberRfm.objects.get(member=member)
        assert (rfm.r_score, rfm.f_score, rfm.m_score) == scores, member.code
        assert rfm.segment == segment
        assert rfm.recency_days == 20 * (11 - r_rank)
        assert rfm.frequency == f_rank
        assert rfm.monetary == Decimal(1000 * m_rank + f_rank - 1)


def test_refunds_count_against_spend_and_old_orders_only_for_recency(
    store, floor, bricks, member, other_member
):
    # given a member whose only orders are over a year old, and one who got ¥200 back
    paid_order(store, floor, member, [(bricks, 1, 800)], at=days_ago(400))
    paid_order(store, floor, other_member, [(bricks, 1, 500)], at=days_ago(3), refunded="200")
    paid_order(store, floor, other_member, [(bricks, 1, 900)], at=days_ago(370))

    # when
    rfm_recompute(at=NOW)

    # then the old buyer is scored with no recent frequency or spend, and is lost
    old = MemberRfm.objects.get(member=member)
    assert (old.recency_days, old.frequency, old.monetary) == (400, 0, Decimal("0.00"))
    assert (old.r_score, old.segment) == (1, Segment.LOST)
    recent = MemberRfm.objects.get(member=other_member)
    assert (recent.recency_days, recent.frequency, recent.monetary) == (3, 1, Decimal("300.00"))
    assert recent.r_score > old.r_score


def test_equal_behaviour_gets_equal_scores(store, floor, bricks, member, other_member):
    # given two members who bought the same on the same day
    for buyer in (member, other_member):
        paid_order(store, floor, buyer, [(bricks, 1, 99)], at=days_ago(7))

    # when
    rfm_recompute(at=NOW)

    # then their scores are the same
    a, b = (MemberRfm.objects.get(member=m) for m in (member, other_member))
    assert (a.r_score, a.f_score, a.m_score) == (b.r_score, b.f_score, b.m_score)


def test_members_without_paid_orders_or_merged_are_not_scored(
    store, floor, bricks, member, other_member
):
    # given a member with only a cancelled order, and a scored member later merged away
    paid_order(store, floor, member, [(bricks, 1, 99)], at=days_ago(2), status="cancelled")
    paid_order(store, floor, other_member, [(bricks, 1, 99)], at=days_ago(2))
    rfm_recompute(at=days_ago(1))
    assert MemberRfm.objects.filter(member=other_member).exists()
    Member.objects.filter(pk=other_member.pk).update(
        status=MemberStatus.MERGED, merged_into=member, phone_index=None
    )

    # when the job runs again
    scored = rfm_recompute(at=NOW)

    # then nobody is scored and the merged member's old score is gone
    assert scored == 0
    assert not MemberRfm.objects.exists()


def test_every_score_combination_has_a_segment():
    segments = {rfm_segment(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}
    assert segments == set(Segment.values)
