"""Two tills returning the same last unit at once: exactly one refund goes out.

Runs real threads on each connection: PostgreSQL serialises on the order's row lock, SQLite on
its IMMEDIATE write lock; either way the conditional UPDATE is the final guard.
"""

import uuid
from decimal import Decimal

import pytest

from storeos.inventory.models import StockLevel
from storeos.inventory.selectors import levels_mismatching_moves
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import Payment, Refund, SalesReturn
from storeos.sales.returns import return_create
from storeos.testing.concurrency import race as threads_race

TILLS = 4


def race(submit) -> tuple[list, list]:
    return threads_race(submit, TILLS)


@pytest.mark.django_db(transaction=True)
def test_four_tills_returning_the_last_unit_refund_it_once(store, cashier, figure):
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(figure, 1)],
        payments=[Tender("cash", Decimal("19.90"))],
    )
    order_line = order.lines.get()

    results, errors = race(
        lambda n: return_create(
            actor=cashier,
            return_id=uuid.uuid4(),
            order=order,
            lines=[(order_line, 1, "restock")],
            reason=f"till {n}",
        )
    )

    assert len(results) == 1
    assert sorted(e.code for e in errors) == ["return_quantity_exceeded"] * (TILLS - 1)
    assert SalesReturn.objects.count() == 1
    assert Refund.objects.count() == 1
    assert Payment.objects.get(order=order).refunded_amount == Decimal("19.90")
    assert StockLevel.objects.get(sku=figure).on_hand == 10
    assert levels_mismatching_moves() == []


@pytest.mark.django_db(transaction=True)
def test_one_return_sent_from_four_connections_at_once_lands_once(store, cashier, figure):
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(figure, 2)],
        payments=[Tender("cash", Decimal("39.80"))],
    )
    order_line = order.lines.get()
    return_id = uuid.uuid4()

    results, errors = race(
        lambda n: (
            return_create(
                actor=cashier,
                return_id=return_id,
                order=order,
                lines=[(order_line, 1, "restock")],
                reason="changed mind",
            ).pk
        )
    )

    assert errors == []
    assert len(set(results)) == 1
    assert Refund.objects.count() == 1
    assert order.lines.get().returned_quantity == 1
    assert StockLevel.objects.get(sku=figure).on_hand == 9
