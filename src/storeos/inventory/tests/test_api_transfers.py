"""Transfers through the HTTP API: draft, ship, receive with discrepancies, and store scope."""

from decimal import Decimal

import pytest

from storeos.accounts.services import api_token_issue
from storeos.inventory.models import MoveKind, StockLevel, StockMove, Transfer, TransferLine
from storeos.inventory.stock import stock_receive
from storeos.stores.models import Location

URL = "/api/v1/inventory"


def auth(user) -> dict[str, str]:
    _, secret = api_token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, headers, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body, content_type="application/json", **headers, **extra)


def on_hand(location, sku) -> int:
    return sum(
        StockLevel.objects.filter(location=location, sku=sku).values_list("on_hand", flat=True)
    )


def snapshot():
    """Everything a refused call must leave alone."""
    return (
        sorted(StockLevel.objects.values_list("location_id", "sku_id", "on_hand", "reserved")),
        StockMove.objects.count(),
        sorted(Transfer.objects.values_list("pk", "status")),
        sorted(
            TransferLine.objects.values_list(
                "pk", "quantity", "shipped_quantity", "received_quantity"
            )
        ),
    )


@pytest.fixture
def stocked(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("50"))
    return sku


@pytest.fixture
def draft(client, clerk, shelf, shelf2, stocked):
    body = {
        "from_location_id": shelf.pk,
        "to_location_id": shelf2.pk,
        "lines": [{"sku_id": stocked.pk, "quantity": 6}],
        "note": "slow at S1, sells at S2",
    }
    response = post(client, f"{URL}/transfers", body, auth(clerk))
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_transfer_goes_from_draft_to_partly_received_with_the_shortfall_explained(
    client, clerk, manager2, shelf, shelf2, stocked, draft
):
    sender, receiver = auth(clerk), auth(manager2)

    shipped = post(client, f"{URL}/transfers/{draft['id']}/ship", {}, sender, key="SHIP-1")
    on_the_road = client.get(f"{URL}/in-transit", **receiver).json()
    line_id = shipped.json()["lines"][0]["id"]
    received = post(
        client,
        f"{URL}/transfers/{draft['id']}/receive",
        {"received": {str(line_id): 4}, "reasons": {str(line_id): "2 boxes crushed"}},
        receiver,
        key="GRN-1",
    )
    seen_by_sender = client.get(f"{URL}/transfers/{draft['id']}", **sender).json()

    assert draft["status"] == "draft"
    assert draft["number"].startswith("TR-")
    assert shipped.status_code == 200
    assert shipped.json()["status"] == "shipped"
    assert shipped.json()["lines"][0]["in_transit"] == 6
    assert [(r["transfer_id"], r["quantity"]) for r in on_the_road] == [(draft["id"], 6)]
    assert received.status_code == 200, received.json()
    assert seen_by_sender["status"] == "partially_received"
    line = seen_by_sender["lines"][0]
    assert (line["shipped_quantity"], line["received_quantity"]) == (6, 4)
    assert (line["in_transit"], line["discrepancy"]) == (0, 2)
    assert line["discrepancy_reason"] == "2 boxes crushed"
    assert client.get(f"{URL}/in-transit", **receiver).json() == []
    assert (on_hand(shelf, stocked), on_hand(shelf2, stocked)) == (4, 4)


def test_a_repeated_ship_request_with_the_same_key_ships_once(client, clerk, shelf, stocked, draft):
    headers = auth(clerk)

    first = post(client, f"{URL}/transfers/{draft['id']}/ship", {}, headers, key="SHIP-7")
    again = post(client, f"{URL}/transfers/{draft['id']}/ship", {}, headers, key="SHIP-7")
    new_key = post(client, f"{URL}/transfers/{draft['id']}/ship", {}, headers, key="SHIP-8")

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert new_key.status_code == 409
    assert new_key.json()["code"] == "transfer_not_draft"
    assert StockMove.objects.filter(kind=MoveKind.TRANSFER_OUT).count() == 1
    assert on_hand(shelf, stocked) == 4


def test_shipping_without_an_idempotency_key_is_refused(client, clerk, draft):
    response = post(client, f"{URL}/transfers/{draft['id']}/ship", {}, auth(clerk))

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_required"
    assert Transfer.objects.get(pk=draft["id"]).status == "draft"


