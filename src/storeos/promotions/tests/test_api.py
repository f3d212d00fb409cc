"""The staff promotions API: promotions and their approval, usage, coupon templates, code batches
and simulation, with who may do what."""

import csv
import io

import pytest

from storeos.accounts.services import api_token_issue
from storeos.promotions.models import CodeBatch, Coupon, CouponTemplate, Promotion
from storeos.promotions.tests.conftest import VALID_FROM, VALID_UNTIL, promotion_use_make
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Store

API = "/api/v1/promotions"


@pytest.fixture
def bearer():
    """Authorization headers for a new user holding `role` in `store` (None: chain-wide)."""

    def make(role: str, store=None) -> dict[str, str]:
        user = user_with_role(role, store)
        _, secret = api_token_issue(actor=None, user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


@pytest.fixture
def other_store(store):
    return Store.objects.create(code="S2", name="Store two", region=store.region)


def post(client, path, body, headers):
    return client.post(f"{API}{path}", body, content_type="application/json", **headers)


def patch(client, path, body, headers):
    return client.patch(f"{API}{path}", body, content_type="application/json", **headers)


def draft_body(**fields):
    return {
        "code": "SUMMER20",
        "name": "Summer 20% off",
        "kind": "percent_off",
        "rule": {"percent": "20"},
        "starts_at": VALID_FROM.isoformat(),
        "ends_at": VALID_UNTIL.isoformat(),
        **fields,
    }


# --- promotions ----------------------------------------------------------------------------------
def test_marketing_creates_a_draft_promotion(client, store, bearer):
    response = post(
        client, "/", draft_body(store_ids=[store.pk], budget="500.00"), bearer("marketing")
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["rule"] == {"percent": "20"}
    assert body["budget"] == "500.00"
    assert Promotion.objects.get(code="SUMMER20").store_ids == [store.pk]


def test_a_cashier_cannot_create_a_promotion(client, store, bearer):
    response = post(client, "/", draft_body(), bearer("cashier", store))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Promotion.objects.exists()


def test_no_token_no_promotions(client, db):
    assert client.get(f"{API}/").status_code == 401


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"rule": {"percent": "120"}}, "percent_invalid"),
        (
            {"starts_at": VALID_UNTIL.isoformat(), "ends_at": VALID_FROM.isoformat()},
            "dates_reversed",
        ),
        (
            {"kind": "bundle", "rule": {"skus": [999999, 999998], "price": "10"}},
            "bundle_sku_missing",
        ),
    ],
)
def test_a_bad_promotion_is_refused_with_a_clear_code(client, db, bearer, fields, code):
    response = post(client, "/", draft_body(**fields), bearer("marketing"))

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not Promotion.objects.exists()


def test_a_malformed_body_is_a_validation_error(client, db, bearer):
    response = post(client, "/", draft_body(kind="half_price_for_friends"), bearer("marketing"))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_the_same_code_twice_is_a_conflict(client, db, bearer):
    marketing = bearer("marketing")
    post(client, "/", draft_body(), marketing)

    response = post(client, "/", draft_body(name="Again"), marketing)

    assert response.status_code == 409
    assert Promotion.objects.get().name == "Summer 20% off"


def test_a_draft_is_edited_field_by_field(client, db, bearer):
    marketing = bearer("marketing")
    created = post(client, "/", draft_body(priority=5), marketing).json()

    response = patch(client, f"/{created['id']}", {"name": "Summer sale"}, marketing)

    assert response.status_code == 200
    assert response.json()["name"] == "Summer sale"
    assert response.json()["priority"] == 5


def test_a_running_promotion_cannot_be_edited(client, db, bearer, promo):
    running = promo("percent_off", {"percent": "10"})

    response = patch(client, f"/{running.pk}", {"name": "Sneaky"}, bearer("marketing"))

    assert response.status_code == 409
    running.refresh_from_db()
    assert running.name != "Sneaky"


