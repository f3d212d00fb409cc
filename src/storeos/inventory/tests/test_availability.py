import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import ValidationFailed
from storeos.core.models import OutboxEvent
from storeos.inventory.availability import availability_for, availability_refresh
from storeos.inventory.models import ChannelBuffer
from storeos.inventory.reservations import ReserveLine, stock_reserve
from storeos.inventory.stock import stock_issue, stock_receive


def test_online_availability_counts_only_locations_serving_the_channel(shelf, backroom, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=5, unit_cost=Decimal("50"))
    stock_receive(actor=None, location=backroom, sku=sku, quantity=20, unit_cost=Decimal("50"))
    stock_reserve(reference="WEB-1", channel="online_mall", lines=[ReserveLine(shelf, sku, 2)])
    ChannelBuffer.objects.create(channel="online_mall", sku=sku, quantity=1)

    assert availability_for(channel="online_mall", sku_ids=[sku.pk]) == {sku.pk: 2}
    assert availability_for(channel="delivery", sku_ids=[sku.pk]) == {sku.pk: 3}


def test_expired_batches_are_not_promised_online(shelf, wine):
    with clock.frozen(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        stock_receive(
            actor=None,
            location=shelf,
            sku=wine,
            quantity=4,
            unit_cost=Decimal("80"),
            lot_code="OLD",
            expiry_date=dt.date(2026, 5, 31),
        )
        assert availability_for(channel="online_mall", sku_ids=[wine.pk]) == {wine.pk: 0}


def test_more_than_a_thousand_skus_in_one_call_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        availability_for(channel="online_mall", sku_ids=list(range(1, 1002)))
    assert refused.value.code == "too_many_skus"


def test_an_event_is_emitted_when_a_sku_sells_out_and_when_it_returns(
    shelf, sku, django_capture_on_commit_callbacks
):
    def flips():
        return [
            (e.payload["channel"], e.payload["available"])
            for e in OutboxEvent.objects.filter(topic="inventory.availability_changed")
            if e.payload["channel"] == "online_mall"
        ]

    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(actor=None, location=shelf, sku=sku, quantity=1, unit_cost=Decimal("50"))
    assert flips() == [("online_mall", True)]

    with django_capture_on_commit_callbacks(execute=True):
        stock_issue(actor=None, location=shelf, sku=sku, quantity=1)
    assert flips() == [("online_mall", True), ("online_mall", False)]

    assert availability_refresh(sku_ids=[sku.pk]) == 0  # nothing new crossed zero


def test_a_sku_blocked_on_a_channel_is_never_promised_there(shelf, sku):
    sku.blocked_channels = ["online_mall"]
    sku.save(update_fields=["blocked_channels"])
    stock_receive(actor=None, location=shelf, sku=sku, quantity=5, unit_cost=Decimal("50"))

    assert availability_for(channel="online_mall", sku_ids=[sku.pk]) == {sku.pk: 0}
    assert availability_for(channel="delivery", sku_ids=[sku.pk]) == {sku.pk: 5}


def test_one_transaction_queues_one_refresh_for_all_the_skus_it_touched(
    shelf, sku, wine, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        stock_receive(actor=None, location=shelf, sku=sku, quantity=1, unit_cost=Decimal("50"))
        stock_receive(actor=None, location=shelf, sku=sku, quantity=2, unit_cost=Decimal("50"))
        stock_receive(
            actor=None,
            location=shelf,
            sku=wine,
            quantity=3,
            unit_cost=Decimal("80"),
            lot_code="L1",
            expiry_date=dt.date(2030, 1, 1),
        )

    refreshes = [c for c in callbacks if type(c).__name__ == "_RefreshAfterCommit"]
    assert len(refreshes) == 1
    assert refreshes[0].sku_ids == {sku.pk, wine.pk}


def test_a_sale_that_leaves_plenty_on_the_shelf_queues_no_refresh(
    shelf, sku, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(actor=None, location=shelf, sku=sku, quantity=50, unit_cost=Decimal("50"))
    ChannelBuffer.objects.create(channel="online_mall", sku=sku, quantity=5)

    with django_capture_on_commit_callbacks() as deep:
        stock_issue(actor=None, location=shelf, sku=sku, quantity=40)  # 10 left, buffer 5
    with django_capture_on_commit_callbacks() as shallow:
        stock_issue(actor=None, location=shelf, sku=sku, quantity=6)  # 4 left: within the buffer

    assert deep == []
    assert [type(c).__name__ for c in shallow] == ["_RefreshAfterCommit"]
