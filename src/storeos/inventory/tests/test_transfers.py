import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import PermissionDenied
from storeos.inventory.errors import (
    DiscrepancyReasonRequired,
    DocumentStatusConflict,
    InsufficientStock,
    QuantityInvalid,
)
from storeos.inventory.models import MoveKind, StockLevel, StockMove, Transfer, TransferLine
from storeos.inventory.selectors import levels_mismatching_moves, stock_card
from storeos.inventory.stock import stock_issue, stock_receive
from storeos.inventory.transfers import (
    in_transit,
    transfer_cancel,
    transfer_create,
    transfer_receive,
    transfer_ship,
)
from storeos.inventory.valuation import cost_current

TODAY = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)


def on_hand(location, sku):
    return sum(
        StockLevel.objects.filter(location=location, sku=sku).values_list("on_hand", flat=True)
    )


def snapshot():
    """Everything a refused operation must leave alone."""
    return (
        sorted(
            StockLevel.objects.values_list(
                "location_id", "sku_id", "batch_id", "on_hand", "reserved"
            )
        ),
        StockMove.objects.count(),
        sorted(Transfer.objects.values_list("pk", "status")),
        sorted(
            TransferLine.objects.values_list(
                "pk", "batch_id", "quantity", "shipped_quantity", "received_quantity"
            )
        ),
    )


@pytest.fixture
def stocked(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("60"))
    return sku


def test_shipping_takes_stock_out_and_shows_it_in_transit(clerk, shelf, shelf2, stocked):
    transfer = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 8)], note="slow here"
    )
    assert transfer.status == Transfer.Status.DRAFT
    assert transfer.number.startswith("TR-")

    transfer_ship(actor=clerk, transfer=transfer)

    assert transfer.status == Transfer.Status.SHIPPED
    assert on_hand(shelf, stocked) == 12
    assert on_hand(shelf2, stocked) == 0
    [row] = in_transit(sku=stocked)
    assert (row.number, row.quantity, row.unit_cost) == (transfer.number, 8, Decimal("55.0000"))
    assert in_transit(location=shelf2) == [row]
    assert in_transit(location=shelf) == [row]
    [out] = StockMove.objects.filter(kind=MoveKind.TRANSFER_OUT)
    assert (out.quantity, out.reference_type, out.reference_id) == (-8, "transfer", transfer.number)


def test_a_full_receipt_arrives_at_the_cost_it_left_with(clerk, manager2, shelf, shelf2, stocked):
    transfer = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 8)]
    )
    transfer_ship(actor=clerk, transfer=transfer)

    transfer_receive(actor=manager2, transfer=transfer)

    assert transfer.status == Transfer.Status.RECEIVED
    assert on_hand(shelf2, stocked) == 8
    [arrival] = StockMove.objects.filter(kind=MoveKind.TRANSFER_IN)
    assert (arrival.quantity, arrival.unit_cost) == (8, Decimal("55.0000"))
    assert cost_current(sku=stocked) == Decimal("55.0000")  # a transfer is not a purchase
    assert in_transit() == []
    assert levels_mismatching_moves() == []
    assert stock_card(location=shelf2, sku=stocked)[-1].balance == 8


def test_fefo_picks_the_batches_and_each_shipped_batch_gets_its_own_line(
    clerk, manager2, shelf, shelf2, wine
):
    with clock.frozen(TODAY):
        for lot, expiry, quantity in [
            ("LATE", dt.date(2028, 1, 1), 5),
            ("SOON", dt.date(2026, 9, 1), 2),
        ]:
            stock_receive(
                actor=None,
                location=shelf,
                sku=wine,
                quantity=quantity,
                unit_cost=Decimal("80"),
                lot_code=lot,
                expiry_date=expiry,
            )
        transfer = transfer_create(
            actor=clerk, from_location=shelf, to_location=shelf2, lines=[(wine, 4)]
        )
        transfer_ship(actor=clerk, transfer=transfer)

        shipped = sorted((ln.batch.lot_code, ln.shipped_quantity) for ln in transfer.lines.all())
        assert shipped == [("LATE", 2), ("SOON", 2)]
        transfer_receive(actor=manager2, transfer=transfer)

    arrived = StockLevel.objects.filter(location=shelf2, sku=wine)
    assert sorted((lv.batch.lot_code, lv.on_hand) for lv in arrived) == [("LATE", 2), ("SOON", 2)]


