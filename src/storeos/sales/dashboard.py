"""The store sales dashboard's figures for one business day: takings, 客单价, 连带率, by hour,
by channel and the best-selling SKUs.

Every figure is a database aggregate (a handful of queries whatever the day's volume): no order is
loaded into Python. A business day is the store's own calendar day (`Order.business_date`), and
hours are read on the store's wall clock, so a chain spanning time zones adds up each store's
9 o'clock with the others' 9 o'clock.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractHour

from storeos.accounts.permissions import Perm, require, store_ids_with
from storeos.core.channels import Channel
from storeos.core.errors import PermissionDenied
from storeos.core.money import ZERO, quantize
from storeos.sales.models import Order, OrderLine, OrderStatus
from storeos.stores.models import Store

# Orders that are sales: paid, whatever happened to them afterwards (refunds count separately).
SOLD_STATUSES = [
    OrderStatus.PAID,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
]
TOP_SKU_COUNT = 10
LATEST_ORDER_COUNT = 10
UPT_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class HourFigure:
    hour: int
    sales: Decimal
    orders: int


@dataclass(frozen=True)
class ChannelFigure:
    channel: str
    label: str
    sales: Decimal
    orders: int


@dataclass(frozen=True)
class SkuFigure:
    sku_id: int
    code: str
    name: str
    units: int
    sales: Decimal


@dataclass(frozen=True)
class SalesDay:
    day: dt.date
    store: Store | None  # None: every store the user reports on
    gross_sales: Decimal
    refunds: Decimal
    net_sales: Decimal
    orders: int
    units: int
    average_order_value: Decimal  # 客单价: gross sales ÷ orders
    units_per_transaction: Decimal  # 连带率: units ÷ orders
    by_hour: list[HourFigure]  # all 24 hours, empty ones included, so the chart's axis is fixed
    by_channel: list[ChannelFigure]
    top_skus: list[SkuFigure]
    latest_orders: list[dict]


def reporting_time_zone(store: Store | None) -> str:
    return store.time_zone if store is not None else settings.TIME_ZONE


def sales_day(*, user, store: Store | None, day: dt.date) -> SalesDay:
    """One business day's figures for `store`, or for every store `user` reports on (None)."""
    orders = _sold_orders(user=user, store=store).filter(business_date=day)
    totals = orders.aggregate(orders=Count("id"), sales=Sum("total"))
    order_count = totals["orders"] or 0
    gross = _money(totals["sales"])
    units = OrderLine.objects.filter(order__in=orders).aggregate(units=Sum("quantity"))["units"]
    units = units or 0
    refunds = _refunds(user=user, store=store, day=day, day_orders=orders)
    return SalesDay(
        day=day,
        store=store,
        gross_sales=gross,
        refunds=refunds,
        net_sales=gross - refunds,
        orders=order_count,
        units=units,
        average_order_value=quantize(gross / order_count) if order_count else ZERO,
        units_per_transaction=(Decimal(units) / order_count).quantize(UPT_PLACES)
        if order_count
        else Decimal("0.00"),
        by_hour=_by_hour(orders),
        by_channel=_by_channel(orders),
        top_skus=_top_skus(orders),
        latest_orders=_latest(orders),
    )


def _money(value) -> Decimal:
    """A database sum as cents. SQLite adds decimals as floats (and drops trailing zeros), so
    every sum is rounded back to two places here, on every backend alike."""
    return quantize(Decimal(str(value))) if value is not None else ZERO


def _store_ids(*, user, store: Store | None) -> list[int] | None:
    """The stores the figures cover (None: every store), refusing what `user` may not see."""
    if store is not None:
        require(user, Perm.SALES_REPORTS, store)
        return [store.pk]
    store_ids = store_ids_with(user, Perm.SALES_REPORTS)
    if store_ids is None:
        return None
    if not store_ids:
        raise PermissionDenied("You do not report on any store's sales.")
    return sorted(store_ids)


def _sold_orders(*, user, store: Store | None) -> QuerySet:
    orders = Order.objects.filter(status__in=SOLD_STATUSES)
    store_ids = _store_ids(user=user, store=store)
    if store_ids is not None:
        orders = orders.filter(store_id__in=store_ids)
    # order_by(): the model's default ordering must not leak into the GROUP BYs below.
    return orders.order_by()


def _by_hour(orders: QuerySet) -> list[HourFigure]:
    """Sales per wall-clock hour. One grouped query per time zone among the stores (usually one)."""
    sales = [ZERO] * 24
    counts = [0] * 24
    zones = orders.values_list("store__time_zone", flat=True).distinct()
    for zone in sorted(set(zones)):
        rows = (
            orders.filter(store__time_zone=zone)
            .annotate(hour=ExtractHour("created_at", tzinfo=ZoneInfo(zone)))
            .values("hour")
            .annotate(sales=Sum("total"), orders=Count("id"))
        )
        for row in rows:
            sales[row["hour"]] += _money(row["sales"])
            counts[row["hour"]] += row["orders"]
    return [HourFigure(hour, sales[hour], counts[hour]) for hour in range(24)]


def _by_channel(orders: QuerySet) -> list[ChannelFigure]:
    rows = orders.values("channel").annotate(sales=Sum("total"), orders=Count("id"))
    labels = dict(Channel.choices)
    figures = [
        ChannelFigure(
            channel=row["channel"],
            label=str(labels.get(row["channel"], row["channel"])),
            sales=_money(row["sales"]),
            orders=row["orders"],
        )
        for row in rows
    ]
    return sorted(figures, key=lambda f: (-f.sales, f.channel))


def _top_skus(orders: QuerySet) -> list[SkuFigure]:
    rows = (
        OrderLine.objects.filter(order__in=orders)
        .values("sku_id", "sku__code", "sku__name")
        .annotate(units=Sum("quantity"), sales=Sum("line_total"))
        .order_by("-sales", "-units", "sku__code")[:TOP_SKU_COUNT]
    )
    return [
        SkuFigure(
            sku_id=row["sku_id"],
            code=row["sku__code"],
            name=row["sku__name"],
            units=row["units"],
            sales=_money(row["sales"]),
        )
        for row in rows
    ]


def _latest(orders: QuerySet) -> list[dict]:
    return list(
        orders.order_by("-created_at", "-id").values(
            "uuid", "number", "created_at", "channel", "total", "store__code", "store__time_zone"
        )[:LATEST_ORDER_COUNT]
    )


def _refunds(*, user, store: Store | None, day: dt.date, day_orders: QuerySet) -> Decimal:
    """Money handed back on the day: every refund made on that business day, whatever day its
    order was sold (an exchange's credit included, as its new order counts as a sale).

    Read through the app registry so the dashboard does not depend on the returns models: where
    they are absent, what has been refunded of the day's own orders stands in.
    """
    try:
        refund_model = apps.get_model("sales", "Refund")
    except LookupError:
        return _money(day_orders.aggregate(refunded=Sum("refunded_total"))["refunded"])
    refunds = refund_model.objects.filter(
        status="succeeded", sales_return__business_date=day
    ).order_by()
    store_ids = _store_ids(user=user, store=store)
    if store_ids is not None:
        refunds = refunds.filter(sales_return__store_id__in=store_ids)
    return _money(refunds.aggregate(total=Sum("amount"))["total"])
