"""Online orders (online mall, mini-program, delivery platforms): reserve, pay, hand over or ship.

    pending_payment ──pay──► paid ──ready──► ready_for_pickup ──pickup (code)──► completed
          │                    └──ship──► shipped ──complete──► completed
          └──cancel / expire──► cancelled / expired   (the reservation is released)

Creating an order holds its stock (a reservation whose reference is the order id); paying turns
the hold into a sale. Every transition is a conditional UPDATE on the current status, so a
payment and the expiry job, or two staff tapping "ready", cannot both win. Paid orders are never
cancelled here: taking goods or money back is a return.
"""

import contextlib
import datetime as dt
import hmac
import secrets
import uuid as uuid_lib
from decimal import Decimal

from django.db import IntegrityError, transaction

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.core import clock
from storeos.core.channels import ONLINE_CHANNELS
from storeos.core.errors import ValidationFailed
from storeos.core.idempotency import payload_hash
from storeos.core.money import to_money
from storeos.core.outbox import event_emit
from storeos.inventory.errors import ReservationClosed, ReservationNotFound
from storeos.inventory.models import StockMove
from storeos.inventory.reservations import (
    ReserveLine,
    reservation_commit,
    reservation_release,
    stock_reserve,
)
from storeos.sales.checkout import (
    CartLine,
    Tender,
    cart_validate,
    gift_lines,
    order_number,
    order_paid_payload,
    order_replay,
    payments_record,
    payments_validate,
    selling_location,
)
from storeos.sales.errors import CartInvalid, OrderStateInvalid
from storeos.sales.hooks import paid_hooks_run
from storeos.sales.models import Fulfilment, Order, OrderLine, OrderStatus
from storeos.sales.pricing import CartItem, price_order
from storeos.stores.models import Store

DEFAULT_TTL = dt.timedelta(minutes=30)
MAX_TTL = dt.timedelta(days=1)
# The order expires first and releases its stock itself; the reservation outlives it a little so
# inventory's own expiry job never races a payment that the order still accepts.
RESERVATION_GRACE = dt.timedelta(minutes=5)
ONLINE_FULFILMENTS = (Fulfilment.PICKUP, Fulfilment.DELIVERY)
PAID_STATES = (
    OrderStatus.PAID,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
)


class PickupCodeInvalid(ValidationFailed):
    code = "pickup_code_invalid"


def _reference(order: Order) -> str:
    return str(order.uuid)


# --- Create --------------------------------------------------------------------------------------
def online_order_create(
    *,
    actor,
    order_id: uuid_lib.UUID,
    store: Store,
    channel: str,
    lines: list[CartLine],
    member_id: int | None = None,
    fulfilment: str = Fulfilment.PICKUP,
    ttl: dt.timedelta = DEFAULT_TTL,
    age_confirmed: bool = False,
    note: str = "",
    coupon_codes: list[str] | tuple = (),
) -> Order:
    """Place an unpaid online order and hold its stock until it is paid or `ttl` runs out.

    SKUs blocked on the channel (tobacco online) are refused. Age-restricted SKUs that the
    channel does sell (liquor) need `age_confirmed`: the channel's own check (real-name
    verification in the shop) vouches for the buyer, and it is recorded on the order with the
    channel's user as the one who confirmed. The same order id again returns the first order.
    """
    require_unless_system(actor, Perm.SALES_CHECKOUT, store)
    if channel not in ONLINE_CHANNELS:
        raise CartInvalid(
            f"{channel} is not an online channel; sell in store through checkout.",
            code="channel_invalid",
            details={"channel": channel},
        )
    if fulfilment not in ONLINE_FULFILMENTS:
        raise CartInvalid(
            "An online order is picked up in store or delivered.",
            code="fulfilment_invalid",
            details={"fulfilment": fulfilment},
        )
    if not dt.timedelta(minutes=1) <= ttl <= MAX_TTL:
        raise CartInvalid("Payment may be awaited between a minute and a day.", code="ttl_invalid")
    request_hash = payload_hash(
        {
            "store": store.pk,
            "channel": channel,
            "fulfilment": fulfilment,
            "member": member_id,
            "lines": [[ln.sku.pk, ln.quantity, ln.batch.pk if ln.batch else None] for ln in lines],
            **({"coupons": sorted(coupon_codes)} if coupon_codes else {}),
        }
    )
    if (existing := order_replay(order_id, request_hash)) is not None:
        return existing
    try:
        return _create_once(
            actor=actor,
            order_id=order_id,
            store=store,
            channel=channel,
            lines=lines,
            member_id=member_id,
            fulfilment=fulfilment,
            ttl=ttl,
            age_confirmed=age_confirmed,
            note=note,
            coupon_codes=list(coupon_codes),
            request_hash=request_hash,
        )
    except IntegrityError:
        # A concurrent twin inserted the same order id first; ours rolled back entirely.
        if (existing := order_replay(order_id, request_hash)) is not None:
            return existing
        raise


