import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.inventory.errors import InsufficientStock, ReservationClosed
from storeos.inventory.models import MoveKind, Reservation, StockLevel, StockMove
from storeos.inventory.reservations import (
    ReserveLine,
    reservation_commit,
    reservation_release,
    reservations_expire,
    stock_reserve,
)
from storeos.inventory.stock import stock_issue, stock_receive

T0 = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)


def level(shelf, sku):
    row = StockLevel.objects.get(location=shelf, sku=sku)
    return row.on_hand, row.reserved


def test_reserved_units_cannot_be_sold_at_the_till(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=3, unit_cost=Decimal("50"))
    stock_reserve(reference="WEB-1", channel="online_mall", lines=[ReserveLine(shelf, sku, 2)])

    with pytest.raises(InsufficientStock):
        stock_issue(actor=None, location=shelf, sku=sku, quantity=2)

    stock_issue(actor=None, location=shelf, sku=sku, quantity=1)
    assert level(shelf, sku) == (2, 2)


def test_paying_commits_the_reservation_as_a_sale(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=3, unit_cost=Decimal("50"))
    stock_reserve(reference="WEB-1", channel="online_mall", lines=[ReserveLine(shelf, sku, 2)])

    reservation_commit(reference="WEB-1")

    assert level(shelf, sku) == (1, 0)
    sale = StockMove.objects.get(kind=MoveKind.SALE)
    assert (sale.quantity, sale.reference_id) == (-2, "WEB-1")


def test_the_same_order_reserved_twice_holds_stock_once(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=3, unit_cost=Decimal("50"))
    lines = [ReserveLine(shelf, sku, 2)]

    first = stock_reserve(reference="WEB-1", channel="online_mall", lines=lines)
    again = stock_reserve(reference="WEB-1", channel="online_mall", lines=lines)

    assert first.pk == again.pk
    assert level(shelf, sku) == (3, 2)


def test_a_reservation_short_of_stock_holds_nothing(shelf, sku, category):
    from storeos.inventory.tests.conftest import make_sku

    other = make_sku(category, "SET-2")
    stock_receive(actor=None, location=shelf, sku=sku, quantity=3, unit_cost=Decimal("50"))
    stock_receive(actor=None, location=shelf, sku=other, quantity=1, unit_cost=Decimal("50"))

    with pytest.raises(InsufficientStock):
        stock_reserve(
            reference="WEB-1",
            channel="online_mall",
            lines=[ReserveLine(shelf, sku, 2), ReserveLine(shelf, other, 2)],
        )

    assert level(shelf, sku) == (3, 0)
    assert not Reservation.objects.exists()


def test_an_expired_reservation_is_released_by_the_job_and_sellable_again(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=1, unit_cost=Decimal("50"))
    with clock.frozen(T0):
        stock_reserve(
            reference="WEB-1",
            channel="online_mall",
            lines=[ReserveLine(shelf, sku, 1)],
            ttl=dt.timedelta(minutes=15),
        )
    with clock.frozen(T0 + dt.timedelta(minutes=14)):
        assert reservations_expire() == 0
    with clock.frozen(T0 + dt.timedelta(minutes=16)):
        assert reservations_expire() == 1

    assert Reservation.objects.get().status == Reservation.Status.EXPIRED
    stock_issue(actor=None, location=shelf, sku=sku, quantity=1)
    assert level(shelf, sku) == (0, 0)


def test_a_released_reservation_cannot_then_be_paid(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=1, unit_cost=Decimal("50"))
    stock_reserve(reference="WEB-1", channel="online_mall", lines=[ReserveLine(shelf, sku, 1)])
    reservation_release(reference="WEB-1")

    with pytest.raises(ReservationClosed) as refused:
        reservation_commit(reference="WEB-1")

    assert refused.value.details["status"] == "released"
    assert level(shelf, sku) == (1, 0)
