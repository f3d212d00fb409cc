import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.promotions.coupons import CouponUnavailable, coupon_issue
from storeos.promotions.models import Coupon, CouponKind, CouponTemplate


@pytest.fixture
def template(db):
    return CouponTemplate.objects.create(
        code="BDAY50",
        name="Birthday ¥50",
        kind=CouponKind.AMOUNT_OFF,
        value=Decimal("50"),
        valid_days=30,
        per_member_limit=1,
        total_limit=2,
        created_at=clock.now(),
    )


def test_an_issued_coupon_is_valid_for_the_templates_days_with_an_unguessable_code(template):
    coupon = coupon_issue(template=template, member_id=None, source="batch")

    assert coupon.valid_until - coupon.valid_from == dt.timedelta(days=30)
    assert len(coupon.code) == 16
    template.refresh_from_db()
    assert template.issued_count == 1


def test_the_total_limit_stops_issuing_and_counts_nothing_more(template):
    coupon_issue(template=template, member_id=None, source="batch")
    coupon_issue(template=template, member_id=None, source="batch")

    with pytest.raises(CouponUnavailable):
        coupon_issue(template=template, member_id=None, source="batch")

    template.refresh_from_db()
    assert (template.issued_count, Coupon.objects.count()) == (2, 2)