@transaction.atomic
def _create_once(*, actor, order_id, store, channel, lines, ttl, request_hash, **rest) -> Order:
    cart_validate(
        lines=lines,
        channel=channel,
        age_confirmed=rest["age_confirmed"],
        member_id=rest["member_id"],
    )
    location = selling_location(store=store, channel=channel)
    now = clock.now()
    priced = price_order(
        store=store,
        channel=channel,
        items=[CartItem(sku=ln.sku, quantity=ln.quantity) for ln in lines],
        member_id=rest["member_id"],
        at=now,
        coupon_codes=rest["coupon_codes"],
    )
    lines = lines + gift_lines(priced, requested=len(lines))
    business_date = clock.business_date(now, store.time_zone)
    confirmed = rest["age_confirmed"] and any(ln.sku.age_restricted for ln in lines)
    order = Order.objects.create(
        uuid=order_id,
        number=order_number(store, business_date, order_id),
        store=store,
        location=location,
        channel=channel,
        status=OrderStatus.PENDING_PAYMENT,
        fulfilment=rest["fulfilment"],
        member_id=rest["member_id"],
        age_confirmed_by=actor if confirmed and getattr(actor, "pk", None) else None,
        age_confirmed_at=now if confirmed else None,
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        total=priced.total,
        tax_total=priced.tax_total,
        created_at=now,
        business_date=business_date,
        expires_at=now + ttl,
        request_hash=request_hash,
        note=rest["note"],
        adjustments=priced.adjustments,
        coupon_codes=priced.coupon_codes,
    )
    # Unit cost is what the stock costs when it leaves, at payment; until then the SKU's cost.
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            line_no=line_no,
            sku=line.sku,
            batch=line.batch,
            quantity=line.quantity,
            unit_price=priced_line.unit_price,
            discount=priced_line.discount,
            line_total=priced_line.line_total,
            tax_rate=line.sku.tax_rate,
            tax_amount=priced_line.tax_amount,
            unit_cost=line.sku.cost,
            adjustments=priced_line.adjustments,
        )
        for line_no, (line, priced_line) in enumerate(zip(lines, priced.lines, strict=True), 1)
    )
    stock_reserve(
        reference=_reference(order),
        channel=channel,
        lines=[ReserveLine(location, ln.sku, ln.quantity, ln.batch) for ln in lines],
        ttl=ttl + RESERVATION_GRACE,
    )
    return order


# --- Pay -----------------------------------------------------------------------------------------
def _same_payments(order: Order, tenders: list[Tender]) -> bool:
    recorded = sorted(
        (p.method, p.amount, p.reference) for p in order.payments.filter(status="succeeded")
    )
    asked = sorted((t.method, to_money(t.amount), t.reference.strip()) for t in tenders)
    return recorded == asked


def online_order_pay(*, actor, order: Order, payments: list[Tender]) -> Order:
    """Take the payments for an unpaid order: its held stock leaves as a sale, `order.paid` is
    announced and a pick-up order gets its 6-digit pick-up code.

    Paying again with the same payments returns the paid order (a retried request); different
    payments for a paid order are refused with `order_state_invalid`.
    """
    require_unless_system(actor, Perm.SALES_CHECKOUT, order.store_id)
    if order.status in PAID_STATES:
        if _same_payments(order, payments):
            return order
        raise _state_invalid(order, "pay")
    tenders = payments_validate(payments=payments, total=order.total)
    try:
        return _pay_once(actor=actor, order=order, tenders=tenders)
    except OrderStateInvalid:
        # A concurrent twin paid it first: the same payments replay, anything else is refused.
        order.refresh_from_db()
        if order.status in PAID_STATES and _same_payments(order, payments):
            return order
        raise


