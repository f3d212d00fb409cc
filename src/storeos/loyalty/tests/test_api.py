import datetime as dt

import pytest

from storeos.core.models import AuditEntry
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, PointsEntry
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Store

API = "/api/v1/loyalty"


@pytest.fixture
def bearer():
    """Authorization headers for a new user holding `role` in `store` (None: chain-wide)."""
    from storeos.accounts.services import api_token_issue

    def make(role: str, store=None) -> dict[str, str]:
        user = user_with_role(role, store)
        _, secret = api_token_issue(actor=None, user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


@pytest.fixture
def store_b(store):
    return Store.objects.create(code="S2", name="Store two", region=store.region)


@pytest.fixture
def member_a(store, programme):
    return member_create(phone="13700137000", name="张三", home_store=store)


def post(client, path, body, headers, **extra):
    return client.post(f"{API}{path}", body, content_type="application/json", **headers, **extra)


def test_a_cashier_finds_any_member_of_the_chain_at_the_till(client, member_a, store_b, bearer):
    till_b = bearer("cashier", store_b)

    by_code = client.get(f"{API}/members/lookup", {"query": member_a.code}, **till_b)
    by_phone = client.get(f"{API}/members/lookup", {"query": "13700137000"}, **till_b)

    assert by_code.status_code == by_phone.status_code == 200
    assert by_code.json()["id"] == by_phone.json()["id"] == member_a.pk
    assert by_code.json()["phone_masked"] == "137****7000"
    assert "13700137000" not in by_code.content.decode()
    assert by_code.json()["tier_code"] == "bronze"


def test_an_unknown_member_code_is_member_not_found(client, programme, store, bearer):
    response = client.get(
        f"{API}/members/lookup", {"query": "MNOSUCH99"}, **bearer("cashier", store)
    )

    assert response.status_code == 404
    assert response.json()["code"] == "member_not_found"


def test_member_lists_are_scoped_to_the_users_stores(client, member_a, store, store_b, bearer):
    mine = member_create(phone="13700137001", home_store=store_b)

    listed = client.get(f"{API}/members", **bearer("cashier", store_b)).json()
    chain = client.get(f"{API}/members", **bearer("marketing")).json()
    detail = client.get(f"{API}/members/{member_a.pk}", **bearer("cashier", store_b))

    assert [m["id"] for m in listed["items"]] == [mine.pk]
    assert {m["id"] for m in chain["items"]} == {mine.pk, member_a.pk}
    assert detail.status_code == 404


def test_a_cashier_registers_a_customer_at_the_till(client, programme, store, bearer):
    till = bearer("cashier", store)
    body = {"store_id": store.pk, "phone": "13600136000", "name": "赵六", "marketing_consent": True}

    created = post(client, "/members", body, till)
    again = post(client, "/members", {**body, "name": "Someone"}, till)

    assert created.status_code == 201
    member = Member.objects.get()
    assert (member.channel, member.home_store, member.consent_source) == ("pos", store, "pos")
    assert again.status_code == 409
    assert again.json()["code"] == "phone_already_registered"
    assert Member.objects.get().name == "赵六"


def test_registering_in_another_store_is_not_allowed(client, programme, store, store_b, bearer):
    body = {"store_id": store.pk, "phone": "13600136000"}

    response = post(client, "/members", body, bearer("cashier", store_b))

    assert response.status_code == 403
    assert not Member.objects.exists()


def test_revealing_a_phone_is_audited_and_refused_to_a_cashier(client, member_a, store, bearer):
    refused = post(client, f"/members/{member_a.pk}/phone", {}, bearer("cashier", store))
    shown = post(client, f"/members/{member_a.pk}/phone", {}, bearer("marketing"))

    assert refused.status_code == 403
    assert shown.json() == {"phone": "13700137000"}
    assert AuditEntry.objects.filter(action="member.phone_reveal").count() == 1


def test_a_manager_adds_points_by_hand_once_per_key(client, member_a, store, bearer):
    manager = bearer("store_manager", store)
    body = {"points": 200, "reason": "Goodwill"}
    path = f"/members/{member_a.pk}/points-adjustments"

    first = post(client, path, body, manager, HTTP_IDEMPOTENCY_KEY="k1")
    replay = post(client, path, body, manager, HTTP_IDEMPOTENCY_KEY="k1")
    taken = post(
        client, path, {"points": -50, "reason": "Typo"}, manager, HTTP_IDEMPOTENCY_KEY="k2"
    )

    assert first.status_code == replay.status_code == 201
    assert first.json() == replay.json() == {"points": 200, "balance": 200}
    assert taken.json() == {"points": -50, "balance": 150}
    member_a.refresh_from_db()
    assert member_a.points_balance == 150
    assert AuditEntry.objects.filter(action="member.points_adjust").count() == 2


def test_manual_points_are_refused_without_the_right_or_a_key_or_enough_points(
    client, member_a, store, bearer
):
    path = f"/members/{member_a.pk}/points-adjustments"
    manager = bearer("store_manager", store)

    cashier = post(
        client,
        path,
        {"points": 5, "reason": "x"},
        bearer("cashier", store),
        HTTP_IDEMPOTENCY_KEY="a",
    )
    no_key = post(client, path, {"points": 5, "reason": "x"}, manager)
    too_many = post(client, path, {"points": -5, "reason": "x"}, manager, HTTP_IDEMPOTENCY_KEY="b")

    assert cashier.status_code == 403
    assert no_key.json()["code"] == "idempotency_key_required"
    assert too_many.json()["code"] == "insufficient_points"
    assert not PointsEntry.objects.exists()


def test_points_history_is_newest_first(client, member_a, store, bearer):
    for n in (1, 2):
        points_earn(
            member_id=member_a.pk,
            points=n * 10,
            key=f"o{n}",
            source=Source("order", str(n)),
            expires_on=dt.date(2030, 1, 31),
        )

    response = client.get(f"{API}/members/{member_a.pk}/points", **bearer("cashier", store))

    assert [e["points"] for e in response.json()] == [20, 10]


def test_the_openapi_document_declares_the_loyalty_refusals(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]

    lookup = paths[f"{API}/members/lookup"]["get"]["responses"]
    adjust = paths[f"{API}/members/{{member_id}}/points-adjustments"]["post"]["responses"]
    assert {"401", "403", "404", "422"} <= set(lookup)
    assert {"401", "403", "404", "409", "422"} <= set(adjust)
    assert "/api/v1/member/register" in paths
