"""A delivery of several lines received at once: the same outcome as receiving each line."""

import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import PermissionDenied
from storeos.inventory.errors import BatchInvalid, BatchRequired, QuantityInvalid
from storeos.inventory.models import Batch, MoveKind, SkuCost, StockLevel, StockMove
from storeos.inventory.receiving import ReceiveLine, stock_receive_lines
from storeos.inventory.selectors import levels_mismatching_moves
from storeos.inventory.services import receipt_post_lines
from storeos.inventory.stock import Reference, stock_issue, stock_receive
from storeos.inventory.tests.conftest import make_user
from storeos.inventory.valuation import cost_current

TODAY = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)
EXPIRY = dt.date(2027, 6, 1)


def on_hand(location, sku, batch=None) -> int:
    levels = StockLevel.objects.filter(location=location, sku=sku)
    if batch is not None:
        levels = levels.filter(batch=batch)
    return sum(levels.values_list("on_hand", flat=True))


def test_a_delivery_of_several_lines_fills_each_level_and_writes_one_move_per_line(
    shelf, sku, wine
):
    with clock.frozen(TODAY):
        moves = stock_receive_lines(
            actor=None,
            location=shelf,
            lines=[
                ReceiveLine(sku, 10, Decimal("50")),
                ReceiveLine(wine, 6, Decimal("80"), "L1", EXPIRY),
                ReceiveLine(wine, 4, Decimal("80"), "L2", EXPIRY + dt.timedelta(days=30)),
            ],
            reference=Reference("receipt", "GRN-1"),
        )

    assert [(m.sku_id, m.quantity, m.kind) for m in moves] == [
        (sku.pk, 10, MoveKind.RECEIVE),
        (wine.pk, 6, MoveKind.RECEIVE),
        (wine.pk, 4, MoveKind.RECEIVE),
    ]
    assert all(m.pk and m.at == TODAY and m.reference_id == "GRN-1" for m in moves)
    assert on_hand(shelf, sku) == 10
    assert on_hand(shelf, wine, Batch.objects.get(lot_code="L1")) == 6
    assert on_hand(shelf, wine, Batch.objects.get(lot_code="L2")) == 4
    assert levels_mismatching_moves() == []


def test_it_adds_to_levels_that_exist_and_blends_the_cost_once_per_sku(shelf, backroom, sku):
    stock_receive(actor=None, location=backroom, sku=sku, quantity=10, unit_cost=Decimal("40"))
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("40"))

    stock_receive_lines(
        actor=None,
        location=shelf,
        lines=[ReceiveLine(sku, 5, Decimal("70")), ReceiveLine(sku, 5, Decimal("50"))],
    )

    # (20 × 40 + 5 × 70 + 5 × 50) / 30 = 46.6667: as if the two lines had come one by one.
    assert cost_current(sku=sku) == Decimal("46.6667")
    assert on_hand(shelf, sku) == 20
    assert StockLevel.objects.filter(location=shelf, sku=sku).count() == 1
    assert SkuCost.objects.filter(sku=sku).count() == 1


def test_the_received_stock_sells_first_expiry_first(shelf, wine):
    with clock.frozen(TODAY):
        stock_receive_lines(
            actor=None,
            location=shelf,
            lines=[
                ReceiveLine(wine, 3, Decimal("80"), "LATE", EXPIRY + dt.timedelta(days=90)),
                ReceiveLine(wine, 3, Decimal("80"), "SOON", EXPIRY),
            ],
        )
        [move] = stock_issue(actor=None, location=shelf, sku=wine, quantity=2)

    assert move.batch.lot_code == "SOON"


@pytest.mark.parametrize(
    "bad_line, error",
    [
        (lambda sku, wine: ReceiveLine(sku, 0, Decimal("1")), QuantityInvalid),
        (lambda sku, wine: ReceiveLine(sku, 2, Decimal("-1")), QuantityInvalid),
        (lambda sku, wine: ReceiveLine(wine, 2, Decimal("80")), BatchRequired),
        (lambda sku, wine: ReceiveLine(sku, 2, Decimal("50"), "L1", EXPIRY), BatchInvalid),
    ],
)
def test_one_bad_line_refuses_the_whole_delivery(shelf, sku, wine, bad_line, error):
    lines = [ReceiveLine(sku, 4, Decimal("50")), bad_line(sku, wine)]

    with pytest.raises(error):
        stock_receive_lines(actor=None, location=shelf, lines=lines)

    assert not StockLevel.objects.exists() and not StockMove.objects.exists()
    assert not SkuCost.objects.exists()


def test_a_lot_already_known_with_other_dates_is_refused(shelf, wine):
    stock_receive(
        actor=None,
        location=shelf,
        sku=wine,
        quantity=1,
        unit_cost=Decimal("80"),
        lot_code="L1",
        expiry_date=EXPIRY,
    )

    with pytest.raises(BatchInvalid) as refused:
        stock_receive_lines(
            actor=None,
            location=shelf,
            lines=[ReceiveLine(wine, 2, Decimal("80"), "L1", EXPIRY + dt.timedelta(days=1))],
        )

    assert refused.value.code == "batch_dates_mismatch"
    assert on_hand(shelf, wine) == 1


def test_an_empty_delivery_is_refused(shelf):
    with pytest.raises(QuantityInvalid) as refused:
        stock_receive_lines(actor=None, location=shelf, lines=[])

    assert refused.value.code == "lines_required"


def test_posting_needs_the_right_to_move_stock_in_that_store(shelf, sku):
    cashier = make_user("till", "cashier", shelf.store)
    clerk = make_user("clerk", "warehouse", shelf.store)
    lines = [ReceiveLine(sku, 3, Decimal("50"))]

    with pytest.raises(PermissionDenied):
        receipt_post_lines(actor=cashier, location=shelf, lines=lines, reference="GRN-7")
    moves = receipt_post_lines(actor=clerk, location=shelf, lines=lines, reference="GRN-7")

    assert [(m.reference_type, m.reference_id, m.actor_id) for m in moves] == [
        ("receipt", "GRN-7", clerk.pk)
    ]
    assert on_hand(shelf, sku) == 3
