"""Activity points: sign-in, reviews and the like, capped per business day."""

import datetime as dt

import pytest

from storeos.core import clock
from storeos.loyalty.activity import activity_points_award
from storeos.loyalty.errors import ActivityCapReached, ActivityUnavailable, MemberNotFound
from storeos.loyalty.models import ActivityRule, Member, PointsEntry

SH = dt.timezone(dt.timedelta(hours=8))
EVENING = dt.datetime(2026, 3, 11, 23, 30, tzinfo=SH)


@pytest.fixture
def sign_in(programme):
    return ActivityRule.objects.create(
        programme=programme, code="sign_in", name="Daily sign-in", points=5, daily_cap=1
    )


def balance(member) -> int:
    return Member.objects.get(pk=member.pk).points_balance


def award(member, code="sign_in", reference="2026-03-11", at=EVENING):
    with clock.frozen(at):
        return activity_points_award(member_id=member.pk, activity_code=code, reference=reference)


def test_sign_in_earns_its_points(member, sign_in):
    entry = award(member)

    assert (entry.points, entry.source_type, entry.source_id) == (5, "activity", "sign_in")
    assert entry.idempotency_key == f"activity:sign_in:{member.pk}:2026-03-11"
    assert balance(member) == 5


def test_the_same_reference_earns_once(member, sign_in):
    first = award(member)
    again = award(member)

    assert again.pk == first.pk
    assert balance(member) == 5


def test_daily_cap_refuses_more_the_same_day(member, sign_in):
    award(member)

    with pytest.raises(ActivityCapReached) as refused:
        award(member, reference="second-try")

    assert refused.value.code == "activity_cap_reached"
    assert balance(member) == 5
    assert PointsEntry.objects.filter(member=member).count() == 1


def test_the_cap_resets_at_midnight_shanghai_time(member, sign_in):
    award(member)

    award(member, reference="2026-03-12", at=EVENING + dt.timedelta(hours=1))

    assert balance(member) == 10


def test_caps_count_per_activity(member, sign_in, programme):
    ActivityRule.objects.create(
        programme=programme, code="review", name="Product review", points=20, daily_cap=2
    )
    award(member)
    award(member, code="review", reference="order-1")
    award(member, code="review", reference="order-2")

    with pytest.raises(ActivityCapReached):
        award(member, code="review", reference="order-3")
    assert balance(member) == 45


def test_unknown_activity_is_refused(member, sign_in):
    with pytest.raises(ActivityUnavailable) as refused:
        award(member, code="dance")

    assert refused.value.code == "activity_unknown"
    assert balance(member) == 0


def test_inactive_activity_is_refused(member, sign_in):
    ActivityRule.objects.filter(pk=sign_in.pk).update(is_active=False)

    with pytest.raises(ActivityUnavailable) as refused:
        award(member)

    assert refused.value.code == "activity_inactive"
    assert balance(member) == 0


def test_unknown_member_is_refused(programme, sign_in):
    with pytest.raises(MemberNotFound), clock.frozen(EVENING):
        activity_points_award(member_id=999999, activity_code="sign_in", reference="x")