def test_a_shortfall_without_a_reason_is_refused_and_nothing_arrives(
    client, clerk, manager2, draft
):
    shipped = post(client, f"{URL}/transfers/{draft['id']}/ship", {}, auth(clerk), key="S1")
    line_id = shipped.json()["lines"][0]["id"]
    before = snapshot()

    response = post(
        client,
        f"{URL}/transfers/{draft['id']}/receive",
        {"received": {str(line_id): 5}},
        auth(manager2),
        key="R1",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "discrepancy_reason_required"
    assert snapshot() == before


def test_a_negative_quantity_is_refused_and_nothing_changes(
    client, clerk, manager2, shelf, shelf2, stocked, draft
):
    shipped = post(client, f"{URL}/transfers/{draft['id']}/ship", {}, auth(clerk), key="S2")
    line_id = shipped.json()["lines"][0]["id"]
    before = snapshot()

    created = post(
        client,
        f"{URL}/transfers",
        {
            "from_location_id": shelf.pk,
            "to_location_id": shelf2.pk,
            "lines": [{"sku_id": stocked.pk, "quantity": -3}],
        },
        auth(clerk),
    )
    received = post(
        client,
        f"{URL}/transfers/{draft['id']}/receive",
        {"received": {str(line_id): -1}, "reasons": {str(line_id): "?"}},
        auth(manager2),
        key="R2",
    )

    assert created.status_code == received.status_code == 422
    assert created.json()["code"] == received.json()["code"] == "validation_error"
    assert snapshot() == before


def test_transferring_more_than_is_there_is_a_conflict(client, clerk, shelf, shelf2, stocked):
    body = {
        "from_location_id": shelf.pk,
        "to_location_id": shelf2.pk,
        "lines": [{"sku_id": stocked.pk, "quantity": 11}],
    }

    response = post(client, f"{URL}/transfers", body, auth(clerk))

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert not Transfer.objects.exists()


def test_another_stores_transfer_looks_like_it_does_not_exist(
    client, clerk, manager2, shelf2, stocked, store2
):
    backroom2 = Location.objects.create(
        code="S2-BACK", name="Back room", kind=Location.Kind.STORE_BACKROOM, store=store2
    )
    stock_receive(actor=None, location=shelf2, sku=stocked, quantity=3, unit_cost=Decimal("50"))
    body = {
        "from_location_id": shelf2.pk,
        "to_location_id": backroom2.pk,
        "lines": [{"sku_id": stocked.pk, "quantity": 2}],
    }
    theirs = post(client, f"{URL}/transfers", body, auth(manager2)).json()
    mine = auth(clerk)

    seen = client.get(f"{URL}/transfers/{theirs['id']}", **mine)
    shipped = post(client, f"{URL}/transfers/{theirs['id']}/ship", {}, mine, key="X1")
    cancelled = post(client, f"{URL}/transfers/{theirs['id']}/cancel", {}, mine)
    listed = client.get(f"{URL}/transfers", **mine).json()

    assert seen.status_code == shipped.status_code == cancelled.status_code == 404
    assert seen.json()["code"] == "transfer_not_found"
    assert listed["total"] == 0
    assert Transfer.objects.get(pk=theirs["id"]).status == "draft"


def test_the_receiving_store_cannot_ship_the_senders_draft(client, manager2, draft):
    response = post(client, f"{URL}/transfers/{draft['id']}/ship", {}, auth(manager2), key="Z")

    assert response.status_code == 403
    assert Transfer.objects.get(pk=draft["id"]).status == "draft"


def test_transfers_are_listed_by_status_and_location_and_drafts_can_be_cancelled(
    client, clerk, shelf, draft
):
    headers = auth(clerk)

    cancelled = post(
        client, f"{URL}/transfers/{draft['id']}/cancel", {"note": "not needed"}, headers
    )
    drafts = client.get(f"{URL}/transfers", {"status": "draft"}, **headers).json()
    here = client.get(f"{URL}/transfers", {"location_id": shelf.pk}, **headers).json()

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert drafts == {"items": [], "total": 0, "offset": 0, "limit": 50}
    assert [t["id"] for t in here["items"]] == [draft["id"]]


def test_a_receipt_without_a_body_takes_in_everything_that_was_shipped(
    client, clerk, manager2, shelf2, stocked, draft
):
    post(client, f"{URL}/transfers/{draft['id']}/ship", {}, auth(clerk), key="S3")

    received = client.post(
        f"{URL}/transfers/{draft['id']}/receive",
        b"",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="R3",
        **auth(manager2),
    )

    assert received.status_code == 200, received.json()
    assert received.json()["status"] == "received"
    assert received.json()["lines"][0]["discrepancy"] == 0
    assert on_hand(shelf2, stocked) == 6
