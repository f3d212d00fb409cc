"""The seeded demo sales, read back through the sales reports (the `demo` fixture of conftest.py
seeds each scenario once for the module, at the last 15:00 in the stores' time zone)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Sum

from storeos.accounts.models import User
from storeos.core import clock
from storeos.core.money import ZERO
from storeos.demo.seed import build_plan
from storeos.demo.staff import till_staff
from storeos.inventory.models import MoveKind, Reservation, StockMove
from storeos.inventory.selectors import levels_mismatching_moves
from storeos.sales.dashboard import sales_day
from storeos.sales.models import (
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentIntent,
    Refund,
    SalesReturn,
    Shift,
)
from storeos.sales.online import online_orders_expire
from storeos.sales.shifts import z_report
from storeos.stores.models import Store

SALES_DAYS = 60


def _stores(scenario: str) -> list[Store]:
    codes = [spec.code for spec in build_plan(scenario, 0).stores]
    return sorted(Store.objects.filter(code__in=codes), key=lambda s: codes.index(s.code))


def test_every_store_has_orders_on_most_of_the_sixty_days(demo, db, seed_day):
    for store in _stores(demo):
        days = set(
            Order.objects.filter(store=store, channel="pos").values_list("business_date", flat=True)
        )
        assert len(days) >= 50, store.code
        first = seed_day - dt.timedelta(days=SALES_DAYS)
        assert first <= min(days) <= first + dt.timedelta(days=5) and max(days) <= seed_day
    assert 600 <= Order.objects.filter(channel="pos").count() <= 1_300


def test_order_totals_add_up_to_their_lines_and_to_the_payments_less_change(demo, db):
    lines = dict(
        OrderLine.objects.values("order_id")
        .annotate(total=Sum("line_total"))
        .values_list("order_id", "total")
    )
    paid = defaultdict(lambda: ZERO)
    handed_over = defaultdict(lambda: ZERO)
    for order_id, amount, tendered, change in Payment.objects.filter(
        status="succeeded"
    ).values_list("order_id", "amount", "tendered", "change"):
        paid[order_id] += amount
        handed_over[order_id] += (tendered if tendered is not None else amount) - change

    orders = Order.objects.exclude(status__in=[OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED])
    for order_id, total in orders.values_list("pk", "total"):
        assert lines[order_id] == total
        assert paid[order_id] == total == handed_over[order_id]
    assert Payment.objects.filter(method="cash", change__gt=0).exists()
    assert Payment.objects.filter(method="sandbox").count() > orders.count() / 2
    # Every QR payment was confirmed by the provider and claimed by exactly the order it paid.
    intents = PaymentIntent.objects.filter(method="sandbox")
    assert not intents.exclude(status="succeeded").exists()
    assert not intents.filter(claimed_by_order__isnull=True).exists()


def test_orders_are_rung_by_the_stores_cashier_on_the_days_shift(demo, db):
    tills = till_staff([store.code for store in _stores(demo)])
    for store in _stores(demo):
        cashier, associate = (User.objects.get(username=name) for name in tills[store.code])
        pos = Order.objects.filter(store=store, channel="pos")

        assert set(pos.values_list("cashier", flat=True)) == {cashier.pk}
        assert set(pos.values_list("associate", flat=True)) == {None, associate.pk}
        assert not pos.filter(shift__isnull=True).exists()
        assert not pos.exclude(shift__opened_at__lte=F("created_at")).exists()
    restricted = Order.objects.filter(lines__sku__age_restricted=True).distinct()
    if demo == "liquor":
        assert restricted.exists()
        assert not restricted.filter(age_confirmed_at__isnull=True).exists()
    else:
        assert not restricted.exists()


def test_stock_reconciles_and_every_sale_is_an_orders(demo, db):
    assert levels_mismatching_moves() == []
    sold = StockMove.objects.filter(kind=MoveKind.SALE)
    units = -(sold.aggregate(n=Sum("quantity"))["n"] or 0)
    ordered = OrderLine.objects.filter(order__paid_at__isnull=False).aggregate(n=Sum("quantity"))
    assert units == ordered["n"]


def test_the_z_report_of_a_seeded_day_adds_up(demo, db, seed_day):
    store = _stores(demo)[0]
    day = seed_day - dt.timedelta(days=3)
    orders = Order.objects.filter(store=store, business_date=day)

    report = z_report(user=None, store=store, business_date=day)

    assert report["orders"] == orders.count() > 0
    assert report["net_sales"] == orders.aggregate(n=Sum("total"))["n"]
    assert sum(row["sales"] for row in report["by_method"]) == report["net_sales"]
    assert sum(row["orders"] for row in report["by_hour"]) == report["orders"]
    assert sum(row["net_sales"] for row in report["by_channel"]) == report["net_sales"]
    assert (
        report["units"]
        == OrderLine.objects.filter(order__in=orders).aggregate(n=Sum("quantity"))["n"]
    )
    [shift] = report["shifts"]
    assert shift["status"] == "closed" and shift["register"] == "T01"
    assert shift["counted_cash"] - shift["expected_cash"] == shift["variance"]
    cash = Payment.objects.filter(order__shift_id=shift["id"], method="cash")
    takings = cash.aggregate(t=Sum("tendered"), c=Sum("change"))
    cash_refunds = report_cash_refunds(shift["id"])
    assert shift["expected_cash"] == (
        shift["opening_float"] + (takings["t"] or ZERO) - (takings["c"] or ZERO) - cash_refunds
    )


def report_cash_refunds(shift_id: int) -> Decimal:
    total = Refund.objects.filter(
        sales_return__shift_id=shift_id, method="cash", status="succeeded"
    ).aggregate(n=Sum("amount"))["n"]
    return total or ZERO


def test_some_evenings_the_drawer_was_off_and_todays_till_is_still_open(demo, db, seed_day):
    closed = Shift.objects.filter(status="closed")

    assert closed.count() == SALES_DAYS * 3
    assert closed.exclude(variance=0).exists() and closed.filter(variance=0).exists()
    open_now = Shift.objects.filter(status="open").select_related("store")
    assert open_now.count() == 3
    for shift in open_now:
        assert clock.business_date(shift.opened_at, "Asia/Shanghai") == seed_day
        assert (
            shift.orders.count()
            == Order.objects.filter(
                store=shift.store, channel="pos", business_date=seed_day
            ).count()
        )


def test_the_dashboard_of_the_seed_day_shows_sales_by_hour_and_channel(demo, db, seed_day):
    store = _stores(demo)[0]
    admin = User.objects.get(username="admin")
    yesterday = seed_day - dt.timedelta(days=1)

    figures = sales_day(user=admin, store=store, day=yesterday)
    today = sales_day(user=admin, store=store, day=seed_day)

    assert figures.orders > 0 and figures.gross_sales > 0
    assert Decimal("1.2") <= figures.units_per_transaction <= Decimal("4")
    assert sum(h.orders for h in figures.by_hour) == figures.orders
    assert all(h.orders == 0 for h in figures.by_hour if h.hour < 10 or h.hour > 21)
    assert figures.top_skus
    assert today.orders >= 1  # at least the online order paid this morning
    chain = sales_day(user=admin, store=None, day=yesterday)
    assert chain.orders > figures.orders


def test_online_orders_one_waits_for_pick_up_and_one_unpaid_will_expire(demo, db):
    first = _stores(demo)[0]
    online = Order.objects.filter(channel="online_mall")

    assert online.filter(status="completed").count() >= 10
    [waiting] = online.filter(status=OrderStatus.READY_FOR_PICKUP)
    assert waiting.store == first and len(waiting.pickup_code) == 6
    [unpaid] = online.filter(status=OrderStatus.PENDING_PAYMENT)
    assert unpaid.store == first and unpaid.expires_at > unpaid.created_at
    reservation = Reservation.objects.get(reference=str(unpaid.uuid))
    assert reservation.status == "active"

    with clock.frozen(unpaid.expires_at + dt.timedelta(minutes=1)):
        assert online_orders_expire() == 1

    unpaid.refresh_from_db()
    assert unpaid.status == OrderStatus.EXPIRED
    assert levels_mismatching_moves() == []


def test_a_handful_of_returns_one_partial_and_one_scrapped(demo, db):
    returns = SalesReturn.objects.annotate(lines_back=Count("lines"))

    assert 4 <= returns.count() <= 6
    assert {r.store_id for r in returns} >= {_stores(demo)[0].pk}
    partial = Order.objects.filter(pk__in=returns.values("order")).filter(
        refunded_total__gt=0, refunded_total__lt=F("total")
    )
    assert partial.exists()
    assert StockMove.objects.filter(kind=MoveKind.SCRAP, reference_type="sales_return").count() == 1
    for sales_return in returns:
        assert sales_return.refund_total > 0
        refunded = sales_return.refunds.filter(status="succeeded").aggregate(n=Sum("amount"))
        assert refunded["n"] == sales_return.refund_total
