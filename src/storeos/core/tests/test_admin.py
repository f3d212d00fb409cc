import pytest
from django.contrib.auth import get_user_model

from storeos.core import outbox
from storeos.core.audit import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    root = get_user_model().objects.create_superuser(username="root", password="x")
    client.force_login(root)
    return client


def test_the_audit_log_is_searchable_and_read_only(staff_client):
    audit_record(actor=None, action="price.change", object_type="catalog.sku", object_id="A-42")
    audit_record(actor=None, action="role.grant", object_type="accounts.user", object_id="7")
    found = staff_client.get("/admin/core/auditentry/", {"q": "A-42"}).content.decode()
    assert "A-42" in found and "accounts.user" not in found
    filtered = staff_client.get("/admin/core/auditentry/", {"action": "role.grant"})
    assert "accounts.user" in filtered.content.decode()
    assert staff_client.get("/admin/core/auditentry/add/").status_code == 403


def test_outbox_events_are_listed_and_read_only(staff_client):
    event = outbox.event_emit(topic="test.sale", payload={"order": 1})
    assert "test.sale" in staff_client.get("/admin/core/outboxevent/").content.decode()
    page = staff_client.get(f"/admin/core/outboxevent/{event.pk}/change/")
    assert page.status_code == 200
    assert 'type="submit" value="Save"' not in page.content.decode()
    assert staff_client.get("/admin/core/outboxevent/add/").status_code == 403
