"""Exchanges: a return and a new sale in one transaction; the customer pays or gets back the
difference, and a failed sale undoes the return."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import IdempotencyConflict, ValidationFailed
from storeos.inventory.errors import InsufficientStock
from storeos.inventory.models import StockLevel, StockMove
from storeos.inventory.selectors import levels_mismatching_moves
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.errors import PaymentMismatch
from storeos.sales.exchanges import exchange_create, exchange_credit_claim, exchange_new_order_id
from storeos.sales.models import Order, Payment, Refund, SalesReturn
from storeos.sales.returns import return_create

MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
LATER = MORNING + dt.timedelta(days=3)


def sell(cashier, store, lines, payments) -> Order:
    with clock.frozen(MORNING):
        return checkout(
            actor=cashier, order_id=uuid.uuid4(), store=store, lines=lines, payments=payments
        )


def exchange(cashier, order, return_lines, new_lines, payments, exchange_id=None):
    with clock.frozen(LATER):
        return exchange_create(
            actor=cashier,
            exchange_id=exchange_id or uuid.uuid4(),
            order=order,
            return_lines=return_lines,
            new_lines=new_lines,
            payments=payments,
            reason="wrong set",
        )


def on_hand(sku) -> int:
    return StockLevel.objects.get(sku=sku).on_hand


def first_line(order):
    return order.lines.get(line_no=1)


def test_a_cheaper_item_swapped_for_a_dearer_one_costs_only_the_difference(
    store, cashier, bricks, figure
):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("card", Decimal("19.90"))])

    swapped = exchange(
        cashier,
        order,
        [(first_line(order), 1, "restock")],
        [CartLine(bricks, 1)],
        [Tender("cash", Decimal("79.10"), tendered=Decimal("80.00"))],
    )

    new_order = swapped.exchange_order
    assert swapped.kind == "exchange"
    assert new_order.uuid == exchange_new_order_id(swapped.uuid)
    assert new_order.total == Decimal("99.00")
    assert sorted((p.method, p.amount) for p in new_order.payments.all()) == [
        ("cash", Decimal("79.10")),
        ("exchange", Decimal("19.90")),
    ]
    assert [(r.method, r.amount, r.reference) for r in swapped.refunds.all()] == [
        ("exchange", Decimal("19.90"), new_order.number)
    ]
    # The card was not refunded: its money now pays for the bricks.
    assert Payment.objects.get(order=order).refunded_amount == Decimal("0")
    assert (on_hand(figure), on_hand(bricks)) == (10, 9)
    assert levels_mismatching_moves() == []


def test_a_dearer_item_swapped_for_a_cheaper_one_refunds_the_rest_to_the_card(
    store, cashier, bricks, figure
):
    order = sell(cashier, store, [CartLine(bricks, 1)], [Tender("card", Decimal("99.00"))])

    swapped = exchange(
        cashier, order, [(first_line(order), 1, "restock")], [CartLine(figure, 1)], []
    )

    assert swapped.exchange_order.total == Decimal("19.90")
    assert sorted((r.method, r.amount) for r in swapped.refunds.all()) == [
        ("card", Decimal("79.10")),
        ("exchange", Decimal("19.90")),
    ]
    assert Payment.objects.get(order=order).refunded_amount == Decimal("79.10")


def test_when_the_new_sale_fails_the_return_is_undone_too(store, cashier, bricks, figure):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("card", Decimal("19.90"))])

    with pytest.raises(InsufficientStock):
        exchange(
            cashier,
            order,
            [(first_line(order), 1, "restock")],
            [CartLine(bricks, 11)],
            [Tender("cash", Decimal("1069.10"))],
        )

    assert not SalesReturn.objects.exists()
    assert not Refund.objects.exists()
    assert Order.objects.count() == 1
    assert first_line(order).returned_quantity == 0
    assert (on_hand(figure), on_hand(bricks)) == (9, 10)
    assert not StockMove.objects.filter(kind="return").exists()


def test_payments_that_do_not_cover_the_difference_refuse_the_exchange(
    store, cashier, bricks, figure
):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("card", Decimal("19.90"))])

    with pytest.raises(PaymentMismatch):
        exchange(
            cashier,
            order,
            [(first_line(order), 1, "restock")],
            [CartLine(bricks, 1)],
            [Tender("cash", Decimal("50.00"))],
        )

    assert not SalesReturn.objects.exists()
    assert first_line(order).returned_quantity == 0


def test_returning_goods_bought_with_exchange_credit_refunds_the_original_card(
    store, cashier, bricks, figure
):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("card", Decimal("19.90"))])
    swapped = exchange(
        cashier,
        order,
        [(first_line(order), 1, "restock")],
        [CartLine(bricks, 1)],
        [Tender("cash", Decimal("79.10"))],
    )
    new_order = swapped.exchange_order

    with clock.frozen(LATER):
        taken = return_create(
            actor=cashier,
            return_id=uuid.uuid4(),
            order=new_order,
            lines=[(first_line(new_order), 1, "restock")],
            reason="changed mind",
        )

    # Non-cash first: the exchange credit goes back to the card it came from, then cash.
    assert sorted((r.method, r.amount, r.payment.order_id) for r in taken.refunds.all()) == [
        ("card", Decimal("19.90"), order.pk),
        ("cash", Decimal("79.10"), new_order.pk),
    ]
    assert Payment.objects.get(order=order).refunded_amount == Decimal("19.90")
    assert on_hand(bricks) == 10


def test_the_same_exchange_sent_twice_lands_once(store, cashier, bricks, figure):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("card", Decimal("19.90"))])
    exchange_id = uuid.uuid4()
    args = (
        cashier,
        order,
        [(first_line(order), 1, "restock")],
        [CartLine(bricks, 1)],
        [Tender("cash", Decimal("79.10"))],
    )

    first = exchange(*args, exchange_id=exchange_id)
    again = exchange(*args, exchange_id=exchange_id)

    assert first.pk == again.pk
    assert Order.objects.count() == 2
    assert on_hand(bricks) == 9
    with pytest.raises(IdempotencyConflict):
        exchange(
            cashier,
            order,
            [(first_line(order), 1, "restock")],
            [CartLine(figure, 1)],
            [],
            exchange_id=exchange_id,
        )


def test_exchange_credit_cannot_be_made_up_at_checkout(store, cashier, bricks, figure):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("card", Decimal("19.90"))])
    swapped = exchange(
        cashier,
        order,
        [(first_line(order), 1, "restock")],
        [CartLine(bricks, 1)],
        [Tender("cash", Decimal("79.10"))],
    )

    for reference in (str(uuid.uuid4()), str(swapped.uuid), "not-a-uuid"):
        with pytest.raises(ValidationFailed) as refused:
            exchange_credit_claim(reference=reference, amount=Decimal("1.00"), order=order)
        assert refused.value.code == "exchange_credit_invalid"
