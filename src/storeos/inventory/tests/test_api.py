from decimal import Decimal

from storeos.inventory.models import StockLevel, StockMove
from storeos.inventory.stock import stock_receive


def post(client, url, body, headers, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body, content_type="application/json", **headers, **extra)


def test_a_store_manager_receives_goods_once_however_often_the_request_is_sent(
    client, shelf, sku, bearer
):
    headers = bearer("store_manager")
    body = {"location_id": shelf.pk, "sku_id": sku.pk, "quantity": 12, "unit_cost": "48.50"}

    first = post(client, "/api/v1/inventory/receipts", body, headers, key="GRN-1")
    again = post(client, "/api/v1/inventory/receipts", body, headers, key="GRN-1")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert StockLevel.objects.get(location=shelf, sku=sku).on_hand == 12


def test_a_receipt_without_an_idempotency_key_is_refused(client, shelf, sku, bearer):
    body = {"location_id": shelf.pk, "sku_id": sku.pk, "quantity": 1, "unit_cost": "1"}

    response = post(client, "/api/v1/inventory/receipts", body, bearer("store_manager"))

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_required"
    assert not StockMove.objects.exists()


def test_a_cashier_cannot_receive_or_adjust_stock(client, shelf, sku, bearer):
    headers = bearer("cashier")
    receipt = {"location_id": shelf.pk, "sku_id": sku.pk, "quantity": 1, "unit_cost": "1"}
    adjust = {"location_id": shelf.pk, "sku_id": sku.pk, "delta": 5, "reason": "found"}

    assert post(client, "/api/v1/inventory/receipts", receipt, headers, "K1").status_code == 403
    assert post(client, "/api/v1/inventory/adjustments", adjust, headers, "K2").status_code == 403
    assert not StockMove.objects.exists()


def test_another_stores_location_looks_like_it_does_not_exist(client, sku, bearer, store):
    from storeos.stores.models import Location, Region, Store

    other = Store.objects.create(code="S2", name="Two", region=Region.objects.get())
    elsewhere = Location.objects.create(
        code="S2-SHELF", name="Shelf", kind=Location.Kind.STORE_SHELF, store=other, sellable=True
    )

    response = client.get(
        f"/api/v1/inventory/stock-card?location_id={elsewhere.pk}&sku_id={sku.pk}",
        **bearer("store_manager"),
    )

    assert response.status_code == 404
    assert response.json()["code"] == "location_not_found"


def test_an_online_shop_reserves_and_pays_through_the_api(client, shelf, sku, bearer):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=5, unit_cost=Decimal("50"))
    headers = bearer("cashier")
    order = {
        "reference": "WEB-9",
        "channel": "online_mall",
        "lines": [{"location_id": shelf.pk, "sku_id": sku.pk, "quantity": 2}],
    }

    created = post(client, "/api/v1/inventory/reservations", order, headers)
    availability = post(
        client,
        "/api/v1/inventory/availability",
        {"channel": "online_mall", "sku_ids": [sku.pk]},
        headers,
    )
    paid = post(client, "/api/v1/inventory/reservations/WEB-9/commit", {}, headers)
    paid_again = post(client, "/api/v1/inventory/reservations/WEB-9/commit", {}, headers)

    assert created.status_code == 201
    assert availability.json()["items"] == {str(sku.pk): 3}
    assert paid.json()["status"] == "committed"
    assert paid_again.status_code == 409
    assert paid_again.json()["code"] == "reservation_closed"
    assert StockLevel.objects.get(location=shelf, sku=sku).on_hand == 3


def test_reserving_more_than_is_there_is_a_conflict_that_holds_nothing(client, shelf, sku, bearer):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=1, unit_cost=Decimal("50"))
    order = {
        "reference": "WEB-10",
        "channel": "online_mall",
        "lines": [{"location_id": shelf.pk, "sku_id": sku.pk, "quantity": 2}],
    }

    response = post(client, "/api/v1/inventory/reservations", order, bearer("cashier"))

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert StockLevel.objects.get(location=shelf, sku=sku).reserved == 0


def test_a_negative_quantity_is_refused_before_anything_moves(client, shelf, sku, bearer):
    body = {"location_id": shelf.pk, "sku_id": sku.pk, "quantity": -3, "unit_cost": "1"}

    response = post(client, "/api/v1/inventory/receipts", body, bearer("store_manager"), "K9")

    assert response.status_code == 422
    assert not StockMove.objects.exists()
