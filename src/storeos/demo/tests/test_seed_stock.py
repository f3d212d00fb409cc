"""The seeded demo stock, read back through the inventory selectors (the `demo` fixture of
conftest.py seeds each scenario once for the module)."""

import datetime as dt
from collections import Counter

import pytest

from storeos.accounts.models import User
from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.core.channels import ONLINE_CHANNELS
from storeos.demo.seed import build_plan
from storeos.inventory.availability import availability_for, free_stock
from storeos.inventory.errors import BatchExpired
from storeos.inventory.models import (
    Batch,
    ChannelBuffer,
    ExpiryAlert,
    MoveKind,
    ScrapRequest,
    SkuCost,
    StockLevel,
    StockMove,
    Transfer,
)
from storeos.inventory.policies import low_stock, slow_moving
from storeos.inventory.scrap import scrap_approve
from storeos.inventory.selectors import levels_mismatching_moves
from storeos.inventory.stock import stock_issue
from storeos.inventory.transfers import in_transit
from storeos.stores.models import Location, Store


def _store(scenario: str, index: int) -> Store:
    """The plan's first store is the flagship, where the manager and cashier work."""
    return Store.objects.get(code=build_plan(scenario, 0).stores[index].code)


def _first_shelf(scenario: str) -> Location:
    return Location.objects.get(code=f"{_store(scenario, 0).code}-SHELF")


def test_stock_levels_reconcile_with_the_moves_at_the_skus_cost(demo, db):
    assert StockLevel.objects.count() > 500
    assert levels_mismatching_moves() == []
    costs = dict(SkuCost.objects.values_list("sku__code", "average_cost"))
    assert costs
    assert all(costs[sku.code] == sku.cost for sku in Sku.objects.filter(code__in=sorted(costs)))


def test_two_months_of_modest_sales_lie_in_the_past(demo, db):
    sales = StockMove.objects.filter(kind=MoveKind.SALE)
    units = -sum(sales.values_list("quantity", flat=True))

    assert 1_500 <= units <= 4_000 and sales.count() <= 3_000
    assert clock.now() - min(sales.values_list("at", flat=True)) > dt.timedelta(days=55)
    assert not StockMove.objects.filter(at__gt=clock.now()).exists()
    assert set(sales.values_list("location__kind", flat=True)) == {"store_shelf"}
    # Every unit left through an order: the till's checkout or a paid online order.
    assert set(sales.values_list("reference_type", flat=True)) == {"order"}


def test_stock_is_uneven_bestsellers_deep_some_sold_out_some_only_in_a_warehouse(demo, db):
    held = StockLevel.objects.filter(on_hand__gt=0)
    in_stores = set(held.filter(location__store__isnull=False).values_list("sku", flat=True))
    in_warehouses = set(held.filter(location__store__isnull=True).values_list("sku", flat=True))
    shelf = held.filter(location=_first_shelf(demo))

    assert in_warehouses - in_stores
    assert StockLevel.objects.filter(location__kind="store_shelf", on_hand=0).exists()
    assert shelf.order_by("-on_hand").first().on_hand >= 20
    assert shelf.filter(on_hand__lte=3).exists()


def test_the_first_store_has_low_stock_and_slow_movers_to_look_at(demo, db):
    shelf = _first_shelf(demo)

    low = low_stock(location=shelf)
    unsold = slow_moving(location=shelf, days=30)
    slow = slow_moving(location=shelf, days=30, max_units=2)

    assert 1 <= len(low) < shelf.stock_policies.count()
    assert all(row.available <= row.min_qty and row.suggested > 0 for row in low)
    assert unsold and all(row.units_sold == 0 and row.value > 0 for row in unsold)
    assert any(row.days_of_inventory is not None for row in slow)


def test_a_restock_was_received_a_shipment_is_on_the_road_and_a_draft_waits(demo, db):
    second = _store(demo, 1)

    assert Counter(Transfer.objects.values_list("status", flat=True)) == {
        "received": 1,
        "shipped": 1,
        "draft": 1,
    }
    shipped = Transfer.objects.get(status="shipped")
    assert shipped.to_location.store == second
    assert shipped.from_location.kind == "regional_warehouse"
    assert shipped.shipped_by.username == "warehouse"
    assert in_transit(location=shipped.to_location)


def test_a_pending_scrap_request_waits_for_the_store_manager(demo, db):
    request = ScrapRequest.objects.get()

    assert request.status == "pending" and request.requested_by.username == "warehouse"
    assert request.location == _first_shelf(demo)
    assert request.reason == ("expired" if demo == "liquor" else "damaged")

    approved = scrap_approve(actor=User.objects.get(username="manager"), request=request)

    assert approved.status == "approved" and approved.loss_value > 0
    assert levels_mismatching_moves() == []


def test_online_buffers_hold_units_back_from_the_online_mall(demo, db):
    shelves = sorted(Location.objects.filter(sellable=True).values_list("pk", flat=True))
    buffers = list(ChannelBuffer.objects.all())

    assert buffers and {b.channel for b in buffers} == {"online_mall"}
    for buffer in buffers:
        free = free_stock(sku_ids=[buffer.sku_id], location_ids=shelves).get(buffer.sku_id, 0)
        online = availability_for(channel="online_mall", sku_ids=[buffer.sku_id])
        assert online[buffer.sku_id] == max(free - buffer.quantity, 0)


@pytest.mark.parametrize("demo", ["liquor"], indirect=True)
def test_liquor_lots_near_expiry_raise_alerts_and_an_expired_one_cannot_be_sold(demo, db):
    shelf = _first_shelf(demo)

    alerted = set(
        ExpiryAlert.objects.filter(location=shelf).values_list("batch__sku__code", flat=True)
    )
    expired = StockLevel.objects.filter(
        location=shelf, on_hand__gt=0, batch__expiry_date__lt=clock.today()
    ).select_related("sku", "batch")

    assert {"XYPJ-LAG-1", "QLJN-IPA-1", "MQCZ-MQ-100", "QLJN-SOUR-1"} <= alerted
    assert {level.sku.code for level in expired} == {"QLJN-SOUR-1", "MQCZ-YQ-250"}
    level = expired.first()
    with pytest.raises(BatchExpired):
        stock_issue(actor=None, location=shelf, sku=level.sku, quantity=1, batch=level.batch)
    assert Batch.objects.filter(sku__code="CSHG-5-B").count() >= 2


@pytest.mark.parametrize("demo", ["liquor"], indirect=True)
def test_tobacco_is_not_available_online_though_the_shelves_hold_it(demo, db):
    tobacco = sorted(
        Sku.objects.filter(product__category__code="TOBACCO").values_list("pk", flat=True)
    )
    shelves = sorted(Location.objects.filter(sellable=True).values_list("pk", flat=True))

    assert sum(free_stock(sku_ids=tobacco, location_ids=shelves).values()) > 0
    assert any(availability_for(channel="pos", sku_ids=tobacco).values())
    for channel in sorted(ONLINE_CHANNELS):
        assert set(availability_for(channel=channel, sku_ids=tobacco).values()) == {0}


@pytest.mark.parametrize("demo", ["lego"], indirect=True)
def test_lego_keeps_no_batches_and_no_expiry_alerts(demo, db):
    assert not Batch.objects.exists() and not ExpiryAlert.objects.exists()
