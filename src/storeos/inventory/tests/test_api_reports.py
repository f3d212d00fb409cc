"""Stock policies, the low-stock and slow-moving reports, near-expiry alerts and the OpenAPI
document, through the HTTP API."""

import datetime as dt
from decimal import Decimal

import pytest

from storeos.accounts.services import api_token_issue
from storeos.core import clock
from storeos.inventory.expiry import expiry_scan
from storeos.inventory.models import ExpiryAlert, StockPolicy
from storeos.inventory.stock import stock_issue, stock_receive
from storeos.inventory.tests.conftest import make_sku

URL = "/api/v1/inventory"
NOW = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)


def auth(user) -> dict[str, str]:
    _, secret = api_token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def put(client, url, body, headers):
    return client.put(url, body, content_type="application/json", **headers)


def post(client, url, body, headers, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body, content_type="application/json", **headers, **extra)


def test_a_manager_sets_a_policy_and_the_sku_shows_as_low_with_a_suggestion(
    client, manager, shelf, sku
):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=3, unit_cost=Decimal("50"))
    headers = auth(manager)
    body = {"location_id": shelf.pk, "sku_id": sku.pk, "min_qty": 5, "max_qty": 20}

    saved = put(client, f"{URL}/policies", body, headers)
    changed = put(client, f"{URL}/policies", {**body, "safety_stock": 2}, headers)
    listed = client.get(f"{URL}/policies", {"location_id": shelf.pk}, **headers).json()
    low = client.get(f"{URL}/reports/low-stock", {"location_id": shelf.pk}, **headers).json()

    assert saved.status_code == changed.status_code == 200
    assert changed.json()["safety_stock"] == 2
    assert listed["total"] == 1
    assert listed["items"][0]["sku_code"] == "SET-1"
    assert [(r["sku_code"], r["available"], r["suggested"]) for r in low] == [("SET-1", 3, 17)]


def test_a_minimum_above_the_maximum_or_below_zero_is_refused(client, manager, shelf, sku):
    headers = auth(manager)
    body = {"location_id": shelf.pk, "sku_id": sku.pk, "min_qty": 30, "max_qty": 20}

    inverted = put(client, f"{URL}/policies", body, headers)
    negative = put(client, f"{URL}/policies", {**body, "min_qty": -1}, headers)

    assert inverted.status_code == negative.status_code == 422
    assert inverted.json()["code"] == "policy_min_above_max"
    assert negative.json()["code"] == "validation_error"
    assert not StockPolicy.objects.exists()


def test_a_cashier_cannot_set_policies_and_another_stores_location_is_not_found(
    client, clerk, manager2, shelf, sku
):
    body = {"location_id": shelf.pk, "sku_id": sku.pk, "min_qty": 1, "max_qty": 2}

    by_clerk = put(client, f"{URL}/policies", body, auth(clerk))
    elsewhere = client.get(f"{URL}/policies", {"location_id": shelf.pk}, **auth(manager2))
    low_elsewhere = client.get(
        f"{URL}/reports/low-stock", {"location_id": shelf.pk}, **auth(manager2)
    )

    assert by_clerk.status_code == 403
    assert elsewhere.status_code == low_elsewhere.status_code == 404
    assert not StockPolicy.objects.exists()


def test_slow_movers_are_listed_with_the_value_they_tie_up(client, manager, shelf, category):
    sleeper = make_sku(category, "SLEEPER")
    seller = make_sku(category, "SELLER")
    with clock.frozen(NOW - dt.timedelta(days=60)):
        for item in (sleeper, seller):
            stock_receive(
                actor=None, location=shelf, sku=item, quantity=10, unit_cost=Decimal("50")
            )
    with clock.frozen(NOW - dt.timedelta(days=3)):
        stock_issue(actor=None, location=shelf, sku=seller, quantity=5)
    headers = auth(manager)

    with clock.frozen(NOW):
        unsold = client.get(
            f"{URL}/reports/slow-moving", {"location_id": shelf.pk, "days": 30}, **headers
        )
        few = client.get(
            f"{URL}/reports/slow-moving",
            {"location_id": shelf.pk, "days": 30, "max_units": 5},
            **headers,
        )
        no_window = client.get(
            f"{URL}/reports/slow-moving", {"location_id": shelf.pk, "days": 0}, **headers
        )

    assert [(r["sku_code"], r["on_hand"], Decimal(r["value"])) for r in unsold.json()] == [
        ("SLEEPER", 10, Decimal("500.00"))
    ]
    assert unsold.json()[0]["days_of_inventory"] is None
    assert [(r["sku_code"], r["units_sold"]) for r in few.json()] == [
        ("SLEEPER", 0),
        ("SELLER", 5),
    ]
    assert Decimal(few.json()[1]["days_of_inventory"]) == Decimal("30.0")
    assert no_window.status_code == 422


@pytest.fixture
def alert(shelf, wine):
    stock_receive(
        actor=None,
        location=shelf,
        sku=wine,
        quantity=6,
        unit_cost=Decimal("80"),
        lot_code="SOON",
        expiry_date=clock.today() + dt.timedelta(days=20),
    )
    expiry_scan()
    return ExpiryAlert.objects.get()


def test_acknowledging_an_alert_takes_it_off_the_open_list(client, clerk, alert):
    headers = auth(clerk)

    before = client.get(f"{URL}/alerts", **headers).json()
    first = post(client, f"{URL}/alerts/{alert.pk}/acknowledge", {}, headers)
    again = post(client, f"{URL}/alerts/{alert.pk}/acknowledge", {}, headers)
    after = client.get(f"{URL}/alerts", **headers).json()

    assert [a["lot_code"] for a in before] == ["SOON"]
    assert first.status_code == again.status_code == 200
    assert first.json()["acknowledged_at"] is not None
    assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert after == []


def test_another_stores_alert_cannot_be_acknowledged(client, manager2, alert):
    response = post(client, f"{URL}/alerts/{alert.pk}/acknowledge", {}, auth(manager2))

    assert response.status_code == 404
    assert response.json()["code"] == "alert_not_found"
    assert ExpiryAlert.objects.get().acknowledged_at is None


def test_every_inventory_operation_declares_its_refusals_in_the_openapi_document(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    paths = {p: ops for p, ops in response.json()["paths"].items() if "/v1/inventory/" in p}
    assert "/api/v1/inventory/counts/{count_id}/upload" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {"401", "403", "422"} <= declared, (method, path)
            if "{" in path:
                assert "404" in declared, (method, path)
            if "Idempotency-Key" in operation.get("summary", ""):
                headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
                assert headers == ["Idempotency-Key"], (method, path)
