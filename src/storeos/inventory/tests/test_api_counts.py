"""Stock counts through the HTTP API: open, scan-file upload, variance, posting once."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from storeos.accounts.services import api_token_issue
from storeos.inventory.models import MoveKind, StockCount, StockLevel, StockMove
from storeos.inventory.stock import stock_receive
from storeos.inventory.tests.conftest import make_sku

URL = "/api/v1/inventory"


def auth(user) -> dict[str, str]:
    _, secret = api_token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, headers, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body, content_type="application/json", **headers, **extra)


def upload(client, count_id, content: bytes, headers, key):
    return client.post(
        f"{URL}/counts/{count_id}/upload",
        {"file": SimpleUploadedFile("scan.txt", content, content_type="text/plain")},
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def on_hand(location, sku) -> int:
    return StockLevel.objects.get(location=location, sku=sku).on_hand


@pytest.fixture
def stocked(shelf, sku):
    stock_receive(actor=None, location=shelf, sku=sku, quantity=5, unit_cost=Decimal("50"))
    return sku


@pytest.fixture
def count(client, clerk, shelf, stocked):
    response = post(client, f"{URL}/counts", {"location_id": shelf.pk}, auth(clerk))
    assert response.status_code == 201, response.json()
    return response.json()


def test_opening_a_count_expects_what_is_on_record(count, stocked):
    assert count["status"] == "open"
    assert count["scope"] == "all"
    assert [(ln["sku_code"], ln["expected"], ln["counted"]) for ln in count["lines"]] == [
        ("SET-1", 5, None)
    ]


def test_an_uploaded_scan_file_shows_shortages_and_unknown_codes_in_the_variance(
    client, clerk, count
):
    headers = auth(clerk)

    uploaded = upload(client, count["id"], b"SET-1\nSET-1,2\nNOT-OURS,3\n", headers, "SCAN-1")
    variance = client.get(f"{URL}/counts/{count['id']}/variance", **headers)

    assert uploaded.status_code == 200, uploaded.json()
    assert uploaded.json() == {
        "lines_read": 3,
        "units_counted": 3,
        "unknown_units": 3,
        "out_of_scope": [],
    }
    report = variance.json()
    assert [
        (r["sku_code"], r["expected"], r["counted"], r["difference"]) for r in report["rows"]
    ] == [("SET-1", 5, 3, -2)]
    assert Decimal(report["shortage_value"]) == Decimal("-100.00")
    assert report["unknown_codes"] == [{"code": "NOT-OURS", "quantity": 3}]


def test_a_retried_upload_does_not_count_its_units_twice(client, clerk, count):
    headers = auth(clerk)

    first = upload(client, count["id"], b"SET-1,4\n", headers, "SCAN-2")
    again = upload(client, count["id"], b"SET-1,4\n", headers, "SCAN-2")
    lines = client.get(f"{URL}/counts/{count['id']}", **headers).json()["lines"]

    assert first.json() == again.json()
    assert lines[0]["counted"] == 4


def test_a_scan_file_can_be_sent_as_json_text(client, clerk, count):
    response = post(
        client,
        f"{URL}/counts/{count['id']}/upload-text",
        {"text": "\ufeffSET-1,5\r\n\r\n"},
        auth(clerk),
        key="SCAN-3",
    )

    assert response.status_code == 200
    assert response.json()["units_counted"] == 5


def test_a_bad_scan_line_is_refused_and_nothing_is_recorded(client, clerk, count):
    response = upload(client, count["id"], b"SET-1,2\nSET-1,two\n", auth(clerk), "SCAN-4")
    lines = client.get(f"{URL}/counts/{count['id']}", **auth(clerk)).json()["lines"]

    assert response.status_code == 422
    assert response.json()["code"] == "scan_line_invalid"
    assert response.json()["details"]["line"] == 2
    assert lines[0]["counted"] is None


def test_a_count_is_posted_once_by_a_manager(client, clerk, manager, shelf, stocked, count):
    post(
        client,
        f"{URL}/counts/{count['id']}/lines",
        {"sku_id": stocked.pk, "counted": 3},
        auth(clerk),
    )
    boss = auth(manager)

    by_clerk = post(client, f"{URL}/counts/{count['id']}/post", {}, auth(clerk), key="P0")
    posted = post(client, f"{URL}/counts/{count['id']}/post", {}, boss, key="P1")
    replay = post(client, f"{URL}/counts/{count['id']}/post", {}, boss, key="P1")
    twice = post(client, f"{URL}/counts/{count['id']}/post", {}, boss, key="P2")

    assert by_clerk.status_code == 403
    assert posted.status_code == 200, posted.json()
    assert posted.json()["status"] == "posted"
    assert posted.json()["difference_units"] == -2
    assert replay.json() == posted.json()
    assert twice.status_code == 409
    assert twice.json()["code"] == "count_already_posted"
    assert on_hand(shelf, stocked) == 3
    assert StockMove.objects.filter(kind=MoveKind.COUNT_VARIANCE).count() == 1


def test_a_negative_count_is_refused_and_nothing_is_recorded(client, clerk, stocked, count):
    response = post(
        client,
        f"{URL}/counts/{count['id']}/lines",
        {"sku_id": stocked.pk, "counted": -1},
        auth(clerk),
    )
    lines = client.get(f"{URL}/counts/{count['id']}", **auth(clerk)).json()["lines"]

    assert response.status_code == 422
    assert lines[0]["counted"] is None


def test_a_list_count_covers_only_its_skus_and_can_be_cancelled(
    client, clerk, shelf, category, stocked
):
    other = make_sku(category, "SET-2")
    headers = auth(clerk)
    opened = post(
        client,
        f"{URL}/counts",
        {"location_id": shelf.pk, "scope": "list", "sku_ids": [other.pk]},
        headers,
    ).json()

    outside = post(
        client, f"{URL}/counts/{opened['id']}/lines", {"sku_id": stocked.pk, "counted": 1}, headers
    )
    cancelled = post(client, f"{URL}/counts/{opened['id']}/cancel", {}, headers)
    open_counts = client.get(f"{URL}/counts", {"status": "open"}, **headers).json()

    assert [ln["sku_code"] for ln in opened["lines"]] == ["SET-2"]
    assert outside.status_code == 422
    assert outside.json()["code"] == "sku_out_of_scope"
    assert cancelled.json()["status"] == "cancelled"
    assert open_counts["total"] == 0


def test_another_stores_count_looks_like_it_does_not_exist(client, manager2, count):
    theirs = auth(manager2)

    seen = client.get(f"{URL}/counts/{count['id']}", **theirs)
    posted = post(client, f"{URL}/counts/{count['id']}/post", {}, theirs, key="P9")

    assert seen.status_code == posted.status_code == 404
    assert seen.json()["code"] == "count_not_found"
    assert StockCount.objects.get(pk=count["id"]).status == "open"
