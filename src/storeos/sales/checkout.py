"""Checkout: one service, one transaction — price the cart, take the stock, record the payments,
announce `order.paid`. Everything happens or nothing does.

The client chooses the order id (a UUID). Submitting the same order again — a retry, a flaky
network, an offline till syncing its queue — returns the order created the first time; the same id
with a different cart is refused with `idempotency_conflict`.
"""

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.core import clock
from storeos.core.channels import Channel
from storeos.core.errors import IdempotencyConflict
from storeos.core.idempotency import payload_hash
from storeos.core.money import ZERO, to_money
from storeos.core.outbox import event_emit
from storeos.inventory.models import Batch, MoveKind
from storeos.inventory.stock import IssueLine, Reference, stock_issue_lines
from storeos.sales.errors import (
    AgeCheckRequired,
    CartInvalid,
    NoSellingLocation,
    PaymentInvalid,
    PaymentMismatch,
    SkuNotSoldOnChannel,
)
from storeos.sales.models import (
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Shift,
)
from storeos.sales.pricing import CartItem, PricedCart, price_cart
from storeos.stores.models import Location, Store

MAX_LINES = 200
QR_METHODS = (PaymentMethod.WECHAT, PaymentMethod.ALIPAY, PaymentMethod.SANDBOX)


@dataclass(frozen=True)
class CartLine:
    sku: object  # catalog Sku
    quantity: int
    batch: Batch | None = None


@dataclass(frozen=True)
class Tender:
    method: str
    amount: Decimal
    tendered: Decimal | None = None  # cash handed over; change = tendered - amount
    reference: str = ""  # card terminal reference or the QR provider's transaction id


def selling_location(*, store: Store, channel: str) -> Location:
    """The store's sellable location that serves the channel (the shop floor for the till)."""
    locations = Location.objects.filter(store=store, sellable=True, is_active=True)
    for location in locations.select_related("store").order_by("code"):
        if channel in (location.channels or []):
            return location
    raise NoSellingLocation(
        f"Store {store.code} has no sellable location serving {channel}.",
        details={"store": store.code, "channel": channel},
    )


def _request_payload(**parts) -> dict:
    lines = parts["lines"]
    return {
        "store": parts["store"].pk,
        "channel": parts["channel"],
        "lines": [[ln.sku.pk, ln.quantity, ln.batch.pk if ln.batch else None] for ln in lines],
        "payments": [
            [p.method, str(to_money(p.amount)), str(p.tendered or ""), p.reference]
            for p in parts["payments"]
        ],
        "member": parts["member_id"],
        "associate": getattr(parts["associate"], "pk", None),
    }


def cart_validate(*, lines: list[CartLine], channel: str, age_confirmed: bool) -> None:
    if not lines or len(lines) > MAX_LINES:
        raise CartInvalid(f"An order has between 1 and {MAX_LINES} lines.")
    for line in lines:
        if (
            isinstance(line.quantity, bool)
            or not isinstance(line.quantity, int)
            or line.quantity <= 0
        ):
            raise CartInvalid(
                "Quantities must be whole numbers above zero.",
                code="quantity_invalid",
                details={"sku": line.sku.code, "quantity": line.quantity},
            )
        if not line.sku.is_active:
            raise CartInvalid(f"{line.sku.code} is no longer sold.", code="sku_inactive")
        if not line.sku.sellable_on(channel):
            raise SkuNotSoldOnChannel(
                f"{line.sku.code} may not be sold on {channel}.",
                details={"sku": line.sku.code, "channel": channel},
            )
        if line.batch is not None and line.batch.sku_id != line.sku.pk:
            raise CartInvalid("That batch belongs to another SKU.", code="batch_invalid")
    if any(line.sku.age_restricted for line in lines) and not age_confirmed:
        raise AgeCheckRequired(
            "This order has age-restricted items: confirm the customer's age.",
            details={"skus": [ln.sku.code for ln in lines if ln.sku.age_restricted]},
        )


