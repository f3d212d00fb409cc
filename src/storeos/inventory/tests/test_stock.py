import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.inventory.errors import (
    BatchExpired,
    BatchInvalid,
    BatchRequired,
    InsufficientStock,
    QuantityInvalid,
)
from storeos.inventory.models import MoveKind, StockLevel, StockMove
from storeos.inventory.selectors import stock_card
from storeos.inventory.stock import stock_adjust, stock_issue, stock_receive
from storeos.inventory.valuation import cost_current

TODAY = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)


def on_hand(location, sku):
    return sum(
        StockLevel.objects.filter(location=location, sku=sku).values_list("on_hand", flat=True)
    )


def test_a_receipt_then_a_sale_leaves_the_difference_on_the_shelf(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))

    stock_issue(actor=None, location=shelf, sku=sku, quantity=3)

    assert on_hand(shelf, sku) == 7
    assert list(StockMove.objects.values_list("kind", "quantity")) == [
        (MoveKind.RECEIVE, 10),
        (MoveKind.SALE, -3),
    ]


def test_selling_more_than_is_there_refuses_and_changes_nothing(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=2, unit_cost=Decimal("50"))

    with pytest.raises(InsufficientStock) as refused:
        stock_issue(actor=None, location=shelf, sku=sku, quantity=3)

    assert refused.value.code == "insufficient_stock"
    assert on_hand(shelf, sku) == 2
    assert StockMove.objects.count() == 1


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused(shelf, sku, quantity):
    with pytest.raises(QuantityInvalid):
        stock_receive(actor=None, location=shelf, sku=sku, quantity=quantity, unit_cost=Decimal(1))
    assert not StockLevel.objects.exists()


def test_sales_pick_the_batch_expiring_first(shelf, wine):
    with clock.frozen(TODAY):
        stock_receive(
            actor=None,
            location=shelf,
            sku=wine,
            quantity=5,
            unit_cost=Decimal("80"),
            lot_code="LATE",
            expiry_date=dt.date(2028, 1, 1),
        )
        stock_receive(
            actor=None,
            location=shelf,
            sku=wine,
            quantity=2,
            unit_cost=Decimal("80"),
            lot_code="SOON",
            expiry_date=dt.date(2026, 9, 1),
        )

        moves = stock_issue(actor=None, location=shelf, sku=wine, quantity=3)

    assert [(m.batch.lot_code, m.quantity) for m in moves] == [("SOON", -2), ("LATE", -1)]


def test_an_expired_batch_is_never_sold(shelf, wine):
    with clock.frozen(TODAY):
        stock_receive(
            actor=None,
            location=shelf,
            sku=wine,
            quantity=4,
            unit_cost=Decimal("80"),
            lot_code="OLD",
            expiry_date=dt.date(2026, 5, 1),
        )
        with pytest.raises(InsufficientStock):
            stock_issue(actor=None, location=shelf, sku=wine, quantity=1)
        old = wine.batches.get(lot_code="OLD")
        with pytest.raises(BatchExpired):
            stock_issue(actor=None, location=shelf, sku=wine, quantity=1, batch=old)
    assert on_hand(shelf, wine) == 4


def test_a_batch_tracked_sku_needs_a_lot_and_an_expiry_date(shelf, wine):
    with pytest.raises(BatchRequired):
        stock_receive(actor=None, location=shelf, sku=wine, quantity=1, unit_cost=Decimal(1))
    with pytest.raises(BatchInvalid) as wrong_dates:
        stock_receive(
            actor=None,
            location=shelf,
            sku=wine,
            quantity=1,
            unit_cost=Decimal(1),
            lot_code="L1",
            production_date=dt.date(2026, 5, 1),
            expiry_date=dt.date(2026, 4, 1),
        )
    assert wrong_dates.value.code == "expiry_before_production"
    assert not StockLevel.objects.exists()
    assert not wine.batches.exists()


def test_receipts_blend_into_a_moving_average_cost_that_sales_carry(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("60"))

    [sale] = stock_issue(actor=None, location=shelf, sku=sku, quantity=1)

    assert cost_current(sku=sku) == Decimal("55.0000")
    assert sale.unit_cost == Decimal("55.0000")


def test_an_adjustment_cannot_remove_stock_promised_to_an_order(shelf, sku):
    from storeos.inventory.reservations import ReserveLine, stock_reserve

    stock_receive(actor=None, location=shelf, sku=sku, quantity=3, unit_cost=Decimal("50"))
    stock_reserve(reference="O-1", channel="online_mall", lines=[ReserveLine(shelf, sku, 2)])

    with pytest.raises(InsufficientStock):
        stock_adjust(actor=None, location=shelf, sku=sku, delta=-2)

    stock_adjust(actor=None, location=shelf, sku=sku, delta=-1)
    level = StockLevel.objects.get(location=shelf, sku=sku)
    assert (level.on_hand, level.reserved) == (2, 2)


def test_the_stock_card_runs_a_balance_that_ends_at_the_level(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))
    stock_issue(actor=None, location=shelf, sku=sku, quantity=4)
    stock_adjust(actor=None, location=shelf, sku=sku, delta=1)

    card = stock_card(location=shelf, sku=sku)

    assert [row.balance for row in card] == [10, 6, 7]
    assert card[-1].balance == on_hand(shelf, sku)
