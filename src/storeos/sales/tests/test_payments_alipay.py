"""Alipay through `python-alipay-sdk`: the precreate request it signs, replies and asynchronous
notifications verified with locally generated RSA2 keys (no network)."""

import json
import uuid
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

import pytest

from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.errors import PaymentInvalid
from storeos.sales.models import PaymentIntent, ProviderRefund
from storeos.sales.payments import (
    ProviderUnavailable,
    payment_intent_create,
    payment_notification_receive,
    provider_refund,
)
from storeos.sales.providers import transport_override
from storeos.sales.tests.payments_support import (
    ALIPAY_APPID,
    FakeAlipay,
    alipay_content,
    alipay_notification,
    alipay_request_params,
    configure_alipay,
    rsa_key,
    rsa_sha256_valid,
)


@pytest.fixture
def alipay(settings, tmp_path):
    configure_alipay(settings, tmp_path)
    fake = FakeAlipay()
    with transport_override(fake):
        yield fake


@pytest.fixture
def intent(alipay, store, cashier):
    intent, _ = payment_intent_create(
        actor=cashier, store=store, method="alipay", amount=Decimal("99.00")
    )
    return intent


def receive(body: bytes) -> PaymentIntent:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return payment_notification_receive(method="alipay", headers=headers, body=body)


def test_the_precreate_request_is_built_and_signed_by_the_sdk(alipay, intent):
    params = alipay_request_params(alipay.sent[0])
    biz = json.loads(params["biz_content"])

    assert alipay.sent[0].url.startswith("https://openapi.alipay.com/gateway.do?")
    assert params["method"] == "alipay.trade.precreate"
    assert params["app_id"] == ALIPAY_APPID
    assert (
        params["notify_url"] == "https://shop.example.cn/api/v1/sales/payment-notifications/alipay"
    )
    assert biz["out_trade_no"] == intent.out_trade_no
    assert biz["total_amount"] == "99.00"
    assert params["sign_type"] == "RSA2"
    assert rsa_sha256_valid(
        rsa_key("alipay-app"), alipay_content(params, skip=("sign",)), params["sign"]
    )
    assert intent.qr_payload["code_url"] == "https://qr.alipay.com/bax1"


def test_a_refused_precreate_shows_no_code(settings, tmp_path, store, cashier):
    configure_alipay(settings, tmp_path)

    with transport_override(FakeAlipay(code="40004")), pytest.raises(ProviderUnavailable):
        payment_intent_create(actor=cashier, store=store, method="alipay", amount=Decimal("5"))

    assert not PaymentIntent.objects.exists()


def test_a_signed_notification_confirms_the_payment_and_pays_the_order(
    intent, store, cashier, bricks
):
    confirmed = receive(alipay_notification(intent))
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("alipay", Decimal("99.00"), reference=confirmed.provider_transaction_id)],
    )

    assert confirmed.status == "succeeded"
    assert "buyer_logon_id" not in confirmed.notification
    assert order.status == "paid"


def test_waiting_and_finished_notifications_are_harmless(intent):
    receive(alipay_notification(intent, trade_status="WAIT_BUYER_PAY"))
    assert PaymentIntent.objects.get(pk=intent.pk).status == "created"

    receive(alipay_notification(intent))
    paid = PaymentIntent.objects.values().get(pk=intent.pk)
    receive(alipay_notification(intent, trade_status="TRADE_FINISHED"))
    receive(alipay_notification(intent, trade_status="TRADE_CLOSED"))  # after a full refund

    assert PaymentIntent.objects.values().get(pk=intent.pk) == paid


def tampered(body: bytes, **changes) -> bytes:
    params = dict(parse_qsl(body.decode()))
    return urlencode(params | changes).encode()


@pytest.mark.parametrize(
    "forge",
    ["tampered_amount", "tampered_status", "wrong_key", "no_sign", "rsa1_sign_type", "garbage"],
)
def test_a_forged_notification_is_refused_and_changes_nothing(intent, forge):
    body = alipay_notification(intent, trade_status="WAIT_BUYER_PAY")
    body = {
        "tampered_amount": tampered(body, total_amount="0.01"),
        "tampered_status": tampered(body, trade_status="TRADE_SUCCESS"),
        "wrong_key": alipay_notification(intent, key=rsa_key("impostor")),
        "no_sign": tampered(alipay_notification(intent), sign=""),
        "rsa1_sign_type": tampered(alipay_notification(intent), sign_type="RSA"),
        "garbage": tampered(alipay_notification(intent), sign="not base64!"),
    }[forge]

    with pytest.raises(PaymentInvalid) as refused:
        receive(body)

    assert refused.value.code == "signature_invalid"
    assert PaymentIntent.objects.get(pk=intent.pk).status == "created"


def test_a_notification_for_another_app_is_refused(intent):
    with pytest.raises(PaymentInvalid) as refused:
        receive(alipay_notification(intent, app_id="2021000000009999"))

    assert refused.value.code == "signature_invalid"


def test_a_signed_notification_with_another_amount_is_refused(intent):
    with pytest.raises(PaymentInvalid) as refused:
        receive(alipay_notification(intent, total_amount="9.90"))

    assert refused.value.code == "amount_mismatch"
    assert PaymentIntent.objects.get(pk=intent.pk).status == "created"


def test_a_refund_is_confirmed_by_alipays_signed_reply(
    alipay, intent, store, cashier, bricks, django_capture_on_commit_callbacks
):
    receive(alipay_notification(intent))
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("alipay", Decimal("99.00"), reference=intent.out_trade_no)],
    )

    with django_capture_on_commit_callbacks(execute=True):
        pending = provider_refund(payment=order.payments.get(), amount=Decimal("99.00"))

    refund = ProviderRefund.objects.get()
    params = alipay_request_params(alipay.sent[-1])
    biz = json.loads(params["biz_content"])
    assert pending.status == "pending"  # sent once the return commits
    assert params["method"] == "alipay.trade.refund"
    assert biz == {
        "refund_amount": "99.00",
        "out_trade_no": intent.out_trade_no,
        "out_request_no": refund.out_refund_no,
    }
    assert refund.status == "succeeded"


def test_a_refused_refund_frees_the_amount_again(
    settings, tmp_path, intent, store, cashier, bricks, django_capture_on_commit_callbacks
):
    receive(alipay_notification(intent))
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("alipay", Decimal("99.00"), reference=intent.out_trade_no)],
    )

    with (
        transport_override(FakeAlipay(code="40004")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        provider_refund(payment=order.payments.get(), amount=Decimal("99.00"))

    assert ProviderRefund.objects.get().status == "failed"
    assert PaymentIntent.objects.get(pk=intent.pk).refunded_amount == Decimal("0.00")
