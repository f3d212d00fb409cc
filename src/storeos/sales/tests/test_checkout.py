import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection

from storeos.core.errors import IdempotencyConflict, PermissionDenied
from storeos.core.models import OutboxEvent
from storeos.inventory.errors import InsufficientStock
from storeos.inventory.models import StockLevel, StockMove
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.errors import AgeCheckRequired, PaymentMismatch, SkuNotSoldOnChannel
from storeos.sales.models import Order, Payment
from storeos.sales.tests.conftest import user_with_role


def on_hand(sku):
    return StockLevel.objects.get(sku=sku).on_hand


def nothing_was_sold():
    return not (
        Order.objects.exists()
        or Payment.objects.exists()
        or StockMove.objects.filter(kind="sale").exists()
        or OutboxEvent.objects.filter(topic="order.paid").exists()
    )


def test_a_cash_sale_takes_stock_gives_change_and_announces_the_order(
    store, cashier, bricks, figure
):
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1), CartLine(figure, 2)],
        payments=[Tender("cash", Decimal("138.80"), tendered=Decimal("200.00"))],
    )

    assert order.total == Decimal("138.80")
    assert order.status == "paid"
    assert [(ln.sku.code, ln.quantity, ln.line_total) for ln in order.lines.all()] == [
        ("BRICKS", 1, Decimal("99.00")),
        ("FIGURE", 2, Decimal("39.80")),
    ]
    assert order.payments.get().change == Decimal("61.20")
    assert (on_hand(bricks), on_hand(figure)) == (9, 8)
    assert order.cost_total == Decimal("69.40")
    event = OutboxEvent.objects.get(topic="order.paid")
    assert event.payload["order_id"] == str(order.uuid)


def test_split_payments_must_add_up_to_the_total_exactly(store, cashier, bricks):
    with pytest.raises(PaymentMismatch) as refused:
        checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(bricks, 1)],
            payments=[Tender("cash", Decimal("50.00")), Tender("card", Decimal("48.99"))],
        )

    assert refused.value.code == "payment_mismatch"
    assert nothing_was_sold()
    assert on_hand(bricks) == 10


def test_stock_short_on_the_last_line_leaves_no_trace(store, cashier, bricks, figure):
    with pytest.raises(InsufficientStock):
        checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(bricks, 1), CartLine(figure, 11)],
            payments=[Tender("card", Decimal("317.90"), reference="T-1")],
        )

    assert nothing_was_sold()
    assert (on_hand(bricks), on_hand(figure)) == (10, 10)


def test_the_same_order_submitted_twice_is_sold_once(store, cashier, bricks):
    order_id = uuid.uuid4()
    sale = {
        "actor": cashier,
        "order_id": order_id,
        "store": store,
        "lines": [CartLine(bricks, 2)],
        "payments": [Tender("card", Decimal("198.00"), reference="T-9")],
    }

    first = checkout(**sale)
    again = checkout(**sale)

    assert first.pk == again.pk
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert on_hand(bricks) == 8


def test_the_same_order_id_with_another_cart_is_refused(store, cashier, bricks):
    order_id = uuid.uuid4()
    checkout(
        actor=cashier,
        order_id=order_id,
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("cash", Decimal("99.00"))],
    )

    with pytest.raises(IdempotencyConflict):
        checkout(
            actor=cashier,
            order_id=order_id,
            store=store,
            lines=[CartLine(bricks, 2)],
            payments=[Tender("cash", Decimal("198.00"))],
        )
    assert on_hand(bricks) == 9


@pytest.mark.django_db(transaction=True)
def test_an_order_sent_from_two_connections_at_once_lands_once(store, cashier, bricks):
    order_id = uuid.uuid4()
    results, errors = [], []
    start = threading.Barrier(4)

    def submit():
        try:
            start.wait()
            order = checkout(
                actor=cashier,
                order_id=order_id,
                store=store,
                lines=[CartLine(bricks, 1)],
                payments=[Tender("cash", Decimal("99.00"))],
            )
            results.append(order.pk)
        except Exception as exc:  # collected so the assertion shows what went wrong
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert StockMove.objects.filter(kind="sale").count() == 1
    assert on_hand(bricks) == 9


def test_age_restricted_items_need_the_cashiers_confirmation(store, cashier, cigarettes):
    sale = {
        "actor": cashier,
        "store": store,
        "lines": [CartLine(cigarettes, 1)],
        "payments": [Tender("cash", Decimal("25.00"))],
    }
    with pytest.raises(AgeCheckRequired):
        checkout(order_id=uuid.uuid4(), **sale)

    order = checkout(order_id=uuid.uuid4(), age_confirmed=True, **sale)

    assert order.age_confirmed_by == cashier
    assert order.age_confirmed_at is not None


def test_tobacco_is_refused_on_the_online_mall(store, cashier, cigarettes):
    with pytest.raises(SkuNotSoldOnChannel):
        checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            channel="online_mall",
            lines=[CartLine(cigarettes, 1)],
            payments=[Tender("card", Decimal("25.00"))],
            age_confirmed=True,
        )
    assert nothing_was_sold()


def test_a_cashier_of_another_store_cannot_sell_here(store, bricks):
    from storeos.stores.models import Store

    other = Store.objects.create(code="S2", name="Two", region=store.region)
    stranger = user_with_role("cashier", other)

    with pytest.raises(PermissionDenied):
        checkout(
            actor=stranger,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(bricks, 1)],
            payments=[Tender("cash", Decimal("99.00"))],
        )
    assert nothing_was_sold()


@pytest.mark.parametrize("quantity", [0, -2])
def test_a_quantity_below_one_is_refused(store, cashier, bricks, quantity):
    from storeos.sales.errors import CartInvalid

    with pytest.raises(CartInvalid) as refused:
        checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(bricks, quantity)],
            payments=[Tender("cash", Decimal("99.00"))],
        )
    assert refused.value.code == "quantity_invalid"
    assert nothing_was_sold()
