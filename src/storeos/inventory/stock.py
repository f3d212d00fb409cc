"""Moving stock: receipts, issues (FEFO), returns and adjustments, each a guarded level change
plus its append-only stock move in one transaction.

The guard is a conditional UPDATE whose row count says whether it succeeded
(`… SET on_hand = on_hand - q WHERE on_hand - reserved >= q`), never read-modify-write, so two
tills and the online shop cannot take the last unit twice on SQLite or PostgreSQL.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q

from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.inventory import valuation
from storeos.inventory.availability import availability_touch
from storeos.inventory.errors import (
    BatchExpired,
    BatchInvalid,
    BatchRequired,
    InsufficientStock,
    QuantityInvalid,
)
from storeos.inventory.models import Batch, MoveKind, StockLevel, StockMove
from storeos.stores.models import Location

OUTGOING_KINDS = {MoveKind.SALE, MoveKind.TRANSFER_OUT, MoveKind.SCRAP}
INCOMING_KINDS = {MoveKind.RECEIVE, MoveKind.RETURN, MoveKind.TRANSFER_IN}


@dataclass(frozen=True)
class Reference:
    """The document a move belongs to (an order, a transfer, a count), for the stock card."""

    type: str = ""
    id: str = ""


def require_positive(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise QuantityInvalid(
            "Quantity must be a whole number above zero.", details={"quantity": quantity}
        )


def level_for(*, location: Location, sku: Sku, batch: Batch | None) -> StockLevel:
    """The level row, created empty when missing (safe against a concurrent creator)."""
    level, _ = StockLevel.objects.get_or_create(location=location, sku=sku, batch=batch)
    return level


def level_add(*, level_id: int, quantity: int) -> None:
    StockLevel.objects.filter(pk=level_id).update(on_hand=F("on_hand") + quantity)


def level_take(*, level_id: int, quantity: int) -> bool:
    """Take `quantity` units that nobody has reserved; False when they are not there."""
    return bool(
        StockLevel.objects.filter(pk=level_id, on_hand__gte=F("reserved") + quantity).update(
            on_hand=F("on_hand") - quantity
        )
    )


def move_record(
    *,
    kind: str,
    location: Location,
    sku: Sku,
    batch: Batch | None,
    quantity: int,
    unit_cost: Decimal,
    reference: Reference,
    actor=None,
    note: str = "",
) -> StockMove:
    return StockMove.objects.create(
        at=clock.now(),
        kind=kind,
        location=location,
        sku=sku,
        batch=batch,
        quantity=quantity,
        unit_cost=unit_cost,
        reference_type=reference.type,
        reference_id=str(reference.id),
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
    )


def batch_resolve(
    *,
    sku: Sku,
    lot_code: str = "",
    expiry_date: dt.date | None = None,
    production_date: dt.date | None = None,
) -> Batch | None:
    """The batch a receipt goes into: None for untracked SKUs, else found or created by lot."""
    if not sku.batch_tracked:
        if lot_code:
            raise BatchInvalid(
                f"{sku.code} is not batch-tracked; receive it without a lot code.",
                details={"sku": sku.code},
            )
        return None
    if not lot_code or expiry_date is None:
        raise BatchRequired(
            f"{sku.code} is batch-tracked: a lot code and an expiry date are required.",
            details={"sku": sku.code},
        )
    if production_date is not None and expiry_date < production_date:
        raise BatchInvalid(
            "The expiry date is before the production date.",
            code="expiry_before_production",
            details={"production_date": production_date, "expiry_date": expiry_date},
        )
    batch, created = Batch.objects.get_or_create(
        sku=sku,
        lot_code=lot_code,
        defaults={
            "expiry_date": expiry_date,
            "production_date": production_date,
            "created_at": clock.now(),
        },
    )
    if not created and (
        batch.expiry_date != expiry_date
        or (production_date is not None and batch.production_date != production_date)
    ):
        raise BatchInvalid(
            f"Lot {lot_code} of {sku.code} is already recorded with other dates.",
            code="batch_dates_mismatch",
            details={"lot_code": lot_code, "expiry_date": batch.expiry_date},
        )
    return batch


def is_expired(batch: Batch | None, location: Location) -> bool:
    if batch is None:
        return False
    tz = location.store.time_zone if location.store_id else None
    return batch.expiry_date < clock.today(tz)


@transaction.atomic
def stock_receive(
    *,
    actor,
    location: Location,
    sku: Sku,
    quantity: int,
    unit_cost: Decimal,
    lot_code: str = "",
    expiry_date: dt.date | None = None,
    production_date: dt.date | None = None,
    reference: Reference = Reference(),
    note: str = "",
) -> StockMove:
    """Goods arrive at a location: the level grows and the moving-average cost is updated."""
    require_positive(quantity)
    if unit_cost is None or Decimal(unit_cost) < 0:
        raise QuantityInvalid("Unit cost must not be negative.", code="cost_invalid")
    batch = batch_resolve(
        sku=sku, lot_code=lot_code, expiry_date=expiry_date, production_date=production_date
    )
    valuation.cost_receive(sku=sku, quantity=quantity, unit_cost=Decimal(unit_cost))
    level = level_for(location=location, sku=sku, batch=batch)
    level_add(level_id=level.pk, quantity=quantity)
    availability_touch(sku_ids=[sku.pk])
    return move_record(
        kind=MoveKind.RECEIVE,
        location=location,
        sku=sku,
        batch=batch,
        quantity=quantity,
        unit_cost=Decimal(unit_cost),
        reference=reference,
        actor=actor,
        note=note,
    )


def sellable_levels(*, location: Location, sku: Sku) -> list[StockLevel]:
    """Levels with free stock in FEFO order: the batch expiring first first; expired excluded.

    Each level carries `average_cost`, the SKU's moving-average cost (None before any receipt),
    read in the same query so a sale costs one SELECT and one UPDATE per line.
    """
    tz = location.store.time_zone if location.store_id else None
    return list(
        StockLevel.objects.filter(location=location, sku=sku, on_hand__gt=F("reserved"))
        .filter(Q(batch__isnull=True) | Q(batch__expiry_date__gte=clock.today(tz)))
        .annotate(average_cost=valuation.average_cost_subquery())
        .select_related("batch")
        .order_by(F("batch__expiry_date").asc(nulls_last=True), "batch_id", "pk")
    )


def _free_units(level_id: int) -> int:
    row = StockLevel.objects.filter(pk=level_id).values_list("on_hand", "reserved").first()
    return 0 if row is None else row[0] - row[1]


@dataclass(frozen=True)
class IssueLine:
    """One line of an outgoing document: a SKU, how many, and optionally the batch scanned."""

    sku: Sku
    quantity: int
    batch: Batch | None = None
    reference: Reference = Reference()


def _candidates(*, location: Location, line: IssueLine, kind: str) -> list[StockLevel]:
    if line.batch is None:
        return sellable_levels(location=location, sku=line.sku)
    if line.batch.sku_id != line.sku.pk:
        raise BatchInvalid("That batch belongs to another SKU.", details={"sku": line.sku.code})
    if is_expired(line.batch, location) and kind != MoveKind.SCRAP:
        raise BatchExpired(
            f"Lot {line.batch.lot_code} expired on {line.batch.expiry_date} and cannot be sold.",
            details={"lot_code": line.batch.lot_code, "expiry_date": line.batch.expiry_date},
        )
    level = level_for(location=location, sku=line.sku, batch=line.batch)
    level.average_cost = None
    return [level]


def _take_line(
    *, location: Location, line: IssueLine, kind: str, actor, note: str
) -> list[StockMove]:
    """Take one line's units level by level (FEFO); unsaved moves, or InsufficientStock."""
    candidates = _candidates(location=location, line=line, kind=kind)
    cost = next((lv.average_cost for lv in candidates if lv.average_cost is not None), None)
    unit_cost = cost if cost is not None else valuation.cost_current(sku=line.sku)
    moves: list[StockMove] = []
    remaining = line.quantity
    now = clock.now()
    for level in candidates:
        take = min(remaining, level.on_hand - level.reserved)
        # Another till may have taken some since we read the level: retry with what is left.
        while take > 0 and not level_take(level_id=level.pk, quantity=take):
            take = min(remaining, _free_units(level.pk))
        if take <= 0:
            continue
        moves.append(
            StockMove(
                at=now,
                kind=kind,
                location=location,
                sku=line.sku,
                batch=level.batch,
                quantity=-take,
                unit_cost=unit_cost,
                reference_type=line.reference.type,
                reference_id=str(line.reference.id),
                actor=actor if getattr(actor, "pk", None) else None,
                note=note,
            )
        )
        remaining -= take
        if remaining == 0:
            return moves
    raise InsufficientStock(
        f"Only {line.quantity - remaining} of {line.quantity} × {line.sku.code} available at "
        f"{location.code}.",
        details={
            "sku": line.sku.code,
            "location": location.code,
            "requested": line.quantity,
            "available": line.quantity - remaining,
        },
    )


