"""Changing prices: who may, what gets recorded, and that nothing is half done."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction

from storeos.catalog.models import PriceList, PriceListItem
from storeos.catalog.selectors import price_for, sku_price_history
from storeos.catalog.services import price_change, price_list_create, price_list_item_set
from storeos.core import clock
from storeos.core.errors import PermissionDenied, ValidationFailed
from storeos.core.models import AuditEntry, OutboxEvent

NOON = dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC)


def test_a_list_price_change_writes_an_audit_row_and_an_event(marketing, sku):
    # when
    with clock.frozen(NOON):
        change = price_change(
            actor=marketing, sku=sku, new_price=Decimal("2799.00"), reason="Spring reprice"
        )

    # then
    sku.refresh_from_db()
    assert sku.list_price == Decimal("2799.00")
    entry = AuditEntry.objects.get(action="price.change")
    assert (entry.actor, entry.reason, entry.store_id) == (marketing, "Spring reprice", None)
    assert entry.before == {"price": "2999.00"}
    assert entry.after["price"] == "2799.00"
    event = OutboxEvent.objects.get(topic="catalog.price_changed")
    assert event.payload == {
        "sku_id": sku.pk,
        "sku_code": "LEGO-42115",
        "store_id": None,
        "channel": "",
        "old_price": "2999.00",
        "new_price": "2799.00",
        "effective_at": NOON.isoformat(),
        "price_list_id": None,
    }
    assert (change.old_price, change.new_price) == (Decimal("2999.00"), Decimal("2799.00"))


def test_a_rolled_back_price_change_leaves_no_audit_row_and_no_event(marketing, sku):
    # when: the surrounding work fails after the change
    with pytest.raises(RuntimeError), transaction.atomic():
        price_change(actor=marketing, sku=sku, new_price=Decimal("1.00"), reason="oops")
        raise RuntimeError("the caller's next step failed")

    # then
    sku.refresh_from_db()
    assert sku.list_price == Decimal("2999.00")
    assert not AuditEntry.objects.filter(action="price.change").exists()
    assert not OutboxEvent.objects.exists()


def test_a_failure_inside_the_change_undoes_the_price_and_the_audit_row(marketing, sku):
    # given: the outbox cannot be written
    with (
        mock.patch("storeos.catalog.pricing.event_emit", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        price_change(actor=marketing, sku=sku, new_price=Decimal("1.00"), reason="test")

    # then
    sku.refresh_from_db()
    assert sku.list_price == Decimal("2999.00")
    assert not AuditEntry.objects.filter(action="price.change").exists()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_price_change_needs_a_reason(marketing, sku, reason):
    with pytest.raises(ValidationFailed) as refused:
        price_change(actor=marketing, sku=sku, new_price=Decimal("10.00"), reason=reason)

    assert (refused.value.code, refused.value.status) == ("reason_required", 422)
    assert not OutboxEvent.objects.exists()


def test_the_same_price_again_is_refused(marketing, sku):
    with pytest.raises(ValidationFailed) as refused:
        price_change(actor=marketing, sku=sku, new_price=Decimal("2999"), reason="again")

    assert refused.value.code == "price_unchanged"


def test_a_negative_price_is_refused(marketing, sku):
    with pytest.raises(ValidationFailed) as refused:
        price_change(actor=marketing, sku=sku, new_price=Decimal("-1"), reason="x")

    assert refused.value.code == "price_invalid"


def test_a_store_manager_changes_their_own_stores_price_only(manager, sku, store):
    # when
    change = price_change(
        actor=manager, sku=sku, new_price=Decimal("2899.00"), reason="Local match", store=store
    )

    # then: the store pays the new price, the chain keeps the list price
    sku.refresh_from_db()
    assert sku.list_price == Decimal("2999.00")
    assert price_for(sku=sku, store=store, channel="pos") == Decimal("2899.00")
    assert change.store_id == store.pk
    assert AuditEntry.objects.get(action="price.change").store_id == store.pk


def test_a_store_manager_cannot_change_another_stores_price(manager, sku, other_store):
    with pytest.raises(PermissionDenied):
        price_change(
            actor=manager, sku=sku, new_price=Decimal("1.00"), reason="x", store=other_store
        )

    assert not PriceListItem.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_a_store_manager_cannot_change_the_list_price(manager, sku):
    with pytest.raises(PermissionDenied):
        price_change(actor=manager, sku=sku, new_price=Decimal("1.00"), reason="x")


def test_store_and_channel_prices_share_one_standing_list_per_scope(admin, sku, product, store):
    # given
    from storeos.catalog.services import sku_create

    second = sku_create(actor=None, product=product, code="S2", name="S2", list_price=Decimal(50))

    # when
    price_change(actor=admin, sku=sku, new_price=Decimal("2900"), reason="a", store=store)
    price_change(actor=admin, sku=second, new_price=Decimal("45"), reason="b", store=store)
    price_change(
        actor=admin,
        sku=sku,
        new_price=Decimal("2800"),
        reason="c",
        store=store,
        channel="online_mall",
    )
    price_change(actor=admin, sku=sku, new_price=Decimal("2850"), reason="d", store=store)

    # then
    assert PriceList.objects.filter(kind="standing").count() == 2
    assert price_for(sku=sku, store=store, channel="pos") == Decimal("2850")
    assert price_for(sku=sku, store=store, channel="online_mall") == Decimal("2800")
    assert price_for(sku=second, store=store) == Decimal("45")
    last = OutboxEvent.objects.filter(topic="catalog.price_changed").last()
    assert (last.payload["old_price"], last.payload["new_price"]) == ("2900.00", "2850.00")


def test_a_promotion_price_is_audited_and_announced(marketing, sku):
    # given
    promo = price_list_create(
        actor=marketing,
        code="SPRING",
        name="Spring sale",
        valid_from=NOON + dt.timedelta(days=1),
        valid_to=NOON + dt.timedelta(days=8),
    )

    # when
    with clock.frozen(NOON):
        price_list_item_set(actor=marketing, price_list=promo, sku=sku, price=Decimal("2499"))

    # then
    event = OutboxEvent.objects.get(topic="catalog.price_changed")
    assert event.payload["effective_at"] == (NOON + dt.timedelta(days=1)).isoformat()
    assert event.payload["price_list_id"] == promo.pk
    assert AuditEntry.objects.filter(action="price.change", reason="price list SPRING").exists()


def test_a_price_list_must_end_after_it_starts(marketing):
    with pytest.raises(ValidationFailed) as refused:
        price_list_create(actor=marketing, code="BAD", name="Bad", valid_from=NOON, valid_to=NOON)
    assert refused.value.code == "validity_invalid"


def test_price_history_is_newest_first_and_hides_other_stores(
    admin, manager, sku, store, other_store
):
    # given
    with clock.frozen(NOON):
        price_change(actor=admin, sku=sku, new_price=Decimal("2900"), reason="one")
    with clock.frozen(NOON + dt.timedelta(hours=1)):
        price_change(actor=admin, sku=sku, new_price=Decimal("2800"), reason="two", store=store)
    with clock.frozen(NOON + dt.timedelta(hours=2)):
        price_change(
            actor=admin, sku=sku, new_price=Decimal("2700"), reason="three", store=other_store
        )

    # then
    assert [e.reason for e in sku_price_history(user=admin, sku=sku)] == ["three", "two", "one"]
    assert [e.reason for e in sku_price_history(user=manager, sku=sku)] == ["two", "one"]
