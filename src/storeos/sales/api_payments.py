"""HTTP endpoints for QR payments: the till's intents and status polling, the providers'
notifications (unauthenticated, trusted only through their signatures) and the demo's sandbox
"customer paid" button. Mounted with the sales router at /api/v1/sales/."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from storeos.api.schemas import ErrorOut, error_responses
from storeos.core import clock
from storeos.sales import payments
from storeos.sales.models import IntentStatus, PaymentIntent
from storeos.sales.providers import QR_METHODS
from storeos.stores.selectors import store_lookup

router = Router(tags=["payments"])


class PaymentIntentIn(Schema):
    store_id: int
    method: str = Field(..., description=f"One of {', '.join(QR_METHODS)}")
    amount: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)
    intent_id: uuid.UUID | None = Field(
        None, description="Chosen by the till: asking again with it returns the same QR code."
    )


class PaymentIntentOut(Schema):
    id: uuid.UUID
    store_id: int
    method: str
    amount: Decimal
    status: str = Field(..., description="created, succeeded, failed or expired")
    out_trade_no: str
    provider_transaction_id: str
    qr: dict[str, Any] = Field(..., description="What the till shows: code_url and expires_at")
    created_at: dt.datetime
    expires_at: dt.datetime
    succeeded_at: dt.datetime | None
    order_id: uuid.UUID | None = Field(None, description="The order this payment settled")


class NotificationAck(Schema):
    code: str
    message: str = ""


def _intent_body(intent: PaymentIntent) -> dict[str, Any]:
    status = intent.status
    if status == IntentStatus.CREATED and intent.expires_at <= clock.now():
        status = IntentStatus.EXPIRED  # the expiry job may not have run yet
    order = intent.claimed_by_order
    return {
        "id": intent.uuid,
        "store_id": intent.store_id,
        "method": intent.method,
        "amount": intent.amount,
        "status": status,
        "out_trade_no": intent.out_trade_no,
        "provider_transaction_id": intent.provider_transaction_id,
        "qr": intent.qr_payload,
        "created_at": intent.created_at,
        "expires_at": intent.expires_at,
        "succeeded_at": intent.succeeded_at,
        "order_id": order.uuid if order is not None else None,
    }


@router.post(
    "/payment-intents",
    response={201: PaymentIntentOut, **error_responses(404, 409, 503)},
    summary="Ask the provider for a QR code the customer scans to pay",
)
def payment_intent_create(request, payload: PaymentIntentIn):
    intent, _ = payments.payment_intent_create(
        actor=request.auth,
        store=store_lookup(store_id=payload.store_id),
        method=payload.method,
        amount=payload.amount,
        intent_id=payload.intent_id,
    )
    return Status(201, _intent_body(intent))


@router.get(
    "/payment-intents/{intent_id}",
    response={200: PaymentIntentOut, **error_responses(404)},
    summary="A QR payment's status (the till polls it until the customer has paid)",
)
def payment_intent_get(request, intent_id: uuid.UUID):
    return _intent_body(payments.payment_intent_get(user=request.auth, intent_id=intent_id))


@router.post(
    "/payment-intents/{intent_id}/sandbox-complete",
    response={200: PaymentIntentOut, **error_responses(404, 409)},
    summary="Demo only: the customer pays a sandbox QR code",
)
def sandbox_complete(request, intent_id: uuid.UUID):
    intent = payments.payment_intent_get(user=request.auth, intent_id=intent_id)
    intent = payments.sandbox_payment_complete(actor=request.auth, intent=intent)
    return _intent_body(intent)


@router.post(
    "/payment-notifications/{method}",
    auth=None,
    response={200: NotificationAck, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Signed payment and refund notifications from WeChat Pay, Alipay and the sandbox",
    description=(
        "Called by the providers, not by clients. The body is the provider's own (JSON for "
        "WeChat Pay, a form for Alipay) and is trusted only through its signature: a bad one is "
        "refused with `signature_invalid` and changes nothing. The reply is what the provider "
        'expects (Alipay: the text "success").'
    ),
)
def payment_notification(request, method: str):
    payments.payment_notification_receive(method=method, headers=request.headers, body=request.body)
    ack = payments.notification_ack(method=method)
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)