def test_promotions_are_listed_by_status(client, db, bearer, promo):
    promo("percent_off", {"percent": "10"}, code="LIVE")
    promo("percent_off", {"percent": "10"}, code="DRAFT", status="draft")

    response = client.get(f"{API}/?status=draft", **bearer("marketing"))

    assert response.status_code == 200
    assert [p["code"] for p in response.json()["items"]] == ["DRAFT"]
    assert response.json()["total"] == 1


def test_an_unknown_promotion_is_not_found(client, db, bearer):
    response = client.get(f"{API}/424242", **bearer("marketing"))

    assert response.status_code == 404
    assert response.json()["code"] == "promotion_not_found"


def test_a_store_manager_approves_a_promotion_for_their_own_store(client, store, bearer):
    marketing = bearer("marketing")
    created = post(client, "/", draft_body(store_ids=[store.pk]), marketing).json()
    assert post(client, f"/{created['id']}/submit", {}, marketing).json()["status"] == "pending"

    response = post(client, f"/{created['id']}/approve", {}, bearer("store_manager", store))

    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert response.json()["approved_at"] is not None


def test_a_store_manager_cannot_approve_for_another_store(client, store, other_store, bearer):
    marketing = bearer("marketing")
    created = post(client, "/", draft_body(store_ids=[other_store.pk]), marketing).json()
    post(client, f"/{created['id']}/submit", {}, marketing)

    response = post(client, f"/{created['id']}/approve", {}, bearer("store_manager", store))

    # The promotion of another store is out of the manager's sight.
    assert response.status_code in (403, 404)
    assert Promotion.objects.get(pk=created["id"]).status == "pending"


def test_a_cashier_cannot_approve(client, store, bearer):
    created = post(client, "/", draft_body(store_ids=[store.pk]), bearer("marketing")).json()

    response = post(client, f"/{created['id']}/approve", {}, bearer("cashier", store))

    assert response.status_code == 403
    assert Promotion.objects.get(pk=created["id"]).status == "draft"


def test_a_pending_promotion_is_sent_back_with_a_reason(client, store, bearer):
    marketing = bearer("marketing")
    created = post(client, "/", draft_body(store_ids=[store.pk]), marketing).json()
    post(client, f"/{created['id']}/submit", {}, marketing)

    response = post(
        client,
        f"/{created['id']}/reject",
        {"reason": "Budget too high"},
        bearer("store_manager", store),
    )

    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_a_running_promotion_is_paused_then_ended(client, db, bearer, promo):
    running = promo("percent_off", {"percent": "10"})
    marketing = bearer("marketing")

    paused = post(client, f"/{running.pk}/pause", {}, marketing)
    ended = post(client, f"/{running.pk}/end", {}, marketing)
    again = post(client, f"/{running.pk}/pause", {}, marketing)

    assert paused.json()["status"] == "paused"
    assert ended.json()["status"] == "ended"
    assert again.status_code == 409
    assert again.json()["code"] == "promotion_state_invalid"


def test_usage_says_what_was_given_and_what_is_left(client, db, bearer, promo):
    running = promo("percent_off", {"percent": "10"}, total_uses=10, budget="100.00")
    promotion_use_make(running, None, "12.50")
    promotion_use_make(running, 7, "7.50")

    response = client.get(f"{API}/{running.pk}/usage", **bearer("marketing"))

    assert response.status_code == 200
    usage = response.json()
    assert usage["orders"] == 2
    assert usage["members"] == 1
    assert usage["discount_given"] == "20.00"
    assert usage["uses_left"] == 8
    assert usage["budget_left"] == "80.00"


# --- coupon templates and code batches -----------------------------------------------------------
def template_body(**fields):
    return {
        "code": "TEN-OFF",
        "name": "¥10 off ¥100",
        "kind": "amount_off",
        "value": "10.00",
        "min_spend": "100.00",
        "valid_days": 30,
        **fields,
    }


