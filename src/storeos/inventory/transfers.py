"""Transfers between locations: draft → shipped (stock leaves, in transit) → received.

Shipping issues the stock at the source with the same guarded issue as a sale (FEFO across
batches) and records on the lines which batches left and at what cost; receiving puts those
units into the destination at that cost, so a transfer never changes the moving-average cost.
A receipt closes the transfer: units that did not arrive are a discrepancy with a reason, not
stock still on its way.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum

from storeos.accounts.permissions import Perm, require
from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.core.errors import ValidationFailed
from storeos.inventory.availability import availability_touch
from storeos.inventory.errors import (
    BatchInvalid,
    DiscrepancyReasonRequired,
    DocumentStatusConflict,
    InsufficientStock,
    QuantityInvalid,
)
from storeos.inventory.models import Batch, MoveKind, StockLevel, Transfer, TransferLine
from storeos.inventory.stock import (
    Reference,
    level_add,
    level_for,
    move_record,
    require_positive,
    stock_issue,
)
from storeos.stores.models import Location

# (sku, quantity) or (sku, quantity, batch)
LineSpec = Sequence


@dataclass(frozen=True)
class InTransitRow:
    transfer_id: int
    number: str
    from_location_id: int
    to_location_id: int
    sku_id: int
    batch_id: int | None
    quantity: int
    unit_cost: Decimal
    shipped_at: object


def _reference(transfer: Transfer) -> Reference:
    return Reference("transfer", transfer.number)


def _status_conflict(transfer: Transfer, needed: str, code: str) -> DocumentStatusConflict:
    current = Transfer.objects.filter(pk=transfer.pk).values_list("status", flat=True).first()
    return DocumentStatusConflict(
        f"Transfer {transfer.number} is {current}; it must be {needed}.",
        code=code,
        details={"transfer": transfer.number, "status": current},
    )


def _status_move(transfer: Transfer, *, old: str, new: str, code: str, **fields) -> None:
    """Change the status only if it is still `old`: of two concurrent clicks exactly one wins."""
    if not Transfer.objects.filter(pk=transfer.pk, status=old).update(status=new, **fields):
        raise _status_conflict(transfer, old, code)
    transfer.refresh_from_db()


def _parse_lines(lines: list[LineSpec]) -> list[tuple[Sku, int, Batch | None]]:
    if not lines:
        raise ValidationFailed("A transfer needs at least one line.", code="lines_required")
    parsed = []
    for spec in lines:
        if len(spec) not in (2, 3):
            raise ValidationFailed(
                "A transfer line is (SKU, quantity) or (SKU, quantity, batch).",
                code="line_invalid",
            )
        sku, quantity = spec[0], spec[1]
        batch = spec[2] if len(spec) == 3 else None
        require_positive(quantity)
        if batch is not None and batch.sku_id != sku.pk:
            raise BatchInvalid("That batch belongs to another SKU.", details={"sku": sku.code})
        parsed.append((sku, quantity, batch))
    return parsed


def _free_at(location: Location, sku: Sku, batch: Batch | None) -> int:
    """Unreserved units a transfer could take: one batch, or every unexpired batch."""
    levels = StockLevel.objects.filter(location=location, sku=sku)
    if batch is not None:
        levels = levels.filter(batch=batch)
    else:
        tz = location.store.time_zone if location.store_id else None
        today = clock.today(tz)
        levels = levels.exclude(batch__expiry_date__lt=today)
    return levels.aggregate(n=Sum(F("on_hand") - F("reserved")))["n"] or 0


def _check_available(location: Location, parsed: list[tuple[Sku, int, Batch | None]]) -> None:
    wanted: dict[tuple[Sku, Batch | None], int] = defaultdict(int)
    for sku, quantity, batch in parsed:
        wanted[(sku, batch)] += quantity
    for (sku, batch), quantity in wanted.items():
        free = _free_at(location, sku, batch)
        if free < quantity:
            raise InsufficientStock(
                f"Only {free} of {quantity} × {sku.code} available at {location.code}.",
                details={
                    "sku": sku.code,
                    "location": location.code,
                    "requested": quantity,
                    "available": free,
                },
            )


@transaction.atomic
def transfer_create(
    *,
    actor,
    from_location: Location,
    to_location: Location,
    lines: list[LineSpec],
    note: str = "",
) -> Transfer:
    """A draft transfer. Refused up front when the source does not have the units now; the
    stock is not held, so shipping checks again."""
    require(actor, Perm.INVENTORY_MOVE, from_location.store_id)
    if from_location.pk == to_location.pk:
        raise ValidationFailed(
            "A transfer must go to another location.", code="transfer_same_location"
        )
    for location in (from_location, to_location):
        if not location.is_active:
            raise ValidationFailed(
                f"Location {location.code} is not active.",
                code="location_inactive",
                details={"location": location.code},
            )
    parsed = _parse_lines(lines)
    _check_available(from_location, parsed)
    transfer = Transfer.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        from_location=from_location,
        to_location=to_location,
        created_by=actor,
        created_at=clock.now(),
        note=note[:255],
    )
    # The number is derived from the id so it is unique without a counter table.
    tz = from_location.store.time_zone if from_location.store_id else None
    transfer.number = f"TR-{clock.today(tz):%Y%m%d}-{transfer.pk:06d}"
    transfer.save(update_fields=["number"])
    TransferLine.objects.bulk_create(
        [
            TransferLine(transfer=transfer, sku=sku, batch=batch, quantity=quantity)
            for sku, quantity, batch in parsed
        ]
    )
    return transfer


def _lines_in_lock_order(transfer: Transfer) -> list[TransferLine]:
    # Stock levels are touched in (SKU, batch) order so two transfers cannot deadlock.
    return list(
        transfer.lines.select_related("sku", "batch").order_by(
            "sku_id", F("batch_id").asc(nulls_first=True), "pk"
        )
    )


@transaction.atomic
def transfer_ship(*, actor, transfer: Transfer) -> Transfer:
    """Stock leaves the source. All lines or none: one short line refuses the whole shipment."""
    require(actor, Perm.INVENTORY_MOVE, transfer.from_location.store_id)
    _status_move(
        transfer,
        old=Transfer.Status.DRAFT,
        new=Transfer.Status.SHIPPED,
        code="transfer_not_draft",
        shipped_by=actor,
        shipped_at=clock.now(),
    )
    for line in _lines_in_lock_order(transfer):
        moves = stock_issue(
            actor=actor,
            location=transfer.from_location,
            sku=line.sku,
            quantity=line.quantity,
            kind=MoveKind.TRANSFER_OUT,
            batch=line.batch,
            reference=_reference(transfer),
        )
        # One line per batch that left, so the receipt knows exactly what is in the truck.
        first, *others = moves
        line.batch = first.batch
        line.quantity = line.shipped_quantity = -first.quantity
        line.unit_cost = first.unit_cost
        line.save(update_fields=["batch", "quantity", "shipped_quantity", "unit_cost"])
        TransferLine.objects.bulk_create(
            [
                TransferLine(
                    transfer=transfer,
                    sku=line.sku,
                    batch=move.batch,
                    quantity=-move.quantity,
                    shipped_quantity=-move.quantity,
                    unit_cost=move.unit_cost,
                )
                for move in others
            ]
        )
    return transfer


def _clean_receipt(
    lines: list[TransferLine], received: dict[int, int] | None, reasons: dict[int, str]
) -> dict[int, tuple[int, str]]:
    """Quantity and discrepancy reason per line id. With a `received` map, a line it leaves
    out arrived with nothing (so it needs a reason): nothing is assumed to have arrived."""
    by_id = {line.pk: line for line in lines}
    if received is not None:
        unknown = sorted(set(received) - set(by_id))
        if unknown:
            raise ValidationFailed(
                "Those lines are not on this transfer.",
                code="line_unknown",
                details={"lines": unknown},
            )
    cleaned = {}
    for line in lines:
        quantity = line.shipped_quantity if received is None else received.get(line.pk, 0)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise QuantityInvalid(
                "A received quantity must be a whole number, zero or more.",
                details={"line": line.pk, "quantity": quantity},
            )
        if quantity > line.shipped_quantity:
            raise QuantityInvalid(
                f"Line {line.pk}: {quantity} received but only {line.shipped_quantity} shipped.",
                code="receipt_exceeds_shipped",
                details={"line": line.pk, "shipped": line.shipped_quantity, "received": quantity},
            )
        reason = (reasons.get(line.pk) or "").strip()
        if quantity < line.shipped_quantity and not reason:
            raise DiscrepancyReasonRequired(
                f"Line {line.pk} ({line.sku.code}): {line.shipped_quantity - quantity} "
                "missing — say why.",
                details={"line": line.pk, "missing": line.shipped_quantity - quantity},
            )
        cleaned[line.pk] = (quantity, reason if quantity < line.shipped_quantity else "")
    return cleaned


@transaction.atomic
def transfer_receive(
    *,
    actor,
    transfer: Transfer,
    received: dict[int, int] | None = None,
    reasons: dict[int, str] | None = None,
) -> Transfer:
    """The destination takes the goods in: in full (`received` None) or per line, each
    shortfall with a reason. The units arrive at the cost they left with."""
    require(actor, Perm.INVENTORY_MOVE, transfer.to_location.store_id)
    lines = _lines_in_lock_order(transfer)
    cleaned = _clean_receipt(lines, received, reasons or {})
    complete = all(cleaned[line.pk][0] == line.shipped_quantity for line in lines)
    _status_move(
        transfer,
        old=Transfer.Status.SHIPPED,
        new=Transfer.Status.RECEIVED if complete else Transfer.Status.PARTIALLY_RECEIVED,
        code="transfer_not_shipped",
        received_by=actor,
        received_at=clock.now(),
    )
    destination = transfer.to_location
    for line in lines:
        quantity, reason = cleaned[line.pk]
        line.received_quantity = quantity
        line.discrepancy_reason = reason[:255]
        line.save(update_fields=["received_quantity", "discrepancy_reason"])
        if not quantity:
            continue
        level = level_for(location=destination, sku=line.sku, batch=line.batch)
        level_add(level_id=level.pk, quantity=quantity)
        move_record(
            kind=MoveKind.TRANSFER_IN,
            location=destination,
            sku=line.sku,
            batch=line.batch,
            quantity=quantity,
            unit_cost=line.unit_cost,
            reference=_reference(transfer),
            actor=actor,
            note=line.discrepancy_reason,
        )
    availability_touch(sku_ids=[line.sku_id for line in lines])
    return transfer


@transaction.atomic
def transfer_cancel(*, actor, transfer: Transfer, note: str = "") -> Transfer:
    """Drop a draft. Shipped goods are on a truck: they must be received, not cancelled."""
    require(actor, Perm.INVENTORY_MOVE, transfer.from_location.store_id)
    fields = {"note": note[:255]} if note else {}
    _status_move(
        transfer,
        old=Transfer.Status.DRAFT,
        new=Transfer.Status.CANCELLED,
        code="transfer_not_draft",
        **fields,
    )
    return transfer


def in_transit(*, sku: Sku | None = None, location: Location | None = None) -> list[InTransitRow]:
    """Units shipped and not yet received, per transfer line; `location` matches either end."""
    lines = TransferLine.objects.filter(
        transfer__status=Transfer.Status.SHIPPED, shipped_quantity__gt=F("received_quantity")
    ).select_related("transfer")
    if sku is not None:
        lines = lines.filter(sku=sku)
    if location is not None:
        lines = lines.filter(
            Q(transfer__from_location=location) | Q(transfer__to_location=location)
        )
    return [
        InTransitRow(
            transfer_id=line.transfer_id,
            number=line.transfer.number,
            from_location_id=line.transfer.from_location_id,
            to_location_id=line.transfer.to_location_id,
            sku_id=line.sku_id,
            batch_id=line.batch_id,
            quantity=line.shipped_quantity - line.received_quantity,
            unit_cost=line.unit_cost or Decimal("0"),
            shipped_at=line.transfer.shipped_at,
        )
        for line in lines.order_by("transfer__shipped_at", "transfer_id", "pk")
    ]


def inbound_units(*, location: Location, sku_ids: list[int]) -> dict[int, int]:
    """Units on their way to `location` per SKU id (for replenishment suggestions)."""
    rows = (
        TransferLine.objects.filter(
            transfer__status=Transfer.Status.SHIPPED,
            transfer__to_location=location,
            sku_id__in=list(sku_ids),
        )
        .values("sku_id")
        .annotate(n=Sum(F("shipped_quantity") - F("received_quantity")))
    )
    return {row["sku_id"]: row["n"] for row in rows}
