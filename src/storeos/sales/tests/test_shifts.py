import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import PermissionDenied
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.online import online_order_create, online_order_pay
from storeos.sales.shifts import (
    ShiftAlreadyOpen,
    ShiftClosed,
    shift_close,
    shift_open,
    shift_summary,
    z_report,
)
from storeos.sales.tests.conftest import user_with_role

MORNING = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
DAY = dt.date(2026, 3, 2)


def sell(cashier, store, shift, lines, payments, at):
    with clock.frozen(at):
        return checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=lines,
            payments=payments,
            shift=shift,
        )


@pytest.fixture
def manager(store):
    return user_with_role("store_manager", store, "manager")


@pytest.fixture
def trading_day(store, cashier, bricks, figure):
    """A till's morning: three sales (cash with change, card, exact cash) and an online order."""
    with clock.frozen(MORNING):
        shift = shift_open(actor=cashier, store=store, register="T1", opening_float="500.00")
    hour = dt.timedelta(hours=1)
    sell(
        cashier,
        store,
        shift,
        [CartLine(bricks, 1), CartLine(figure, 2)],
        [Tender("cash", Decimal("138.80"), tendered=Decimal("200.00"))],
        MORNING + hour,
    )
    sell(
        cashier,
        store,
        shift,
        [CartLine(bricks, 1)],
        [Tender("card", Decimal("99.00"), reference="T-1")],
        MORNING + hour,
    )
    sell(
        cashier,
        store,
        shift,
        [CartLine(figure, 1)],
        [Tender("cash", Decimal("19.90"))],
        MORNING + 3 * hour,
    )
    with clock.frozen(MORNING + 4 * hour):
        web = online_order_create(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            channel="mini_program",
            lines=[CartLine(bricks, 2)],
        )
        online_order_pay(
            actor=cashier, order=web, payments=[Tender("card", Decimal("198.00"), reference="W-1")]
        )
    return shift


def test_a_till_has_one_open_shift_at_a_time(store, cashier):
    shift_open(actor=cashier, store=store, register="T1", opening_float=Decimal("300"))

    with pytest.raises(ShiftAlreadyOpen) as refused:
        shift_open(actor=cashier, store=store, register="T1", opening_float=Decimal("300"))
    other_till = shift_open(actor=cashier, store=store, register="T2", opening_float=0)

    assert refused.value.code == "shift_already_open"
    assert other_till.status == "open"


def test_closing_a_shift_records_what_the_drawer_should_hold_and_the_variance(
    store, cashier, trading_day
):
    # 500 float + 200 tendered − 61.20 change + 19.90 exact cash = 658.70 expected.
    with clock.frozen(MORNING + dt.timedelta(hours=8)):
        closed = shift_close(actor=cashier, shift=trading_day, counted_cash="650.00", note="short")

    assert closed.status == "closed"
    assert closed.expected_cash == Decimal("658.70")
    assert closed.counted_cash == Decimal("650.00")
    assert closed.variance == Decimal("-8.70")
    summary = shift_summary(shift=closed)
    assert summary["orders"] == 3
    assert summary["change_given"] == Decimal("61.20")
    assert {row["method"]: row["sales"] for row in summary["by_method"]} == {
        "cash": Decimal("158.70"),
        "card": Decimal("99.00"),
    }


def test_closing_again_with_the_same_count_is_a_retry_but_a_new_count_is_refused(
    store, cashier, trading_day
):
    first = shift_close(actor=cashier, shift=trading_day, counted_cash="658.70")
    again = shift_close(actor=cashier, shift=trading_day, counted_cash="658.70")

    with pytest.raises(ShiftClosed):
        shift_close(actor=cashier, shift=trading_day, counted_cash="600.00")
    assert again.variance == first.variance == Decimal("0.00")


def test_the_z_report_adds_up(store, cashier, manager, trading_day):
    with clock.frozen(MORNING + dt.timedelta(hours=8)):
        shift_close(actor=cashier, shift=trading_day, counted_cash="660.00")

    report = z_report(user=manager, store=store, business_date=DAY)

    assert report["orders"] == 4
    assert report["units"] == 7
    assert report["gross_sales"] == Decimal("455.70")
    assert report["discounts"] == Decimal("0.00")
    assert report["net_sales"] == Decimal("455.70")
    assert report["refunds"] == Decimal("0.00")
    assert report["average_order_value"] == Decimal("113.93")
    by_method = {row["method"]: row["sales"] for row in report["by_method"]}
    assert by_method == {"cash": Decimal("158.70"), "card": Decimal("297.00")}
    assert sum(by_method.values()) == report["net_sales"]
    assert {row["channel"]: row["net_sales"] for row in report["by_channel"]} == {
        "mini_program": Decimal("198.00"),
        "pos": Decimal("237.80") + Decimal("19.90"),
    }
    assert [(row["hour"], row["orders"]) for row in report["by_hour"]] == [
        (10, 2),
        (12, 1),
        (13, 1),
    ]
    assert sum(row["net_sales"] for row in report["by_hour"]) == report["net_sales"]
    assert [(s["register"], s["variance"]) for s in report["shifts"]] == [("T1", Decimal("1.30"))]
    tax = report["tax"]
    assert Decimal("0") < tax < report["net_sales"]


def test_a_day_without_sales_reports_zeros(store, manager):
    report = z_report(user=manager, store=store, business_date=DAY)

    assert (report["orders"], report["net_sales"], report["by_method"]) == (0, Decimal("0"), [])


def test_a_cashier_does_not_see_the_z_report(store, cashier):
    with pytest.raises(PermissionDenied):
        z_report(user=cashier, store=store, business_date=DAY)


def test_cash_refunded_on_a_shift_leaves_its_drawer(store, cashier, manager, trading_day):
    from django.apps import apps

    try:
        sales_return = apps.get_model("sales", "SalesReturn")
        refund = apps.get_model("sales", "Refund")
    except LookupError:
        pytest.skip("returns are not installed")
    sold = trading_day.orders.filter(payments__method="cash").order_by("pk").first()
    with clock.frozen(MORNING + dt.timedelta(hours=5)):
        taken_back = sales_return.objects.create(
            uuid=uuid.uuid4(),
            order=sold,
            store=store,
            shift=trading_day,
            created_at=clock.now(),
            business_date=DAY,
            refund_total=Decimal("19.90"),
            request_hash="-",
        )
        refund.objects.create(
            sales_return=taken_back,
            payment=sold.payments.get(),
            method="cash",
            amount=Decimal("19.90"),
            status="succeeded",
            created_at=clock.now(),
        )

    closed = shift_close(actor=cashier, shift=trading_day, counted_cash="638.80")
    report = z_report(user=manager, store=store, business_date=DAY)

    assert closed.expected_cash == Decimal("638.80")
    assert closed.variance == Decimal("0.00")
    assert report["refunds"] == Decimal("19.90")
    assert report["net_after_refunds"] == Decimal("435.80")
    cash = next(row for row in report["by_method"] if row["method"] == "cash")
    assert cash["net"] == Decimal("138.80")