def test_marketing_creates_a_coupon_template(client, db, bearer):
    response = post(client, "/coupon-templates", template_body(), bearer("marketing"))

    assert response.status_code == 201
    assert response.json()["code"] == "TEN-OFF"
    assert response.json()["min_spend"] == "100.00"


def test_a_cashier_cannot_create_a_coupon_template(client, store, bearer):
    response = post(client, "/coupon-templates", template_body(), bearer("cashier", store))

    assert response.status_code == 403
    assert not CouponTemplate.objects.exists()


def test_a_coupon_above_100_percent_is_refused(client, db, bearer):
    body = template_body(kind="percent_off", value="150")

    response = post(client, "/coupon-templates", body, bearer("marketing"))

    assert response.status_code == 422
    assert response.json()["code"] == "percent_invalid"
    assert not CouponTemplate.objects.exists()


def test_coupon_templates_are_listed_read_and_changed(client, db, bearer, coupon_template):
    template = coupon_template(code="BDAY", name="Birthday")
    marketing = bearer("marketing")

    listed = client.get(f"{API}/coupon-templates", **marketing)
    changed = patch(
        client, f"/coupon-templates/{template.pk}", {"name": "Happy birthday"}, marketing
    )
    read = client.get(f"{API}/coupon-templates/{template.pk}", **marketing)

    assert [t["code"] for t in listed.json()] == ["BDAY"]
    assert changed.status_code == 200
    assert read.json()["name"] == "Happy birthday"


def test_a_code_batch_is_generated_and_downloaded_as_csv(client, db, bearer, coupon_template):
    template = coupon_template(code="FLYER")
    marketing = bearer("marketing")

    created = post(
        client,
        "/code-batches",
        {"template_id": template.pk, "quantity": 5, "note": "flyer"},
        marketing,
    )
    download = client.get(created.json()["csv_url"], **marketing)

    assert created.status_code == 201
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    codes = {row[0] for row in rows[1:]}
    assert codes == set(
        Coupon.objects.filter(batch_id=created.json()["id"]).values_list("code", flat=True)
    )
    assert len(codes) == 5


def test_a_code_batch_of_zero_is_refused(client, db, bearer, coupon_template):
    template = coupon_template()

    response = post(
        client, "/code-batches", {"template_id": template.pk, "quantity": 0}, bearer("marketing")
    )

    assert response.status_code == 422
    assert not CodeBatch.objects.exists()


def test_a_cashier_cannot_download_codes(client, store, bearer, coupon_template):
    template = coupon_template()
    created = post(
        client, "/code-batches", {"template_id": template.pk, "quantity": 2}, bearer("marketing")
    )

    response = client.get(created.json()["csv_url"], **bearer("cashier", store))

    assert response.status_code == 403


def test_a_batch_of_an_unknown_template_is_not_found(client, db, bearer):
    response = post(
        client, "/code-batches", {"template_id": 4242, "quantity": 2}, bearer("marketing")
    )

    assert response.status_code == 404
    assert response.json()["code"] == "coupon_template_not_found"


# --- simulation ----------------------------------------------------------------------------------
def test_a_simulation_reports_orders_touched_and_cost(client, db, bearer, promo):
    pytest.importorskip("storeos.promotions.simulation")
    draft = promo("percent_off", {"percent": "10"}, status="draft")

    response = post(
        client, "/simulations", {"promotion_id": draft.pk, "days": 30}, bearer("marketing")
    )

    assert response.status_code == 200
    body = response.json()
    assert body["promotion_id"] == draft.pk
    assert body["orders_examined"] == 0
    assert body["orders_touched"] == 0
    assert body["discount_cost"] == "0.00"


def test_a_simulation_of_an_unknown_promotion_is_not_found(client, db, bearer):
    response = post(client, "/simulations", {"promotion_id": 4242, "days": 30}, bearer("marketing"))

    assert response.status_code == 404
