"""The rewards catalogue: members spend points on goods, coupons and experience seats; a refusal
changes nothing and a cancellation gives everything back."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from storeos.core import clock
from storeos.core.errors import IdempotencyConflict, PermissionDenied
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.models import (
    EntryKind,
    Member,
    PointsEntry,
    Reward,
    RewardKind,
    RewardRedemption,
    RewardSession,
    Tier,
)
from storeos.loyalty.rewards import reward_redeem, reward_redemption_cancel, rewards_available
from storeos.promotions.models import Coupon, CouponKind, CouponStatus, CouponTemplate
from storeos.sales.tests.conftest import user_with_role

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
FAR = dt.date(2027, 6, 30)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def rich_member(member):
    points_earn(
        member_id=member.pk,
        points=1000,
        key="seed",
        source=Source("activity", "seed"),
        expires_on=FAR,
    )
    return member


@pytest.fixture
def mug(db):
    return Reward.objects.create(
        code="MUG", name="LEGO mug", kind=RewardKind.GOODS, points_cost=300, stock=2
    )


@pytest.fixture
def coupon_template(db):
    return CouponTemplate.objects.create(
        code="TEN",
        name="10 off",
        kind=CouponKind.AMOUNT_OFF,
        value=Decimal("10"),
        valid_days=30,
        created_at=NOW,
    )


@pytest.fixture
def voucher(coupon_template):
    return Reward.objects.create(
        code="V10",
        name="10 yuan voucher",
        kind=RewardKind.COUPON,
        points_cost=200,
        coupon_template=coupon_template,
    )


@pytest.fixture
def workshop(store):
    reward = Reward.objects.create(
        code="BUILD", name="Build class", kind=RewardKind.EXPERIENCE, points_cost=400
    )
    RewardSession.objects.create(
        reward=reward, store=store, starts_at=NOW + dt.timedelta(days=7), capacity=1
    )
    return reward


def balance(member) -> int:
    return Member.objects.get(pk=member.pk).points_balance


def ledger_sum(member) -> int:
    return PointsEntry.objects.filter(member=member).aggregate(s=Sum("points"))["s"] or 0


def code_of(call) -> str:
    with pytest.raises(Exception) as refused:
        call()
    return refused.value.code


def test_redeeming_goods_spends_points_and_takes_one_from_reward_stock(rich_member, mug):
    redemption = reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")

    assert redemption.status == RewardRedemption.Status.ISSUED
    assert redemption.entry.points == -300 and redemption.entry.kind == EntryKind.REDEEM
    assert balance(rich_member) == 700 == ledger_sum(rich_member)
    mug.refresh_from_db()
    assert mug.stock == 1


def test_a_retried_redemption_lands_once(rich_member, mug):
    first = reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")
    again = reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")

    assert again.pk == first.pk
    assert balance(rich_member) == 700
    assert Reward.objects.get(pk=mug.pk).stock == 1


def test_the_same_key_for_another_reward_is_refused(rich_member, mug, voucher):
    reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")

    with pytest.raises(IdempotencyConflict):
        reward_redeem(member_id=rich_member.pk, reward_code="V10", key="k1")
    assert balance(rich_member) == 700


def test_the_last_unit_goes_once_and_then_it_is_out_of_stock(rich_member, mug):
    Reward.objects.filter(pk=mug.pk).update(stock=1)
    reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")

    code = code_of(lambda: reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k2"))

    assert code == "reward_out_of_stock"
    assert balance(rich_member) == 700
    assert RewardRedemption.objects.count() == 1


def test_too_few_points_refuse_and_change_nothing(member, mug):
    code = code_of(lambda: reward_redeem(member_id=member.pk, reward_code="MUG", key="k1"))

    assert code == "insufficient_points"
    assert Reward.objects.get(pk=mug.pk).stock == 2
    assert RewardRedemption.objects.count() == 0
    assert PointsEntry.objects.filter(member=member).count() == 0


def test_a_coupon_reward_puts_a_coupon_in_the_wallet(rich_member, voucher):
    redemption = reward_redeem(member_id=rich_member.pk, reward_code="V10", key="k1")

    coupon = Coupon.objects.get()
    assert redemption.coupon == coupon
    assert (coupon.member_id, coupon.source, coupon.status) == (
        rich_member.pk,
        "reward",
        CouponStatus.AVAILABLE,
    )
    assert balance(rich_member) == 800


def test_an_exhausted_coupon_template_refuses_and_keeps_the_points(rich_member, voucher):
    CouponTemplate.objects.filter(pk=voucher.coupon_template_id).update(total_limit=1)
    reward_redeem(member_id=rich_member.pk, reward_code="V10", key="k1")

    code = code_of(lambda: reward_redeem(member_id=rich_member.pk, reward_code="V10", key="k2"))

    assert code == "coupon_unavailable"
    assert balance(rich_member) == 800
    assert Coupon.objects.count() == 1


def test_an_experience_books_a_seat_and_a_full_session_refuses(rich_member, other_member, workshop):
    session = workshop.sessions.get()
    redemption = reward_redeem(
        member_id=rich_member.pk, reward_code="BUILD", key="k1", session_id=session.pk
    )
    points_earn(
        member_id=other_member.pk, points=500, key="o", source=Source("a", "1"), expires_on=FAR
    )

    code = code_of(
        lambda: reward_redeem(
            member_id=other_member.pk, reward_code="BUILD", key="k2", session_id=session.pk
        )
    )

    assert redemption.session == session
    assert RewardSession.objects.get(pk=session.pk).booked == 1
    assert code == "reward_session_full"
    assert balance(other_member) == 500


def test_an_experience_needs_a_future_session_of_its_own(rich_member, workshop, store):
    past = RewardSession.objects.create(
        reward=workshop, store=store, starts_at=NOW - dt.timedelta(hours=1), capacity=5
    )

    missing = code_of(lambda: reward_redeem(member_id=rich_member.pk, reward_code="BUILD", key="a"))
    late = code_of(
        lambda: reward_redeem(
            member_id=rich_member.pk, reward_code="BUILD", key="b", session_id=past.pk
        )
    )

    assert (missing, late) == ("reward_session_invalid", "reward_session_past")
    assert balance(rich_member) == 1000


def test_tier_limit_and_active_flag_are_enforced(rich_member, mug, programme):
    Reward.objects.filter(pk=mug.pk).update(min_tier_rank=2)
    too_low = code_of(lambda: reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="a"))
    Reward.objects.filter(pk=mug.pk).update(min_tier_rank=0, per_member_limit=1)
    reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="b")
    limit = code_of(lambda: reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="c"))
    Reward.objects.filter(pk=mug.pk).update(is_active=False, per_member_limit=0)
    inactive = code_of(lambda: reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="d"))
    unknown = code_of(lambda: reward_redeem(member_id=rich_member.pk, reward_code="NOPE", key="e"))

    assert (too_low, limit, inactive, unknown) == (
        "reward_tier_too_low",
        "reward_limit_reached",
        "reward_unavailable",
        "reward_not_found",
    )
    assert balance(rich_member) == 700


def test_a_higher_tier_member_may_redeem_a_tier_reward(rich_member, mug, programme):
    Reward.objects.filter(pk=mug.pk).update(min_tier_rank=2)
    Member.objects.filter(pk=rich_member.pk).update(
        tier=Tier.objects.get(programme=programme, code="gold")
    )

    reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")

    assert balance(rich_member) == 700


def test_staff_need_member_edit_rights(rich_member, mug, store):
    warehouse = user_with_role("warehouse", store)
    cashier = user_with_role("cashier", store)

    with pytest.raises(PermissionDenied):
        reward_redeem(
            member_id=rich_member.pk, reward_code="MUG", key="k", actor=warehouse, store=store
        )
    redemption = reward_redeem(
        member_id=rich_member.pk, reward_code="MUG", key="k", actor=cashier, store=store
    )

    assert redemption.entry.actor_id == cashier.pk


def test_cancelling_goods_gives_the_points_and_the_stock_back(rich_member, mug):
    redemption = reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")

    reward_redemption_cancel(actor=None, redemption_id=redemption.pk)
    reward_redemption_cancel(actor=None, redemption_id=redemption.pk)

    redemption.refresh_from_db()
    assert redemption.status == RewardRedemption.Status.CANCELLED
    assert balance(rich_member) == 1000 == ledger_sum(rich_member)
    back = PointsEntry.objects.get(member=rich_member, kind=EntryKind.REVERSE)
    assert (back.points, back.expires_on) == (300, FAR)
    assert Reward.objects.get(pk=mug.pk).stock == 2


def test_cancelling_a_coupon_reward_voids_the_unused_coupon(rich_member, voucher):
    redemption = reward_redeem(member_id=rich_member.pk, reward_code="V10", key="k1")

    reward_redemption_cancel(actor=None, redemption_id=redemption.pk)

    assert Coupon.objects.get().status == CouponStatus.VOID
    assert balance(rich_member) == 1000


def test_a_used_coupon_cannot_be_cancelled(rich_member, voucher):
    redemption = reward_redeem(member_id=rich_member.pk, reward_code="V10", key="k1")
    Coupon.objects.update(status=CouponStatus.USED, used_at=NOW)

    code = code_of(lambda: reward_redemption_cancel(actor=None, redemption_id=redemption.pk))

    assert code == "reward_coupon_used"
    assert balance(rich_member) == 800
    assert RewardRedemption.objects.get().status == RewardRedemption.Status.ISSUED


def test_cancelling_a_booking_frees_the_seat(rich_member, workshop):
    session = workshop.sessions.get()
    redemption = reward_redeem(
        member_id=rich_member.pk, reward_code="BUILD", key="k1", session_id=session.pk
    )

    reward_redemption_cancel(actor=None, redemption_id=redemption.pk)

    assert RewardSession.objects.get(pk=session.pk).booked == 0
    assert balance(rich_member) == 1000


def test_handed_over_goods_cannot_be_cancelled(rich_member, mug):
    redemption = reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")
    RewardRedemption.objects.filter(pk=redemption.pk).update(
        status=RewardRedemption.Status.FULFILLED
    )

    code = code_of(lambda: reward_redemption_cancel(actor=None, redemption_id=redemption.pk))

    assert code == "reward_already_fulfilled"
    assert balance(rich_member) == 700


def test_points_back_from_a_cancel_stay_usable_for_30_days(member, mug):
    points_earn(
        member_id=member.pk,
        points=300,
        key="soon",
        source=Source("a", "1"),
        expires_on=dt.date(2026, 6, 5),
    )
    redemption = reward_redeem(member_id=member.pk, reward_code="MUG", key="k1")

    reward_redemption_cancel(actor=None, redemption_id=redemption.pk)

    back = PointsEntry.objects.get(member=member, kind=EntryKind.REVERSE)
    assert back.expires_on == dt.date(2026, 7, 1)


def test_rewards_available_lists_what_the_member_could_redeem(
    rich_member, mug, voucher, workshop, store
):
    Reward.objects.create(code="GONE", name="Gone", kind=RewardKind.GOODS, points_cost=5, stock=0)
    Reward.objects.create(
        code="VIP", name="VIP", kind=RewardKind.GOODS, points_cost=5, stock=3, min_tier_rank=3
    )
    Reward.objects.filter(pk=mug.pk).update(per_member_limit=1)
    reward_redeem(member_id=rich_member.pk, reward_code="MUG", key="k1")

    codes = [r.code for r in rewards_available(Member.objects.get(pk=rich_member.pk))]

    assert codes == ["V10", "BUILD"]
