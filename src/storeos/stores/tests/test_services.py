"""Opening stores and adding locations and zones."""

from decimal import Decimal

import pytest

from storeos.core.errors import Conflict, PermissionDenied, ValidationFailed
from storeos.core.models import AuditEntry
from storeos.stores.models import Location, Store
from storeos.stores.services import location_create, store_create, store_update, zone_create


def test_a_new_store_gets_a_sellable_shelf_and_a_back_room(admin, region):
    # when
    store = store_create(
        actor=admin, code="BJ01", name="Beijing Sanlitun", region=region, city="Beijing"
    )

    # then
    shelf, back = store.locations.order_by("kind").reverse()
    assert (shelf.code, shelf.kind, shelf.sellable) == ("BJ01-SHELF", "store_shelf", True)
    assert set(shelf.channels) == {"pos", "online_mall", "mini_program", "delivery"}
    assert (back.code, back.kind, back.sellable, back.channels) == (
        "BJ01-BACK",
        "store_backroom",
        False,
        [],
    )
    assert shelf.region == region
    assert AuditEntry.objects.filter(action="store.create", store_id=store.pk).exists()


def test_a_store_can_be_opened_without_locations(admin, region):
    store = store_create(
        actor=admin, code="BJ02", name="Beijing Wudaokou", region=region, create_locations=False
    )

    assert not store.locations.exists()


def test_a_store_code_is_used_once(admin, store):
    # when / then
    with pytest.raises(Conflict) as refused:
        store_create(actor=admin, code="SH01", name="Second", region=store.region)
    assert refused.value.code == "store_code_taken"
    assert Store.objects.filter(code="SH01").count() == 1


def test_bad_store_details_are_refused_and_nothing_is_saved(admin, region):
    for kwargs, code in [
        ({"time_zone": "Mars/Olympus"}, "time_zone_invalid"),
        ({"selling_area_m2": Decimal("-5")}, "area_invalid"),
        ({"code": " "}, "code_required"),
        ({"code": "X" * 33}, "code_too_long"),
    ]:
        args = {"code": "NEW1", "name": "New", "region": region} | kwargs
        with pytest.raises(ValidationFailed) as refused:
            store_create(actor=admin, **args)
        assert refused.value.code == code
    assert not Store.objects.exists()
    assert not Location.objects.exists()


def test_only_a_chain_wide_store_editor_opens_stores(manager, cashier, region):
    for user in (manager, cashier):
        with pytest.raises(PermissionDenied):
            store_create(actor=user, code="NO1", name="No", region=region)
    assert not Store.objects.filter(code="NO1").exists()


def test_a_store_change_is_audited_with_before_and_after(admin, store):
    # when
    store_update(actor=admin, store=store, name="Shanghai Xintiandi Flagship", city="Shanghai")

    # then
    store.refresh_from_db()
    assert store.name == "Shanghai Xintiandi Flagship"
    entry = AuditEntry.objects.get(action="store.update")
    assert entry.before == {"name": "Shanghai Xintiandi", "city": ""}
    assert entry.after == {"name": "Shanghai Xintiandi Flagship", "city": "Shanghai"}


def test_a_store_code_cannot_be_changed(admin, store):
    with pytest.raises(ValidationFailed) as refused:
        store_update(actor=admin, store=store, code="NEW")
    assert refused.value.code == "field_not_updatable"


def test_a_store_manager_cannot_edit_their_store_record(manager, store):
    with pytest.raises(PermissionDenied):
        store_update(actor=manager, store=store, name="Mine now")


def test_a_warehouse_serves_no_store(admin, region):
    # when
    warehouse = location_create(
        actor=admin,
        code="WH-EAST",
        name="East regional warehouse",
        kind=Location.Kind.REGIONAL_WAREHOUSE,
        region=region,
    )

    # then
    assert warehouse.store is None
    assert warehouse.channels == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "store_shelf"}, "location_store_required"),
        ({"kind": "moon_base"}, "location_kind_invalid"),
        (
            {"kind": "central_warehouse", "sellable": True, "channels": ["teleport"]},
            "channel_invalid",
        ),
        ({"kind": "central_warehouse", "channels": ["pos"]}, "location_not_sellable"),
    ],
)
def test_bad_locations_are_refused(admin, kwargs, code):
    with pytest.raises(ValidationFailed) as refused:
        location_create(actor=admin, code="L1", name="L1", **kwargs)
    assert refused.value.code == code
    assert not Location.objects.filter(code="L1").exists()


def test_a_location_code_is_used_once(admin, store):
    with pytest.raises(Conflict) as refused:
        location_create(
            actor=admin, code="SH01-SHELF", name="Again", kind="store_shelf", store=store
        )
    assert refused.value.code == "location_code_taken"


def test_zone_codes_are_unique_within_a_store(admin, store, other_store):
    # given
    zone_create(actor=admin, store=store, code="ENTRANCE", name="Entrance")

    # when: the same code in another store is fine, twice in one store is not
    zone_create(actor=admin, store=other_store, code="ENTRANCE", name="Entrance")
    with pytest.raises(Conflict) as refused:
        zone_create(actor=admin, store=store, code="ENTRANCE", name="Door")

    # then
    assert refused.value.code == "zone_code_taken"
    assert store.zones.count() == 1
