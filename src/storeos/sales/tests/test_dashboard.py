import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from storeos.core import clock
from storeos.core.channels import Channel
from storeos.core.errors import PermissionDenied
from storeos.inventory.stock import stock_receive
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.dashboard import sales_day
from storeos.sales.models import Order, OrderStatus
from storeos.sales.returns import return_create
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Location, Store

pytestmark = pytest.mark.urls("storeos.sales.tests.receipts_urls")

DAY = dt.date(2024, 5, 20)
UTC = dt.UTC
CHART_DATA = '<script id="sales-dashboard-data" type="application/json">'


def sell(store, cashier, lines, at, channel=Channel.POS):
    total = sum((sku.list_price * qty for sku, qty in lines), Decimal(0))
    with clock.frozen(at):
        return checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(sku, qty) for sku, qty in lines],
            payments=[Tender("card", total)],
            channel=channel,
        )


@pytest.fixture
def day_of_sales(store, cashier, bricks, figure):
    """Four sales on 20 May in Shanghai (one just after midnight) and one late the day before."""
    sell(store, cashier, [(bricks, 1)], dt.datetime(2024, 5, 19, 15, 30, tzinfo=UTC))  # 23:30 19th
    return [
        sell(store, cashier, [(figure, 1)], dt.datetime(2024, 5, 19, 16, 30, tzinfo=UTC)),  # 00:30
        sell(store, cashier, [(bricks, 1)], dt.datetime(2024, 5, 20, 1, 15, tzinfo=UTC)),  # 09:15
        sell(store, cashier, [(figure, 3)], dt.datetime(2024, 5, 20, 1, 40, tzinfo=UTC)),  # 09:40
        sell(
            store,
            cashier,
            [(bricks, 1), (figure, 1)],
            dt.datetime(2024, 5, 20, 6, 5, tzinfo=UTC),  # 14:05
            channel=Channel.MINI_PROGRAM,
        ),
    ]


@pytest.fixture
def manager(store):
    return user_with_role("store_manager", store, "manager")


@pytest.fixture
def other_store(store, category, bricks):
    elsewhere = Store.objects.create(code="S2", name="Store two", region=store.region)
    shelf = Location.objects.create(
        code="S2-SHELF",
        name="Shelf",
        kind=Location.Kind.STORE_SHELF,
        store=elsewhere,
        sellable=True,
        channels=[Channel.POS.value],
    )
    stock_receive(actor=None, location=shelf, sku=bricks, quantity=5, unit_cost=Decimal("49.50"))
    sell(elsewhere, None, [(bricks, 2)], dt.datetime(2024, 5, 20, 2, 0, tzinfo=UTC))  # 10:00
    return elsewhere