def payments_validate(*, payments: list[Tender], total: Decimal) -> list[Tender]:
    """Payments must add up to the total exactly; only cash may be over-tendered (change)."""
    clean = []
    for tender in payments:
        if tender.method not in PaymentMethod.values:
            raise PaymentInvalid(f"Unknown payment method {tender.method!r}.")
        amount = to_money(tender.amount)
        if amount <= 0:
            raise PaymentInvalid("Each payment must be above zero.", details={"amount": amount})
        tendered = None if tender.tendered is None else to_money(tender.tendered)
        if tendered is not None and (tender.method != PaymentMethod.CASH or tendered < amount):
            raise PaymentInvalid(
                "Only cash may be tendered, and not less than its amount.",
                details={"method": tender.method, "amount": amount, "tendered": tendered},
            )
        clean.append(Tender(tender.method, amount, tendered, tender.reference.strip()))
    paid = sum((t.amount for t in clean), ZERO)
    if paid != total:
        raise PaymentMismatch(
            f"Payments add up to {paid}, the order total is {total}.",
            details={"paid": paid, "total": total},
        )
    return clean


def order_number(store: Store, business_date: dt.date, order_uuid: uuid_lib.UUID) -> str:
    return f"{store.code}-{business_date:%Y%m%d}-{order_uuid.hex[:8].upper()}"


def order_replay(order_uuid: uuid_lib.UUID, request_hash: str) -> Order | None:
    existing = Order.objects.filter(uuid=order_uuid).first()
    if existing is not None and existing.request_hash != request_hash:
        raise IdempotencyConflict(
            "This order id was already used for a different order.",
            details={"order_id": str(order_uuid)},
        )
    return existing


def checkout(
    *,
    actor,
    order_id: uuid_lib.UUID,
    store: Store,
    lines: list[CartLine],
    payments: list[Tender],
    channel: str = Channel.POS,
    member_id: int | None = None,
    associate=None,
    age_confirmed: bool = False,
    shift: Shift | None = None,
    note: str = "",
) -> Order:
    """Sell a cart now and take its payments. Returns the order (the first one, on a replay)."""
    require_unless_system(actor, Perm.SALES_CHECKOUT, store)
    request_hash = payload_hash(
        _request_payload(
            store=store,
            channel=channel,
            lines=lines,
            payments=payments,
            member_id=member_id,
            associate=associate,
        )
    )
    if (existing := order_replay(order_id, request_hash)) is not None:
        return existing
    try:
        return _checkout_once(
            actor=actor,
            order_id=order_id,
            store=store,
            lines=lines,
            payments=payments,
            channel=channel,
            member_id=member_id,
            associate=associate,
            age_confirmed=age_confirmed,
            shift=shift,
            note=note,
            request_hash=request_hash,
        )
    except IntegrityError:
        # A concurrent twin inserted the same order id first; ours rolled back entirely.
        if (existing := order_replay(order_id, request_hash)) is not None:
            return existing
        raise


