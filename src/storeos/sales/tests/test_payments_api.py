"""QR payments over HTTP: the till's intents and polling, the providers' notifications (no login,
trusted only through their signatures) and the demo's sandbox button."""

import uuid
from decimal import Decimal

import pytest
from django.urls import path
from ninja import NinjaAPI

from storeos.accounts.services import api_token_issue
from storeos.api.api import api
from storeos.sales.api_payments import router
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import PaymentIntent
from storeos.sales.providers import transport_override
from storeos.sales.providers.sandbox import SandboxProvider
from storeos.sales.tests.conftest import user_with_role
from storeos.sales.tests.payments_support import (
    FakeAlipay,
    FakeWechat,
    alipay_notification,
    configure_alipay,
    configure_wechat,
    wechat_notification,
    wechat_paid_resource,
)
from storeos.stores.models import Store

# The router mounted on a stand-in API with the site's auth and error handlers, so these tests
# do not depend on where the sales API mounts it.
_stand_in = NinjaAPI(urls_namespace="sales-payments-tests", auth=api.auth, docs_url=None)
for _exc, _handler in api._exception_handlers.items():
    _stand_in.add_exception_handler(_exc, _handler)
_stand_in.add_router("/v1/sales/", router)
urlpatterns = [path("api/", _stand_in.urls)]
pytestmark = pytest.mark.urls(__name__)

URL = "/api/v1/sales"


def auth(user) -> dict[str, str]:
    _, secret = api_token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def create(client, user, store, method="sandbox", amount="99.00", **extra):
    body = {"store_id": store.pk, "method": method, "amount": amount, **extra}
    return client.post(
        f"{URL}/payment-intents", body, content_type="application/json", **auth(user)
    )


def test_the_till_shows_a_code_polls_it_and_the_customer_pays(client, store, cashier, bricks):
    created = create(client, cashier, store)
    intent_id = created.json()["id"]
    waiting = client.get(f"{URL}/payment-intents/{intent_id}", **auth(cashier))
    paid = client.post(f"{URL}/payment-intents/{intent_id}/sandbox-complete", **auth(cashier))
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("sandbox", Decimal("99.00"), reference=created.json()["out_trade_no"])],
    )
    settled = client.get(f"{URL}/payment-intents/{intent_id}", **auth(cashier))

    assert created.status_code == 201, created.json()
    assert created.json()["qr"]["code_url"].endswith(f"/sales/sandbox-pay/{intent_id}/")
    assert waiting.json()["status"] == "created"
    assert paid.status_code == 200 and paid.json()["status"] == "succeeded"
    assert settled.json()["order_id"] == str(order.uuid)


def test_a_retried_request_with_the_same_intent_id_shows_the_same_code(client, store, cashier):
    intent_id = str(uuid.uuid4())
    first = create(client, cashier, store, intent_id=intent_id)
    again = create(client, cashier, store, intent_id=intent_id)
    other = create(client, cashier, store, amount="1.00", intent_id=intent_id)

    assert first.json() == again.json()
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert PaymentIntent.objects.count() == 1


def test_bad_requests_get_a_code_and_change_nothing(client, store, cashier):
    outsider = user_with_role("warehouse", store, "stock-clerk")

    responses = {
        "zero": create(client, cashier, store, amount="0"),
        "method": create(client, cashier, store, method="bitcoin"),
        "unconfigured": create(client, cashier, store, method="wechat"),
        "forbidden": create(client, outsider, store),
        "anonymous": client.post(
            f"{URL}/payment-intents",
            {"store_id": store.pk, "method": "sandbox", "amount": "1"},
            content_type="application/json",
        ),
    }

    assert {name: (r.status_code, r.json()["code"]) for name, r in responses.items()} == {
        "zero": (422, "validation_error"),
        "method": (422, "payment_method_invalid"),
        "unconfigured": (422, "payment_method_unavailable"),
        "forbidden": (403, "permission_denied"),
        "anonymous": (401, "not_authenticated"),
    }
    assert not PaymentIntent.objects.exists()


def test_another_stores_cashier_cannot_see_or_complete_the_payment(client, store, cashier):
    other_store = Store.objects.create(code="S2", name="Store two", region=store.region)
    stranger = user_with_role("cashier", other_store, "stranger")
    intent_id = create(client, cashier, store).json()["id"]

    seen = client.get(f"{URL}/payment-intents/{intent_id}", **auth(stranger))
    pressed = client.post(f"{URL}/payment-intents/{intent_id}/sandbox-complete", **auth(stranger))

    assert (seen.status_code, pressed.status_code) == (404, 404)
    assert PaymentIntent.objects.get().status == "created"


