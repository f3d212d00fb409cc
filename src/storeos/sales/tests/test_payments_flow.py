"""QR payments end to end with the sandbox provider: code, notification, checkout, refund."""

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection

from storeos.core import clock
from storeos.core.errors import Conflict, IdempotencyConflict, PermissionDenied
from storeos.core.models import OutboxEvent
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.errors import PaymentInvalid
from storeos.sales.models import Order, PaymentIntent, ProviderRefund
from storeos.sales.payments import (
    payment_intent_create,
    payment_intents_expire,
    payment_notification_receive,
    provider_payment_claim,
    provider_refund,
    sandbox_payment_complete,
)
from storeos.sales.providers.sandbox import SandboxProvider
from storeos.sales.tests.conftest import user_with_role


@pytest.fixture
def paid_intent(store, cashier):
    intent, _ = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("99.00")
    )
    return sandbox_payment_complete(actor=cashier, intent=intent)


def sell_bricks(cashier, store, bricks, reference, amount="99.00", method="sandbox"):
    return checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender(method, Decimal(amount), reference=reference)],
    )


def test_a_sandbox_code_points_at_the_local_pay_page(store, cashier):
    intent, qr = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("19.90")
    )

    assert intent.status == "created"
    assert qr["code_url"].endswith(f"/sales/sandbox-pay/{intent.uuid}/")
    assert qr["amount"] == "19.90"
    assert qr["out_trade_no"] == intent.out_trade_no


def test_asking_again_with_the_same_id_shows_the_same_code(store, cashier):
    intent_id = uuid.uuid4()
    first, qr = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("5"), intent_id=intent_id
    )
    again, qr_again = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("5"), intent_id=intent_id
    )

    assert again.pk == first.pk and qr_again == qr
    with pytest.raises(IdempotencyConflict):
        payment_intent_create(
            actor=cashier, store=store, method="sandbox", amount=Decimal("6"), intent_id=intent_id
        )


def test_only_cashiers_of_the_store_create_codes(store):
    analyst = user_with_role("hq_analyst")

    with pytest.raises(PermissionDenied):
        payment_intent_create(actor=analyst, store=store, method="sandbox", amount=Decimal("5"))
    assert not PaymentIntent.objects.exists()


def test_a_method_without_a_provider_is_refused(store, cashier):
    with pytest.raises(PaymentInvalid) as refused:
        payment_intent_create(actor=cashier, store=store, method="wechat", amount=Decimal("5"))

    assert refused.value.code == "payment_method_unavailable"
    assert not PaymentIntent.objects.exists()


def test_a_confirmed_qr_payment_pays_the_order(store, cashier, bricks, paid_intent):
    order = sell_bricks(cashier, store, bricks, paid_intent.out_trade_no)

    paid_intent.refresh_from_db()
    assert order.status == "paid"
    assert paid_intent.status == "succeeded"
    assert paid_intent.claimed_by_order == order
    assert order.payments.get().method == "sandbox"
    assert OutboxEvent.objects.filter(topic="payment_intent.succeeded").count() == 1


def test_the_provider_transaction_id_is_a_reference_too(store, cashier, bricks, paid_intent):
    order = sell_bricks(cashier, store, bricks, paid_intent.provider_transaction_id)

    assert order.status == "paid"


def test_one_qr_payment_cannot_pay_a_second_order(store, cashier, bricks, paid_intent):
    sell_bricks(cashier, store, bricks, paid_intent.out_trade_no)

    with pytest.raises(PaymentInvalid) as refused:
        sell_bricks(cashier, store, bricks, paid_intent.out_trade_no)

    assert refused.value.code == "qr_payment_used"
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_tills_presenting_one_qr_payment_at_once_make_one_order(
    store, cashier, bricks, paid_intent
):
    orders, refusals = [], []
    start = threading.Barrier(4)

    def ring():
        try:
            start.wait()
            orders.append(sell_bricks(cashier, store, bricks, paid_intent.out_trade_no).pk)
        except PaymentInvalid as exc:
            refusals.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ring) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(orders), refusals) == (1, ["qr_payment_used"] * 3)
    assert Order.objects.count() == 1
    assert PaymentIntent.objects.get().claimed_by_order_id == orders[0]


def test_an_unpaid_code_cannot_pay_an_order(store, cashier, bricks):
    intent, _ = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("99.00")
    )

    for reference in (intent.out_trade_no, "made-up", ""):
        with pytest.raises(PaymentInvalid) as refused:
            sell_bricks(cashier, store, bricks, reference)
        assert refused.value.code == "qr_payment_unconfirmed"
    assert not Order.objects.exists()


def test_a_qr_payment_for_another_amount_is_refused(store, cashier, bricks, figure, paid_intent):
    with pytest.raises(PaymentInvalid) as refused:
        checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(bricks, 1), CartLine(figure, 1)],
            payments=[
                Tender("sandbox", Decimal("98.90"), reference=paid_intent.out_trade_no),
                Tender("cash", Decimal("20.00")),
            ],
        )

    assert refused.value.code == "amount_mismatch"
    paid_intent.refresh_from_db()
    assert paid_intent.claimed_by_order is None
    assert not Order.objects.exists()


