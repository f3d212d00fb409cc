"""QR payments (WeChat Pay, Alipay, the demo sandbox): confirmed by the provider before checkout.

The till asks for a payment intent and shows its QR code; the provider's signed notification
marks it paid; the checkout then claims it for exactly one order. Refunds go back through the
provider that took the money, sent only once the return that asks for them has committed.

Provider calls never run inside a database transaction: on SQLite a transaction holds the one
write lock, and every till would wait for WeChat's round trip.
"""

import datetime as dt
import logging
import uuid as uuid_lib
from collections.abc import Mapping
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from storeos.accounts.permissions import Perm, require, require_unless_system, scope_to_stores
from storeos.core import clock
from storeos.core.errors import Conflict, IdempotencyConflict, NotFound
from storeos.core.money import HALF_CENT, to_money
from storeos.core.outbox import event_emit
from storeos.sales import provider_settings
from storeos.sales.errors import PaymentInvalid
from storeos.sales.models import (
    IntentStatus,
    Order,
    Payment,
    PaymentIntent,
    ProviderRefund,
    RefundStatus,
)
from storeos.sales.providers import QR_METHODS, Ack, Notification, RefundResult, provider_for
from storeos.sales.providers.base import FAILED, SUCCEEDED, ProviderUnavailable
from storeos.stores.models import Store

logger = logging.getLogger(__name__)


class PaymentIntentNotFound(NotFound):
    code = "payment_intent_not_found"


# --- Intents: the QR code at the till ----------------------------------------------------------
def payment_intent_create(
    *,
    actor,
    store: Store,
    method: str,
    amount: Decimal,
    intent_id: uuid_lib.UUID | None = None,
) -> tuple[PaymentIntent, dict]:
    """Ask the provider for a QR code for `amount`; returns the intent and what the till shows.

    `intent_id` may be chosen by the till: asking again with the same id returns the first
    intent and its code (a retry never shows the customer a second code).
    """
    require_unless_system(actor, Perm.SALES_CHECKOUT, store)
    amount = _positive_amount(amount)
    provider = provider_for(method)
    intent_id = intent_id or uuid_lib.uuid4()
    if (
        existing := _intent_replay(intent_id, store=store, method=method, amount=amount)
    ) is not None:
        return existing, existing.qr_payload
    now = clock.now()
    try:
        with transaction.atomic():
            intent = PaymentIntent.objects.create(
                uuid=intent_id,
                store=store,
                method=method,
                amount=amount,
                out_trade_no=intent_id.hex,
                created_by=actor if getattr(actor, "pk", None) else None,
                created_at=now,
                expires_at=now + dt.timedelta(minutes=provider_settings.intent_minutes()),
            )
    except IntegrityError:
        # A concurrent twin created it first.
        existing = _intent_replay(intent_id, store=store, method=method, amount=amount)
        if existing is None:
            raise
        return existing, existing.qr_payload
    try:
        code = provider.create_payment(intent)
    except Exception:
        # No code was shown to anyone: forget the intent, so a retry with the same id starts over.
        PaymentIntent.objects.filter(pk=intent.pk, status=IntentStatus.CREATED).delete()
        raise
    payload = {
        "method": method,
        "out_trade_no": intent.out_trade_no,
        "amount": str(amount),
        "expires_at": intent.expires_at.isoformat(),
        **code,
    }
    PaymentIntent.objects.filter(pk=intent.pk).update(qr_payload=payload)
    intent.qr_payload = payload
    return intent, payload


def _positive_amount(amount) -> Decimal:
    try:
        amount = to_money(amount)
    except Exception as exc:
        raise PaymentInvalid("The amount is not a number.", code="amount_invalid") from exc
    if amount <= 0:
        raise PaymentInvalid(
            "A QR payment must be above zero.", code="amount_invalid", details={"amount": amount}
        )
    return amount


def _intent_replay(intent_id, *, store, method, amount) -> PaymentIntent | None:
    existing = PaymentIntent.objects.select_related("store").filter(uuid=intent_id).first()
    if existing is not None and (existing.store_id, existing.method, existing.amount) != (
        store.pk,
        method,
        amount,
    ):
        raise IdempotencyConflict(
            "This payment id was already used for another payment.",
            details={"intent_id": str(intent_id)},
        )
    return existing


