"""Fifty buyers race for the last ten units: exactly ten leave, nobody oversells."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from storeos.inventory.errors import InsufficientStock
from storeos.inventory.models import Reservation, StockLevel, StockMove
from storeos.inventory.reservations import ReserveLine, reservation_commit, stock_reserve
from storeos.inventory.stock import stock_issue, stock_receive

BUYERS = 50
UNITS = 10


@pytest.mark.django_db(transaction=True)
def test_fifty_tills_and_online_orders_race_for_ten_units(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=UNITS, unit_cost=Decimal("50"))
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(BUYERS)

    def buy(n: int) -> None:
        try:
            start.wait()
            try:
                if n % 2:  # a till sells one unit
                    stock_issue(actor=None, location=shelf, sku=sku, quantity=1)
                else:  # an online order reserves, then pays
                    stock_reserve(
                        reference=f"WEB-{n}",
                        channel="online_mall",
                        lines=[ReserveLine(shelf, sku, 1)],
                    )
                    reservation_commit(reference=f"WEB-{n}")
                result = "sold"
            except InsufficientStock as refused:
                result = refused.code
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    level = StockLevel.objects.get(location=shelf, sku=sku)
    assert outcomes.count("sold") == UNITS
    assert outcomes.count("insufficient_stock") == BUYERS - UNITS
    assert (level.on_hand, level.reserved) == (0, 0)
    assert sum(StockMove.objects.filter(sku=sku).values_list("quantity", flat=True)) == 0
    assert not Reservation.objects.filter(status=Reservation.Status.ACTIVE).exists()
