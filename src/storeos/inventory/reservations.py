"""Reservations: stock held for an unpaid order, committed when paid, released on cancel or expiry.

Reserving raises `reserved` with the same conditional UPDATE that guards sales, so an online
order and a till can never both get the last unit. A reservation's status changes by a
conditional UPDATE too, so a payment and the expiry job cannot both close it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.inventory import valuation
from storeos.inventory.availability import availability_touch
from storeos.inventory.errors import (
    BatchExpired,
    InsufficientStock,
    ReservationClosed,
    ReservationNotFound,
)
from storeos.inventory.models import Batch, MoveKind, Reservation, ReservationLine, StockLevel
from storeos.inventory.stock import (
    Reference,
    is_expired,
    level_for,
    move_record,
    require_positive,
    sellable_levels,
)
from storeos.stores.models import Location

DEFAULT_TTL = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class ReserveLine:
    location: Location
    sku: Sku
    quantity: int
    batch: Batch | None = None


def _level_reserve(level_id: int, quantity: int) -> bool:
    return bool(
        StockLevel.objects.filter(pk=level_id, on_hand__gte=F("reserved") + quantity).update(
            reserved=F("reserved") + quantity
        )
    )


def _reserve_line(reservation: Reservation, line: ReserveLine) -> None:
    """Hold `line.quantity` free units, FEFO across batches; raise when they are not there."""
    if line.batch is not None:
        if is_expired(line.batch, line.location):
            raise BatchExpired(
                f"Lot {line.batch.lot_code} has expired and cannot be reserved.",
                details={"lot_code": line.batch.lot_code},
            )
        candidates = [level_for(location=line.location, sku=line.sku, batch=line.batch)]
    else:
        candidates = sellable_levels(location=line.location, sku=line.sku)
    remaining = line.quantity
    for level in candidates:
        take = min(remaining, level.on_hand - level.reserved)
        while take > 0 and not _level_reserve(level.pk, take):
            fresh = StockLevel.objects.filter(pk=level.pk).values_list("on_hand", "reserved")[0]
            take = min(remaining, fresh[0] - fresh[1])
        if take <= 0:
            continue
        ReservationLine.objects.create(
            reservation=reservation,
            location=line.location,
            sku=line.sku,
            batch=level.batch,
            quantity=take,
        )
        remaining -= take
        if remaining == 0:
            return
    raise InsufficientStock(
        f"Only {line.quantity - remaining} of {line.quantity} × {line.sku.code} can be reserved "
        f"at {line.location.code}.",
        details={
            "sku": line.sku.code,
            "location": line.location.code,
            "requested": line.quantity,
            "available": line.quantity - remaining,
        },
    )


@transaction.atomic
def stock_reserve(
    *,
    reference: str,
    channel: str,
    lines: list[ReserveLine],
    ttl: dt.timedelta = DEFAULT_TTL,
) -> Reservation:
    """Hold stock for order `reference`. All lines or none; the same reference twice returns
    the existing reservation (a retried request reserves once)."""
    existing = Reservation.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    for line in lines:
        require_positive(line.quantity)
    now = clock.now()
    reservation = Reservation.objects.create(
        reference=reference, channel=channel, created_at=now, expires_at=now + ttl
    )
    # Lock levels in a stable order (location, SKU) so two multi-line orders cannot deadlock.
    for line in sorted(lines, key=lambda ln: (ln.location.pk, ln.sku.pk)):
        _reserve_line(reservation, line)
    availability_touch(sku_ids=[line.sku.pk for line in lines])
    return reservation


def _close(reference: str, status: str) -> Reservation:
    """Move an active reservation to `status`; exactly one closer wins."""
    reservation = Reservation.objects.filter(reference=reference).first()
    if reservation is None:
        raise ReservationNotFound(
            f"No reservation for {reference}.", details={"reference": reference}
        )
    closed = Reservation.objects.filter(pk=reservation.pk, status=Reservation.Status.ACTIVE).update(
        status=status, closed_at=clock.now()
    )
    if not closed:
        reservation.refresh_from_db()
        raise ReservationClosed(
            f"Reservation {reference} is already {reservation.status}.",
            details={"reference": reference, "status": reservation.status},
        )
    reservation.refresh_from_db()
    return reservation


def _lines(reservation: Reservation) -> list[ReservationLine]:
    return list(
        reservation.lines.select_related("location", "sku", "batch").order_by(
            "location_id", "sku_id", "pk"
        )
    )


@transaction.atomic
def reservation_commit(*, reference: str, actor=None) -> Reservation:
    """The order is paid: reserved units leave the shelf as sales (one stock move per line)."""
    reservation = _close(reference, Reservation.Status.COMMITTED)
    for line in _lines(reservation):
        level = level_for(location=line.location, sku=line.sku, batch=line.batch)
        StockLevel.objects.filter(pk=level.pk, reserved__gte=line.quantity).update(
            on_hand=F("on_hand") - line.quantity, reserved=F("reserved") - line.quantity
        )
        move_record(
            kind=MoveKind.SALE,
            location=line.location,
            sku=line.sku,
            batch=line.batch,
            quantity=-line.quantity,
            unit_cost=valuation.cost_current(sku=line.sku),
            reference=Reference("order", reference),
            actor=actor,
        )
    return reservation


def _release(reference: str, status: str) -> Reservation:
    reservation = _close(reference, status)
    lines = _lines(reservation)
    for line in lines:
        StockLevel.objects.filter(
            location=line.location, sku=line.sku, batch=line.batch, reserved__gte=line.quantity
        ).update(reserved=F("reserved") - line.quantity)
    availability_touch(sku_ids=[line.sku_id for line in lines])
    return reservation


@transaction.atomic
def reservation_release(*, reference: str) -> Reservation:
    """The order was cancelled: the held units are free to sell again."""
    return _release(reference, Reservation.Status.RELEASED)


def reservations_expire() -> int:
    """Release every active reservation past its expiry; returns how many were released."""
    due = list(
        Reservation.objects.filter(
            status=Reservation.Status.ACTIVE, expires_at__lte=clock.now()
        ).values_list("reference", flat=True)
    )
    released = 0
    for reference in due:
        try:
            with transaction.atomic():
                _release(reference, Reservation.Status.EXPIRED)
        except ReservationClosed:
            continue  # paid or cancelled between our read and our update
        released += 1
    return released
