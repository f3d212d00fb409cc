"""Paid membership: sold as its SKU, renewed back to back, cancelled by a return, expired and
given its monthly coupon by the daily job."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.loyalty.membership import subscription_active, subscriptions_daily
from storeos.loyalty.models import MembershipPlan, Subscription
from storeos.promotions.models import Coupon, CouponKind, CouponTemplate
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.errors import CartInvalid
from storeos.sales.models import Order
from storeos.sales.returns import return_create
from storeos.sales.tests.conftest import make_sku

SH = dt.timezone(dt.timedelta(hours=8))
SALE_DAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=SH)


def at_day(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SH)


def sell(store, member, *items, at=SALE_DAY):
    with clock.frozen(at):
        return checkout(
            actor=None,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(sku=sku, quantity=qty) for sku, qty in items],
            payments=[Tender("cash", sum(sku.list_price * qty for sku, qty in items))],
            member_id=member.pk if member else None,
        )


@pytest.fixture
def plan(programme, category, floor):
    # Checkout takes stock for every line, so the plan's SKU is stocked like any other.
    sku = make_sku(category, "VIP-YEAR", "199.00", stock=100, location=floor, requires_member=True)
    return MembershipPlan.objects.create(
        programme=programme, code="VIP", name="VIP year", sku=sku, term_days=365
    )


@pytest.fixture
def monthly(plan):
    template = CouponTemplate.objects.create(
        code="VIP-MONTH",
        name="VIP ¥20 a month",
        kind=CouponKind.AMOUNT_OFF,
        value=Decimal("20"),
        valid_days=30,
        created_at=clock.now(),
    )
    plan.monthly_coupon_template = template
    plan.save(update_fields=["monthly_coupon_template"])
    return plan


def test_buying_a_plan_starts_a_subscription_today(member, store, plan, bricks):
    order = sell(store, member, (bricks, 1), (plan.sku, 1))

    [subscription] = Subscription.objects.filter(member=member)
    assert subscription.starts_on == dt.date(2026, 6, 1)
    assert subscription.ends_on == dt.date(2027, 5, 31)
    assert (subscription.order_uuid, subscription.line_no) == (order.uuid, 2)
    assert subscription_active(member=member, on=dt.date(2026, 12, 1)) == subscription
    assert subscription_active(member=member, on=dt.date(2027, 6, 1)) is None


def test_a_renewal_starts_the_day_after_the_running_term_ends(member, store, plan):
    sell(store, member, (plan.sku, 1))

    sell(store, member, (plan.sku, 1), at=SALE_DAY + dt.timedelta(days=100))

    terms = list(
        Subscription.objects.filter(member=member)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    )
    assert terms == [
        (dt.date(2026, 6, 1), dt.date(2027, 5, 31)),
        (dt.date(2027, 6, 1), dt.date(2028, 5, 30)),
    ]


def test_two_units_buy_two_consecutive_terms(member, store, plan):
    sell(store, member, (plan.sku, 2))

    [subscription] = Subscription.objects.filter(member=member)
    assert subscription.ends_on == dt.date(2026, 6, 1) + dt.timedelta(days=729)


def test_a_plan_without_a_member_refuses_the_whole_checkout(store, plan, bricks):
    with pytest.raises(CartInvalid) as refused:
        sell(store, None, (bricks, 1), (plan.sku, 1))

    assert refused.value.code == "member_required"
    assert not Order.objects.exists()
    assert not Subscription.objects.exists()


def test_orders_without_a_plan_are_left_alone(member, store, bricks, plan):
    sell(store, member, (bricks, 1))
    sell(store, None, (bricks, 1))

    assert not Subscription.objects.exists()


def test_returning_the_plan_line_cancels_the_subscription(member, store, plan, bricks):
    order = sell(store, member, (bricks, 1), (plan.sku, 1))

    with clock.frozen(SALE_DAY + dt.timedelta(days=2)):
        return_create(
            actor=None,
            return_id=uuid.uuid4(),
            order=order,
            lines=[(order.lines.get(line_no=2), 1, "restock")],
            reason="changed mind",
        )

    subscription = Subscription.objects.get(member=member)
    assert subscription.status == Subscription.Status.CANCELLED
    assert subscription_active(member=member, on=dt.date(2026, 6, 5)) is None


def test_returning_other_goods_keeps_the_subscription(member, store, plan, bricks):
    order = sell(store, member, (bricks, 1), (plan.sku, 1))

    with clock.frozen(SALE_DAY + dt.timedelta(days=2)):
        return_create(
            actor=None,
            return_id=uuid.uuid4(),
            order=order,
            lines=[(order.lines.get(line_no=1), 1, "restock")],
            reason="changed mind",
        )

    assert Subscription.objects.get(member=member).status == Subscription.Status.ACTIVE


def test_the_daily_job_expires_finished_terms_once(member, store, plan):
    sell(store, member, (plan.sku, 1))

    on_last_day = subscriptions_daily(at_day(dt.date(2027, 5, 31)))
    after = subscriptions_daily(at_day(dt.date(2027, 6, 1)))
    again = subscriptions_daily(at_day(dt.date(2027, 6, 2)))

    assert (on_last_day["expired"], after["expired"], again["expired"]) == (0, 1, 0)
    assert Subscription.objects.get(member=member).status == Subscription.Status.EXPIRED


def test_the_monthly_coupon_is_issued_once_a_month(member, store, monthly):
    subscription_order = sell(store, member, (monthly.sku, 1))
    subscription = Subscription.objects.get(order_uuid=subscription_order.uuid)

    june = subscriptions_daily(at_day(dt.date(2026, 6, 1)))
    june_again = subscriptions_daily(at_day(dt.date(2026, 6, 20)))
    july = subscriptions_daily(at_day(dt.date(2026, 7, 1)))

    assert (june["coupons"], june_again["coupons"], july["coupons"]) == (1, 0, 1)
    sources = sorted(Coupon.objects.filter(member=member).values_list("source", flat=True))
    assert sources == [f"plan:{subscription.pk}:2026-06", f"plan:{subscription.pk}:2026-07"]


def test_no_monthly_coupon_before_a_renewal_starts_or_after_cancelling(member, store, monthly):
    sell(store, member, (monthly.sku, 1))
    renewal = sell(store, member, (monthly.sku, 1), at=SALE_DAY + dt.timedelta(days=5))
    Subscription.objects.filter(order_uuid=renewal.uuid).update(
        status=Subscription.Status.CANCELLED
    )

    result = subscriptions_daily(at_day(dt.date(2026, 6, 10)))

    assert result["coupons"] == 1
    assert Coupon.objects.filter(member=member).count() == 1
