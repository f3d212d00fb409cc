"""Exchanges: a return and a new sale in one transaction.

The returned goods' refund pays for the new goods first, as a payment of method "exchange" on
the new order (its reference is the exchange id); the customer pays any difference with
ordinary tenders, or gets the excess refunded to the original methods like any return. If the
new sale fails (stock short, payments that do not add up), the return is undone with it.
"""

import uuid as uuid_lib
from decimal import Decimal

from django.db import IntegrityError, transaction

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.core import clock
from storeos.core.channels import Channel
from storeos.core.errors import ValidationFailed
from storeos.core.idempotency import payload_hash
from storeos.core.money import ZERO, to_money
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import (
    Order,
    PaymentMethod,
    Refund,
    ReturnKind,
    ReturnRefundStatus,
    SalesReturn,
    Shift,
)
from storeos.sales.pricing import CartItem, price_order
from storeos.sales.refunds import refund_send
from storeos.sales.returns import (
    announce,
    lock_order,
    parse_items,
    replay,
    request_payload,
    take_back,
)


def exchange_new_order_id(exchange_id: uuid_lib.UUID) -> uuid_lib.UUID:
    """The new order's id, derived from the exchange id so a replay finds the same order."""
    return uuid_lib.uuid5(exchange_id, "exchange-order")


def exchange_create(
    *,
    actor,
    exchange_id: uuid_lib.UUID,
    order: Order,
    return_lines: list,
    new_lines: list[CartLine],
    payments: list[Tender],
    reason: str = "",
    override_reason: str = "",
    age_confirmed: bool = False,
    shift: Shift | None = None,
) -> SalesReturn:
    """Take `return_lines` back and sell `new_lines` in one transaction.

    The return's refund pays for the new goods first (an "exchange" payment on the new order);
    `payments` must cover the rest of the new total exactly, and a refund larger than the new
    total is paid out like a return's. If the new sale fails, the return is undone too.
    Returns the return, whose `exchange_order` is the new order.
    """
    require_unless_system(actor, Perm.SALES_RETURN, order.store)
    require_unless_system(actor, Perm.SALES_CHECKOUT, order.store)
    items = parse_items(order, return_lines)
    payload = request_payload(
        order,
        items,
        kind=ReturnKind.EXCHANGE,
        reason=reason,
        override=override_reason,
        new_lines=[[ln.sku.pk, ln.quantity, getattr(ln.batch, "pk", None)] for ln in new_lines],
        payments=[
            [p.method, str(to_money(p.amount)), str(p.tendered or ""), p.reference]
            for p in payments
        ],
    )
    request_hash = payload_hash(payload)
    if (existing := replay(exchange_id, request_hash)) is not None:
        return existing
    try:
        with transaction.atomic():
            order = lock_order(order)
            if (existing := replay(exchange_id, request_hash)) is not None:
                return existing
            sales_return = take_back(
                actor=actor,
                return_id=exchange_id,
                order=order,
                items=items,
                kind=ReturnKind.EXCHANGE,
                reason=reason,
                override_reason=override_reason,
                shift=shift,
                request_hash=request_hash,
            )
            _exchange_sell(
                actor=actor,
                sales_return=sales_return,
                order=order,
                new_lines=new_lines,
                payments=payments,
                age_confirmed=age_confirmed,
                shift=shift,
            )
            announce(sales_return)
            return sales_return
    except IntegrityError:
        if (existing := replay(exchange_id, request_hash)) is not None:
            return existing
        raise


def _exchange_sell(*, actor, sales_return, order, new_lines, payments, age_confirmed, shift):
    """Sell the new goods, paid first by the return's refund; pay out what is left over."""
    refund = sales_return.refund_total
    priced = price_order(
        store=order.store,
        channel=Channel.POS,
        items=[CartItem(sku=ln.sku, quantity=ln.quantity) for ln in new_lines],
        member_id=order.member_id,
        at=clock.now(),
    )
    credit = min(refund, max(priced.total, ZERO))
    if refund > credit:
        refund_send(sales_return=sales_return, order=order, amount=refund - credit)
    tenders = [Tender(PaymentMethod.EXCHANGE, credit, reference=str(sales_return.uuid))]
    new_order = checkout(
        actor=actor,
        order_id=exchange_new_order_id(sales_return.uuid),
        store=order.store,
        lines=list(new_lines),
        payments=(tenders if credit > 0 else []) + list(payments),
        channel=Channel.POS,
        member_id=order.member_id,
        age_confirmed=age_confirmed,
        shift=shift,
        note=f"exchange for {order.number}",
    )
    if credit > 0:
        Refund.objects.create(
            sales_return=sales_return,
            payment=None,
            method=PaymentMethod.EXCHANGE,
            amount=credit,
            status=ReturnRefundStatus.SUCCEEDED,
            reference=new_order.number,
            created_at=clock.now(),
        )
    sales_return.exchange_order = new_order
    sales_return.save(update_fields=["exchange_order"])


def exchange_credit_claim(*, reference: str, amount: Decimal, order: Order) -> None:
    """For checkout: an "exchange" payment is only the credit of an exchange being recorded
    right now (its return exists, has no new order yet, and refunds at least `amount`)."""
    try:
        return_id = uuid_lib.UUID(str(reference))
    except ValueError:
        return_id = None
    sales_return = (
        SalesReturn.objects.filter(
            uuid=return_id, kind=ReturnKind.EXCHANGE, exchange_order__isnull=True
        ).first()
        if return_id
        else None
    )
    if sales_return is None or to_money(amount) > sales_return.refund_total:
        raise ValidationFailed(
            "Exchange credit can only come from the exchange being recorded.",
            code="exchange_credit_invalid",
            details={"reference": reference, "amount": amount, "order": order.uuid},
        )