def payment_intent_get(*, user, intent_id: uuid_lib.UUID) -> PaymentIntent:
    """An intent in a store where `user` may ring sales or see them (the till polls this)."""
    visible = scope_to_stores(PaymentIntent.objects.all(), user, Perm.SALES_VIEW) | scope_to_stores(
        PaymentIntent.objects.all(), user, Perm.SALES_CHECKOUT
    )
    intent = visible.select_related("store", "claimed_by_order").filter(uuid=intent_id).first()
    if intent is None:
        raise PaymentIntentNotFound("No such QR payment.", details={"intent_id": str(intent_id)})
    return intent


def payment_intents_expire() -> int:
    """Mark unpaid codes past their time as expired (a periodic job). A provider's later
    notification that the customer did pay still wins: the money was taken."""
    return PaymentIntent.objects.filter(
        status=IntentStatus.CREATED, expires_at__lte=clock.now()
    ).update(status=IntentStatus.EXPIRED)


# --- Notifications: the provider says the customer paid ----------------------------------------
def payment_notification_receive(
    *, method: str, headers: Mapping[str, str], body: bytes
) -> PaymentIntent:
    """Apply a provider's signed notification. A bad signature (`signature_invalid`) or an amount
    other than the intent's (`amount_mismatch`) changes nothing; the same notification twice
    changes things once."""
    notification = provider_for(method).verify_notification(headers, body)
    if notification.kind == "refund":
        return _refund_notification_apply(method=method, notification=notification)
    with transaction.atomic():
        intent = _intent_for_notification(method, notification)
        if notification.amount != intent.amount:
            logger.warning("%s notified %s for intent %s", method, notification.amount, intent)
            raise PaymentInvalid(
                "The provider reports a different amount than was asked for.",
                code="amount_mismatch",
                details={"expected": intent.amount, "notified": notification.amount},
            )
        if notification.outcome == SUCCEEDED:
            paid = PaymentIntent.objects.filter(
                pk=intent.pk, status__in=[IntentStatus.CREATED, IntentStatus.EXPIRED]
            ).update(
                status=IntentStatus.SUCCEEDED,
                provider_transaction_id=notification.provider_transaction_id[:64],
                succeeded_at=clock.now(),
                notification=notification.raw,
            )
            if paid:
                event_emit(topic="payment_intent.succeeded", payload=_intent_event(intent))
        elif notification.outcome == FAILED:
            PaymentIntent.objects.filter(pk=intent.pk, status=IntentStatus.CREATED).update(
                status=IntentStatus.FAILED, notification=notification.raw
            )
        intent.refresh_from_db()
    return intent


def _intent_for_notification(method: str, notification: Notification) -> PaymentIntent:
    intent = (
        PaymentIntent.objects.select_related("store")
        .filter(method=method, out_trade_no=notification.out_trade_no)
        .first()
    )
    if intent is None:
        raise PaymentIntentNotFound(
            "The notification is for a payment this server did not ask for.",
            details={"out_trade_no": notification.out_trade_no},
        )
    return intent


def _intent_event(intent: PaymentIntent) -> dict:
    return {
        "intent_id": str(intent.uuid),
        "store_id": intent.store_id,
        "method": intent.method,
        "amount": intent.amount,
        "out_trade_no": intent.out_trade_no,
    }


def notification_ack(*, method: str) -> Ack:
    """The reply the provider expects once its notification was accepted."""
    return provider_for(method).ack()


def sandbox_payment_complete(*, actor, intent: PaymentIntent) -> PaymentIntent:
    """The demo's "customer paid" button: the sandbox signs a notification, received as any."""
    require(actor, Perm.SALES_CHECKOUT, intent.store_id)
    if intent.method != "sandbox":
        raise PaymentInvalid(
            "Only sandbox payments can be completed by hand.",
            code="sandbox_only",
            details={"method": intent.method},
        )
    if intent.status == IntentStatus.SUCCEEDED:
        return intent
    if intent.status != IntentStatus.CREATED or intent.expires_at <= clock.now():
        raise Conflict(
            "This QR code is no longer payable.",
            code="payment_intent_expired",
            details={"status": intent.status},
        )
    headers, body = provider_for("sandbox").notification_for(intent)
    return payment_notification_receive(method="sandbox", headers=headers, body=body)


