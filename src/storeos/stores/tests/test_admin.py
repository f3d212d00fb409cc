"""The stores admin opens stores through the same service as the API."""

import pytest

from storeos.accounts.models import User
from storeos.core.models import AuditEntry
from storeos.stores.models import Store


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", password="unused-password-1"))
    return client


def test_store_pages_open(admin_client, store):
    for url in (
        "/admin/stores/store/",
        "/admin/stores/store/add/",
        f"/admin/stores/store/{store.pk}/change/",
        "/admin/stores/location/",
        "/admin/stores/region/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_a_store_added_in_the_admin_gets_its_locations_and_an_audit_row(admin_client, region):
    # when
    response = admin_client.post(
        "/admin/stores/store/add/",
        {
            "code": "CD01",
            "name": "Chengdu Taikoo Li",
            "region": region.pk,
            "time_zone": "Asia/Shanghai",
            "is_active": "on",
        },
    )

    # then
    assert response.status_code == 302, response.content
    store = Store.objects.get(code="CD01")
    assert {loc.code for loc in store.locations.all()} == {"CD01-SHELF", "CD01-BACK"}
    assert AuditEntry.objects.filter(action="store.create", store_id=store.pk).exists()


def test_a_refused_store_shows_the_reason_and_saves_nothing(admin_client, region):
    response = admin_client.post(
        "/admin/stores/store/add/",
        {"code": "CD02", "name": "Chengdu", "region": region.pk, "time_zone": "Atlantis/Deep"},
        follow=True,
    )

    assert "Unknown time zone" in response.content.decode()
    assert not Store.objects.filter(code="CD02").exists()
