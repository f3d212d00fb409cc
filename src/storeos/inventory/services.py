"""The stock room's operations as users call them: permission checks, then the stock engine.

The engine (stock.py, reservations.py) trusts its caller; sales and the other contexts call it
with their own checks done. People and integrations come through here.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.errors import ValidationFailed
from storeos.inventory import reservations
from storeos.inventory.errors import ReservationNotFound
from storeos.inventory.models import Batch, ChannelBuffer, ExpiryAlert, Reservation, StockMove
from storeos.inventory.receiving import ReceiveLine, stock_receive_lines
from storeos.inventory.stock import Reference, stock_adjust, stock_receive
from storeos.stores.models import Location


@transaction.atomic
def receipt_post(
    *,
    actor,
    location: Location,
    sku: Sku,
    quantity: int,
    unit_cost: Decimal,
    lot_code: str = "",
    expiry_date: dt.date | None = None,
    production_date: dt.date | None = None,
    reference: str = "",
) -> StockMove:
    """Goods received at a location (a delivery from a supplier or the central warehouse)."""
    require_unless_system(actor, Perm.INVENTORY_MOVE, location.store_id)
    return stock_receive(
        actor=actor,
        location=location,
        sku=sku,
        quantity=quantity,
        unit_cost=unit_cost,
        lot_code=lot_code,
        expiry_date=expiry_date,
        production_date=production_date,
        reference=Reference("receipt", reference),
    )


@transaction.atomic
def receipt_post_lines(
    *,
    actor,
    location: Location,
    lines: list[ReceiveLine],
    reference: str = "",
    note: str = "",
) -> list[StockMove]:
    """A whole delivery note received at a location at once: every line or, on bad input, none."""
    require_unless_system(actor, Perm.INVENTORY_MOVE, location.store_id)
    return stock_receive_lines(
        actor=actor,
        location=location,
        lines=lines,
        reference=Reference("receipt", reference),
        note=note,
    )


@transaction.atomic
def adjustment_post(
    *,
    actor,
    location: Location,
    sku: Sku,
    delta: int,
    reason: str,
    batch: Batch | None = None,
) -> StockMove:
    """A manual correction of on-hand stock: needs a manager and a reason, and is audited."""
    require_unless_system(actor, Perm.INVENTORY_APPROVE, location.store_id)
    if not reason.strip():
        raise ValidationFailed("An adjustment needs a reason.", code="reason_required")
    move = stock_adjust(
        actor=actor, location=location, sku=sku, delta=delta, batch=batch, note=reason.strip()
    )
    audit_record(
        actor=actor,
        action="stock.adjust",
        obj=move,
        store_id=location.store_id,
        after={"sku": sku.code, "location": location.code, "delta": delta},
        reason=reason.strip(),
    )
    return move


@transaction.atomic
def channel_buffer_set(*, actor, channel: str, sku: Sku, quantity: int) -> ChannelBuffer | None:
    """Hold `quantity` units of a SKU back from a channel's availability (0 removes the buffer)."""
    require_unless_system(actor, Perm.INVENTORY_POLICY)
    if quantity < 0:
        raise ValidationFailed("A buffer cannot be negative.", code="quantity_invalid")
    before = ChannelBuffer.objects.filter(channel=channel, sku=sku).first()
    audit_record(
        actor=actor,
        action="stock.channel_buffer",
        object_type="catalog.sku",
        object_id=sku.pk,
        before={"channel": channel, "quantity": before.quantity if before else 0},
        after={"channel": channel, "quantity": quantity},
    )
    if quantity == 0:
        ChannelBuffer.objects.filter(channel=channel, sku=sku).delete()
        return None
    buffer, _ = ChannelBuffer.objects.update_or_create(
        channel=channel, sku=sku, defaults={"quantity": quantity}
    )
    return buffer


@transaction.atomic
def reservation_create(
    *,
    actor,
    reference: str,
    channel: str,
    lines: list[reservations.ReserveLine],
    ttl: dt.timedelta = reservations.DEFAULT_TTL,
) -> Reservation:
    for store_id in sorted({line.location.store_id or 0 for line in lines}):
        require_unless_system(actor, Perm.INVENTORY_RESERVE, store_id or None)
    return reservations.stock_reserve(reference=reference, channel=channel, lines=lines, ttl=ttl)


@transaction.atomic
def reservation_close(*, actor, reference: str, paid: bool) -> Reservation:
    """Commit (paid) or release (cancelled) a reservation the actor may manage."""
    reservation = Reservation.objects.filter(reference=reference).first()
    if reservation is None:
        raise ReservationNotFound(f"No reservation for {reference}.")
    store_ids = set(reservation.lines.values_list("location__store_id", flat=True))
    for store_id in sorted(store_ids, key=lambda s: s or 0):
        require_unless_system(actor, Perm.INVENTORY_RESERVE, store_id)
    if paid:
        return reservations.reservation_commit(reference=reference, actor=actor)
    return reservations.reservation_release(reference=reference)


@transaction.atomic
def alert_acknowledge(*, actor, alert: ExpiryAlert) -> ExpiryAlert:
    """Someone in the store has seen a near-expiry alert. A second acknowledgement keeps the
    first time: two people tapping the same alert is not an error."""
    require_unless_system(actor, Perm.INVENTORY_MOVE, alert.location.store_id)
    if ExpiryAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=clock.now()
    ):
        audit_record(
            actor=actor,
            action="inventory.alert_acknowledge",
            obj=alert,
            store_id=alert.location.store_id,
            after={"batch": alert.batch_id, "location": alert.location_id},
        )
    alert.refresh_from_db(fields=["acknowledged_at"])
    return alert
