"""Refusals the API answers for itself, before or around any operation: every one is JSON
`{"code", "message", "details"}` with a status the OpenAPI document lists (found by the fuzz)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _bearer(chain, role: str) -> dict:
    return {"Authorization": f"Bearer {chain.tokens[role]}"}


def test_a_body_that_is_not_json_is_a_documented_422(client, fuzz_chain):
    response = client.post(
        "/api/v1/catalog/skus",
        "{not json",
        content_type="application/json",
        headers=_bearer(fuzz_chain, "admin"),
    )

    assert response.status_code == 422
    assert response.json()["code"] == "body_unreadable"


def test_a_multipart_body_sent_to_a_json_operation_is_a_documented_422(client, fuzz_chain):
    # The test client sends a dict as multipart/form-data; the operation reads JSON.
    response = client.post("/api/v1/member/codes", {"phone": "13800138000"})

    assert response.status_code == 422
    assert response.json()["code"] == "body_unreadable"
    spec = client.get("/api/openapi.json").json()
    assert "422" in spec["paths"]["/api/v1/member/codes"]["post"]["responses"]


def test_an_id_past_the_databases_integer_range_is_refused_not_a_crash(client, fuzz_chain):
    # SQLite cannot even bind the number (a 500 before the fix); PostgreSQL compares it as a
    # numeric and finds no such label.
    response = client.post(
        "/api/v1/labels/ack",
        {"ids": [2**70], "device": "scale-1"},
        content_type="application/json",
        headers=_bearer(fuzz_chain, "store_manager"),
    )

    if connection.vendor == "sqlite":
        assert response.status_code == 422
        assert response.json()["code"] == "value_out_of_range"
    else:
        assert response.status_code == 404
        assert response.json()["code"]


def test_an_unknown_endpoint_or_a_non_numeric_id_is_a_json_404(client, fuzz_chain):
    headers = _bearer(fuzz_chain, "marketing")

    unknown = client.get("/api/v1/no-such-thing", headers=headers)
    not_a_number = client.patch(
        "/api/v1/promotions/abc", "{}", content_type="application/json", headers=headers
    )

    for response in (unknown, not_a_number):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["code"] == "not_found"


def test_the_catch_all_stays_out_of_the_openapi_document_and_real_routes_still_win(
    client, fuzz_chain
):
    spec = client.get("/api/openapi.json").json()
    listed = client.get("/api/v1/stores", headers=_bearer(fuzz_chain, "admin"))

    assert not [path for path in spec["paths"] if "rest" in path]
    assert listed.status_code == 200


def test_every_paged_list_refuses_an_offset_past_the_databases_range(client, fuzz_chain):
    # Found by the fuzz on several lists: an unbounded offset reached the database (a 500).
    spec = client.get("/api/openapi.json").json()
    paged = [
        path
        for path, operations in spec["paths"].items()
        if any(p["name"] == "offset" for p in operations.get("get", {}).get("parameters", []))
    ]
    assert len(paged) >= 7

    for path in paged:
        response = client.get(f"{path}?offset={2**96}", headers=_bearer(fuzz_chain, "admin"))
        assert response.status_code == 422, path
        assert response.json()["code"] == "validation_error", path