def test_a_provider_notifies_without_logging_in_and_gets_its_ack(client, store, cashier):
    intent = PaymentIntent.objects.get(uuid=create(client, cashier, store).json()["id"])
    headers, body = SandboxProvider().notification_for(intent)

    response = client.post(
        f"{URL}/payment-notifications/sandbox",
        body,
        content_type="application/json",
        HTTP_X_SANDBOX_SIGNATURE=headers["X-Sandbox-Signature"],
    )

    assert response.status_code == 200
    assert response.json() == {"code": "SUCCESS"}
    assert PaymentIntent.objects.get().status == "succeeded"


def test_a_wechat_notification_over_http(client, settings, tmp_path, store, cashier):
    configure_wechat(settings, tmp_path)
    with transport_override(FakeWechat()):
        intent_id = create(client, cashier, store, method="wechat").json()["id"]
    intent = PaymentIntent.objects.get(uuid=intent_id)
    headers, body = wechat_notification(wechat_paid_resource(intent))
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}

    forged = client.post(
        f"{URL}/payment-notifications/wechat",
        body.replace(b"TRANSACTION.SUCCESS", b"TRANSACTION.SUCCES5"),
        content_type="application/json",
        **meta,
    )
    accepted = client.post(
        f"{URL}/payment-notifications/wechat", body, content_type="application/json", **meta
    )

    assert forged.status_code == 422 and forged.json()["code"] == "signature_invalid"
    assert accepted.status_code == 200 and accepted.json()["code"] == "SUCCESS"
    assert PaymentIntent.objects.get().status == "succeeded"


def test_alipay_gets_its_plain_text_success(client, settings, tmp_path, store, cashier):
    configure_alipay(settings, tmp_path)
    with transport_override(FakeAlipay()):
        intent_id = create(client, cashier, store, method="alipay").json()["id"]
    intent = PaymentIntent.objects.get(uuid=intent_id)
    form = "application/x-www-form-urlencoded"

    forged = client.post(
        f"{URL}/payment-notifications/alipay",
        alipay_notification(intent).replace(b"99.00", b"0.01"),
        content_type=form,
    )
    accepted = client.post(
        f"{URL}/payment-notifications/alipay", alipay_notification(intent), content_type=form
    )

    assert forged.status_code == 422 and forged.json()["code"] == "signature_invalid"
    assert (accepted.status_code, accepted.content) == (200, b"success")


def test_only_sandbox_payments_have_a_button(client, settings, tmp_path, store, cashier):
    configure_alipay(settings, tmp_path)
    settings.STOREOS_PAY_SANDBOX = "1"
    with transport_override(FakeAlipay()):
        intent_id = create(client, cashier, store, method="alipay").json()["id"]

    pressed = client.post(f"{URL}/payment-intents/{intent_id}/sandbox-complete", **auth(cashier))

    assert pressed.status_code == 422 and pressed.json()["code"] == "sandbox_only"
    assert PaymentIntent.objects.get().status == "created"


def test_notifications_for_unknown_payments_or_methods_are_refused(client):
    unknown = client.post(f"{URL}/payment-notifications/paypal", b"{}", content_type="text/plain")

    assert unknown.status_code == 422 and unknown.json()["code"] == "payment_method_invalid"


def test_every_error_response_is_documented():
    schema = _stand_in.get_openapi_schema()
    documented = {
        (verb.upper(), url): {int(code) for code in operation["responses"] if int(code) >= 400}
        for url, operations in schema["paths"].items()
        for verb, operation in operations.items()
    }

    assert documented == {
        ("POST", "/api/v1/sales/payment-intents"): {401, 403, 404, 409, 422, 503},
        ("GET", "/api/v1/sales/payment-intents/{intent_id}"): {401, 403, 404, 422, 503},
        ("POST", "/api/v1/sales/payment-intents/{intent_id}/sandbox-complete"): {
            401,
            403,
            404,
            409,
            422,
            503,
        },
        ("POST", "/api/v1/sales/payment-notifications/{method}"): {404, 422, 503},
    }