@transaction.atomic
def _pay_once(*, actor, order: Order, tenders: list[Tender]) -> Order:
    now = clock.now()
    fields = {
        "status": OrderStatus.PAID,
        "paid_at": now,
        "business_date": clock.business_date(now, order.store.time_zone),
        "pickup_code": _pickup_code() if order.fulfilment == Fulfilment.PICKUP else "",
    }
    paid = Order.objects.filter(
        pk=order.pk, status=OrderStatus.PENDING_PAYMENT, expires_at__gt=now
    ).update(**fields)
    if not paid:
        order.refresh_from_db()
        if order.status == OrderStatus.PENDING_PAYMENT:
            raise OrderStateInvalid(
                f"Order {order.number} waited too long for payment and has expired.",
                code="order_expired",
                details={"order_id": str(order.uuid), "expires_at": order.expires_at},
            )
        raise _state_invalid(order, "pay")
    try:
        reservation_commit(reference=_reference(order), actor=actor)
    except (ReservationClosed, ReservationNotFound) as exc:
        raise OrderStateInvalid(
            f"The stock held for order {order.number} is no longer held.",
            details={"order_id": str(order.uuid)},
        ) from exc
    order.refresh_from_db()
    lines = _cost_lines(order)
    payments_record(order=order, tenders=tenders, now=now)
    paid_hooks_run(order, lines)
    event_emit(topic="order.paid", payload=order_paid_payload(order, lines))
    return order


def _pickup_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _cost_lines(order: Order) -> list[OrderLine]:
    """Set each line's unit cost (and the order's) from the sale moves the commit wrote."""
    units: dict[int, int] = {}
    cost: dict[int, Decimal] = {}
    for sku_id, quantity, unit_cost in StockMove.objects.filter(
        reference_type="order", reference_id=_reference(order), kind="sale"
    ).values_list("sku_id", "quantity", "unit_cost"):
        # Sale moves carry negative quantities.
        units[sku_id] = units.get(sku_id, 0) - quantity
        cost[sku_id] = cost.get(sku_id, Decimal(0)) - unit_cost * quantity
    lines = list(order.lines.order_by("line_no"))
    for line in lines:
        if units.get(line.sku_id):
            line.unit_cost = (cost[line.sku_id] / units[line.sku_id]).quantize(Decimal("0.0001"))
    OrderLine.objects.bulk_update(lines, ["unit_cost"])
    order.cost_total = to_money(sum((ln.unit_cost * ln.quantity for ln in lines), Decimal(0)))
    order.save(update_fields=["cost_total"])
    return lines


# --- Fulfil --------------------------------------------------------------------------------------
def _state_invalid(order: Order, action: str) -> OrderStateInvalid:
    return OrderStateInvalid(
        f"Order {order.number} is {order.get_status_display()}: it cannot {action} now.",
        details={"order_id": str(order.uuid), "status": order.status, "action": action},
    )


def _transition(
    order: Order, *, action: str, source: tuple[str, ...], target: str, **fields
) -> bool:
    """Move `order` from one of `source` to `target` if nobody else moved it first; True when
    this call moved it. Already in `target` (a retried request) is not an error: False.
    `order` is refreshed either way.
    """
    moved = Order.objects.filter(pk=order.pk, status__in=list(source)).update(
        status=target, **fields
    )
    order.refresh_from_db()
    if not moved and order.status != target:
        raise _state_invalid(order, action)
    return bool(moved)


def _require_fulfilment(order: Order, fulfilment: str, action: str) -> None:
    if order.fulfilment != fulfilment:
        raise OrderStateInvalid(
            f"Order {order.number} is for {order.get_fulfilment_display()}: it cannot {action}.",
            details={"order_id": str(order.uuid), "fulfilment": order.fulfilment},
        )


