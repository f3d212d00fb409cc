import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import PermissionDenied
from storeos.core.models import AuditEntry
from storeos.inventory.errors import (
    BatchRequired,
    DocumentStatusConflict,
    InsufficientStock,
    QuantityInvalid,
)
from storeos.inventory.models import MoveKind, ScrapLine, ScrapRequest, StockLevel, StockMove
from storeos.inventory.scrap import loss_report, scrap_approve, scrap_reject, scrap_request
from storeos.inventory.selectors import levels_mismatching_moves
from storeos.inventory.stock import stock_receive
from storeos.inventory.tests.conftest import make_user

# 01:00 UTC on 1 June is 09:00 in Shanghai; 17:00 UTC on 1 June is already 2 June there.
MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
LATE_EVENING = dt.datetime(2026, 6, 1, 17, 0, tzinfo=dt.UTC)


def snapshot():
    return (
        sorted(
            StockLevel.objects.values_list(
                "location_id", "sku_id", "batch_id", "on_hand", "reserved"
            )
        ),
        StockMove.objects.count(),
        sorted(ScrapRequest.objects.values_list("pk", "status", "loss_value", "decided_by")),
        sorted(ScrapLine.objects.values_list("pk", "quantity", "unit_cost")),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def stocked(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("60"))
    return sku


def test_approval_writes_the_stock_off_and_records_the_loss_at_cost(
    manager, deputy, shelf, stocked
):
    request = scrap_request(
        actor=manager, location=shelf, reason="damaged", lines=[(stocked, 3)], note="dropped"
    )
    assert StockMove.objects.filter(kind=MoveKind.SCRAP).count() == 0

    scrap_approve(actor=deputy, request=request)

    assert request.status == ScrapRequest.Status.APPROVED
    assert request.decided_by == deputy
    assert request.loss_value == Decimal("165.00")  # 3 × 55.00 moving-average cost
    [line] = request.lines.all()
    assert line.unit_cost == Decimal("55.0000")
    [move] = StockMove.objects.filter(kind=MoveKind.SCRAP)
    assert (move.quantity, move.reference_type, move.reference_id) == (-3, "scrap", str(request.pk))
    assert StockLevel.objects.get(location=shelf, sku=stocked).on_hand == 17
    entry = AuditEntry.objects.get(action="inventory.scrap_approve")
    assert (entry.actor, entry.after["loss_value"]) == (deputy, "165.00")
    assert levels_mismatching_moves() == []


def test_approving_your_own_scrap_request_is_refused_and_changes_nothing(manager, shelf, stocked):
    request = scrap_request(actor=manager, location=shelf, reason="lost", lines=[(stocked, 2)])
    before = snapshot()

    with pytest.raises(PermissionDenied) as refused:
        scrap_approve(actor=manager, request=request)

    assert refused.value.code == "own_request"
    assert refused.value.status == 403
    assert snapshot() == before


def test_a_clerk_requests_but_cannot_approve(clerk, shelf, stocked):
    request = scrap_request(actor=clerk, location=shelf, reason="damaged", lines=[(stocked, 1)])
    other = scrap_request(actor=clerk, location=shelf, reason="damaged", lines=[(stocked, 1)])
    before = snapshot()

    with pytest.raises(PermissionDenied) as refused:
        scrap_approve(actor=clerk, request=other)

    assert refused.value.code == "permission_denied"
    assert snapshot() == before
    assert request.status == ScrapRequest.Status.PENDING


@pytest.mark.parametrize("quantity", [-2, 0])
def test_a_scrap_line_with_a_negative_or_zero_quantity_is_refused(clerk, shelf, stocked, quantity):
    before = snapshot()

    with pytest.raises(QuantityInvalid) as refused:
        scrap_request(actor=clerk, location=shelf, reason="damaged", lines=[(stocked, quantity)])

    assert refused.value.code == "quantity_invalid"
    assert snapshot() == before


def test_scrapping_more_than_is_on_the_shelf_is_refused(clerk, shelf, stocked):
    before = snapshot()
    with pytest.raises(InsufficientStock):
        scrap_request(actor=clerk, location=shelf, reason="lost", lines=[(stocked, 21)])
    assert snapshot() == before


def test_an_expired_batch_can_be_scrapped_but_must_be_named(clerk, manager, shelf, wine):
    with clock.frozen(MORNING):
        stock_receive(
            actor=None,
            location=shelf,
            sku=wine,
            quantity=4,
            unit_cost=Decimal("80"),
            lot_code="OLD",
            expiry_date=dt.date(2026, 5, 1),
        )
        old = wine.batches.get()
        with pytest.raises(BatchRequired):
            scrap_request(actor=clerk, location=shelf, reason="expired", lines=[(wine, 4)])
        request = scrap_request(
            actor=clerk, location=shelf, reason="expired", lines=[(wine, 4, old)]
        )

        scrap_approve(actor=manager, request=request)

    assert StockLevel.objects.get(location=shelf, sku=wine, batch=old).on_hand == 0
    assert request.loss_value == Decimal("320.00")


def test_a_decided_request_cannot_be_decided_again(clerk, manager, deputy, shelf, stocked):
    request = scrap_request(actor=clerk, location=shelf, reason="other", lines=[(stocked, 1)])
    with pytest.raises(Exception) as no_reason:
        scrap_reject(actor=manager, request=request, note="  ")
    assert no_reason.value.code == "note_required"
    scrap_reject(actor=manager, request=request, note="it is fine, just dusty")
    before = snapshot()

    with pytest.raises(DocumentStatusConflict) as refused:
        scrap_approve(actor=deputy, request=request)

    assert refused.value.code == "scrap_already_decided"
    assert snapshot() == before
    assert request.decision_note == "it is fine, just dusty"


def test_the_loss_report_sums_approved_scrap_per_store_and_reason_by_business_day(
    clerk, manager, manager2, shelf, shelf2, stocked
):
    boss = make_user("boss", "admin")
    stock_receive(actor=None, location=shelf2, sku=stocked, quantity=5, unit_cost=Decimal("55"))
    with clock.frozen(MORNING):
        damaged = scrap_request(actor=clerk, location=shelf, reason="damaged", lines=[(stocked, 2)])
        scrap_approve(actor=manager, request=damaged)
        lost = scrap_request(actor=clerk, location=shelf, reason="lost", lines=[(stocked, 1)])
        scrap_approve(actor=manager, request=lost)
        scrap_request(actor=clerk, location=shelf, reason="lost", lines=[(stocked, 4)])  # pending
    with clock.frozen(LATE_EVENING):  # already 2 June in Shanghai
        late = scrap_request(
            actor=manager2, location=shelf2, reason="damaged", lines=[(stocked, 1)]
        )
        scrap_approve(actor=boss, request=late)

    first = loss_report(date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 1))
    both = loss_report(date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 2))
    store_two = loss_report(
        store=shelf2.store, date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 2)
    )

    assert [(r.store_code, r.reason, r.units, r.value) for r in first.rows] == [
        ("S1", "damaged", 2, Decimal("110.00")),
        ("S1", "lost", 1, Decimal("55.00")),
    ]
    assert (first.total_units, first.total_value) == (3, damaged.loss_value + lost.loss_value)
    assert (both.total_units, both.total_value) == (4, Decimal("220.00"))
    assert [(r.store_code, r.reason, r.units) for r in store_two.rows] == [("S2", "damaged", 1)]


def test_the_loss_report_shows_a_manager_only_their_stores(
    manager, manager2, deputy, shelf, shelf2, stocked
):
    request = scrap_request(actor=manager, location=shelf, reason="damaged", lines=[(stocked, 1)])
    scrap_approve(actor=deputy, request=request)
    today = clock.today()

    mine = loss_report(date_from=today, date_to=today, user=manager)
    theirs = loss_report(date_from=today, date_to=today, user=manager2)

    assert mine.total_units == 1
    assert theirs.rows == []
