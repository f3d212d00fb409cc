"""Birthday benefits: in a member's birthday month, one gift coupon from their tier (the double
points on one purchase are earning's part, loyalty/earning.py)."""

import datetime as dt
import logging

from django.db import transaction

from storeos.core import clock
from storeos.loyalty.models import BirthdayBenefit, Member, MemberStatus
from storeos.promotions.coupons import CouponUnavailable, coupon_issue

log = logging.getLogger(__name__)


def birthday_benefits_issue(at: dt.datetime | None = None) -> int:
    """Daily: every active member whose birthday falls in this month (the chain's business
    calendar; a 29 February birthday is February's) gets this year's benefit row and their
    tier's gift coupon. Returns how many coupons were issued; running it again issues none."""
    at = at or clock.now()
    today = clock.business_date(at)
    members = list(
        Member.objects.filter(status=MemberStatus.ACTIVE, birthday__month=today.month)
        .exclude(birthdays__year=today.year, birthdays__coupon__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    issued = 0
    for member_id in members:
        try:
            issued += _benefit_give(member_id, year=today.year)
        except CouponUnavailable as refused:
            # The template ran out or closed: the row stays and tomorrow's run tries again.
            log.warning("birthday coupon for member %s refused: %s", member_id, refused.code)
    return issued


@transaction.atomic
def _benefit_give(member_id: int, *, year: int) -> int:
    member = Member.objects.select_related("tier").get(pk=member_id)
    # Earning may have created the row first (a birthday purchase before tonight's run).
    benefit, _ = BirthdayBenefit.objects.get_or_create(
        member_id=member_id, year=year, defaults={"created_at": clock.now()}
    )
    template = member.tier.birthday_coupon_template
    if template is None:
        return 0
    benefit = BirthdayBenefit.objects.select_for_update().get(pk=benefit.pk)
    if benefit.coupon_id is not None:
        return 0
    coupon = coupon_issue(template=template, member_id=member_id, source="birthday")
    # Guarded: the row lock above already serialises workers; the guard states the rule.
    won = BirthdayBenefit.objects.filter(pk=benefit.pk, coupon__isnull=True).update(coupon=coupon)
    if won != 1:
        raise RuntimeError(f"birthday benefit {benefit.pk} got a coupon under its lock")
    return 1
