"""The catalog API as an integration sees it, bad input included."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from storeos.catalog.models import Sku
from storeos.core.models import AuditEntry, OutboxEvent


def _send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _new_sku(product, **extra):
    return {
        "product_id": product.pk,
        "code": "LEGO-42143",
        "name": "Ferrari Daytona SP3",
        "list_price": "3299.00",
        "barcodes": ["5702017152660"],
    } | extra


def test_an_admin_adds_a_sku_and_reads_it_back(admin_api, product):
    # when
    created = _send(admin_api, "post", "/api/v1/catalog/skus", _new_sku(product))
    fetched = admin_api.get(f"/api/v1/catalog/skus/{created.json()['id']}")
    scanned = admin_api.get("/api/v1/catalog/skus/by-barcode/5702017152660")

    # then
    assert created.status_code == 201, created.content
    body = fetched.json()
    assert body["list_price"] == "3299.00"
    assert body["barcodes"] == ["5702017152660"]
    assert body["category_id"] == product.category_id
    assert scanned.json()["code"] == "LEGO-42143"


def test_a_barcode_in_use_is_409_and_nothing_is_saved(admin_api, sku, product):
    # given
    skus_before = Sku.objects.count()

    # when
    response = _send(
        admin_api,
        "post",
        "/api/v1/catalog/skus",
        _new_sku(product, barcodes=["NEW-1", "5702016616217"]),
    )

    # then
    assert response.status_code == 409
    assert response.json()["code"] == "barcode_taken"
    assert response.json()["message"]
    assert Sku.objects.count() == skus_before


@pytest.mark.parametrize("price", ["-1.00", -5, "abc", "NaN", "1.001", None])
def test_a_bad_list_price_is_422(admin_api, product, price):
    response = _send(admin_api, "post", "/api/v1/catalog/skus", _new_sku(product, list_price=price))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not Sku.objects.filter(code="LEGO-42143").exists()


def test_a_cashiers_token_cannot_add_a_sku(cashier_api, product):
    response = _send(cashier_api, "post", "/api/v1/catalog/skus", _new_sku(product))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Sku.objects.filter(code="LEGO-42143").exists()


def test_a_cashier_can_read_the_catalog(cashier_api, sku):
    response = cashier_api.get("/api/v1/catalog/skus", {"q": "LEGO"})

    assert response.status_code == 200
    assert response.json()["total"] == 1


def test_an_unknown_sku_is_404(admin_api, db):
    for url in (
        "/api/v1/catalog/skus/424242",
        "/api/v1/catalog/skus/424242/price",
        "/api/v1/catalog/skus/by-barcode/0000",
    ):
        response = admin_api.get(url)
        assert response.status_code == 404, url
    assert admin_api.get("/api/v1/catalog/skus/424242").json()["code"] == "sku_not_found"


def test_search_pages_carry_the_total(admin_api, sku, product):
    # given
    for i in range(4):
        _send(
            admin_api, "post", "/api/v1/catalog/skus", _new_sku(product, code=f"X-{i}", barcodes=[])
        )

    # when
    page = admin_api.get("/api/v1/catalog/skus", {"offset": 2, "limit": 2}).json()
    too_big = admin_api.get("/api/v1/catalog/skus", {"limit": 201})

    # then
    assert (page["total"], page["offset"], page["limit"]) == (5, 2, 2)
    assert [s["code"] for s in page["items"]] == ["X-1", "X-2"]
    assert too_big.status_code == 422


def test_a_price_change_through_the_api_is_audited_and_announced(marketing_api, sku):
    # when
    response = _send(
        marketing_api,
        "post",
        f"/api/v1/catalog/skus/{sku.pk}/price",
        {"price": "2799.00", "reason": "Spring reprice"},
    )

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["old_price"], response.json()["new_price"]) == ("2999.00", "2799.00")
    assert AuditEntry.objects.filter(action="price.change").count() == 1
    assert OutboxEvent.objects.filter(topic="catalog.price_changed").count() == 1
    history = marketing_api.get(f"/api/v1/catalog/skus/{sku.pk}/price-history").json()
    assert history[0]["reason"] == "Spring reprice"
    assert history[0]["actor"] == "marketing.sun"
    assert (history[0]["old_price"], history[0]["new_price"]) == ("2999.00", "2799.00")


@pytest.mark.parametrize("body", [{"price": "10.00"}, {"price": "10.00", "reason": "   "}])
def test_a_price_change_without_a_reason_is_422(marketing_api, sku, body):
    response = _send(marketing_api, "post", f"/api/v1/catalog/skus/{sku.pk}/price", body)

    assert response.status_code == 422
    assert response.json()["code"] in {"reason_required", "validation_error"}
    assert not OutboxEvent.objects.exists()
    sku.refresh_from_db()
    assert sku.list_price == Decimal("2999.00")


@pytest.mark.parametrize("price", ["-0.01", "ten"])
def test_a_bad_new_price_is_422(marketing_api, sku, price):
    response = _send(
        marketing_api,
        "post",
        f"/api/v1/catalog/skus/{sku.pk}/price",
        {"price": price, "reason": "x"},
    )

    assert response.status_code == 422


def test_a_store_manager_reprices_their_store_but_not_another(manager_api, sku, store, other_store):
    # when
    own = _send(
        manager_api,
        "post",
        f"/api/v1/catalog/skus/{sku.pk}/price",
        {"price": "2899.00", "reason": "Match the mall", "store_id": store.pk},
    )
    other = _send(
        manager_api,
        "post",
        f"/api/v1/catalog/skus/{sku.pk}/price",
        {"price": "1.00", "reason": "x", "store_id": other_store.pk},
    )
    chain = _send(
        manager_api,
        "post",
        f"/api/v1/catalog/skus/{sku.pk}/price",
        {"price": "1.00", "reason": "x"},
    )

    # then
    assert own.status_code == 200
    assert other.status_code == 403
    assert other.json()["code"] == "permission_denied"
    assert chain.status_code == 403
    effective = manager_api.get(f"/api/v1/catalog/skus/{sku.pk}/price", {"store_id": store.pk})
    assert effective.json()["price"] == "2899.00"
    assert effective.json()["list_price"] == "2999.00"


def test_repricing_in_an_unknown_store_is_404(admin_api, sku):
    response = _send(
        admin_api,
        "post",
        f"/api/v1/catalog/skus/{sku.pk}/price",
        {"price": "1.00", "reason": "x", "store_id": 424242},
    )

    assert response.status_code == 404
    assert response.json()["code"] == "store_not_found"


def test_a_scheduled_price_list_applies_in_its_window(marketing_api, sku):
    # given
    start = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    created = _send(
        marketing_api,
        "post",
        "/api/v1/catalog/price-lists",
        {
            "code": "618",
            "name": "618 festival",
            "channel": "online_mall",
            "valid_from": start.isoformat(),
            "valid_to": (start + dt.timedelta(days=19)).isoformat(),
        },
    )
    list_id = created.json()["id"]

    # when
    item = _send(
        marketing_api,
        "put",
        f"/api/v1/catalog/price-lists/{list_id}/items/{sku.pk}",
        {"price": "2618.00"},
    )

    # then
    assert created.status_code == 201, created.content
    assert item.status_code == 200, item.content
    url = f"/api/v1/catalog/skus/{sku.pk}/price"
    during = {"channel": "online_mall", "at": "2026-06-10T12:00:00+08:00"}
    assert marketing_api.get(url, during).json()["price"] == "2618.00"
    assert marketing_api.get(url, during | {"channel": "pos"}).json()["price"] == "2999.00"
    assert marketing_api.get(url, {"channel": "online_mall"}).json()["price"] == "2999.00"


def test_categories_series_and_products_are_created_and_listed(admin_api):
    category = _send(
        admin_api, "post", "/api/v1/catalog/categories", {"code": "LIQ", "name": "Liquor"}
    )
    child = _send(
        admin_api,
        "post",
        "/api/v1/catalog/categories",
        {"code": "BAIJIU", "name": "Baijiu", "parent_id": category.json()["id"]},
    )
    series = _send(admin_api, "post", "/api/v1/catalog/series", {"code": "MT", "name": "Moutai"})
    product = _send(
        admin_api,
        "post",
        "/api/v1/catalog/products",
        {
            "code": "P-MT53",
            "name": "Moutai 53%",
            "category_id": child.json()["id"],
            "series_id": series.json()["id"],
        },
    )
    unknown_category = _send(
        admin_api,
        "post",
        "/api/v1/catalog/products",
        {"code": "P-X", "name": "X", "category_id": 9999},
    )

    assert [r.status_code for r in (category, child, series, product)] == [201] * 4
    assert unknown_category.status_code == 404
    listed = admin_api.get("/api/v1/catalog/products", {"category": category.json()["id"]}).json()
    assert [p["code"] for p in listed["items"]] == ["P-MT53"]


def test_patching_a_sku_changes_details_but_never_its_price(admin_api, sku):
    # when
    renamed = _send(admin_api, "patch", f"/api/v1/catalog/skus/{sku.pk}", {"name": "Sián"})
    repriced = _send(admin_api, "patch", f"/api/v1/catalog/skus/{sku.pk}", {"list_price": "1"})

    # then
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Sián"
    assert repriced.status_code == 422
    sku.refresh_from_db()
    assert sku.list_price == Decimal("2999.00")


def test_adding_a_taken_barcode_is_409(admin_api, sku, product):
    other = _send(admin_api, "post", "/api/v1/catalog/skus", _new_sku(product, barcodes=[])).json()

    response = _send(
        admin_api, "post", f"/api/v1/catalog/skus/{other['id']}/barcodes", {"code": "5702016616217"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "barcode_taken"


def test_the_openapi_document_declares_error_responses(admin_api):
    spec = admin_api.get("/api/openapi.json").json()

    create_sku = spec["paths"]["/api/v1/catalog/skus"]["post"]["responses"]
    assert {"201", "403", "409", "422"} <= set(create_sku)
    store_get = spec["paths"]["/api/v1/stores/{store_id}"]["get"]["responses"]
    assert "404" in store_get


def test_nul_characters_are_refused_not_a_server_error(admin_api, sku, product):
    # PostgreSQL cannot store NUL in text; the API must say 422 on both databases.
    created = _send(admin_api, "post", "/api/v1/catalog/skus", _new_sku(product, name="a\x00b"))
    searched = admin_api.get("/api/v1/catalog/skus", {"q": "LEGO\x00"})
    scanned = admin_api.get("/api/v1/catalog/skus/by-barcode/57%00")

    assert created.status_code == 422
    assert searched.status_code == 422
    assert searched.json()["code"] == "text_invalid"
    assert scanned.status_code == 422


def test_paging_past_the_databases_integer_range_is_422_not_a_crash(admin_api, product):
    # Found by the API fuzz: an unbounded offset reached the database and answered 500.
    products = admin_api.get("/api/v1/catalog/products?offset=66683287335833988791026057216")
    skus = admin_api.get("/api/v1/catalog/skus?offset=66683287335833988791026057216")

    assert products.status_code == 422
    assert skus.status_code == 422
    assert products.json()["code"] == "validation_error"
