"""Who sees which stores and locations."""

import pytest

from storeos.core.errors import NotFound
from storeos.stores.models import Location
from storeos.stores.selectors import (
    location_list,
    locations_serving,
    store_get,
    store_list,
)
from storeos.stores.services import location_create


def test_a_store_manager_sees_only_their_store(manager, store, other_store):
    assert list(store_list(user=manager)) == [store]


def test_a_chain_wide_user_sees_every_store(admin, store, other_store):
    assert {s.code for s in store_list(user=admin)} == {"SH01", "HZ01"}


def test_a_store_the_user_cannot_see_looks_missing(manager, other_store):
    with pytest.raises(NotFound) as hidden:
        store_get(user=manager, store_id=other_store.pk)
    with pytest.raises(NotFound) as missing:
        store_get(user=manager, store_id=999_999)
    assert hidden.value.code == missing.value.code == "store_not_found"


def test_warehouses_are_listed_for_chain_wide_users_only(admin, manager, store, region):
    # given
    location_create(
        actor=None, code="WH-C", name="Central", kind=Location.Kind.CENTRAL_WAREHOUSE, region=region
    )

    # then
    assert "WH-C" in {loc.code for loc in location_list(user=admin)}
    assert {loc.code for loc in location_list(user=manager)} == {"SH01-SHELF", "SH01-BACK"}


def test_locations_filter_by_channel_and_store(admin, store, other_store):
    # when
    online = location_list(user=admin, channel="online_mall")
    one_store = location_list(user=admin, store_id=store.pk)

    # then
    assert {loc.code for loc in online} == {"SH01-SHELF", "HZ01-SHELF"}
    assert {loc.code for loc in one_store} == {"SH01-SHELF", "SH01-BACK"}


def test_locations_serving_a_channel_skip_inactive_and_back_rooms(store, other_store):
    # given
    Location.objects.filter(code="HZ01-SHELF").update(is_active=False)

    # then
    assert [loc.code for loc in locations_serving(channel="delivery")] == ["SH01-SHELF"]
    assert locations_serving(channel="pos", store=other_store) == []
