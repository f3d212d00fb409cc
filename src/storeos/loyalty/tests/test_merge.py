"""Merging two member records of one person."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.channels import Channel
from storeos.core.errors import PermissionDenied
from storeos.core.models import AuditEntry
from storeos.loyalty.errors import MemberMergeInvalid
from storeos.loyalty.ledger import Source, points_earn, points_spend, points_take_back
from storeos.loyalty.members import member_by_phone, member_create
from storeos.loyalty.merge import member_merge
from storeos.loyalty.models import (
    GrowthEntry,
    Member,
    MemberStatus,
    MemberTag,
    PointsEntry,
    PointsLot,
    Referral,
    TagDefinition,
    Tier,
)
from storeos.loyalty.referrals import referral_register
from storeos.loyalty.verify import ledger_verify
from storeos.promotions.models import Coupon, CouponKind, CouponTemplate
from storeos.sales.models import Order
from storeos.sales.tests.conftest import user_with_role

SOON = dt.date(2026, 12, 31)
LATER = dt.date(2027, 6, 30)


@pytest.fixture
def marketing(db):
    return user_with_role("marketing")


@pytest.fixture
def keep(member):
    return member


@pytest.fixture
def absorb(programme):
    return member_create(phone="13700137000", name="张三")


def earn(member, points, expires_on, key):
    points_earn(
        member_id=member.pk,
        points=points,
        key=key,
        source=Source("activity", key),
        expires_on=expires_on,
    )


def order_for(member, store, floor) -> Order:
    return Order.objects.create(
        uuid=uuid.uuid4(),
        number=f"T-{uuid.uuid4().hex[:10]}",
        store=store,
        location=floor,
        channel=Channel.POS,
        status="paid",
        member_id=member.pk,
        subtotal=Decimal("10"),
        total=Decimal("10"),
        created_at=clock.now(),
        paid_at=clock.now(),
        business_date=clock.today(),
        request_hash="x",
    )


def fresh(member) -> Member:
    return Member.objects.select_related("tier").get(pk=member.pk)


def merge(actor, keep, absorb, reason="same person, two phones"):
    return member_merge(actor=actor, keep=keep, absorb=absorb, reason=reason)


def test_unspent_points_move_over_keeping_their_expiry(marketing, keep, absorb):
    earn(keep, 100, SOON, "k1")
    earn(absorb, 300, SOON, "a1")
    earn(absorb, 200, LATER, "a2")
    points_spend(member_id=absorb.pk, points=50, key="a-spend", source=Source("order", "x"))

    merge(marketing, keep, absorb)

    assert fresh(keep).points_balance == 100 + 450
    assert fresh(absorb).points_balance == 0
    open_lots = {
        (lot.expires_on, lot.remaining)
        for lot in PointsLot.objects.filter(member=keep, remaining__gt=0)
    }
    assert open_lots == {(SOON, 100), (SOON, 250), (LATER, 200)}
    assert PointsEntry.objects.filter(member=keep, memo=f"merged from {absorb.code}").count() == 2


def test_points_the_absorbed_member_owed_are_owed_by_the_kept_one(marketing, keep, absorb):
    earn(keep, 100, SOON, "k1")
    points_take_back(member_id=absorb.pk, points=40, key="a-owed", source=Source("return", "r"))

    merge(marketing, keep, absorb)

    assert fresh(keep).points_balance == 60
    assert fresh(keep).points_debt == 0
    # and the closed record owes nothing any more: the debt is counted once, on the kept member
    assert (fresh(absorb).points_balance, fresh(absorb).points_debt) == (0, 0)
    assert ledger_verify().ok


def test_growth_moves_with_its_time_and_lifts_the_tier(marketing, keep, absorb):
    occurred = clock.now() - dt.timedelta(days=30)
    GrowthEntry.objects.create(
        member=absorb,
        value=1200,
        idempotency_key="order:a",
        source_type="order",
        source_id="a",
        occurred_at=occurred,
    )

    merge(marketing, keep, absorb)

    [copied] = GrowthEntry.objects.filter(member=keep)
    assert (copied.value, copied.occurred_at) == (1200, occurred)
    assert fresh(keep).tier.code == "silver"


def test_the_kept_member_never_ends_below_the_better_tier(marketing, programme, keep, absorb):
    gold = Tier.objects.get(programme=programme, code="gold")
    Member.objects.filter(pk=absorb.pk).update(tier=gold)

    merge(marketing, keep, fresh(absorb))

    assert fresh(keep).tier == gold


def test_orders_coupons_tags_and_referrals_follow(marketing, programme, keep, absorb, store, floor):
    order = order_for(absorb, store, floor)
    template = CouponTemplate.objects.create(
        code="C1",
        name="C1",
        kind=CouponKind.AMOUNT_OFF,
        value=5,
        valid_days=9,
        created_at=clock.now(),
    )
    Coupon.objects.create(
        code="X" * 16,
        template=template,
        member=absorb,
        source="claim",
        issued_at=clock.now(),
        valid_from=clock.now(),
        valid_until=clock.now() + dt.timedelta(days=9),
    )
    lego = TagDefinition.objects.create(code="lego", name="LEGO fan", kind="manual")
    city = TagDefinition.objects.create(code="city", name="City", kind="manual")
    earlier, later = clock.now() - dt.timedelta(days=9), clock.now()
    MemberTag.objects.create(member=keep, tag=lego, weight=Decimal("0.5"), earned_at=later)
    MemberTag.objects.create(member=absorb, tag=lego, weight=Decimal("0.9"), earned_at=earlier)
    MemberTag.objects.create(member=absorb, tag=city, weight=1, earned_at=earlier)
    friend = member_create(phone="13600136000")
    referral_register(referee=friend, referral_code=absorb.referral_code)

    merge(marketing, keep, absorb)

    assert Order.objects.get(pk=order.pk).member_id == keep.pk
    assert Coupon.objects.get(code="X" * 16).member_id == keep.pk
    tags = {t.tag.code: (t.weight, t.earned_at) for t in MemberTag.objects.filter(member=keep)}
    assert tags == {"lego": (Decimal("0.9"), later), "city": (Decimal("1"), earlier)}
    assert not MemberTag.objects.filter(member=absorb).exists()
    assert Referral.objects.get(referee=friend).referrer_id == keep.pk
    assert fresh(friend).referred_by_id == keep.pk


def test_the_absorbed_record_is_marked_merged_and_the_phone_finds_the_kept_one(
    marketing, keep, absorb
):
    merge(marketing, keep, absorb)

    merged = fresh(absorb)
    assert merged.status == MemberStatus.MERGED
    assert merged.merged_into_id == keep.pk
    assert merged.phone_index is None
    assert member_by_phone("13800138000").pk == keep.pk


def test_a_referral_between_the_two_lapses(marketing, keep, absorb):
    referral_register(referee=keep, referral_code=absorb.referral_code)

    merge(marketing, keep, absorb)

    referral = Referral.objects.get(referee=keep)
    assert referral.status == Referral.Status.REFUSED
    assert referral.refused_reason == "merged"
    assert fresh(keep).referred_by_id is None


def test_the_more_recent_consent_wins(marketing, keep, absorb):
    Member.objects.filter(pk=absorb.pk).update(
        marketing_consent=False,
        consent_at=clock.now() + dt.timedelta(days=1),
        consent_source="app withdrawal",
    )

    merge(marketing, keep, fresh(absorb))

    kept = fresh(keep)
    assert kept.marketing_consent is False
    assert kept.consent_source == "app withdrawal"


def test_an_older_consent_does_not_override(marketing, keep, absorb):
    Member.objects.filter(pk=absorb.pk).update(
        consent_at=clock.now() - dt.timedelta(days=100), consent_source="old"
    )

    merge(marketing, keep, fresh(absorb))

    kept = fresh(keep)
    assert kept.marketing_consent is True
    assert kept.consent_source != "old"


def test_the_merge_is_audited_with_counts(marketing, keep, absorb, store, floor):
    earn(absorb, 300, SOON, "a1")
    order_for(absorb, store, floor)

    merge(marketing, keep, absorb)

    entry = AuditEntry.objects.get(action="member.merge")
    assert entry.actor == marketing
    assert entry.before["absorb"]["points"] == 300
    assert entry.before["absorb"]["orders"] == 1
    assert entry.after["keep"]["points"] == 300
    assert entry.after["keep"]["orders"] == 1
    assert entry.after["absorb"]["status"] == "merged"
    assert entry.reason == "same person, two phones"


def state(*members) -> list:
    return [
        (m.status, m.points_balance, m.phone_index, m.merged_into_id, m.tier_id)
        for m in (fresh(x) for x in members)
    ] + [PointsEntry.objects.count(), GrowthEntry.objects.count(), AuditEntry.objects.count()]


def test_merging_into_itself_or_an_already_merged_member_is_refused(
    marketing, keep, absorb, other_member
):
    earn(absorb, 300, SOON, "a1")
    merge(marketing, keep, absorb)
    before = state(keep, absorb, other_member)

    for into, gone in [(keep, keep), (keep, absorb), (absorb, other_member)]:
        with pytest.raises(MemberMergeInvalid) as refused:
            merge(marketing, into, gone)
        assert refused.value.code == "member_merge_invalid"

    assert state(keep, absorb, other_member) == before


def test_a_reason_is_required(marketing, keep, absorb):
    earn(absorb, 300, SOON, "a1")
    before = state(keep, absorb)

    with pytest.raises(MemberMergeInvalid):
        merge(marketing, keep, absorb, reason="  ")

    assert state(keep, absorb) == before


def test_a_store_scoped_grant_may_not_merge(store, keep, absorb):
    manager = user_with_role("store_manager", store)
    before = state(keep, absorb)

    with pytest.raises(PermissionDenied):
        merge(manager, keep, absorb)

    assert state(keep, absorb) == before
