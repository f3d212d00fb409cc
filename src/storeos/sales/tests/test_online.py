import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import IdempotencyConflict
from storeos.core.models import OutboxEvent
from storeos.inventory.errors import InsufficientStock
from storeos.inventory.models import Reservation, StockLevel, StockMove
from storeos.sales.checkout import CartLine, Tender
from storeos.sales.errors import (
    AgeCheckRequired,
    OrderStateInvalid,
    PaymentMismatch,
    SkuNotSoldOnChannel,
)
from storeos.sales.models import Order, Payment
from storeos.sales.online import (
    PickupCodeInvalid,
    online_order_create,
    online_order_pay,
    online_orders_expire,
    order_cancel,
    order_complete,
    order_pickup,
    order_ready_for_pickup,
    order_ship,
)
from storeos.sales.tests.conftest import make_sku

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def level(sku):
    row = StockLevel.objects.get(sku=sku)
    return row.on_hand, row.reserved


def place(actor, store, *lines, channel="online_mall", **options):
    return online_order_create(
        actor=actor,
        order_id=options.pop("order_id", uuid.uuid4()),
        store=store,
        channel=channel,
        lines=list(lines),
        **options,
    )


def pay_by_card(actor, order, amount):
    return online_order_pay(
        actor=actor, order=order, payments=[Tender("card", Decimal(amount), reference="POS-77")]
    )


def test_placing_an_online_order_holds_its_stock_without_selling_it(store, cashier, bricks):
    order = place(cashier, store, CartLine(bricks, 2))

    assert order.status == "pending_payment"
    assert order.total == Decimal("198.00")
    assert order.fulfilment == "pickup"
    assert [(ln.sku_id, ln.quantity) for ln in order.lines.all()] == [(bricks.pk, 2)]
    assert level(bricks) == (10, 2)
    assert Reservation.objects.get(reference=str(order.uuid)).status == "active"
    assert not StockMove.objects.filter(kind="sale").exists()
    assert not Payment.objects.exists()


def test_paying_turns_the_hold_into_a_sale_and_gives_a_pickup_code(store, cashier, bricks):
    order = place(cashier, store, CartLine(bricks, 2))

    paid = pay_by_card(cashier, order, "198.00")

    assert paid.status == "paid"
    assert len(paid.pickup_code) == 6 and paid.pickup_code.isdigit()
    assert level(bricks) == (8, 0)
    assert StockMove.objects.filter(kind="sale", reference_id=str(order.uuid)).count() == 1
    assert paid.payments.get().amount == Decimal("198.00")
    assert paid.cost_total == Decimal("99.00")
    assert Reservation.objects.get(reference=str(order.uuid)).status == "committed"
    event = OutboxEvent.objects.get(topic="order.paid")
    assert event.payload["order_id"] == str(order.uuid)
    assert event.payload["channel"] == "online_mall"


def test_the_customer_collects_with_the_code_and_a_wrong_code_hands_nothing_over(
    store, cashier, bricks
):
    order = pay_by_card(cashier, place(cashier, store, CartLine(bricks, 1)), "99.00")
    order_ready_for_pickup(actor=cashier, order=order)
    wrong = "000000" if order.pickup_code != "000000" else "111111"

    with pytest.raises(PickupCodeInvalid) as refused:
        order_pickup(actor=cashier, order=order, pickup_code=wrong)
    assert refused.value.code == "pickup_code_invalid"
    order.refresh_from_db()
    assert order.status == "ready_for_pickup"

    order_pickup(actor=cashier, order=order, pickup_code=order.pickup_code)
    assert order.status == "completed"
    assert order.completed_at is not None


def test_an_order_is_not_handed_over_before_it_is_ready(store, cashier, bricks):
    order = pay_by_card(cashier, place(cashier, store, CartLine(bricks, 1)), "99.00")

    with pytest.raises(OrderStateInvalid) as refused:
        order_pickup(actor=cashier, order=order, pickup_code=order.pickup_code)

    assert refused.value.code == "order_state_invalid"


def test_a_delivery_order_ships_with_its_tracking_number_and_completes(store, cashier, bricks):
    order = place(cashier, store, CartLine(bricks, 1), fulfilment="delivery")
    order = pay_by_card(cashier, order, "99.00")
    assert order.pickup_code == ""

    with pytest.raises(OrderStateInvalid):
        order_ready_for_pickup(actor=cashier, order=order)
    order_ship(actor=cashier, order=order, carrier="SF Express", tracking_no="SF1234567890")
    assert (order.status, order.carrier, order.tracking_no) == (
        "shipped",
        "SF Express",
        "SF1234567890",
    )
    order_complete(actor=cashier, order=order)
    assert order.status == "completed"


def test_unpaid_orders_expire_and_their_stock_can_be_sold_again(store, cashier, bricks):
    with clock.frozen(T0):
        order = place(cashier, store, CartLine(bricks, 3), ttl=dt.timedelta(minutes=30))
    with clock.frozen(T0 + dt.timedelta(minutes=29)):
        assert online_orders_expire() == 0
    assert level(bricks) == (10, 3)

    with clock.frozen(T0 + dt.timedelta(minutes=31)):
        assert online_orders_expire() == 1
        with pytest.raises(OrderStateInvalid):
            pay_by_card(cashier, Order.objects.get(pk=order.pk), "297.00")

    order.refresh_from_db()
    assert order.status == "expired"
    assert order.cancelled_at is not None
    assert level(bricks) == (10, 0)
    assert Reservation.objects.get(reference=str(order.uuid)).status == "released"
    assert not Payment.objects.exists()