def page(user, *, query=None, language="zh-hans") -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    query = {"day": DAY.isoformat()} if query is None else query
    response = client.get(reverse("sales_reports:dashboard"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_days_figures_add_up_by_hand(store, manager, day_of_sales):
    figures = sales_day(user=manager, store=store, day=DAY)

    # 19.90 + 99.00 + 59.70 + 118.90; 1 + 1 + 3 + 2 units over 4 orders.
    assert figures.orders == 4
    assert figures.gross_sales == Decimal("297.50")
    assert figures.net_sales == Decimal("297.50")
    assert figures.units == 7
    assert figures.average_order_value == Decimal("74.38")  # 74.375, rounded half-up
    assert figures.units_per_transaction == Decimal("1.75")
    by_hour = {h.hour: (h.sales, h.orders) for h in figures.by_hour if h.orders}
    assert by_hour == {
        0: (Decimal("19.90"), 1),
        9: (Decimal("158.70"), 2),
        14: (Decimal("118.90"), 1),
    }
    assert len(figures.by_hour) == 24
    assert [(c.channel, c.sales, c.orders) for c in figures.by_channel] == [
        ("pos", Decimal("178.60"), 3),
        ("mini_program", Decimal("118.90"), 1),
    ]
    assert [(s.code, s.units, s.sales) for s in figures.top_skus] == [
        ("BRICKS", 2, Decimal("198.00")),
        ("FIGURE", 5, Decimal("99.50")),
    ]
    assert len(figures.latest_orders) == 4


def test_the_day_before_is_its_own_business_day(store, manager, day_of_sales):
    figures = sales_day(user=manager, store=store, day=DAY - dt.timedelta(days=1))

    assert (figures.orders, figures.gross_sales) == (1, Decimal("99.00"))
    assert [h.hour for h in figures.by_hour if h.orders] == [23]


def test_unpaid_and_cancelled_orders_are_not_sales(store, manager, day_of_sales):
    Order.objects.filter(pk=day_of_sales[0].pk).update(status=OrderStatus.CANCELLED)

    figures = sales_day(user=manager, store=store, day=DAY)

    assert (figures.orders, figures.gross_sales, figures.units) == (3, Decimal("277.60"), 6)


def test_refunds_made_on_the_day_come_off_its_sales(store, manager, day_of_sales):
    yesterdays = Order.objects.get(business_date=DAY - dt.timedelta(days=1))
    with clock.frozen(dt.datetime(2024, 5, 20, 3, 0, tzinfo=UTC)):  # 11:00
        for order in (day_of_sales[1], yesterdays):  # the 09:15 bricks and last night's
            return_create(
                actor=manager,
                return_id=uuid.uuid4(),
                order=order,
                lines=[(order.lines.get(), 1, "restock")],
                reason="changed mind",
            )

    figures = sales_day(user=manager, store=store, day=DAY)

    assert figures.gross_sales == Decimal("297.50")
    assert figures.refunds == Decimal("198.00")
    assert figures.net_sales == Decimal("99.50")
    assert figures.average_order_value == Decimal("74.38")  # AOV is on what was sold
    assert sales_day(user=manager, store=store, day=DAY + dt.timedelta(days=1)).refunds == 0


def test_a_store_manager_sees_their_store_and_hq_sees_the_chain(
    store, manager, day_of_sales, other_store
):
    analyst = user_with_role("hq_analyst", None, "analyst")

    mine = sales_day(user=manager, store=None, day=DAY)
    chain = sales_day(user=analyst, store=None, day=DAY)
    theirs = sales_day(user=analyst, store=other_store, day=DAY)

    assert (mine.orders, mine.gross_sales) == (4, Decimal("297.50"))
    assert (chain.orders, chain.gross_sales) == (5, Decimal("495.50"))
    assert {h.hour: h.orders for h in chain.by_hour if h.orders} == {0: 1, 9: 2, 10: 1, 14: 1}
    assert (theirs.orders, theirs.units) == (1, 2)
    with pytest.raises(PermissionDenied):
        sales_day(user=manager, store=other_store, day=DAY)


def test_figures_take_as_many_queries_for_four_orders_as_for_one(store, manager, day_of_sales):
    sales_day(user=manager, store=store, day=DAY)  # the manager's grants are cached after this
    with CaptureQueriesContext(connection) as busy_day:
        sales_day(user=manager, store=store, day=DAY)
    with CaptureQueriesContext(connection) as quiet_day:
        sales_day(user=manager, store=store, day=DAY - dt.timedelta(days=1))

    assert len(busy_day) == len(quiet_day) <= 8


def test_the_dashboard_page_renders_in_chinese_with_its_chart_data(manager, day_of_sales):
    html = page(manager)
    chart = json.loads(html.split(CHART_DATA)[1].split("</script>")[0])

    assert '<html lang="zh-hans">' in html
    assert "销售看板" in html and "客单价" in html and "连带率" in html and "按小时销售" in html
    assert "¥74.38" in html and "1.75" in html and "¥297.50" in html
    assert chart["hours"][9] == "09" and chart["hourSales"][9] == "158.70"
    assert chart["hourOrders"][14] == 1
    assert {c["value"] for c in chart["channels"]} == {"178.60", "118.90"}
    assert 'data-sku="BRICKS"' in html
    assert reverse("sales_reports:receipt", kwargs={"order_uuid": day_of_sales[-1].uuid}) in html
    assert "sales/dashboard.js" in html and "echarts.min.js" in html


def test_the_dashboard_page_in_english_and_on_an_empty_day(manager, day_of_sales):
    html = page(manager, language="en")
    empty = page(manager, query={"day": "2024-01-01"}, language="en")

    assert "Average order value" in html and "Units per transaction" in html
    assert "No sales on this day yet." in empty and "sales-dashboard-data" not in empty


def test_hq_sees_every_store_when_no_store_is_selected(day_of_sales, other_store):
    analyst = user_with_role("hq_analyst", None, "analyst")

    html = page(analyst, language="en")

    assert "All stores" in html and 'data-figure="orders">5<' in html


def test_the_dashboard_opens_on_the_stores_today(store, manager, cashier, bricks):
    with clock.frozen(dt.datetime(2024, 5, 20, 16, 30, tzinfo=UTC)):  # 00:30 on the 21st
        sell(store, cashier, [(bricks, 1)], clock.now())
        html = page(manager, query={}, language="en")
        nonsense = page(manager, query={"day": "2024-02-31"}, language="en")

    assert "2024-05-21" in html and 'data-figure="orders">1<' in html
    assert "That is not a date" in nonsense and "2024-05-21" in nonsense


def test_cashiers_do_not_see_the_sales_dashboard(cashier):
    client = Client()
    client.force_login(cashier)

    assert client.get(reverse("sales_reports:dashboard")).status_code == 403
