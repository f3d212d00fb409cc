"""The inventory admin: stock is read-only, and its actions go through the services."""

from decimal import Decimal

import pytest

from storeos.accounts.models import User
from storeos.core.models import AuditEntry
from storeos.inventory.models import ScrapRequest, StockLevel, StockPolicy
from storeos.inventory.scrap import scrap_request
from storeos.inventory.stock import stock_receive


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password="unused-password-1")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def stocked(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))
    return sku


def test_inventory_pages_open_and_the_ledger_cannot_be_edited(admin_client, stocked, shelf):
    level = StockLevel.objects.get()
    for url in (
        "/admin/inventory/stocklevel/?q=SET-1",
        f"/admin/inventory/stocklevel/{level.pk}/change/",
        "/admin/inventory/stockmove/",
        "/admin/inventory/batch/",
        "/admin/inventory/reservation/",
        "/admin/inventory/transfer/",
        "/admin/inventory/stockcount/",
        "/admin/inventory/scraprequest/",
        "/admin/inventory/expiryalert/",
        "/admin/inventory/stockpolicy/add/",
        "/admin/inventory/channelbuffer/add/",
        "/admin/inventory/expirywindow/add/",
    ):
        assert admin_client.get(url).status_code == 200, url

    assert admin_client.get("/admin/inventory/stockmove/add/").status_code == 403
    assert admin_client.post("/admin/inventory/stockmove/1/delete/").status_code == 403


def test_approving_in_the_admin_writes_the_stock_off_through_the_service(
    admin_client, clerk, shelf, stocked
):
    pending = scrap_request(actor=clerk, location=shelf, reason="damaged", lines=[(stocked, 2)])

    response = admin_client.post(
        "/admin/inventory/scraprequest/",
        {"action": "approve", "_selected_action": [pending.pk]},
        follow=True,
    )

    pending.refresh_from_db()
    assert response.status_code == 200
    assert pending.status == "approved"
    assert pending.loss_value == Decimal("100.00")
    assert StockLevel.objects.get(location=shelf, sku=stocked).on_hand == 8
    assert AuditEntry.objects.filter(action="inventory.scrap_approve").exists()


def test_a_refusal_in_an_admin_action_is_shown_and_changes_nothing(
    admin_client, root, shelf, stocked
):
    own = scrap_request(actor=root, location=shelf, reason="lost", lines=[(stocked, 1)])

    response = admin_client.post(
        "/admin/inventory/scraprequest/",
        {"action": "approve", "_selected_action": [own.pk]},
        follow=True,
    )

    assert "another manager must" in response.content.decode()
    assert ScrapRequest.objects.get(pk=own.pk).status == "pending"
    assert StockLevel.objects.get(location=shelf, sku=stocked).on_hand == 10


def test_a_policy_saved_in_the_admin_is_audited_and_checked(admin_client, shelf, sku):
    form = {"location": shelf.pk, "sku": sku.pk, "min_qty": 5, "max_qty": 20, "safety_stock": 2}

    saved = admin_client.post("/admin/inventory/stockpolicy/add/", form)
    inverted = admin_client.post(
        "/admin/inventory/stockpolicy/add/", {**form, "min_qty": 30}, follow=True
    )

    assert saved.status_code == 302
    assert StockPolicy.objects.get().max_qty == 20
    assert AuditEntry.objects.filter(action="inventory.policy_set").count() == 1
    assert inverted.status_code == 200
    assert StockPolicy.objects.count() == 1
