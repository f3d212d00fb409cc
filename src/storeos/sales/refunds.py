"""Refunds: money for returned goods goes back through the payments it came in by.

Non-cash payments first, in payment order (each up to what it paid minus what it already
refunded), cash last: money returns where it came from, and a card or QR payment cannot be
turned into cash at the till. QR refunds go through `payments.provider_refund` and stay pending
until the provider confirms (`refund_confirm`). An "exchange" payment (credit from an earlier
exchange) sends its refund on to the payments of the order the credit came from.
"""

import logging
from decimal import Decimal

from django.db.models import F

from storeos.core import clock
from storeos.core.errors import DomainError, ValidationFailed
from storeos.core.money import HALF_CENT
from storeos.sales.hooks import tender_handler
from storeos.sales.models import (
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    ReturnRefundStatus,
    SalesReturn,
)

logger = logging.getLogger(__name__)

QR_METHODS = (PaymentMethod.WECHAT, PaymentMethod.ALIPAY, PaymentMethod.SANDBOX)


class RefundExceedsPaid(ValidationFailed):
    code = "refund_exceeds_paid"


def refund_plan(*, payments: list[Payment], amount: Decimal) -> list[tuple[Payment, Decimal]]:
    """How a refund splits over payments: non-cash first in payment order, cash last."""
    ordered = [p for p in payments if p.method != PaymentMethod.CASH] + [
        p for p in payments if p.method == PaymentMethod.CASH
    ]
    plan, left = [], amount
    for payment in ordered:
        take = min(left, payment.amount - payment.refunded_amount)
        if take > 0:
            plan.append((payment, take))
            left -= take
    if left > 0:
        raise RefundExceedsPaid(
            f"The payments can refund {amount - left} more; {amount} was asked.",
            details={"refund": amount, "refundable": amount - left},
        )
    return plan


def refund_send(*, sales_return: SalesReturn, order: Order, amount: Decimal) -> None:
    """Send `amount` back through `order`'s payments, each guarded against refunding more
    than it took. Exchange credit follows the money to the order it came from."""
    if amount <= 0:
        return
    payments = list(
        Payment.objects.select_for_update()
        .filter(order=order, status=PaymentStatus.SUCCEEDED)
        .order_by("pk")
    )
    for payment, share in refund_plan(payments=payments, amount=amount):
        if not Payment.objects.filter(
            pk=payment.pk, refunded_amount__lte=F("amount") - share + HALF_CENT
        ).update(refunded_amount=F("refunded_amount") + share):
            raise RefundExceedsPaid(
                f"Payment {payment.pk} cannot refund {share} more.",
                details={"payment": payment.pk, "refund": share},
            )
        if payment.method == PaymentMethod.EXCHANGE:
            source = SalesReturn.objects.filter(uuid=payment.reference).select_related("order")
            source = source.first()
            if source is None:
                raise DomainError(
                    "The exchange credit on this order has no return behind it.",
                    code="exchange_credit_unknown",
                    status=409,
                    details={"payment": payment.pk},
                )
            refund_send(sales_return=sales_return, order=source.order, amount=share)
        else:
            _refund_record(sales_return=sales_return, payment=payment, amount=share)


def _refund_record(*, sales_return: SalesReturn, payment: Payment, amount: Decimal) -> Refund:
    status, reference = ReturnRefundStatus.SUCCEEDED, ""
    if payment.method in QR_METHODS:
        status, reference = _provider_refund(
            payment=payment,
            amount=amount,
            reason=sales_return.reason,
            # One refund per return and payment: a retried call finds the first.
            refund_no=f"RT{sales_return.uuid.hex}-{payment.pk}",
        )
    elif (handler := tender_handler(payment.method)) is not None:
        handler.refund(payment=payment, amount=amount, sales_return=sales_return)
    return Refund.objects.create(
        sales_return=sales_return,
        payment=payment,
        method=payment.method,
        amount=amount,
        status=status,
        reference=reference[:64],
        created_at=clock.now(),
    )


def _provider_refund(
    *, payment: Payment, amount: Decimal, reason: str, refund_no: str
) -> tuple[str, str]:
    """Ask the QR provider to refund; (status, refund number). The payments module records the
    refund now and sends it once the return commits; a refusal refuses the whole return."""
    try:
        from storeos.sales.payments import provider_refund
    except ImportError:  # no QR provider installed: keep the refund owed, visibly
        logger.warning("no provider_refund: QR refund of %s recorded as pending", amount)
        return ReturnRefundStatus.PENDING, ""
    result = provider_refund(
        payment=payment, amount=amount, reason=(reason or "return")[:80], refund_no=refund_no
    )
    status = str(getattr(result, "status", ReturnRefundStatus.PENDING))
    if status not in ReturnRefundStatus.values:
        status = ReturnRefundStatus.PENDING
    return status, getattr(result, "out_refund_no", "") or refund_no


def refund_outcome_record(*, reference: str, status: str) -> int:
    """The provider settled the refund with this number: record the outcome on the return."""
    if not reference or status not in (ReturnRefundStatus.SUCCEEDED, ReturnRefundStatus.FAILED):
        return 0
    return Refund.objects.filter(reference=reference, status=ReturnRefundStatus.PENDING).update(
        status=status
    )


def payment_refund_event_handle(event) -> None:
    """Outbox handler for `payment_refund.succeeded` / `payment_refund.failed` (subscribe both
    in the app's ready()). Idempotent: only a pending refund changes."""
    refund_outcome_record(
        reference=event.payload.get("refund_no", ""), status=event.topic.rpartition(".")[2]
    )