# --- Claims: the checkout takes a confirmed payment for one order ------------------------------
def provider_payment_claim(
    *, method: str, reference: str, amount: Decimal, order: Order
) -> PaymentIntent:
    """Attach a provider-confirmed payment to `order` (caller: the checkout, in its transaction).

    `reference` is the intent's out_trade_no or the provider's transaction id. The claim is a
    conditional UPDATE, so two tills presenting the same code cannot both take it.
    """
    reference = (reference or "").strip()
    intent = None
    if reference:
        intent = (
            PaymentIntent.objects.filter(method=method)
            .filter(Q(out_trade_no=reference) | Q(provider_transaction_id=reference))
            .first()
        )
    details = {"method": method, "reference": reference}
    if intent is None or intent.status != IntentStatus.SUCCEEDED:
        raise PaymentInvalid(
            "This QR payment has not been confirmed by the provider.",
            code="qr_payment_unconfirmed",
            details=details,
        )
    if intent.store_id != order.store_id:
        raise PaymentInvalid(
            "This QR payment was taken in another store.",
            code="qr_payment_other_store",
            details=details,
        )
    if to_money(amount) != intent.amount:
        raise PaymentInvalid(
            f"The QR payment was for {intent.amount}, not {to_money(amount)}.",
            code="amount_mismatch",
            details={**details, "paid": intent.amount, "tendered": to_money(amount)},
        )
    claimed = PaymentIntent.objects.filter(
        pk=intent.pk, status=IntentStatus.SUCCEEDED, claimed_by_order__isnull=True
    ).update(claimed_by_order=order, claimed_at=clock.now())
    if not claimed:
        raise PaymentInvalid(
            "This QR payment already paid another order.", code="qr_payment_used", details=details
        )
    intent.claimed_by_order = order
    return intent


# --- Refunds: back through the provider that took the money ------------------------------------
def provider_refund(
    *, payment: Payment, amount: Decimal, reason: str = "", refund_no: str | None = None
) -> RefundResult:
    """Refund part or all of a QR payment (caller: the return, in its transaction).

    The refund is recorded now and sent once the caller's transaction commits, so a return that
    rolls back never sends money. The sandbox completes at once; WeChat Pay and Alipay stay
    pending until they confirm (with the offline transport, until someone sends it). Never more
    than was paid: the intent's refunded amount is raised with a conditional UPDATE.
    `refund_no` makes a retried call return the first refund.
    """
    amount = _positive_amount(amount)
    intent = _intent_for_payment(payment)
    if refund_no and (existing := ProviderRefund.objects.filter(out_refund_no=refund_no).first()):
        if (existing.intent_id, existing.amount) != (intent.pk, amount):
            raise IdempotencyConflict(
                "This refund number was already used for another refund.",
                details={"refund_no": refund_no},
            )
        return _refund_result(existing)
    with transaction.atomic():
        raised = PaymentIntent.objects.filter(
            pk=intent.pk, refunded_amount__lte=F("amount") - amount + HALF_CENT
        ).update(refunded_amount=F("refunded_amount") + amount)
        if not raised:
            intent.refresh_from_db(fields=["refunded_amount"])
            raise PaymentInvalid(
                "That is more than is left to refund on this payment.",
                code="refund_exceeds_payment",
                details={"refundable": intent.amount - intent.refunded_amount, "asked": amount},
            )
        refund = ProviderRefund.objects.create(
            intent=intent,
            payment=payment,
            out_refund_no=refund_no or f"R{uuid_lib.uuid4().hex[:31]}",
            amount=amount,
            reason=reason[:80],
            created_at=clock.now(),
        )
        if intent.method == "sandbox":
            refund = provider_refund_send(refund_id=refund.pk)
        else:
            transaction.on_commit(partial(_send_after_commit, refund.pk), robust=True)
    return _refund_result(refund)


def _intent_for_payment(payment: Payment) -> PaymentIntent:
    intent = None
    if payment.method in QR_METHODS and payment.reference:
        intent = (
            PaymentIntent.objects.filter(
                claimed_by_order_id=payment.order_id, method=payment.method
            )
            .filter(
                Q(out_trade_no=payment.reference) | Q(provider_transaction_id=payment.reference)
            )
            .first()
        )
    if intent is None:
        raise PaymentInvalid(
            "This payment was not taken through a QR provider.",
            code="refund_method_invalid",
            details={"payment_id": payment.pk, "method": payment.method},
        )
    return intent


