"""Paid membership (付费会员): a plan sold as its SKU starts (or renews) a subscription; returning
the plan line cancels it; a daily job expires finished terms and issues each month's coupon."""

import datetime as dt
import logging

from django.db import transaction

from storeos.core import clock
from storeos.loyalty.models import Member, MembershipPlan, Subscription
from storeos.promotions.coupons import CouponUnavailable, coupon_issue
from storeos.promotions.models import Coupon

log = logging.getLogger(__name__)

ACTIVE = Subscription.Status.ACTIVE


def subscription_active(*, member: Member | int, on: dt.date) -> Subscription | None:
    """The member's paid membership running on `on` (the one ending last), or None."""
    member_id = getattr(member, "pk", member)
    return (
        Subscription.objects.select_related("plan")
        .filter(member_id=member_id, status=ACTIVE, starts_on__lte=on, ends_on__gte=on)
        .order_by("-ends_on", "id")
        .first()
    )


def _plans_on(lines) -> dict[int, MembershipPlan]:
    sku_ids = sorted({line.sku_id for line in lines})
    return {plan.sku_id: plan for plan in MembershipPlan.objects.filter(sku_id__in=sku_ids)}


def membership_order_paid(order, lines) -> None:
    """Paid hook: each plan line starts a subscription for the order's member, or renews the
    running one from the day after it ends. A line of n units buys n consecutive terms (one
    subscription row per line: rows are unique per order line). An order replayed through the
    hook adds nothing."""
    if order.member_id is None:
        # A plan's SKU is sold to members only (Sku.requires_member): checkout has refused a
        # plan without a member already, so an order without one needs no plan lookup.
        return
    plans = _plans_on(lines)
    if not plans:
        return
    # Two orders renewing the same member's plan at once queue on the member's row.
    Member.objects.select_for_update().filter(pk=order.member_id).first()
    now = clock.now()
    for line in lines:
        plan = plans.get(line.sku_id)
        if plan is None:
            continue
        if Subscription.objects.filter(order_uuid=order.uuid, line_no=line.line_no).exists():
            continue
        starts_on = _next_start(order.member_id, plan, order.business_date)
        Subscription.objects.create(
            member_id=order.member_id,
            plan=plan,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=plan.term_days * line.quantity - 1),
            order_uuid=order.uuid,
            line_no=line.line_no,
            status=ACTIVE,
            created_at=now,
        )


def _next_start(member_id: int, plan: MembershipPlan, today: dt.date) -> dt.date:
    latest = (
        Subscription.objects.filter(
            member_id=member_id, plan=plan, status=ACTIVE, ends_on__gte=today
        )
        .order_by("-ends_on")
        .values_list("ends_on", flat=True)
        .first()
    )
    return today if latest is None else latest + dt.timedelta(days=1)


def membership_order_returned(sales_return) -> None:
    """Return hook: a plan line that came back in full cancels its subscription."""
    returned = list(sales_return.lines.select_related("order_line"))
    plans = _plans_on([rl.order_line for rl in returned])
    if not plans:
        return
    order_uuid = sales_return.order.uuid
    for return_line in returned:
        line = return_line.order_line
        if line.sku_id not in plans or line.returned_quantity < line.quantity:
            continue
        Subscription.objects.filter(
            order_uuid=order_uuid, line_no=line.line_no, status=ACTIVE
        ).update(status=Subscription.Status.CANCELLED)


def subscriptions_daily(at: dt.datetime | None = None) -> dict[str, int]:
    """Daily: expire terms that have ended; issue this month's coupon of each running plan that
    has one. Running it again changes nothing."""
    at = at or clock.now()
    today = clock.business_date(at)
    expired = Subscription.objects.filter(status=ACTIVE, ends_on__lt=today).update(
        status=Subscription.Status.EXPIRED
    )
    running = list(
        Subscription.objects.filter(
            status=ACTIVE,
            starts_on__lte=today,
            ends_on__gte=today,
            plan__monthly_coupon_template__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    issued = 0
    for pk in running:
        try:
            issued += _monthly_coupon_give(pk, today=today)
        except CouponUnavailable as refused:
            log.warning("plan coupon for subscription %s refused: %s", pk, refused.code)
    return {"expired": expired, "coupons": issued}


def monthly_coupon_source(subscription: Subscription, on: dt.date) -> str:
    # Coupon.source holds 32 characters: "plan:<pk>:yyyy-mm" fits any realistic pk.
    return f"plan:{subscription.pk}:{on:%Y-%m}"


@transaction.atomic
def _monthly_coupon_give(pk: int, *, today: dt.date) -> int:
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan__monthly_coupon_template")
        .filter(pk=pk, status=ACTIVE)
        .first()
    )
    if subscription is None:
        return 0
    source = monthly_coupon_source(subscription, today)
    if Coupon.objects.filter(member_id=subscription.member_id, source=source).exists():
        return 0
    coupon_issue(
        template=subscription.plan.monthly_coupon_template,
        member_id=subscription.member_id,
        source=source,
    )
    return 1
