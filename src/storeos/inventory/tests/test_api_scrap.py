"""Scrap requests through the HTTP API: request, a second manager decides, the loss report."""

import datetime as dt
from decimal import Decimal

import pytest

from storeos.accounts.services import api_token_issue
from storeos.core import clock
from storeos.inventory.models import MoveKind, ScrapRequest, StockLevel, StockMove
from storeos.inventory.stock import stock_receive

URL = "/api/v1/inventory"
# 01:00 UTC is 09:00 in Shanghai, the store's business day 1 June 2026.
MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)


def auth(user) -> dict[str, str]:
    _, secret = api_token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, headers, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body, content_type="application/json", **headers, **extra)


def on_hand(location, sku) -> int:
    return StockLevel.objects.get(location=location, sku=sku).on_hand


@pytest.fixture
def stocked(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))
    return sku


def request_scrap(client, user, shelf, sku, quantity=2, reason="damaged") -> dict:
    body = {
        "location_id": shelf.pk,
        "reason": reason,
        "lines": [{"sku_id": sku.pk, "quantity": quantity}],
        "note": "dropped",
    }
    response = post(client, f"{URL}/scrap-requests", body, auth(user))
    assert response.status_code == 201, response.json()
    return response.json()


def test_approving_your_own_scrap_request_is_refused(client, manager, shelf, stocked):
    mine = request_scrap(client, manager, shelf, stocked)

    response = post(
        client, f"{URL}/scrap-requests/{mine['id']}/approve", {}, auth(manager), key="A1"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "own_request"
    assert ScrapRequest.objects.get(pk=mine["id"]).status == "pending"
    assert on_hand(shelf, stocked) == 10


def test_another_manager_approves_once_and_the_loss_is_recorded_at_cost(
    client, clerk, deputy, shelf, stocked
):
    pending = request_scrap(client, clerk, shelf, stocked)
    headers = auth(deputy)

    approved = post(
        client, f"{URL}/scrap-requests/{pending['id']}/approve", {"note": "ok"}, headers, key="A2"
    )
    replay = post(
        client, f"{URL}/scrap-requests/{pending['id']}/approve", {"note": "ok"}, headers, key="A2"
    )

    assert pending["status"] == "pending"
    assert pending["requested_by"] == "clerk"
    assert approved.status_code == 200, approved.json()
    assert approved.json() == replay.json()
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "deputy"
    assert Decimal(approved.json()["loss_value"]) == Decimal("100.00")
    assert Decimal(approved.json()["lines"][0]["unit_cost"]) == Decimal("50")
    assert on_hand(shelf, stocked) == 8
    assert StockMove.objects.filter(kind=MoveKind.SCRAP).count() == 1


def test_a_clerk_cannot_approve_and_a_rejection_needs_a_reason(
    client, clerk, manager, shelf, stocked
):
    pending = request_scrap(client, manager, shelf, stocked)

    by_clerk = post(
        client, f"{URL}/scrap-requests/{pending['id']}/approve", {}, auth(clerk), key="A3"
    )
    no_reason = post(client, f"{URL}/scrap-requests/{pending['id']}/reject", {}, auth(manager))

    assert by_clerk.status_code == 403
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "note_required"
    assert ScrapRequest.objects.get(pk=pending["id"]).status == "pending"


def test_a_rejected_request_cannot_be_approved_afterwards(client, clerk, manager, shelf, stocked):
    pending = request_scrap(client, clerk, shelf, stocked)
    headers = auth(manager)

    rejected = post(
        client, f"{URL}/scrap-requests/{pending['id']}/reject", {"note": "still sellable"}, headers
    )
    approved = post(client, f"{URL}/scrap-requests/{pending['id']}/approve", {}, headers, key="A4")

    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_note"] == "still sellable"
    assert approved.status_code == 409
    assert approved.json()["code"] == "scrap_already_decided"
    assert on_hand(shelf, stocked) == 10


def test_scrap_requests_are_listed_by_status_within_the_users_stores(
    client, clerk, manager2, shelf, stocked
):
    request_scrap(client, clerk, shelf, stocked)

    mine = client.get(f"{URL}/scrap-requests", {"status": "pending"}, **auth(clerk)).json()
    theirs = client.get(f"{URL}/scrap-requests", **auth(manager2)).json()
    one = client.get(f"{URL}/scrap-requests/{mine['items'][0]['id']}", **auth(manager2))

    assert mine["total"] == 1
    assert theirs["total"] == 0
    assert one.status_code == 404
    assert one.json()["code"] == "scrap_request_not_found"


def test_the_loss_report_totals_approved_scrap_by_reason(
    client, clerk, manager, deputy, shelf, stocked, store, store2
):
    with clock.frozen(MORNING):
        damaged = request_scrap(client, clerk, shelf, stocked, quantity=2, reason="damaged")
        lost = request_scrap(client, clerk, shelf, stocked, quantity=1, reason="lost")
        request_scrap(client, clerk, shelf, stocked, quantity=4, reason="lost")  # stays pending
        for pending, key in ((damaged, "L1"), (lost, "L2")):
            url = f"{URL}/scrap-requests/{pending['id']}/approve"
            assert post(client, url, {}, auth(deputy), key=key).status_code == 200
    period = {"date_from": "2026-06-01", "date_to": "2026-06-01"}

    report = client.get(f"{URL}/reports/loss", {**period, "store_id": store.pk}, **auth(manager))
    other_store = client.get(
        f"{URL}/reports/loss", {**period, "store_id": store2.pk}, **auth(manager)
    )
    backwards = client.get(
        f"{URL}/reports/loss",
        {"date_from": "2026-06-02", "date_to": "2026-06-01"},
        **auth(manager),
    )

    body = report.json()
    assert [(r["store_code"], r["reason"], r["units"]) for r in body["rows"]] == [
        ("S1", "damaged", 2),
        ("S1", "lost", 1),
    ]
    assert body["total_units"] == 3
    assert Decimal(body["total_value"]) == Decimal("150.00")
    assert other_store.status_code == 404
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "period_invalid"


def test_scrapping_more_than_is_on_the_shelf_is_a_conflict(client, clerk, shelf, stocked):
    body = {
        "location_id": shelf.pk,
        "reason": "lost",
        "lines": [{"sku_id": stocked.pk, "quantity": 11}],
    }

    response = post(client, f"{URL}/scrap-requests", body, auth(clerk))
    unknown_reason = post(
        client, f"{URL}/scrap-requests", {**body, "reason": "stolen"}, auth(clerk)
    )

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert unknown_reason.status_code == 422
    assert not ScrapRequest.objects.exists()