def test_a_qr_payment_of_another_method_is_not_found(store, cashier, bricks, paid_intent):
    with pytest.raises(PaymentInvalid) as refused:
        provider_payment_claim(
            method="wechat",
            reference=paid_intent.out_trade_no,
            amount=Decimal("99.00"),
            order=Order(store=store),
        )

    assert refused.value.code == "qr_payment_unconfirmed"


def test_a_replayed_notification_is_harmless(store, cashier, bricks):
    intent, _ = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("99.00")
    )
    headers, body = SandboxProvider().notification_for(intent)
    payment_notification_receive(method="sandbox", headers=headers, body=body)
    sell_bricks(cashier, store, bricks, intent.out_trade_no)
    before = PaymentIntent.objects.values().get(pk=intent.pk)

    again = payment_notification_receive(method="sandbox", headers=headers, body=body)

    assert PaymentIntent.objects.values().get(pk=intent.pk) == before
    assert again.claimed_by_order_id is not None
    assert OutboxEvent.objects.filter(topic="payment_intent.succeeded").count() == 1


def test_a_notification_for_another_amount_changes_nothing(store, cashier):
    intent, _ = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("99.00")
    )
    intent.amount = Decimal("0.01")  # what a forged or confused notification would claim
    headers, body = SandboxProvider().notification_for(intent)

    with pytest.raises(PaymentInvalid) as refused:
        payment_notification_receive(method="sandbox", headers=headers, body=body)

    assert refused.value.code == "amount_mismatch"
    assert PaymentIntent.objects.get(pk=intent.pk).status == "created"


def test_a_tampered_sandbox_notification_is_refused(store, cashier):
    intent, _ = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("99.00")
    )
    headers, body = SandboxProvider().notification_for(intent)

    for bad_headers, bad_body in [
        (headers, body.replace(b'"99.00"', b'"99.01"')),
        ({"X-Sandbox-Signature": "0" * 64}, body),
        ({}, body),
    ]:
        with pytest.raises(PaymentInvalid) as refused:
            payment_notification_receive(method="sandbox", headers=bad_headers, body=bad_body)
        assert refused.value.code == "signature_invalid"
    assert PaymentIntent.objects.get(pk=intent.pk).status == "created"


def test_a_sandbox_refund_completes_at_once_and_never_exceeds_the_payment(
    store, cashier, bricks, paid_intent
):
    order = sell_bricks(cashier, store, bricks, paid_intent.out_trade_no)
    payment = order.payments.get()

    first = provider_refund(payment=payment, amount=Decimal("40.00"), reason="damaged box")
    with pytest.raises(PaymentInvalid) as refused:
        provider_refund(payment=payment, amount=Decimal("59.01"))
    rest = provider_refund(payment=payment, amount=Decimal("59.00"))

    assert (first.status, rest.status) == ("succeeded", "succeeded")
    assert refused.value.code == "refund_exceeds_payment"
    paid_intent.refresh_from_db()
    assert paid_intent.refunded_amount == Decimal("99.00")
    assert ProviderRefund.objects.count() == 2
    assert OutboxEvent.objects.filter(topic="payment_refund.succeeded").count() == 2


def test_a_retried_refund_with_its_number_refunds_once(store, cashier, bricks, paid_intent):
    order = sell_bricks(cashier, store, bricks, paid_intent.out_trade_no)
    payment = order.payments.get()

    first = provider_refund(payment=payment, amount=Decimal("10"), refund_no="RET-1")
    again = provider_refund(payment=payment, amount=Decimal("10"), refund_no="RET-1")

    assert again == first
    assert ProviderRefund.objects.count() == 1
    with pytest.raises(IdempotencyConflict):
        provider_refund(payment=payment, amount=Decimal("11"), refund_no="RET-1")


def test_a_cash_payment_is_not_refunded_through_a_provider(store, cashier, bricks):
    order = sell_bricks(cashier, store, bricks, "", method="cash")

    with pytest.raises(PaymentInvalid) as refused:
        provider_refund(payment=order.payments.get(), amount=Decimal("1"))

    assert refused.value.code == "refund_method_invalid"


def test_the_sandbox_is_off_once_a_real_provider_is_configured(settings, store, cashier):
    settings.STOREOS_ALIPAY_APPID = "2021000000000001"

    with pytest.raises(PaymentInvalid) as refused:
        payment_intent_create(actor=cashier, store=store, method="sandbox", amount=Decimal("5"))

    assert refused.value.code == "payment_method_unavailable"


def test_an_unpaid_code_expires_but_a_late_payment_still_counts(store, cashier):
    intent, _ = payment_intent_create(
        actor=cashier, store=store, method="sandbox", amount=Decimal("9.90")
    )
    headers, body = SandboxProvider().notification_for(intent)

    with clock.frozen(intent.expires_at + dt.timedelta(seconds=1)):
        assert payment_intents_expire() == 1
        with pytest.raises(Conflict) as refused:
            sandbox_payment_complete(actor=cashier, intent=PaymentIntent.objects.get())
        late = payment_notification_receive(method="sandbox", headers=headers, body=body)

    assert refused.value.code == "payment_intent_expired"
    assert late.status == "succeeded"  # the customer's money was taken: it counts
