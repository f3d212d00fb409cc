"""Birthday benefits: one gift coupon from the member's tier in their birthday month."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.loyalty.birthday import birthday_benefits_issue
from storeos.loyalty.members import member_create
from storeos.loyalty.models import BirthdayBenefit, Member, MemberStatus, Tier
from storeos.promotions.models import Coupon, CouponKind, CouponTemplate

SH = dt.timezone(dt.timedelta(hours=8))
# 1 March 00:30 in Shanghai is still 28 February in UTC.
MARCH_FIRST = dt.datetime(2026, 3, 1, 0, 30, tzinfo=SH)


@pytest.fixture
def gift(programme):
    template = CouponTemplate.objects.create(
        code="BDAY50",
        name="Birthday ¥50",
        kind=CouponKind.AMOUNT_OFF,
        value=Decimal("50"),
        valid_days=30,
        created_at=clock.now(),
    )
    Tier.objects.filter(programme=programme).update(birthday_coupon_template=template)
    return template


def born(phone: str, birthday: dt.date) -> Member:
    return member_create(phone=phone, birthday=birthday)


def test_members_born_this_month_get_their_tiers_gift_coupon_once(gift):
    march = born("13800000001", dt.date(1990, 3, 15))
    april = born("13800000002", dt.date(1991, 4, 1))

    issued = birthday_benefits_issue(MARCH_FIRST)
    again = birthday_benefits_issue(MARCH_FIRST + dt.timedelta(days=1))

    assert (issued, again) == (1, 0)
    benefit = BirthdayBenefit.objects.get(member=march)
    assert benefit.year == 2026
    assert benefit.coupon.member_id == march.pk
    assert benefit.coupon.source == "birthday"
    assert Coupon.objects.count() == 1
    assert not BirthdayBenefit.objects.filter(member=april).exists()


def test_the_month_is_the_shanghai_business_date(gift):
    march = born("13800000001", dt.date(1990, 3, 15))

    birthday_benefits_issue(MARCH_FIRST)

    assert BirthdayBenefit.objects.filter(member=march).exists()


def test_leap_day_birthdays_are_celebrated_in_february(gift):
    leap = born("13800000003", dt.date(2000, 2, 29))

    issued = birthday_benefits_issue(dt.datetime(2026, 2, 10, 12, 0, tzinfo=SH))

    assert issued == 1
    assert BirthdayBenefit.objects.get(member=leap).coupon is not None


def test_a_tier_without_a_gift_records_the_benefit_without_a_coupon(programme):
    march = born("13800000001", dt.date(1990, 3, 15))

    issued = birthday_benefits_issue(MARCH_FIRST)
    birthday_benefits_issue(MARCH_FIRST)

    assert issued == 0
    assert BirthdayBenefit.objects.get(member=march).coupon is None
    assert not Coupon.objects.exists()


def test_a_row_earning_created_first_gets_its_coupon_and_keeps_its_double_points_order(gift):
    march = born("13800000001", dt.date(1990, 3, 15))
    order_uuid = uuid.uuid4()
    BirthdayBenefit.objects.create(
        member=march, year=2026, double_points_order=order_uuid, created_at=clock.now()
    )

    issued = birthday_benefits_issue(MARCH_FIRST)

    benefit = BirthdayBenefit.objects.get(member=march)
    assert issued == 1
    assert benefit.coupon is not None
    assert benefit.double_points_order == order_uuid


def test_merged_members_get_nothing(gift):
    march = born("13800000001", dt.date(1990, 3, 15))
    Member.objects.filter(pk=march.pk).update(status=MemberStatus.MERGED, phone_index=None)

    assert birthday_benefits_issue(MARCH_FIRST) == 0
    assert not BirthdayBenefit.objects.exists()


def test_last_years_benefit_does_not_stop_this_years(gift):
    march = born("13800000001", dt.date(1990, 3, 15))
    birthday_benefits_issue(dt.datetime(2025, 3, 5, 12, 0, tzinfo=SH))

    issued = birthday_benefits_issue(MARCH_FIRST)

    assert issued == 1
    assert sorted(BirthdayBenefit.objects.filter(member=march).values_list("year", flat=True)) == [
        2025,
        2026,
    ]


def test_a_template_that_ran_out_leaves_the_row_for_tomorrow(gift):
    march = born("13800000001", dt.date(1990, 3, 15))
    CouponTemplate.objects.filter(pk=gift.pk).update(total_limit=1, issued_count=1)

    issued = birthday_benefits_issue(MARCH_FIRST)
    CouponTemplate.objects.filter(pk=gift.pk).update(total_limit=2)
    later = birthday_benefits_issue(MARCH_FIRST + dt.timedelta(days=1))

    assert (issued, later) == (0, 1)
    assert BirthdayBenefit.objects.get(member=march).coupon is not None