# One conditional UPDATE takes a whole basket of SKUs that are not batch-tracked (most of a toy or
# grocery basket): the same guard as `level_take`, without a read before it. SQLite (3.35+) and
# PostgreSQL both accept UPDATE … FROM (VALUES …) … RETURNING; VALUES columns are column1, 2.
# The IN list repeats the SKU ids so the (location, SKU) index is used whatever the statistics
# say; without it a planner that misjudges a big location scans all its rows.
_TAKE_UNTRACKED_SQL = """
UPDATE inventory_stocklevel
   SET on_hand = inventory_stocklevel.on_hand - wanted.column2
  FROM (VALUES {rows}) AS wanted
 WHERE inventory_stocklevel.location_id = %s
   AND inventory_stocklevel.batch_id IS NULL
   AND inventory_stocklevel.sku_id IN ({sku_ids})
   AND inventory_stocklevel.sku_id = wanted.column1
   AND inventory_stocklevel.on_hand - inventory_stocklevel.reserved >= wanted.column2
RETURNING inventory_stocklevel.sku_id,
          (SELECT c.average_cost FROM inventory_skucost c
            WHERE c.sku_id = inventory_stocklevel.sku_id),
          inventory_stocklevel.on_hand - inventory_stocklevel.reserved,
          (SELECT COALESCE(MAX(b.quantity), 0) FROM inventory_channelbuffer b
            WHERE b.sku_id = inventory_stocklevel.sku_id)
"""


