"""Receiving a delivery of many lines at once: the bulk form of `stock.stock_receive`, used by
imports, the demo seed and (later) purchase-order receiving."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.inventory import valuation
from storeos.inventory.availability import availability_touch
from storeos.inventory.errors import QuantityInvalid
from storeos.inventory.models import Batch, MoveKind, StockLevel, StockMove
from storeos.inventory.stock import Reference, batch_resolve, level_add, require_positive
from storeos.stores.models import Location


@dataclass(frozen=True)
class ReceiveLine:
    """One line of a delivery: a SKU, how many, at what cost, and its lot when batch-tracked."""

    sku: Sku
    quantity: int
    unit_cost: Decimal
    lot_code: str = ""
    expiry_date: dt.date | None = None
    production_date: dt.date | None = None


@transaction.atomic
def stock_receive_lines(
    *,
    actor,
    location: Location,
    lines: list[ReceiveLine],
    reference: Reference = Reference(),
    note: str = "",
) -> list[StockMove]:
    """A delivery of several lines arrives at one location: all of it or, on bad input, none.

    Each line does what `stock_receive` does, in bulk where it can: lots are resolved once per
    lot, the moving-average cost is blended once per SKU (the lines of one SKU as one receipt at
    their weighted cost, which is the same average), missing level rows are created in one
    INSERT, the moves are written in one INSERT, and one availability refresh is queued.
    Returns the moves in line order.
    """
    if not lines:
        raise QuantityInvalid("A receipt needs at least one line.", code="lines_required")
    for line in lines:
        require_positive(line.quantity)
        if line.unit_cost is None or Decimal(line.unit_cost) < 0:
            raise QuantityInvalid("Unit cost must not be negative.", code="cost_invalid")
    line_batches = _batches_resolve(lines)
    _costs_blend(lines)
    keys = [
        (line.sku.pk, getattr(batch, "pk", None))
        for line, batch in zip(lines, line_batches, strict=True)
    ]
    levels = _levels_get_or_create(location=location, keys=set(keys))
    added: dict[int, int] = {}
    for line, key in zip(lines, keys, strict=True):
        added[levels[key]] = added.get(levels[key], 0) + line.quantity
    for level_id in sorted(added):  # in pk order, as every writer locks rows
        level_add(level_id=level_id, quantity=added[level_id])
    now = clock.now()
    moves = StockMove.objects.bulk_create(
        StockMove(
            at=now,
            kind=MoveKind.RECEIVE,
            location=location,
            sku=line.sku,
            batch=batch,
            quantity=line.quantity,
            unit_cost=Decimal(line.unit_cost),
            reference_type=reference.type,
            reference_id=str(reference.id),
            actor=actor if getattr(actor, "pk", None) else None,
            note=note,
        )
        for line, batch in zip(lines, line_batches, strict=True)
    )
    availability_touch(sku_ids=sorted({line.sku.pk for line in lines}))
    return moves


def _batches_resolve(lines: list[ReceiveLine]) -> list[Batch | None]:
    """Each line's batch (None when untracked), resolved once per lot as `stock_receive` does."""
    resolved: dict[tuple[int, str, dt.date | None, dt.date | None], Batch | None] = {}
    for line in lines:
        key = (line.sku.pk, line.lot_code, line.expiry_date, line.production_date)
        if key not in resolved:
            resolved[key] = batch_resolve(
                sku=line.sku,
                lot_code=line.lot_code,
                expiry_date=line.expiry_date,
                production_date=line.production_date,
            )
    return [
        resolved[(line.sku.pk, line.lot_code, line.expiry_date, line.production_date)]
        for line in lines
    ]


def _costs_blend(lines: list[ReceiveLine]) -> None:
    """One moving-average update per SKU, SKUs in pk order (their cost rows are locked)."""
    per_sku: dict[int, tuple[Sku, int, Decimal]] = {}
    for line in lines:
        sku, units, value = per_sku.get(line.sku.pk, (line.sku, 0, Decimal(0)))
        per_sku[line.sku.pk] = (
            sku,
            units + line.quantity,
            value + Decimal(line.unit_cost) * line.quantity,
        )
    for sku_id in sorted(per_sku):
        sku, units, value = per_sku[sku_id]
        valuation.cost_receive(sku=sku, quantity=units, unit_cost=value / units)


def _levels_get_or_create(
    *, location: Location, keys: set[tuple[int, int | None]]
) -> dict[tuple[int, int | None], int]:
    """Level ids by (SKU id, batch id) at `location`; the missing rows are created in one INSERT
    (a row a concurrent receipt created first is kept, not duplicated)."""

    def existing() -> dict[tuple[int, int | None], int]:
        rows = StockLevel.objects.filter(
            location=location, sku_id__in=sorted({sku_id for sku_id, _ in keys})
        ).values_list("sku_id", "batch_id", "pk")
        return {
            (sku_id, batch_id): pk for sku_id, batch_id, pk in rows if (sku_id, batch_id) in keys
        }

    found = existing()
    missing = sorted(keys - set(found), key=lambda key: (key[0], key[1] or 0))
    if missing:
        StockLevel.objects.bulk_create(
            [
                StockLevel(location=location, sku_id=sku_id, batch_id=batch_id)
                for sku_id, batch_id in missing
            ],
            ignore_conflicts=True,
        )
        found = existing()
    return found