def order_ready_for_pickup(*, actor, order: Order) -> Order:
    """The goods of a paid pick-up order are packed and waiting at the counter."""
    require_unless_system(actor, Perm.SALES_FULFIL, order.store_id)
    _require_fulfilment(order, Fulfilment.PICKUP, "be picked up")
    _transition(
        order, action="be ready", source=(OrderStatus.PAID,), target=OrderStatus.READY_FOR_PICKUP
    )
    return order


def order_pickup(*, actor, order: Order, pickup_code: str) -> Order:
    """The customer collects the order by telling its pick-up code; a wrong code hands nothing."""
    require_unless_system(actor, Perm.SALES_FULFIL, order.store_id)
    _require_fulfilment(order, Fulfilment.PICKUP, "be picked up")
    if order.status not in (OrderStatus.READY_FOR_PICKUP, OrderStatus.COMPLETED):
        raise _state_invalid(order, "be picked up")
    given = (pickup_code or "").strip()
    if not order.pickup_code or not hmac.compare_digest(given.encode(), order.pickup_code.encode()):
        raise PickupCodeInvalid(
            "That pick-up code does not match this order.",
            details={"order_id": str(order.uuid)},
        )
    _transition(
        order,
        action="be picked up",
        source=(OrderStatus.READY_FOR_PICKUP,),
        target=OrderStatus.COMPLETED,
        completed_at=clock.now(),
    )
    return order


def order_ship(*, actor, order: Order, carrier: str, tracking_no: str) -> Order:
    """A paid delivery order leaves with a carrier under a tracking number."""
    require_unless_system(actor, Perm.SALES_FULFIL, order.store_id)
    _require_fulfilment(order, Fulfilment.DELIVERY, "be shipped")
    carrier, tracking_no = (carrier or "").strip(), (tracking_no or "").strip()
    if not carrier or not tracking_no:
        raise ValidationFailed(
            "A shipment needs the carrier and the tracking number.", code="shipment_invalid"
        )
    _transition(
        order,
        action="be shipped",
        source=(OrderStatus.PAID,),
        target=OrderStatus.SHIPPED,
        carrier=carrier[:32],
        tracking_no=tracking_no[:64],
        shipped_at=clock.now(),
    )
    return order


def order_complete(*, actor, order: Order) -> Order:
    """A shipped order was delivered. (Pick-up orders complete when picked up with the code.)"""
    require_unless_system(actor, Perm.SALES_FULFIL, order.store_id)
    _require_fulfilment(order, Fulfilment.DELIVERY, "be delivered")
    _transition(
        order,
        action="be completed",
        source=(OrderStatus.SHIPPED,),
        target=OrderStatus.COMPLETED,
        completed_at=clock.now(),
    )
    return order


# --- Cancel and expire ---------------------------------------------------------------------------
def _release(order: Order) -> None:
    # Inventory's own expiry job may have let the stock go already.
    with contextlib.suppress(ReservationClosed, ReservationNotFound):
        reservation_release(reference=_reference(order))


@transaction.atomic
def order_cancel(*, actor, order: Order) -> Order:
    """Cancel an unpaid order and free its stock. A paid order is taken back through a return."""
    require_unless_system(actor, Perm.SALES_FULFIL, order.store_id)
    if order.status in PAID_STATES:
        raise OrderStateInvalid(
            f"Order {order.number} is paid: take it back with a return, not a cancellation.",
            code="order_paid",
            details={"order_id": str(order.uuid), "status": order.status},
        )
    if _transition(
        order,
        action="be cancelled",
        source=(OrderStatus.PENDING_PAYMENT,),
        target=OrderStatus.CANCELLED,
        cancelled_at=clock.now(),
    ):
        _release(order)
    return order


def online_orders_expire() -> int:
    """Expire every unpaid order past its payment deadline and free its stock; returns how many.

    Each order is its own transaction, so one failure does not hold the others back, and the
    conditional UPDATE means a payment landing at the same moment wins or loses cleanly.
    """
    now = clock.now()
    due = list(
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)
    )
    expired = 0
    for order_id in due:
        with transaction.atomic():
            moved = Order.objects.filter(
                pk=order_id, status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now
            ).update(status=OrderStatus.EXPIRED, cancelled_at=now)
            if not moved:
                continue  # paid or cancelled between our read and our update
            _release(Order.objects.get(pk=order_id))
        expired += 1
    return expired
