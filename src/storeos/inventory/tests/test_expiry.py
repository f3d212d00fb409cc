import datetime as dt
from decimal import Decimal

from storeos.core.models import OutboxEvent
from storeos.inventory.expiry import expiry_scan
from storeos.inventory.models import ExpiryAlert, ExpiryWindow
from storeos.inventory.stock import stock_receive

TODAY = dt.date(2026, 6, 1)


def receive(shelf, wine, lot, expiry):
    stock_receive(
        actor=None,
        location=shelf,
        sku=wine,
        quantity=6,
        unit_cost=Decimal("80"),
        lot_code=lot,
        expiry_date=expiry,
    )


def test_batches_inside_the_window_raise_one_alert_each(shelf, wine):
    receive(shelf, wine, "SOON", TODAY + dt.timedelta(days=30))
    receive(shelf, wine, "LATER", TODAY + dt.timedelta(days=200))

    assert expiry_scan(today=TODAY) == 1
    assert expiry_scan(today=TODAY) == 0  # the next day's scan does not repeat it

    alert = ExpiryAlert.objects.get()
    assert alert.batch.lot_code == "SOON"
    event = OutboxEvent.objects.get(topic="inventory.near_expiry")
    assert (event.payload["lot_code"], event.payload["days_left"]) == ("SOON", 30)


def test_a_category_can_widen_its_window(shelf, wine, category):
    ExpiryWindow.objects.create(category=category, days=365)
    receive(shelf, wine, "LATER", TODAY + dt.timedelta(days=200))

    assert expiry_scan(today=TODAY) == 1
