"""Referrals: registering with a code, the first order starting the wait, the daily reward."""

import datetime as dt
import uuid

import pytest

from storeos.core import clock
from storeos.loyalty.errors import ReferralRefused
from storeos.loyalty.members import member_create
from storeos.loyalty.models import ActivityRule, Member, PointsEntry, Referral
from storeos.loyalty.referrals import referral_register, referrals_reward
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.returns import return_create

SH = dt.timezone(dt.timedelta(hours=8))
SALE_DAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=SH)


def at_day(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SH)


def sell(store, member, sku, quantity=1, at=SALE_DAY):
    with clock.frozen(at):
        return checkout(
            actor=None,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(sku=sku, quantity=quantity)],
            payments=[Tender("cash", sku.list_price * quantity)],
            member_id=member.pk,
        )


def balance(member) -> int:
    return Member.objects.get(pk=member.pk).points_balance


@pytest.fixture
def rewarding(programme):
    programme.referral_points = 500
    programme.save(update_fields=["referral_points"])
    return programme


@pytest.fixture
def referee(programme):
    return member_create(phone="13700137000", name="王五", device_id="dev-new")


def test_a_referee_registers_with_a_code_and_waits_for_a_first_order(member, referee):
    referral = referral_register(referee=referee, referral_code=member.referral_code.lower())

    assert referral.status == Referral.Status.PENDING
    assert referral.referrer == member
    assert Member.objects.get(pk=referee.pk).referred_by_id == member.pk


@pytest.mark.parametrize(
    ("code", "reason"), [("RNOSUCH1", "unknown_code"), ("", "unknown_code"), (None, "self")]
)
def test_unknown_or_own_codes_are_refused_changing_nothing(referee, code, reason):
    code = referee.referral_code if code is None else code

    with pytest.raises(ReferralRefused) as refused:
        referral_register(referee=referee, referral_code=code)

    assert refused.value.code == "referral_refused"
    assert refused.value.details["reason"] == reason
    assert not Referral.objects.exists()
    assert Member.objects.get(pk=referee.pk).referred_by_id is None


def test_a_referrer_registered_on_the_same_device_is_refused(programme):
    referrer = member_create(phone="13600136000", device_id="phone-1")
    referee = member_create(phone="13600136001", device_id="phone-1")

    with pytest.raises(ReferralRefused) as refused:
        referral_register(referee=referee, referral_code=referrer.referral_code)

    assert refused.value.details["reason"] == "same_device"
    assert not Referral.objects.exists()
    assert Member.objects.get(pk=referee.pk).referred_by_id is None


def test_the_device_given_at_registration_counts_too(programme):
    referrer = member_create(phone="13600136000", device_id="phone-1")
    referee = member_create(phone="13600136001")

    with pytest.raises(ReferralRefused) as refused:
        referral_register(
            referee=referee, referral_code=referrer.referral_code, device_id="phone-1"
        )

    assert refused.value.details["reason"] == "same_device"


def test_a_second_referrer_is_refused_and_the_same_one_again_is_a_replay(
    member, other_member, referee
):
    first = referral_register(referee=referee, referral_code=member.referral_code)

    again = referral_register(referee=referee, referral_code=member.referral_code)
    with pytest.raises(ReferralRefused) as refused:
        referral_register(referee=referee, referral_code=other_member.referral_code)

    assert again.pk == first.pk
    assert refused.value.details["reason"] == "already_referred"
    assert Member.objects.get(pk=referee.pk).referred_by_id == member.pk


def test_the_first_paid_order_starts_the_return_window(member, referee, store, bricks, figure):
    referral_register(referee=referee, referral_code=member.referral_code)

    first = sell(store, referee, bricks)
    sell(store, referee, figure, at=SALE_DAY + dt.timedelta(days=1))

    referral = Referral.objects.get(referee=referee)
    assert referral.status == Referral.Status.QUALIFYING
    assert referral.order_uuid == first.uuid
    assert referral.qualifies_on == dt.date(2026, 6, 16)


def test_the_referrer_is_rewarded_once_the_window_has_passed(
    rewarding, member, referee, store, bricks
):
    referral_register(referee=referee, referral_code=member.referral_code)
    sell(store, referee, bricks)
    before = balance(member)

    on_last_return_day = referrals_reward(at_day(dt.date(2026, 6, 16)))
    rewarded = referrals_reward(at_day(dt.date(2026, 6, 17)))
    again = referrals_reward(at_day(dt.date(2026, 6, 18)))

    assert (on_last_return_day, rewarded, again) == (0, 1, 0)
    assert balance(member) == before + 500
    assert PointsEntry.objects.filter(member=member, source_type="referral").count() == 1
    referral = Referral.objects.get(referee=referee)
    assert referral.status == Referral.Status.REWARDED
    assert referral.rewarded_at is not None


def test_the_referral_activity_rule_sets_the_reward_when_the_programme_has_none(
    programme, member, referee, store, bricks
):
    ActivityRule.objects.create(programme=programme, code="referral", name="Refer", points=300)
    referral_register(referee=referee, referral_code=member.referral_code)
    sell(store, referee, bricks)
    before = balance(member)

    referrals_reward(at_day(dt.date(2026, 6, 20)))

    assert balance(member) == before + 300


def test_a_first_order_returned_in_full_is_refused_without_reward(
    rewarding, member, referee, store, bricks
):
    referral_register(referee=referee, referral_code=member.referral_code)
    order = sell(store, referee, bricks, quantity=2)
    with clock.frozen(SALE_DAY + dt.timedelta(days=3)):
        return_create(
            actor=None,
            return_id=uuid.uuid4(),
            order=order,
            lines=[(order.lines.get(), 2, "restock")],
            reason="changed mind",
        )
    before = balance(member)

    referrals_reward(at_day(dt.date(2026, 6, 20)))
    referrals_reward(at_day(dt.date(2026, 6, 21)))

    referral = Referral.objects.get(referee=referee)
    assert referral.status == Referral.Status.REFUSED
    assert referral.refused_reason == "order_returned"
    assert balance(member) == before


def test_a_partly_returned_first_order_still_rewards(rewarding, member, referee, store, bricks):
    referral_register(referee=referee, referral_code=member.referral_code)
    order = sell(store, referee, bricks, quantity=2)
    with clock.frozen(SALE_DAY + dt.timedelta(days=3)):
        return_create(
            actor=None,
            return_id=uuid.uuid4(),
            order=order,
            lines=[(order.lines.get(), 1, "restock")],
            reason="one too many",
        )
    before = balance(member)

    referrals_reward(at_day(dt.date(2026, 6, 20)))

    assert Referral.objects.get(referee=referee).status == Referral.Status.REWARDED
    assert balance(member) == before + 500
