"""Scrap (write-off): staff request it, a store manager other than the requester decides, and
approval takes the stock out as scrap moves and records the loss at moving-average cost.

The loss report reads the scrap moves themselves (the ledger is the truth), per store and
reason, over the store's business days.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Sum

from storeos.accounts.permissions import Perm, require, store_ids_with
from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.errors import PermissionDenied, ValidationFailed
from storeos.inventory.errors import (
    BatchInvalid,
    BatchRequired,
    DocumentStatusConflict,
    InsufficientStock,
    OwnRequest,
)
from storeos.inventory.models import (
    Batch,
    MoveKind,
    ScrapLine,
    ScrapRequest,
    StockLevel,
    StockMove,
)
from storeos.inventory.stock import Reference, require_positive, stock_issue
from storeos.stores.models import Location, Store

CENTS = Decimal("0.01")
REFERENCE_TYPE = "scrap"

# (sku, quantity) or (sku, quantity, batch)
LineSpec = Sequence


@dataclass(frozen=True)
class LossRow:
    store_id: int | None
    store_code: str
    reason: str
    units: int
    value: Decimal


@dataclass
class LossReport:
    date_from: dt.date
    date_to: dt.date
    rows: list[LossRow] = field(default_factory=list)
    total_units: int = 0
    total_value: Decimal = Decimal("0.00")


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


def _parse_lines(lines: list[LineSpec]) -> list[tuple[Sku, int, Batch | None]]:
    """Each line names the exact stock to write off: batch-tracked SKUs by batch."""
    if not lines:
        raise ValidationFailed("A scrap request needs at least one line.", code="lines_required")
    parsed = []
    for spec in lines:
        if len(spec) not in (2, 3):
            raise ValidationFailed(
                "A scrap line is (SKU, quantity) or (SKU, quantity, batch).", code="line_invalid"
            )
        sku, quantity = spec[0], spec[1]
        batch = spec[2] if len(spec) == 3 else None
        require_positive(quantity)
        if sku.batch_tracked and batch is None:
            raise BatchRequired(
                f"{sku.code} is batch-tracked: say which batch to write off.",
                details={"sku": sku.code},
            )
        if batch is not None and (not sku.batch_tracked or batch.sku_id != sku.pk):
            raise BatchInvalid("That batch does not belong to this SKU.", details={"sku": sku.code})
        parsed.append((sku, quantity, batch))
    return parsed


def _check_on_shelf(location: Location, parsed: list[tuple[Sku, int, Batch | None]]) -> None:
    wanted: dict[tuple[Sku, Batch | None], int] = defaultdict(int)
    for sku, quantity, batch in parsed:
        wanted[(sku, batch)] += quantity
    for (sku, batch), quantity in wanted.items():
        free = (
            StockLevel.objects.filter(location=location, sku=sku, batch=batch).aggregate(
                n=Sum(F("on_hand") - F("reserved"))
            )["n"]
            or 0
        )
        if free < quantity:
            raise InsufficientStock(
                f"Only {free} × {sku.code} unreserved at {location.code}; {quantity} requested.",
                details={
                    "sku": sku.code,
                    "location": location.code,
                    "requested": quantity,
                    "available": free,
                },
            )


@transaction.atomic
def scrap_request(
    *, actor, location: Location, reason: str, lines: list[LineSpec], note: str = ""
) -> ScrapRequest:
    """Ask to write off stock; nothing moves until a store manager approves."""
    require(actor, Perm.INVENTORY_MOVE, location.store_id)
    if reason not in ScrapRequest.Reason.values:
        raise ValidationFailed(
            f"Unknown scrap reason {reason!r}.",
            code="scrap_reason_invalid",
            details={"reason": reason, "allowed": list(ScrapRequest.Reason.values)},
        )
    parsed = _parse_lines(lines)
    _check_on_shelf(location, parsed)
    request = ScrapRequest.objects.create(
        location=location,
        reason=reason,
        requested_by=actor,
        requested_at=clock.now(),
        note=note[:255],
    )
    ScrapLine.objects.bulk_create(
        [
            ScrapLine(request=request, sku=sku, batch=batch, quantity=quantity)
            for sku, quantity, batch in parsed
        ]
    )
    return request


def _decide(request: ScrapRequest, *, new: str, actor, note: str) -> None:
    """Pending → approved / rejected; of two managers deciding at once, exactly one wins."""
    if not ScrapRequest.objects.filter(pk=request.pk, status=ScrapRequest.Status.PENDING).update(
        status=new, decided_by=actor, decided_at=clock.now(), decision_note=note[:255]
    ):
        current = (
            ScrapRequest.objects.filter(pk=request.pk).values_list("status", flat=True).first()
        )
        raise DocumentStatusConflict(
            f"Scrap request {request.pk} is already {current}.",
            code="scrap_already_decided",
            details={"request": request.pk, "status": current},
        )
    request.refresh_from_db()


@transaction.atomic
def scrap_approve(*, actor, request: ScrapRequest, note: str = "") -> ScrapRequest:
    """Write the stock off (expired batches included) and record the loss at cost.

    Needs INVENTORY_APPROVE in the store, and someone other than the requester: one person
    alone cannot make stock disappear.
    """
    require(actor, Perm.INVENTORY_APPROVE, request.location.store_id)
    if request.requested_by_id is not None and request.requested_by_id == getattr(
        actor, "pk", None
    ):
        raise OwnRequest(
            "You cannot approve your own scrap request; another manager must.",
            details={"request": request.pk},
        )
    _decide(request, new=ScrapRequest.Status.APPROVED, actor=actor, note=note)
    loss = Decimal("0")
    lines = request.lines.select_related("sku", "batch").order_by(
        "sku_id", F("batch_id").asc(nulls_first=True), "pk"
    )
    for line in lines:
        moves = stock_issue(
            actor=actor,
            location=request.location,
            sku=line.sku,
            quantity=line.quantity,
            kind=MoveKind.SCRAP,
            batch=line.batch,
            reference=Reference(REFERENCE_TYPE, str(request.pk)),
            note=request.reason,
        )
        line.unit_cost = moves[0].unit_cost
        line.save(update_fields=["unit_cost"])
        loss += sum((-move.quantity * move.unit_cost for move in moves), Decimal("0"))
    request.loss_value = _money(loss)
    request.save(update_fields=["loss_value"])
    audit_record(
        actor=actor,
        action="inventory.scrap_approve",
        obj=request,
        store_id=request.location.store_id,
        before={"status": ScrapRequest.Status.PENDING},
        after={
            "status": ScrapRequest.Status.APPROVED,
            "location": request.location.code,
            "reason": request.reason,
            "units": sum(line.quantity for line in lines),
            "loss_value": str(request.loss_value),
        },
        reason=note,
    )
    return request


@transaction.atomic
def scrap_reject(*, actor, request: ScrapRequest, note: str) -> ScrapRequest:
    """Turn a request down, saying why; stock is untouched."""
    require(actor, Perm.INVENTORY_APPROVE, request.location.store_id)
    if not (note or "").strip():
        raise ValidationFailed("Say why the request is rejected.", code="note_required")
    _decide(request, new=ScrapRequest.Status.REJECTED, actor=actor, note=note.strip())
    return request


def loss_report(
    *,
    store: Store | None = None,
    date_from: dt.date,
    date_to: dt.date,
    user=None,
) -> LossReport:
    """Units and value written off per store and reason, over the stores' own business days
    (a scrap at 23:30 in Shanghai counts on that Shanghai day). Warehouses report as no store."""
    if date_to < date_from:
        raise ValidationFailed("The period ends before it starts.", code="period_invalid")
    moves = StockMove.objects.filter(
        kind=MoveKind.SCRAP,
        # Widened by a day each side: every time zone's business day fits inside.
        at__gte=dt.datetime.combine(date_from - dt.timedelta(days=1), dt.time.min, dt.UTC),
        at__lt=dt.datetime.combine(date_to + dt.timedelta(days=2), dt.time.min, dt.UTC),
    ).select_related("location__store")
    if store is not None:
        moves = moves.filter(location__store=store)
    if user is not None:
        visible = store_ids_with(user, Perm.INVENTORY_VIEW)
        if visible == set():
            raise PermissionDenied("You do not have permission to see stock losses.")
        if visible is not None:
            moves = moves.filter(location__store_id__in=sorted(visible))
    moves = list(moves.order_by("id"))
    reasons = dict(
        ScrapRequest.objects.filter(
            pk__in=sorted(
                {int(m.reference_id) for m in moves if m.reference_type == REFERENCE_TYPE}
            )
        ).values_list("pk", "reason")
    )
    units: dict[tuple[int | None, str], int] = defaultdict(int)
    value: dict[tuple[int | None, str], Decimal] = defaultdict(Decimal)
    codes: dict[int | None, str] = {}
    for move in moves:
        shop = move.location.store
        day = clock.business_date(move.at, shop.time_zone if shop else None)
        if not date_from <= day <= date_to:
            continue
        reason = ScrapRequest.Reason.OTHER
        if move.reference_type == REFERENCE_TYPE:
            reason = reasons.get(int(move.reference_id), ScrapRequest.Reason.OTHER)
        key = (shop.pk if shop else None, str(reason))
        codes[key[0]] = shop.code if shop else ""
        units[key] += -move.quantity
        value[key] += -move.quantity * move.unit_cost
    report = LossReport(date_from=date_from, date_to=date_to)
    for key in sorted(units, key=lambda k: (codes[k[0]], k[1])):
        row = LossRow(
            store_id=key[0],
            store_code=codes[key[0]],
            reason=key[1],
            units=units[key],
            value=_money(value[key]),
        )
        report.rows.append(row)
        report.total_units += row.units
        report.total_value += row.value
    return report