def _send_after_commit(refund_id: int) -> None:
    try:
        provider_refund_send(refund_id=refund_id)
    except Exception:  # stays pending; `provider_refunds_resend` tries again
        logger.exception("could not send provider refund %s", refund_id)


def provider_refund_send(*, refund_id: int) -> ProviderRefund:
    """Send (or resend) a pending refund and record the provider's answer. Safe to repeat: the
    provider treats a resent refund number as the same refund."""
    refund = ProviderRefund.objects.select_related("intent__store").get(pk=refund_id)
    if refund.status != RefundStatus.PENDING:
        return refund
    result = provider_for(refund.intent.method).refund(
        intent=refund.intent,
        out_refund_no=refund.out_refund_no,
        amount=refund.amount,
        reason=refund.reason,
    )
    with transaction.atomic():
        _refund_settle(
            refund,
            status=result.status,
            provider_refund_id=result.provider_refund_id,
            request=result.request,
            response=result.response,
            sent=result.sent,
        )
    refund.refresh_from_db()
    return refund


def provider_refunds_resend() -> int:
    """Resend refunds never acknowledged (a periodic job in a live deployment)."""
    pending = list(
        ProviderRefund.objects.filter(status=RefundStatus.PENDING, sent_at__isnull=True)
        .exclude(intent__method="sandbox")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for refund_id in pending:
        _send_after_commit(refund_id)
    return len(pending)


def _refund_settle(refund: ProviderRefund, *, status: str, sent: bool = True, **fields) -> bool:
    """Move a pending refund to its outcome (caller holds a transaction). A failed refund gives
    its amount back to the intent's refundable balance. Returns whether anything changed."""
    now = clock.now()
    changes = {k: v for k, v in fields.items() if v}
    if sent:
        changes["sent_at"] = refund.sent_at or now
    if status != RefundStatus.PENDING:
        changes |= {"status": status, "completed_at": now}
    if not ProviderRefund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
        **changes
    ):
        return False
    if status == RefundStatus.FAILED:
        PaymentIntent.objects.filter(pk=refund.intent_id).update(
            refunded_amount=F("refunded_amount") - refund.amount
        )
    if status != RefundStatus.PENDING:
        # The return that asked for it learns the outcome from this event (its refund's
        # reference is `refund_no`).
        event_emit(
            topic=f"payment_refund.{status}",
            payload={
                "refund_no": refund.out_refund_no,
                "payment_id": refund.payment_id,
                "intent_id": str(refund.intent.uuid),
                "amount": refund.amount,
            },
        )
    return True


def _refund_notification_apply(*, method: str, notification: Notification) -> PaymentIntent:
    with transaction.atomic():
        refund = (
            ProviderRefund.objects.select_related("intent")
            .filter(out_refund_no=notification.out_refund_no, intent__method=method)
            .first()
        )
        if refund is None or refund.intent.out_trade_no != notification.out_trade_no:
            raise NotFound(
                "The notification is for a refund this server did not ask for.",
                code="refund_not_found",
                details={"refund_no": notification.out_refund_no},
            )
        if notification.outcome in (SUCCEEDED, FAILED):
            _refund_settle(
                refund,
                status=notification.outcome,
                provider_refund_id=notification.provider_refund_id,
                response=notification.raw,
            )
    return refund.intent


def _refund_result(refund: ProviderRefund) -> RefundResult:
    return RefundResult(
        status=refund.status,
        provider_refund_id=refund.provider_refund_id,
        out_refund_no=refund.out_refund_no,
        sent=refund.sent_at is not None,
        request=refund.request,
        response=refund.response,
    )


__all__ = [
    "PaymentIntentNotFound",
    "ProviderUnavailable",
    "notification_ack",
    "payment_intent_create",
    "payment_intent_get",
    "payment_intents_expire",
    "payment_notification_receive",
    "provider_payment_claim",
    "provider_refund",
    "provider_refund_send",
    "provider_refunds_resend",
    "sandbox_payment_complete",
]
