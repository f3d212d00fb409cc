"""The catalog admin: SKUs are added through the service and prices never change unaudited."""

from decimal import Decimal

import pytest

from storeos.accounts.models import User
from storeos.catalog.models import PriceList, Sku
from storeos.catalog.selectors import price_for
from storeos.core.models import AuditEntry, OutboxEvent


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", password="unused-password-1"))
    return client


def test_catalog_pages_open(admin_client, sku):
    for url in (
        "/admin/catalog/sku/",
        "/admin/catalog/sku/?q=5702016616217",
        "/admin/catalog/sku/add/",
        f"/admin/catalog/sku/{sku.pk}/change/",
        f"/admin/catalog/product/{sku.product_id}/change/",
        "/admin/catalog/category/add/",
        "/admin/catalog/pricelist/add/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_list_price_is_read_only_on_a_sku_page(admin_client, sku):
    # when
    page = admin_client.get(f"/admin/catalog/sku/{sku.pk}/change/").content.decode()

    # then
    assert 'name="list_price"' not in page
    assert f"/catalog/skus/{sku.pk}/price/" in page


def test_a_price_list_item_saved_in_the_admin_is_an_audited_price_change(admin_client, sku, store):
    # given
    price_list = PriceList.objects.create(code="WEEKEND", name="Weekend", store=store)

    # when
    response = admin_client.post(
        f"/admin/catalog/pricelist/{price_list.pk}/change/",
        {
            "name": "Weekend",
            "is_active": "on",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-sku": sku.pk,
            "items-0-price": "2599.00",
        },
    )

    # then
    assert response.status_code == 302, response.content
    assert price_for(sku=sku, store=store) == Decimal("2599.00")
    assert AuditEntry.objects.filter(action="price.change", store_id=store.pk).exists()
    assert OutboxEvent.objects.filter(topic="catalog.price_changed").exists()


def test_a_sku_added_in_the_admin_is_audited(admin_client, product):
    response = admin_client.post(
        "/admin/catalog/sku/add/",
        {
            "product": product.pk,
            "code": "ADM-1",
            "name": "Added in admin",
            "unit": "pc",
            "pack_size": "1",
            "cost": "1.00",
            "list_price": "2.00",
            "tax_rate": "0.13",
            "blocked_channels": "[]",
            "is_active": "on",
            "barcodes-TOTAL_FORMS": "1",
            "barcodes-INITIAL_FORMS": "0",
            "barcodes-MIN_NUM_FORMS": "0",
            "barcodes-MAX_NUM_FORMS": "1000",
            "barcodes-0-code": "ADM-BARCODE",
        },
    )

    assert response.status_code == 302, response.content
    sku = Sku.objects.get(code="ADM-1")
    assert [b.code for b in sku.barcodes.all()] == ["ADM-BARCODE"]
    assert AuditEntry.objects.filter(action="sku.create", object_id=str(sku.pk)).exists()
