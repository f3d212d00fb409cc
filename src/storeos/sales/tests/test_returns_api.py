"""Returns, exchanges and return policies over HTTP: the return id is the idempotency key, and
every refusal is a 4xx with a code."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.accounts.services import api_token_issue
from storeos.core import clock
from storeos.inventory.models import StockLevel
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import SalesReturn
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Store

pytestmark = pytest.mark.urls("storeos.sales.tests.returns_api_urls")

URL = "/api/v1/sales"
MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)


def auth(user) -> dict[str, str]:
    _, secret = api_token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method, url, user, body=None, at=MORNING):
    with clock.frozen(at):
        call = getattr(client, method)
        if body is None:
            return call(url, **auth(user))
        return call(url, body, content_type="application/json", **auth(user))


@pytest.fixture
def order(store, cashier, bricks, figure):
    with clock.frozen(MORNING):
        return checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(bricks, 1), CartLine(figure, 2)],
            payments=[Tender("card", Decimal("138.80"), reference="T-1")],
        )


def a_return(**changes) -> dict:
    return {
        "return_id": str(uuid.uuid4()),
        "lines": [{"line_no": 2, "quantity": 1, "disposition": "restock"}],
        "reason": "changed mind",
        **changes,
    }


def test_a_return_is_taken_once_however_often_it_is_sent(client, cashier, order, figure):
    body = a_return()

    first = send(client, "post", f"{URL}/orders/{order.uuid}/returns", cashier, body)
    again = send(client, "post", f"{URL}/orders/{order.uuid}/returns", cashier, body)
    fetched = send(client, "get", f"{URL}/returns/{body['return_id']}", cashier)

    assert first.status_code == 201, first.json()
    assert again.status_code == 201
    assert first.json() == again.json() == fetched.json()
    taken = first.json()
    assert (taken["kind"], taken["refund_total"], taken["created_by"]) == (
        "return",
        "19.90",
        "cashier",
    )
    assert taken["lines"] == [
        {
            "line_no": 2,
            "sku_id": figure.pk,
            "quantity": 1,
            "refund_amount": "19.90",
            "disposition": "restock",
            "location_id": order.location_id,
        }
    ]
    assert taken["refunds"] == [
        {"method": "card", "amount": "19.90", "status": "succeeded", "reference": ""}
    ]
    assert SalesReturn.objects.count() == 1
    assert StockLevel.objects.get(sku=figure).on_hand == 9


def test_the_same_return_id_with_another_body_is_a_conflict(client, cashier, order):
    body = a_return()
    send(client, "post", f"{URL}/orders/{order.uuid}/returns", cashier, body)

    changed = {**body, "lines": [{"line_no": 2, "quantity": 2}]}
    response = send(client, "post", f"{URL}/orders/{order.uuid}/returns", cashier, changed)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([{"line_no": 2, "quantity": 3}], "return_quantity_exceeded"),
        ([{"line_no": 9, "quantity": 1}], "return_line_invalid"),
        ([{"line_no": 1, "quantity": 0}], "validation_error"),
        ([{"line_no": 1, "quantity": 1, "disposition": "lost"}], "validation_error"),
    ],
)
def test_a_bad_return_is_refused_with_a_code_and_changes_nothing(
    client, cashier, order, lines, code
):
    response = send(
        client, "post", f"{URL}/orders/{order.uuid}/returns", cashier, a_return(lines=lines)
    )

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not SalesReturn.objects.exists()


def test_a_late_return_needs_a_managers_override(client, store, cashier, order):
    late = MORNING + dt.timedelta(days=40)
    manager = user_with_role("store_manager", store, "manager")
    url = f"{URL}/orders/{order.uuid}/returns"

    refused = send(client, "post", url, cashier, a_return(override_reason="please"), at=late)
    allowed = send(client, "post", url, manager, a_return(override_reason="faulty"), at=late)

    assert refused.status_code == 422
    assert refused.json()["code"] == "return_window_passed"
    assert allowed.status_code == 201, allowed.json()
    assert (allowed.json()["override_by"], allowed.json()["override_reason"]) == (
        "manager",
        "faulty",
    )


def test_another_stores_order_and_an_unknown_return_are_not_found(client, store, order):
    other = Store.objects.create(code="S9", name="Nine", region=store.region)
    stranger = user_with_role("cashier", other, "stranger")

    posted = send(client, "post", f"{URL}/orders/{order.uuid}/returns", stranger, a_return())
    fetched = send(client, "get", f"{URL}/returns/{uuid.uuid4()}", stranger)

    assert (posted.status_code, posted.json()["code"]) == (404, "order_not_found")
    assert (fetched.status_code, fetched.json()["code"]) == (404, "return_not_found")


def test_an_exchange_returns_one_item_and_sells_another_in_one_call(client, cashier, order, bricks):
    body = {
        "exchange_id": str(uuid.uuid4()),
        "return_lines": [{"line_no": 2, "quantity": 1}],
        "new_lines": [{"sku_id": bricks.pk, "quantity": 1}],
        "payments": [{"method": "cash", "amount": "79.10", "tendered": "100.00"}],
    }

    response = send(client, "post", f"{URL}/orders/{order.uuid}/exchanges", cashier, body)

    assert response.status_code == 201, response.json()
    swapped = response.json()
    assert swapped["kind"] == "exchange"
    assert swapped["exchange_order_id"] is not None
    assert swapped["refunds"][0]["method"] == "exchange"
    assert StockLevel.objects.get(sku=bricks).on_hand == 8


def test_exchange_credit_cannot_be_sent_as_a_payment(client, cashier, order, bricks):
    body = {
        "exchange_id": str(uuid.uuid4()),
        "return_lines": [{"line_no": 2, "quantity": 1}],
        "new_lines": [{"sku_id": bricks.pk, "quantity": 1}],
        "payments": [{"method": "exchange", "amount": "79.10"}],
    }

    response = send(client, "post", f"{URL}/orders/{order.uuid}/exchanges", cashier, body)

    assert response.status_code == 422
    assert not SalesReturn.objects.exists()


def test_return_policies_are_listed_and_set_by_a_chain_wide_manager(
    client, store, cashier, category
):
    admin = user_with_role("admin", None, "admin")
    body = {"category_id": category.pk, "window_days": 7}

    refused = send(client, "put", f"{URL}/return-policies", cashier, body)
    saved = send(client, "put", f"{URL}/return-policies", admin, body)
    listed = send(client, "get", f"{URL}/return-policies", cashier)

    assert refused.status_code == 403
    assert saved.status_code == 200, saved.json()
    assert listed.json()["default_days"] == 15
    assert [(p["category_code"], p["window_days"]) for p in listed.json()["items"]] == [
        (category.code, 7)
    ]
