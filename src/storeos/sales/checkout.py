"""Checkout: one service, one transaction — price the cart, take the stock, record the payments,
announce `order.paid`. Everything happens or nothing does.

The client chooses the order id (a UUID). Submitting the same order again — a retry, a flaky
network, an offline till syncing its queue — returns the order created the first time; the same id
with a different cart is refused with `idempotency_conflict`.

A sale rung while the till was offline (`rung_offline_at`) is priced as of that moment. The till
could not know the promotions then and charged the list price; when the customer paid exactly
that, the sale stands at the list price (audited as `order.priced_offline`), because the money
changed hands and the receipt said so. Any other difference is refused as usual.
"""

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.channels import Channel
from storeos.core.errors import DomainError, IdempotencyConflict
from storeos.core.idempotency import payload_hash
from storeos.core.money import ZERO, to_money
from storeos.core.outbox import event_emit
from storeos.inventory.models import Batch, MoveKind
from storeos.inventory.stock import IssueLine, Reference, stock_issue_lines_in_transaction
from storeos.sales.errors import (
    AgeCheckRequired,
    CartInvalid,
    NoSellingLocation,
    PaymentInvalid,
    PaymentMismatch,
    SkuNotSoldOnChannel,
)
from storeos.sales.hooks import paid_hooks_run, tender_handler
from storeos.sales.models import (
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Shift,
)
from storeos.sales.pricing import CartItem, PricedCart, price_cart_listed, price_order
from storeos.stores.models import Location, Store

MAX_LINES = 200
# How long a till may hold a sale rung offline before it is no longer taken as is.
OFFLINE_HOLD = dt.timedelta(days=7)
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
    # Raw SQL: every sale asks, and the ORM's query building cost more than the answer.
    locations = Location.objects.raw(
        f"SELECT * FROM {Location._meta.db_table}"
        " WHERE store_id = %s AND sellable AND is_active ORDER BY code",
        [store.pk],
    )
    for location in locations:
        if channel in (location.channels or []):
            location.store = store
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
        **({"coupons": sorted(parts["coupon_codes"])} if parts["coupon_codes"] else {}),
    }


def cart_validate(
    *, lines: list[CartLine], channel: str, age_confirmed: bool, member_id: int | None = None
) -> None:
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
        if line.sku.requires_member and member_id is None:
            raise CartInvalid(
                f"{line.sku.code} is sold to members only: attach the member first.",
                code="member_required",
                details={"sku": line.sku.code},
            )
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
    coupon_codes: list[str] | tuple = (),
    rung_offline_at: dt.datetime | None = None,
) -> Order:
    """Sell a cart now and take its payments. Returns the order (the first one, on a replay).

    The server prices the cart (promotions, the member's price, `coupon_codes`); free gifts the
    promotions add become lines of their own after the cart's. `rung_offline_at`: when an
    offline till rang the sale (see the module's note)."""
    require_unless_system(actor, Perm.SALES_CHECKOUT, store)
    request_hash = payload_hash(
        _request_payload(
            store=store,
            channel=channel,
            lines=lines,
            payments=payments,
            member_id=member_id,
            associate=associate,
            coupon_codes=coupon_codes,
        )
    )
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
            coupon_codes=list(coupon_codes),
            rung_offline_at=rung_offline_at,
            request_hash=request_hash,
        )
    except (IntegrityError, DomainError):
        # A replay, or a concurrent twin that inserted the same order id first: ours rolled
        # back entirely. A replay is not checked up front (one query less per sale); it is
        # found here whatever refused it (the unique order id, stock since sold, a closed shift).
        if (existing := order_replay(order_id, request_hash)) is not None:
            return existing
        raise


@transaction.atomic
def _checkout_once(*, actor, order_id, store, lines, payments, channel, request_hash, **rest):
    cart_validate(
        lines=lines,
        channel=channel,
        age_confirmed=rest["age_confirmed"],
        member_id=rest["member_id"],
    )
    if rest["shift"] is not None:
        from storeos.sales.shifts import shift_require_open

        shift_require_open(shift=rest["shift"], store=store)
    location = selling_location(store=store, channel=channel)
    now = clock.now()
    # Checked here, not before: a replay of a sale delivered long ago still finds its order.
    sold_at = _offline_moment(rest["rung_offline_at"]) or now
    items = [CartItem(sku=ln.sku, quantity=ln.quantity) for ln in lines]
    priced = price_order(
        store=store,
        channel=channel,
        items=items,
        member_id=rest["member_id"],
        at=sold_at,
        coupon_codes=rest["coupon_codes"],
    )
    try:
        tenders = payments_validate(payments=payments, total=priced.total)
    except PaymentMismatch:
        if rest["rung_offline_at"] is None:
            raise
        priced, tenders = _at_list_price(
            actor=actor,
            order_id=order_id,
            store=store,
            channel=channel,
            items=items,
            payments=payments,
            sold_at=sold_at,
            server_total=priced.total,
        )
    lines = lines + gift_lines(priced, requested=len(lines))
    business_date = clock.business_date(sold_at, store.time_zone)
    # Stock is taken first so the order row goes in once, with its cost. A concurrent twin with
    # the same id takes stock too, then fails on the unique order id and rolls all of it back.
    moves = _take_stock(order_id=order_id, location=location, lines=lines, actor=actor)
    order_lines = _order_lines(lines=lines, priced=priced, moves=moves)
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
        cost_total=to_money(sum((ln.unit_cost * ln.quantity for ln in order_lines), ZERO)),
        refunded_total=ZERO,
        created_at=now,
        paid_at=sold_at,
        business_date=business_date,
        request_hash=request_hash,
        note=rest["note"],
        adjustments=priced.adjustments,
        coupon_codes=priced.coupon_codes,
    )
    for line in order_lines:
        line.order = order
    OrderLine.objects.bulk_create(order_lines)
    recorded = payments_record(order=order, tenders=tenders, now=now)
    # What was just written, for an answer that needs no second read (sales.api).
    order.written_lines, order.written_payments = order_lines, recorded
    paid_hooks_run(order, order_lines)
    event_emit(topic="order.paid", payload=order_paid_payload(order, order_lines))
    return order


