"""The public "price this cart" API: the same engine as the till, every cent explained, and each
caller priced only as who they are."""

from decimal import Decimal

import pytest

from storeos.accounts.services import api_token_issue
from storeos.loyalty.registration import member_session_open
from storeos.promotions.models import CouponStatus
from storeos.sales.tests.conftest import user_with_role

URL = "/api/v1/cart/price"


def price(client, body, headers=None):
    return client.post(URL, body, content_type="application/json", **(headers or {}))


def staff(role: str, store) -> dict:
    user = user_with_role(role, store)
    _, secret = api_token_issue(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def signed_in(member) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {member_session_open(member=member).token}"}


def cart(store, *lines, **extra):
    return {
        "store_id": store.pk,
        "lines": [{"sku_id": sku.pk, "quantity": qty} for sku, qty in lines],
        **extra,
    }


def test_a_guest_sees_the_promotion_on_the_line_it_discounts(client, store, catalogue, promo):
    car, doll = catalogue.sku("CAR"), catalogue.sku("DOLL")
    summer = promo("percent_off", {"percent": "20"}, scope={"skus": [car.pk]}, label="Summer -20%")

    response = price(client, cart(store, (car, 2), (doll, 1)))

    assert response.status_code == 200
    body = response.json()
    first, second = body["lines"]
    assert first["sku_code"] == "CAR"
    assert first["discount"] == "40.00"
    assert first["line_total"] == "160.00"
    assert [(a["source"], a["id"], a["amount"]) for a in first["adjustments"]] == [
        ("promotion", summer.pk, "40.00")
    ]
    assert second["adjustments"] == []
    assert body["subtotal"] == "230.00"
    assert body["total"] == "190.00"
    assert body["savings"] == "40.00"
    assert body["member_id"] is None


def test_a_coupon_is_explained_on_the_order_and_shared_over_the_lines(
    client, store, catalogue, coupon
):
    car, doll = catalogue.sku("CAR"), catalogue.sku("DOLL")
    flyer = coupon({"value": Decimal("13.00")})

    response = price(client, cart(store, (car, 1), (doll, 1), coupon_codes=[flyer.code]))

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "117.00"
    assert body["coupon_codes"] == [flyer.code]
    assert any(a["source"] == "coupon" and a["amount"] == "13.00" for a in body["adjustments"])
    shares = [Decimal(a["amount"]) for line in body["lines"] for a in line["adjustments"]]
    assert sum(shares) == Decimal("13.00")
    assert sum(Decimal(line["line_total"]) for line in body["lines"]) == Decimal("117.00")


def test_an_unknown_coupon_is_refused(client, store, catalogue):
    response = price(client, cart(store, (catalogue.sku("CAR"), 1), coupon_codes=["NOSUCHCODE"]))

    assert response.status_code == 404
    assert response.json()["code"] == "coupon_not_found"


def test_a_used_coupon_is_refused(client, store, catalogue, coupon):
    used = coupon()
    used.status = CouponStatus.USED
    used.used_at = used.issued_at
    used.save(update_fields=["status", "used_at"])

    response = price(client, cart(store, (catalogue.sku("CAR"), 1), coupon_codes=[used.code]))

    assert response.status_code == 409
    assert response.json()["code"] == "coupon_used"


def test_a_guest_cannot_ask_for_a_members_prices(client, store, catalogue, member_at):
    member = member_at("gold")

    response = price(client, cart(store, (catalogue.sku("CAR"), 1), member_id=member.pk))

    assert response.status_code == 403
    assert response.json()["code"] == "member_sign_in_required"


def test_a_signed_in_member_is_priced_as_themselves(client, store, catalogue, member_at):
    member = member_at("gold")

    response = price(client, cart(store, (catalogue.sku("CAR"), 1)), signed_in(member))

    assert response.status_code == 200
    assert response.json()["member_id"] == member.pk


def test_a_member_cannot_be_priced_as_another(client, store, catalogue, member_at):
    member, other = member_at("gold"), member_at("bronze")

    body = cart(store, (catalogue.sku("CAR"), 1), member_id=other.pk)
    response = price(client, body, signed_in(member))

    assert response.status_code == 403
    assert response.json()["code"] == "member_mismatch"


def test_a_cashier_prices_for_a_member(client, store, catalogue, member_at):
    member = member_at("gold")

    body = cart(store, (catalogue.sku("CAR"), 1), member_id=member.pk)
    response = price(client, body, staff("cashier", store))

    assert response.status_code == 200
    assert response.json()["member_id"] == member.pk


def test_staff_without_sales_or_promotions_rights_price_as_guests_only(
    client, store, catalogue, member_at
):
    member = member_at("gold")
    warehouse = staff("warehouse", store)

    as_guest = price(client, cart(store, (catalogue.sku("CAR"), 1)), warehouse)
    body = cart(store, (catalogue.sku("CAR"), 1), member_id=member.pk)
    for_member = price(client, body, warehouse)

    assert as_guest.status_code == 200 and as_guest.json()["member_id"] is None
    assert for_member.status_code == 403
    assert for_member.json()["code"] == "permission_denied"


def test_an_unknown_sku_or_store_is_not_found(client, store, catalogue):
    unknown_sku = price(
        client, {"store_id": store.pk, "lines": [{"sku_id": 999999, "quantity": 1}]}
    )
    body = cart(store, (catalogue.sku("CAR"), 1))
    body["store_id"] = 999999
    unknown_store = price(client, body)

    assert unknown_sku.status_code == 404
    assert unknown_sku.json()["code"] == "sku_not_found"
    assert unknown_store.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"lines": []},
        {"lines": [{"sku_id": 1, "quantity": 0}]},
        {"coupon_codes": ["bad code!"]},
        {"coupon_codes": ["A"] * 6},
    ],
)
def test_a_malformed_cart_is_a_validation_error(client, store, catalogue, body):
    request = {**cart(store, (catalogue.sku("CAR"), 1)), **body}

    response = price(client, request)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_the_tills_cart_price_takes_coupons_too(client, store, catalogue, coupon):
    flyer = coupon({"value": Decimal("10.00")})
    body = cart(store, (catalogue.sku("CAR"), 1), channel="pos", coupon_codes=[flyer.code])

    response = client.post(
        "/api/v1/sales/cart/price",
        body,
        content_type="application/json",
        **staff("cashier", store),
    )

    assert response.status_code == 200
    assert response.json()["total"] == "90.00"