@dataclass(frozen=True)
class _Taken:
    average_cost: Decimal | None
    # Whether a channel could have sold out: ATP = free stock over the channel's locations minus
    # its buffer, so it can only reach zero when the free stock left here is within the buffer.
    may_sell_out: bool


def _take_untracked(*, location: Location, lines: list[IssueLine]) -> dict[int, _Taken]:
    """Take every line's units in one statement; what was taken, by SKU id.

    A SKU missing from the result was short (or has batch rows): the caller takes it level by
    level, which raises InsufficientStock if it really is short.
    """
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.sku.pk] = wanted.get(line.sku.pk, 0) + line.quantity
    rows = ", ".join(["(CAST(%s AS INTEGER), CAST(%s AS INTEGER))"] * len(wanted))
    sku_ids = sorted(wanted)
    params = [value for sku_id in sku_ids for value in (sku_id, wanted[sku_id])]
    params += [location.pk, *sku_ids]
    sql = _TAKE_UNTRACKED_SQL.format(rows=rows, sku_ids=", ".join(["%s"] * len(sku_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # A raw cursor skips Django's converters: SQLite hands the cost back as a float.
        return {
            sku_id: _Taken(
                average_cost=None
                if cost is None
                else Decimal(str(cost)).quantize(valuation.COST_PLACES),
                may_sell_out=free_left <= buffer,
            )
            for sku_id, cost, free_left, buffer in cursor.fetchall()
        }


def _untracked_moves(
    *, location: Location, line: IssueLine, kind: str, cost: Decimal | None, actor, note: str
) -> list[StockMove]:
    unit_cost = cost if cost is not None else Decimal(line.sku.cost)
    return [
        StockMove(
            at=clock.now(),
            kind=kind,
            location=location,
            sku=line.sku,
            batch=None,
            quantity=-line.quantity,
            unit_cost=unit_cost,
            reference_type=line.reference.type,
            reference_id=str(line.reference.id),
            actor=actor if getattr(actor, "pk", None) else None,
            note=note,
        )
    ]


@transaction.atomic
def stock_issue_lines(
    *,
    actor,
    location: Location,
    lines: list[IssueLine],
    kind: str = MoveKind.SALE,
    note: str = "",
) -> list[list[StockMove]]:
    """Take unreserved stock for several lines out of one location, FEFO across batches unless a
    line names its batch. All or nothing: a line short of stock (InsufficientStock) rolls back
    every line. Returns each line's moves, in line order."""
    return stock_issue_lines_in_transaction(
        actor=actor, location=location, lines=lines, kind=kind, note=note
    )


def stock_issue_lines_in_transaction(
    *,
    actor,
    location: Location,
    lines: list[IssueLine],
    kind: str = MoveKind.SALE,
    note: str = "",
) -> list[list[StockMove]]:
    """`stock_issue_lines` for a caller whose own transaction fails as a whole when this raises
    (checkout): no savepoint of its own, two round trips less per sale."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock_issue_lines_in_transaction needs the caller's transaction")
    if kind not in OUTGOING_KINDS:
        raise QuantityInvalid(f"{kind} is not an outgoing move.", code="move_kind_invalid")
    for line in lines:
        require_positive(line.quantity)
    untracked = [ln for ln in lines if ln.batch is None and not ln.sku.batch_tracked]
    taken = _take_untracked(location=location, lines=untracked) if untracked else {}
    per_line = [
        _untracked_moves(
            location=location,
            line=line,
            kind=kind,
            cost=taken[line.sku.pk].average_cost,
            actor=actor,
            note=note,
        )
        if line.sku.pk in taken and line.batch is None and not line.sku.batch_tracked
        else _take_line(location=location, line=line, kind=kind, actor=actor, note=note)
        for line in lines
    ]
    StockMove.objects.bulk_create([move for moves in per_line for move in moves])
    # Taking stock can only make a SKU unavailable; skip the refresh where it cannot have.
    watched = [ln.sku.pk for ln in lines if ln.sku.pk not in taken or taken[ln.sku.pk].may_sell_out]
    if watched:
        availability_touch(sku_ids=watched)
    return per_line


def stock_issue(
    *,
    actor,
    location: Location,
    sku: Sku,
    quantity: int,
    kind: str = MoveKind.SALE,
    batch: Batch | None = None,
    reference: Reference = Reference(),
    note: str = "",
) -> list[StockMove]:
    """Take unreserved stock of one SKU out of a location (see `stock_issue_lines`)."""
    [moves] = stock_issue_lines(
        actor=actor,
        location=location,
        lines=[IssueLine(sku=sku, quantity=quantity, batch=batch, reference=reference)],
        kind=kind,
        note=note,
    )
    return moves


@transaction.atomic
def stock_return(
    *,
    actor,
    location: Location,
    sku: Sku,
    quantity: int,
    unit_cost: Decimal,
    batch: Batch | None = None,
    reference: Reference = Reference(),
    note: str = "",
) -> StockMove:
    """Sold goods come back to a sellable location at the cost they left with."""
    require_positive(quantity)
    level = level_for(location=location, sku=sku, batch=batch)
    level_add(level_id=level.pk, quantity=quantity)
    availability_touch(sku_ids=[sku.pk])
    return move_record(
        kind=MoveKind.RETURN,
        location=location,
        sku=sku,
        batch=batch,
        quantity=quantity,
        unit_cost=unit_cost,
        reference=reference,
        actor=actor,
        note=note,
    )


@transaction.atomic
def stock_adjust(
    *,
    actor,
    location: Location,
    sku: Sku,
    delta: int,
    batch: Batch | None = None,
    kind: str = MoveKind.ADJUST,
    reference: Reference = Reference(),
    note: str = "",
) -> StockMove:
    """Correct on-hand stock by `delta` (a count variance, a found or lost unit).

    A negative delta may not dig into reserved stock: those units are promised to an order.
    """
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
        raise QuantityInvalid("An adjustment must change the quantity.", details={"delta": delta})
    level = level_for(location=location, sku=sku, batch=batch)
    if delta > 0:
        level_add(level_id=level.pk, quantity=delta)
    elif not level_take(level_id=level.pk, quantity=-delta):
        raise InsufficientStock(
            f"Cannot remove {-delta} × {sku.code}: only {_free_units(level.pk)} unreserved.",
            details={"sku": sku.code, "location": location.code, "requested": -delta},
        )
    availability_touch(sku_ids=[sku.pk])
    return move_record(
        kind=kind,
        location=location,
        sku=sku,
        batch=batch,
        quantity=delta,
        unit_cost=valuation.cost_current(sku=sku),
        reference=reference,
        actor=actor,
        note=note,
    )