def test_a_payment_after_the_deadline_is_refused_even_before_the_job_runs(store, cashier, bricks):
    with clock.frozen(T0):
        order = place(cashier, store, CartLine(bricks, 1), ttl=dt.timedelta(minutes=5))

    with clock.frozen(T0 + dt.timedelta(minutes=6)), pytest.raises(OrderStateInvalid) as late:
        pay_by_card(cashier, order, "99.00")

    assert late.value.code == "order_expired"
    assert level(bricks) == (10, 1)
    assert not Payment.objects.exists()


def test_tobacco_is_refused_online_and_nothing_is_held(store, cashier, cigarettes, bricks):
    with pytest.raises(SkuNotSoldOnChannel) as refused:
        place(cashier, store, CartLine(bricks, 1), CartLine(cigarettes, 1), age_confirmed=True)

    assert refused.value.code == "sku_not_sold_on_channel"
    assert not Order.objects.exists()
    assert not Reservation.objects.exists()
    assert level(bricks) == (10, 0)


def test_age_restricted_goods_online_need_the_shops_age_check(store, cashier, category, floor):
    baijiu = make_sku(category, "BAIJIU", "499.00", stock=5, location=floor, age_restricted=True)

    with pytest.raises(AgeCheckRequired):
        place(cashier, store, CartLine(baijiu, 1), channel="mini_program")
    order = place(cashier, store, CartLine(baijiu, 1), channel="mini_program", age_confirmed=True)

    assert order.age_confirmed_at is not None
    assert order.age_confirmed_by == cashier


def test_the_same_order_placed_twice_is_held_once(store, cashier, bricks):
    order_id = uuid.uuid4()

    first = place(cashier, store, CartLine(bricks, 2), order_id=order_id)
    again = place(cashier, store, CartLine(bricks, 2), order_id=order_id)

    assert first.pk == again.pk
    assert Order.objects.count() == 1
    assert level(bricks) == (10, 2)
    with pytest.raises(IdempotencyConflict):
        place(cashier, store, CartLine(bricks, 3), order_id=order_id)
    assert level(bricks) == (10, 2)


def test_paying_twice_with_the_same_payment_charges_once(store, cashier, bricks):
    order = place(cashier, store, CartLine(bricks, 1))

    first = pay_by_card(cashier, order, "99.00")
    again = pay_by_card(cashier, Order.objects.get(pk=order.pk), "99.00")

    assert first.pk == again.pk
    assert again.pickup_code == first.pickup_code
    assert Payment.objects.count() == 1
    assert level(bricks) == (9, 0)
    with pytest.raises(OrderStateInvalid):
        online_order_pay(actor=cashier, order=again, payments=[Tender("cash", Decimal("99.00"))])


def test_payments_that_do_not_add_up_leave_the_order_waiting(store, cashier, bricks):
    order = place(cashier, store, CartLine(bricks, 1))

    with pytest.raises(PaymentMismatch):
        pay_by_card(cashier, order, "90.00")

    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert level(bricks) == (10, 1)
    assert not Payment.objects.exists()


def test_an_order_for_more_than_is_free_holds_nothing(store, cashier, bricks, figure):
    with pytest.raises(InsufficientStock):
        place(cashier, store, CartLine(figure, 2), CartLine(bricks, 11))

    assert not Order.objects.exists()
    assert not Reservation.objects.exists()
    assert (level(bricks), level(figure)) == ((10, 0), (10, 0))


def test_cancelling_an_unpaid_order_frees_its_stock_but_a_paid_one_is_returned(
    store, cashier, bricks
):
    unpaid = place(cashier, store, CartLine(bricks, 2))
    paid = pay_by_card(cashier, place(cashier, store, CartLine(bricks, 1)), "99.00")

    order_cancel(actor=cashier, order=unpaid)
    order_cancel(actor=cashier, order=unpaid)  # a retry changes nothing
    with pytest.raises(OrderStateInvalid) as refused:
        order_cancel(actor=cashier, order=paid)

    assert unpaid.status == "cancelled"
    assert refused.value.code == "order_paid"
    assert level(bricks) == (9, 0)


def test_pos_is_not_an_online_channel(store, cashier, bricks):
    from storeos.sales.errors import CartInvalid

    with pytest.raises(CartInvalid) as refused:
        place(cashier, store, CartLine(bricks, 1), channel="pos")

    assert refused.value.code == "channel_invalid"
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_order_paid_from_two_connections_at_once_is_charged_once(store, cashier, bricks):
    import threading

    from django.db import connection

    order = place(cashier, store, CartLine(bricks, 1))
    results, errors = [], []
    start = threading.Barrier(4)

    def pay():
        try:
            start.wait()
            results.append(pay_by_card(cashier, Order.objects.get(pk=order.pk), "99.00").pk)
        except Exception as exc:  # collected so the assertion shows what went wrong
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert results == [order.pk] * 4
    assert Payment.objects.count() == 1
    assert StockMove.objects.filter(kind="sale").count() == 1
    assert OutboxEvent.objects.filter(topic="order.paid").count() == 1
    assert level(bricks) == (9, 0)
