"""The stores API as an integration sees it."""

import json

from storeos.core.models import AuditEntry
from storeos.stores.models import Store


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_the_api_needs_a_token(db, client):
    response = client.get("/api/v1/stores")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_store_manager_lists_only_their_store(manager_api, store, other_store):
    response = manager_api.get("/api/v1/stores")

    assert response.status_code == 200
    assert [s["code"] for s in response.json()] == ["SH01"]


def test_an_unknown_store_is_404(admin_api, store):
    response = admin_api.get("/api/v1/stores/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "store_not_found"


def test_another_stores_record_is_404_for_a_store_manager(manager_api, other_store):
    response = manager_api.get(f"/api/v1/stores/{other_store.pk}")

    assert response.status_code == 404


def test_an_admin_opens_a_store_with_its_locations(admin_api, region):
    # when
    response = _post(
        admin_api,
        "/api/v1/stores",
        {
            "code": "GZ01",
            "name": "Guangzhou Tianhe",
            "region_id": region.pk,
            "selling_area_m2": "120.50",
        },
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "GZ01"
    assert body["selling_area_m2"] == "120.50"
    locations = admin_api.get(f"/api/v1/stores/{body['id']}/locations").json()
    assert {loc["code"] for loc in locations} == {"GZ01-SHELF", "GZ01-BACK"}


def test_a_cashier_cannot_open_a_store(cashier_api, region):
    response = _post(
        cashier_api, "/api/v1/stores", {"code": "X1", "name": "X", "region_id": region.pk}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Store.objects.filter(code="X1").exists()


def test_bad_store_input_is_422_and_saves_nothing(admin_api, region):
    for body in (
        {"code": "X1", "name": "X", "region_id": region.pk, "selling_area_m2": "-3"},
        {"code": "X1", "name": "X", "region_id": region.pk, "time_zone": "Nowhere/Land"},
        {"code": "X1", "name": ""},
    ):
        response = _post(admin_api, "/api/v1/stores", body)
        assert response.status_code == 422, body
    assert not Store.objects.filter(code="X1").exists()


def test_an_unknown_region_is_404(admin_api):
    response = _post(admin_api, "/api/v1/stores", {"code": "X1", "name": "X", "region_id": 424242})

    assert response.status_code == 404
    assert response.json()["code"] == "region_not_found"


def test_a_duplicate_store_code_is_409(admin_api, store):
    response = _post(
        admin_api, "/api/v1/stores", {"code": "SH01", "name": "Again", "region_id": store.region_id}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "store_code_taken"


def test_patching_a_store_changes_only_what_was_sent(admin_api, store):
    # when
    response = _post(admin_api, f"/api/v1/stores/{store.pk}", {"city": "Shanghai"}, method="patch")

    # then
    assert response.status_code == 200
    assert response.json()["city"] == "Shanghai"
    assert response.json()["name"] == "Shanghai Xintiandi"
    assert AuditEntry.objects.filter(action="store.update", store_id=store.pk).count() == 1


def test_locations_by_channel_and_a_new_warehouse(admin_api, store, region):
    # when
    created = _post(
        admin_api,
        "/api/v1/locations",
        {"code": "WH-E", "name": "East DC", "kind": "regional_warehouse", "region_id": region.pk},
    )
    online = admin_api.get("/api/v1/locations", {"channel": "mini_program"})
    unknown_channel = admin_api.get("/api/v1/locations", {"channel": "fax"})

    # then
    assert created.status_code == 201
    assert [loc["code"] for loc in online.json()] == ["SH01-SHELF"]
    assert unknown_channel.status_code == 422


def test_regions_are_listed_and_created(admin_api, region):
    created = _post(admin_api, "/api/v1/regions", {"code": "SOUTH", "name": "South China"})
    listed = admin_api.get("/api/v1/regions")

    assert created.status_code == 201
    assert [r["code"] for r in listed.json()] == ["EAST", "SOUTH"]