def _offline_moment(rung_at: dt.datetime | None) -> dt.datetime | None:
    """When an offline till rang the sale: not in the future (a till's clock runs a little
    fast: now), and not longer ago than OFFLINE_HOLD."""
    if rung_at is None:
        return None
    now = clock.now()
    if rung_at.tzinfo is None or rung_at < now - OFFLINE_HOLD:
        raise CartInvalid(
            "An offline sale needs the time it was rung, with its time zone, within the last "
            f"{OFFLINE_HOLD.days} days.",
            code="rung_offline_at_invalid",
            details={"rung_offline_at": rung_at.isoformat()},
        )
    return min(rung_at, now)


def _at_list_price(
    *, actor, order_id, store, channel, items, payments, sold_at, server_total
) -> tuple[PricedCart, list[Tender]]:
    """An offline sale that charged the list price (the till could not see the promotions):
    it stands at that price, recorded for the store to see what the customer missed. Payments
    that match neither price are refused as usual (`payment_mismatch`)."""
    listed = price_cart_listed(store=store, channel=channel, items=items, at=sold_at)
    tenders = payments_validate(payments=payments, total=listed.total)
    audit_record(
        actor=actor,
        action="order.priced_offline",
        object_type="sales.order",
        object_id=str(order_id),
        store_id=store.pk,
        before={"server_total": str(server_total)},
        after={"charged": str(listed.total), "rung_at": sold_at.isoformat()},
    )
    return listed, tenders


def gift_lines(priced: PricedCart, *, requested: int) -> list[CartLine]:
    """The free gifts the promotions added after the cart's own lines, to be taken from stock."""
    return [CartLine(line.sku, line.quantity) for line in priced.lines[requested:]]


def _take_stock(*, order_id, location: Location, lines: list[CartLine], actor) -> list:
    """Issue every line's stock FEFO (or from the scanned batch); each line's moves."""
    return stock_issue_lines_in_transaction(
        actor=actor,
        location=location,
        kind=MoveKind.SALE,
        lines=[
            IssueLine(
                sku=line.sku,
                quantity=line.quantity,
                batch=line.batch,
                reference=Reference("order", f"{order_id}/{line_no}"),
            )
            for line_no, line in enumerate(lines, 1)
        ],
    )


def _order_lines(*, lines: list[CartLine], priced: PricedCart, moves: list) -> list[OrderLine]:
    """The order's lines, priced, with the cost the stock left at."""
    order_lines = []
    for line_no, (line, priced_line, line_moves) in enumerate(
        zip(lines, priced.lines, moves, strict=True), 1
    ):
        cost = sum((m.unit_cost * -m.quantity for m in line_moves), Decimal(0)) / line.quantity
        order_lines.append(
            OrderLine(
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
                returned_quantity=0,
                refunded_amount=ZERO,
                adjustments=priced_line.adjustments,
            )
        )
    return order_lines


def payments_record(*, order: Order, tenders: list[Tender], now: dt.datetime) -> list[Payment]:
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
        elif (handler := tender_handler(tender.method)) is not None:
            transaction_ids[n] = handler.claim(
                order=order, amount=tender.amount, reference=tender.reference
            )
        elif tender.method not in (PaymentMethod.CASH, PaymentMethod.CARD):
            raise PaymentInvalid(
                f"Payments by {tender.method} are not accepted here.",
                details={"method": tender.method},
            )
    return Payment.objects.bulk_create(
        [
            Payment(
                order=order,
                method=tender.method,
                status=PaymentStatus.SUCCEEDED,
                amount=tender.amount,
                tendered=tender.tendered,
                change=tender.tendered - tender.amount if tender.tendered is not None else ZERO,
                refunded_amount=ZERO,
                reference=tender.reference,
                provider_transaction_id=transaction_ids.get(n, ""),
                created_at=now,
                succeeded_at=now,
            )
            for n, tender in enumerate(tenders)
        ]
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
