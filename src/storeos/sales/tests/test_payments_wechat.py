"""WeChat Pay v3 through the real SDK: the Native request it would send, and signed notifications
checked with locally generated keys (no network)."""

import json
import uuid
from decimal import Decimal

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
    WECHAT_MCHID,
    FakeWechat,
    configure_wechat,
    rsa_key,
    rsa_sha256_valid,
    wechat_notification,
    wechat_paid_resource,
)


@pytest.fixture
def wechat(settings, tmp_path):
    configure_wechat(settings, tmp_path)
    fake = FakeWechat()
    with transport_override(fake):
        yield fake


@pytest.fixture
def intent(wechat, store, cashier):
    intent, _ = payment_intent_create(
        actor=cashier, store=store, method="wechat", amount=Decimal("99.00")
    )
    return intent


def notify(intent, **kwargs):
    headers, body = wechat_notification(wechat_paid_resource(intent), **kwargs)
    return payment_notification_receive(method="wechat", headers=headers, body=body)


def test_the_native_pay_request_is_built_and_signed_by_the_sdk(wechat, intent):
    request = wechat.sent[0]
    sent = json.loads(request.body)

    assert request.method == "POST"
    assert request.url == "https://api.mch.weixin.qq.com/v3/pay/transactions/native"
    assert sent["mchid"] == WECHAT_MCHID
    assert sent["out_trade_no"] == intent.out_trade_no
    assert sent["amount"] == {"total": 9900, "currency": "CNY"}
    assert sent["notify_url"] == "https://shop.example.cn/api/v1/sales/payment-notifications/wechat"
    assert sent["time_expire"].endswith("+08:00")
    # Authorization: WECHATPAY2-SHA256-RSA2048 over "POST\npath\ntimestamp\nnonce\nbody\n".
    auth = dict(
        part.split("=", 1) for part in request.headers["Authorization"].split(" ", 1)[1].split(",")
    )
    auth = {k: v.strip('"') for k, v in auth.items()}
    message = (
        f"POST\n/v3/pay/transactions/native\n{auth['timestamp']}\n{auth['nonce_str']}\n"
        f"{request.body}\n"
    )
    assert rsa_sha256_valid(rsa_key("wechat-merchant"), message, auth["signature"])
    assert intent.qr_payload["code_url"] == "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"


def test_with_no_network_the_request_is_built_but_no_code_is_shown(
    settings, tmp_path, store, cashier
):
    configure_wechat(settings, tmp_path)  # the default transport only records
    recorded = []

    def offline(request):
        recorded.append(request)
        return None

    with transport_override(offline), pytest.raises(ProviderUnavailable) as refused:
        payment_intent_create(actor=cashier, store=store, method="wechat", amount=Decimal("5"))

    assert refused.value.code == "payment_provider_unavailable"
    assert recorded[0].url.endswith("/v3/pay/transactions/native")
    with pytest.raises(ProviderUnavailable):  # the default: STOREOS_PAY_TRANSPORT=offline
        payment_intent_create(actor=cashier, store=store, method="wechat", amount=Decimal("5"))
    assert not PaymentIntent.objects.exists()


def test_a_reply_not_signed_by_wechat_pay_is_not_trusted(settings, tmp_path, store, cashier):
    configure_wechat(settings, tmp_path)

    def impostor(request):
        reply = FakeWechat()(request)
        headers = dict(reply.headers, **{"Wechatpay-Signature": "AAAA"})
        return type(reply)(reply.status, headers, reply.body)

    with transport_override(impostor), pytest.raises(ProviderUnavailable):
        payment_intent_create(actor=cashier, store=store, method="wechat", amount=Decimal("5"))
    assert not PaymentIntent.objects.exists()


def test_a_signed_notification_confirms_the_payment_and_pays_the_order(
    intent, store, cashier, bricks
):
    confirmed = notify(intent)
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("wechat", Decimal("99.00"), reference=intent.out_trade_no)],
    )

    assert confirmed.status == "succeeded"
    assert confirmed.provider_transaction_id == "4200000985202411223641209718"
    assert "payer" not in confirmed.notification["resource"]
    assert order.status == "paid"
    assert PaymentIntent.objects.get(pk=intent.pk).claimed_by_order == order


def test_django_style_header_names_are_understood(intent):
    headers, body = wechat_notification(wechat_paid_resource(intent))
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}

    assert payment_notification_receive(method="wechat", headers=meta, body=body).status == (
        "succeeded"
    )