@transaction.atomic
def _checkout_once(*, actor, order_id, store, lines, payments, channel, request_hash, **rest):
    cart_validate(lines=lines, channel=channel, age_confirmed=rest["age_confirmed"])
    if rest["shift"] is not None:
        from storeos.sales.shifts import shift_require_open

        shift_require_open(shift=rest["shift"], store=store)
    location = selling_location(store=store, channel=channel)
    now = clock.now()
    priced = price_cart(
        store=store,
        channel=channel,
        items=[CartItem(sku=ln.sku, quantity=ln.quantity) for ln in lines],
        member_id=rest["member_id"],
        at=now,
    )
    tenders = payments_validate(payments=payments, total=priced.total)
    business_date = clock.business_date(now, store.time_zone)
    # The order row goes in first: a concurrent twin with the same id waits on it here and then
    # fails on the unique id, before it has taken any stock.
    order = Order.objects.create(
        uuid=order_id,
        number=order_number(store, business_date, order_id),
        store=store,
        location=location,
        channel=channel,
        status=OrderStatus.PAID,
        cashier=actor if getattr(actor, "pk", None) else None,
        associate=rest["associate"],
        member_id=rest["member_id"],
        shift=rest["shift"],
        age_confirmed_by=actor if rest["age_confirmed"] and getattr(actor, "pk", None) else None,
        age_confirmed_at=now if rest["age_confirmed"] else None,
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        total=priced.total,
        tax_total=priced.tax_total,
        created_at=now,
        paid_at=now,
        business_date=business_date,
        request_hash=request_hash,
        note=rest["note"],
    )
    order_lines = _take_stock(order=order, lines=lines, priced=priced, actor=actor)
    order.cost_total = sum((ln.unit_cost * ln.quantity for ln in order_lines), Decimal(0))
    order.cost_total = to_money(order.cost_total)
    order.save(update_fields=["cost_total"])
    payments_record(order=order, tenders=tenders, now=now)
    event_emit(topic="order.paid", payload=order_paid_payload(order, order_lines))
    return order


def _take_stock(*, order: Order, lines: list[CartLine], priced: PricedCart, actor) -> list:
    """Issue every line's stock FEFO (or from the scanned batch) and write the order lines."""
    per_line = stock_issue_lines(
        actor=actor,
        location=order.location,
        kind=MoveKind.SALE,
        lines=[
            IssueLine(
                sku=line.sku,
                quantity=line.quantity,
                batch=line.batch,
                reference=Reference("order", f"{order.uuid}/{line_no}"),
            )
            for line_no, line in enumerate(lines, 1)
        ],
    )
    order_lines = []
    for line_no, (line, priced_line, moves) in enumerate(
        zip(lines, priced.lines, per_line, strict=True), 1
    ):
        cost = sum((m.unit_cost * -m.quantity for m in moves), Decimal(0)) / line.quantity
        order_lines.append(
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
                unit_cost=cost.quantize(Decimal("0.0001")),
                adjustments=priced_line.adjustments,
            )
        )
    return OrderLine.objects.bulk_create(order_lines)


def payments_record(*, order: Order, tenders: list[Tender], now: dt.datetime) -> None:
    """Write the order's payments. Money that did not pass through the till is claimed first:
    a QR payment must be confirmed by the provider's signed notification and not used yet, and
    exchange credit must come from the exchange being recorded right now."""
    from storeos.sales.exchanges import exchange_credit_claim
    from storeos.sales.payments import provider_payment_claim

    transaction_ids = {}
    for n, tender in enumerate(tenders):
        if tender.method in QR_METHODS:
            intent = provider_payment_claim(
                method=tender.method, reference=tender.reference, amount=tender.amount, order=order
            )
            transaction_ids[n] = intent.provider_transaction_id or tender.reference
        elif tender.method == PaymentMethod.EXCHANGE:
            exchange_credit_claim(reference=tender.reference, amount=tender.amount, order=order)
    Payment.objects.bulk_create(
        Payment(
            order=order,
            method=tender.method,
            status=PaymentStatus.SUCCEEDED,
            amount=tender.amount,
            tendered=tender.tendered,
            change=(tender.tendered - tender.amount) if tender.tendered is not None else 0,
            reference=tender.reference,
            provider_transaction_id=transaction_ids.get(n, ""),
            created_at=now,
            succeeded_at=now,
        )
        for n, tender in enumerate(tenders)
    )


def order_paid_payload(order: Order, lines: list[OrderLine]) -> dict:
    return {
        "order_id": str(order.uuid),
        "number": order.number,
        "store_id": order.store_id,
        "channel": order.channel,
        "member_id": order.member_id,
        "total": order.total,
        "paid_at": order.paid_at,
        "business_date": order.business_date,
        "lines": [
            {
                "line_no": ln.line_no,
                "sku_id": ln.sku_id,
                "quantity": ln.quantity,
                "line_total": ln.line_total,
            }
            for ln in lines
        ],
    }
