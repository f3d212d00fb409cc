"""The demo's stock plan as pure data: replayed first-expiry-first as the till would, it never
sells what is not there, and it leaves the stock story the demo promises."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest

from storeos.demo.lego import build_lego_plan
from storeos.demo.liquor import build_liquor_plan
from storeos.demo.stock_plan import OPENING_DAYS, SALES_DAYS, StockPlan, build_stock_plan, shelf

PLANS = {"lego": build_lego_plan, "liquor": build_liquor_plan}
TODAY = dt.date(2026, 3, 14)
TZ = "Asia/Shanghai"


def _stock(scenario: str, seed: int = 42, now: dt.datetime | None = None) -> StockPlan:
    """The plan as of midnight starting TODAY (no sales today), or as of `now`."""
    return build_stock_plan(PLANS[scenario](seed), seed=seed, today=TODAY, now=now, tz=TZ)


def _replay(stock: StockPlan) -> dict[tuple[str, str, str], int]:
    """Units per (location, SKU, lot) after the history, taking stock as the engine does:
    first expiry first, skipping lots expired on the day, for every ticket and paid online
    order. Fails on any shortfall."""
    expiry = {(lot.sku, lot.code): lot.expiry_date for lot in stock.lots}
    held: dict[tuple[str, str, str], int] = defaultdict(int)
    on_the_road: dict[int, list[tuple[str, str, int]]] = {}

    def take(location: str, sku: str, quantity: int, day: dt.date) -> list[tuple[str, int]]:
        open_lots = sorted(
            (expiry.get((sku, lot), dt.date.max), lot)
            for (where, code, lot), units in held.items()
            if where == location and code == sku and units > 0
            and expiry.get((sku, lot), dt.date.max) >= day
        )  # fmt: skip
        taken = []
        for _, lot in open_lots:
            n = min(quantity, held[(location, sku, lot)])
            held[(location, sku, lot)] -= n
            taken.append((lot, n))
            quantity -= n
            if not quantity:
                break
        assert quantity == 0, f"{location} is {quantity} × {sku} short on {day}"
        return taken

    for step in stock.history():
        spec = step.spec
        day = step.at.astimezone(ZoneInfo(TZ)).date()
        if step.action == "receive":
            for receipt in spec:
                held[(receipt.location, receipt.sku, receipt.lot)] += receipt.quantity
        elif step.action == "checkout" or (step.action == "online_order" and spec.paid_at):
            for sku, quantity in spec.lines:
                take(shelf(spec.store), sku, quantity, day)
        elif step.action == "transfer_ship":
            on_the_road[id(spec)] = [
                (sku, lot, n)
                for sku, quantity in spec.lines
                for lot, n in take(spec.from_location, sku, quantity, day)
            ]
        elif step.action == "transfer_receive":
            for sku, lot, n in on_the_road.pop(id(spec)):
                held[(spec.to_location, sku, lot)] += n
        # Returns only bring units back: leaving them out can only make the replay stricter.
    return held


@pytest.mark.parametrize("hour", [None, 15, 23])
@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_the_history_never_sells_or_ships_stock_that_is_not_there(scenario, hour):
    now = None if hour is None else dt.datetime.combine(TODAY, dt.time(hour), ZoneInfo(TZ))
    stock = _stock(scenario, now=now)

    held = _replay(stock)

    assert all(units >= 0 for units in held.values())
    for draft in stock.drafts():
        for sku, quantity in draft.lines:
            free = sum(n for (where, code, _), n in held.items()
                       if where == draft.from_location and code == sku)  # fmt: skip
            assert free >= quantity, sku
    for request in stock.scrap:
        for sku, quantity, lot in request.lines:
            assert held[(request.location, sku, lot)] >= quantity, sku
    for order in stock.orders.online_orders:
        if order.paid_at is None:  # held for an unpaid order at the end of the history
            for sku, quantity in order.lines:
                free = sum(n for (where, code, _), n in held.items()
                           if where == shelf(order.store) and code == sku)  # fmt: skip
                assert free >= quantity, sku


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_two_months_of_modest_sales_dated_before_today(scenario):
    stock = _stock(scenario)
    tz = ZoneInfo(TZ)
    days = {sale.at.astimezone(tz).date() for sale in stock.sales}
    receipts = [r.at.astimezone(tz).date() for r in stock.receipts]

    assert 1_500 <= sum(sale.quantity for sale in stock.sales) <= 4_000
    assert 600 <= len(stock.orders.tickets) <= 1_300
    assert min(days) == TODAY - dt.timedelta(days=SALES_DAYS)
    assert max(days) == TODAY - dt.timedelta(days=1)
    assert min(receipts) == TODAY - dt.timedelta(days=OPENING_DAYS) and max(receipts) < TODAY
    assert all(sale.location.endswith("-SHELF") for sale in stock.sales)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_stock_is_uneven_bestsellers_deep_some_sold_out_some_only_in_the_warehouse(scenario):
    plan = PLANS[scenario](42)
    held = _replay(_stock(scenario))
    per_sku: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (location, sku, _), units in held.items():
        per_sku[sku][location] += units
    stores = [s.code for s in plan.stores]
    warehouses = {w.code for w in plan.warehouses}

    warehouse_only = [
        sku for sku, where in per_sku.items()
        if where and set(where) <= warehouses and sum(where.values()) > 0
    ]  # fmt: skip
    sold_out = [
        (store, sku) for sku, where in per_sku.items() for store in stores
        if shelf(store) in where and where[shelf(store)] == 0
    ]  # fmt: skip
    assert warehouse_only
    assert len(sold_out) >= 3
    assert len(per_sku) < len(plan.skus) * (len(stores) * 2 + len(warehouses))


def test_liquor_lots_include_expired_and_near_expiry_ones_on_the_first_shelf():
    stock = _stock("liquor")
    held = _replay(stock)
    first = shelf("JY-NJ01")
    expiry = {(lot.sku, lot.code): lot.expiry_date for lot in stock.lots}
    on_first_shelf = {
        (sku, lot): units for (where, sku, lot), units in held.items()
        if where == first and lot and units > 0
    }  # fmt: skip

    expired = [k for k in on_first_shelf if expiry[k] < TODAY]
    near = [k for k in on_first_shelf if TODAY <= expiry[k] <= TODAY + dt.timedelta(days=90)]
    assert {sku for sku, _ in expired} == {"QLJN-SOUR-1", "MQCZ-YQ-250"}
    assert {"XYPJ-LAG-1", "QLJN-IPA-1", "MQCZ-MQ-100"} <= {sku for sku, _ in near}
    assert all(lot.production_date < lot.expiry_date for lot in stock.lots)
    assert len({(lot.sku, lot.code) for lot in stock.lots}) == len(stock.lots)
    (request,) = stock.scrap
    assert request.reason == "expired" and {line[0] for line in request.lines} == {
        "QLJN-SOUR-1",
        "MQCZ-YQ-250",
    }


def test_lego_keeps_no_lots_and_asks_to_scrap_damaged_boxes():
    stock = _stock("lego")

    assert stock.lots == ()
    (request,) = stock.scrap
    assert request.reason == "damaged" and request.location == "LG-SH01-SHELF"
    assert all(lot == "" for _, _, lot in request.lines)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_documents_a_received_restock_a_shipment_on_the_road_and_a_draft(scenario):
    stock = _stock(scenario)
    second = PLANS[scenario](42).stores[1].code

    received, shipped, draft = stock.transfers
    assert received.received_at is not None
    assert shipped.shipped_at is not None and shipped.received_at is None
    assert shipped.to_location.startswith(second)
    assert draft.created_at is None and draft.lines
    assert {t.by for t in stock.transfers} == {"warehouse"}
    assert all(p.location == shelf(PLANS[scenario](42).stores[0].code) for p in stock.policies)
    assert all(p.min_qty <= p.max_qty and p.safety_stock <= p.max_qty for p in stock.policies)
    assert stock.buffers and all(b.channel == "online_mall" for b in stock.buffers)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_same_seed_and_day_same_stock_other_seed_other_stock(scenario):
    assert _stock(scenario, 7) == _stock(scenario, 7)
    assert _stock(scenario, 7).receipts != _stock(scenario, 8).receipts