@pytest.mark.parametrize(
    "forge",
    [
        "tampered_body",
        "tampered_amount",
        "wrong_signing_key",
        "unknown_serial",
        "wrong_apiv3_key",
        "no_signature",
    ],
)
def test_a_forged_notification_is_refused_and_changes_nothing(intent, forge):
    resource = wechat_paid_resource(intent)
    kwargs = {}
    if forge == "wrong_signing_key":
        kwargs["key"] = rsa_key("impostor")
    if forge == "wrong_apiv3_key":
        kwargs["apiv3_key"] = "b" * 32
    if forge == "tampered_amount":
        resource = wechat_paid_resource(intent, total_fen=1)
    headers, body = wechat_notification(resource, **kwargs)
    if forge == "tampered_amount":
        # The forger re-encrypts a 0.01 payment but cannot re-sign the body.
        _, body = wechat_notification(resource)
    if forge == "tampered_body":
        body = body.replace(b'"TRANSACTION.SUCCESS"', b'"TRANSACTION.SUCCESS" ')
    if forge == "unknown_serial":
        headers["Wechatpay-Serial"] = "5157F09EFDC096DE15EBE81A47057A72"
    if forge == "no_signature":
        headers.pop("Wechatpay-Signature")

    with pytest.raises(PaymentInvalid) as refused:
        payment_notification_receive(method="wechat", headers=headers, body=body)

    assert refused.value.code == "signature_invalid"
    assert PaymentIntent.objects.get(pk=intent.pk).status == "created"


def test_a_signed_notification_with_another_amount_is_refused(intent):
    headers, body = wechat_notification(wechat_paid_resource(intent, total_fen=1))

    with pytest.raises(PaymentInvalid) as refused:
        payment_notification_receive(method="wechat", headers=headers, body=body)

    assert refused.value.code == "amount_mismatch"
    assert PaymentIntent.objects.get(pk=intent.pk).status == "created"


def test_the_same_notification_twice_changes_things_once(intent):
    headers, body = wechat_notification(wechat_paid_resource(intent))
    payment_notification_receive(method="wechat", headers=headers, body=body)
    first = PaymentIntent.objects.values().get(pk=intent.pk)

    payment_notification_receive(method="wechat", headers=headers, body=body)

    assert PaymentIntent.objects.values().get(pk=intent.pk) == first


def test_a_refund_is_sent_after_the_return_commits_and_settles_on_notification(
    wechat, intent, store, cashier, bricks, django_capture_on_commit_callbacks
):
    notify(intent)
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("wechat", Decimal("99.00"), reference=intent.out_trade_no)],
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = provider_refund(payment=order.payments.get(), amount=Decimal("30"), reason="size")

    refund = ProviderRefund.objects.get()
    sent = json.loads(wechat.sent[-1].body)
    assert result.status == "pending"
    assert wechat.sent[-1].url.endswith("/v3/refund/domestic/refunds")
    assert sent["amount"] == {"refund": 3000, "total": 9900, "currency": "CNY"}
    assert sent["out_refund_no"] == refund.out_refund_no == result.out_refund_no
    assert (refund.status, refund.sent_at is not None) == ("pending", True)

    headers, body = wechat_notification(
        {
            "mchid": WECHAT_MCHID,
            "out_trade_no": intent.out_trade_no,
            "transaction_id": intent.provider_transaction_id,
            "out_refund_no": refund.out_refund_no,
            "refund_id": "50000000382019052709732678859",
            "refund_status": "SUCCESS",
            "amount": {"total": 9900, "refund": 3000, "payer_total": 9900, "payer_refund": 3000},
        },
        event="REFUND.SUCCESS",
    )
    payment_notification_receive(method="wechat", headers=headers, body=body)

    refund.refresh_from_db()
    assert refund.status == "succeeded"
    assert PaymentIntent.objects.get(pk=intent.pk).refunded_amount == Decimal("30.00")


def test_offline_a_refund_is_recorded_pending_with_the_request_it_would_send(
    settings, tmp_path, intent, store, cashier, bricks, django_capture_on_commit_callbacks
):
    notify(intent)
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("wechat", Decimal("99.00"), reference=intent.out_trade_no)],
    )

    with transport_override(lambda request: None), django_capture_on_commit_callbacks(execute=True):
        provider_refund(payment=order.payments.get(), amount=Decimal("99.00"))

    refund = ProviderRefund.objects.get()
    assert (refund.status, refund.sent_at) == ("pending", None)
    assert refund.request["url"].endswith("/v3/refund/domestic/refunds")
    assert "WECHATPAY2-SHA256-RSA2048" in refund.request["headers"]["Authorization"]