def test_a_partial_receipt_needs_a_reason_and_records_the_discrepancy(
    clerk, manager2, shelf, shelf2, stocked
):
    transfer = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 10)]
    )
    transfer_ship(actor=clerk, transfer=transfer)
    [line] = transfer.lines.all()
    before = snapshot()

    with pytest.raises(DiscrepancyReasonRequired) as refused:
        transfer_receive(actor=manager2, transfer=transfer, received={line.pk: 7})

    assert refused.value.code == "discrepancy_reason_required"
    assert refused.value.details["missing"] == 3
    assert snapshot() == before

    transfer_receive(
        actor=manager2, transfer=transfer, received={line.pk: 7}, reasons={line.pk: "box crushed"}
    )

    line.refresh_from_db()
    assert transfer.status == Transfer.Status.PARTIALLY_RECEIVED
    assert (line.received_quantity, line.discrepancy, line.discrepancy_reason) == (
        7,
        3,
        "box crushed",
    )
    assert on_hand(shelf2, stocked) == 7
    assert on_hand(shelf, stocked) == 10
    assert in_transit() == []  # the three are a recorded discrepancy, not still on the road
    assert levels_mismatching_moves() == []


def test_transferring_more_than_is_available_is_refused_and_changes_nothing(
    clerk, shelf, shelf2, stocked
):
    before = snapshot()

    with pytest.raises(InsufficientStock) as refused:
        transfer_create(actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 21)])

    assert refused.value.code == "insufficient_stock"
    assert refused.value.details["available"] == 20
    assert snapshot() == before


def test_shipping_after_the_stock_was_sold_is_refused_and_changes_nothing(
    clerk, shelf, shelf2, stocked, sku
):
    transfer = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 20)]
    )
    stock_issue(actor=None, location=shelf, sku=sku, quantity=1)
    before = snapshot()

    with pytest.raises(InsufficientStock):
        transfer_ship(actor=clerk, transfer=transfer)

    assert snapshot() == before
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.DRAFT
    assert in_transit() == []


@pytest.mark.parametrize("quantity", [-3, 0, 2.5])
def test_a_transfer_line_with_a_bad_quantity_is_refused(clerk, shelf, shelf2, stocked, quantity):
    before = snapshot()

    with pytest.raises(QuantityInvalid) as refused:
        transfer_create(
            actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, quantity)]
        )

    assert refused.value.code == "quantity_invalid"
    assert snapshot() == before


def test_receiving_a_negative_or_excess_quantity_is_refused(
    clerk, manager2, shelf, shelf2, stocked
):
    transfer = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 4)]
    )
    transfer_ship(actor=clerk, transfer=transfer)
    [line] = transfer.lines.all()
    before = snapshot()

    with pytest.raises(QuantityInvalid) as negative:
        transfer_receive(
            actor=manager2, transfer=transfer, received={line.pk: -1}, reasons={line.pk: "x"}
        )
    with pytest.raises(QuantityInvalid) as excess:
        transfer_receive(actor=manager2, transfer=transfer, received={line.pk: 5})

    assert negative.value.code == "quantity_invalid"
    assert excess.value.code == "receipt_exceeds_shipped"
    assert snapshot() == before


def test_a_transfer_is_shipped_and_received_once_and_only_drafts_are_cancelled(
    clerk, manager2, shelf, shelf2, stocked
):
    transfer = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 2)]
    )
    transfer_ship(actor=clerk, transfer=transfer)

    with pytest.raises(DocumentStatusConflict) as shipped_twice:
        transfer_ship(actor=clerk, transfer=transfer)
    with pytest.raises(DocumentStatusConflict) as cancel_shipped:
        transfer_cancel(actor=clerk, transfer=transfer)
    transfer_receive(actor=manager2, transfer=transfer)
    with pytest.raises(DocumentStatusConflict) as received_twice:
        transfer_receive(actor=manager2, transfer=transfer)

    assert shipped_twice.value.code == "transfer_not_draft"
    assert cancel_shipped.value.code == "transfer_not_draft"
    assert received_twice.value.code == "transfer_not_shipped"
    assert on_hand(shelf2, stocked) == 2

    draft = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 1)]
    )
    transfer_cancel(actor=clerk, transfer=draft)
    assert draft.status == Transfer.Status.CANCELLED


def test_only_staff_of_the_receiving_store_take_a_transfer_in(clerk, shelf, shelf2, stocked):
    transfer = transfer_create(
        actor=clerk, from_location=shelf, to_location=shelf2, lines=[(stocked, 2)]
    )
    transfer_ship(actor=clerk, transfer=transfer)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        transfer_receive(actor=clerk, transfer=transfer)

    assert snapshot() == before


def test_a_transfer_to_the_same_location_is_refused(clerk, shelf, stocked):
    with pytest.raises(Exception) as refused:
        transfer_create(actor=clerk, from_location=shelf, to_location=shelf, lines=[(stocked, 1)])
    assert refused.value.code == "transfer_same_location"
    assert not Transfer.objects.exists()
