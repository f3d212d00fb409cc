"""Coupons and promotions at the till: the page, the prices the till asks for, the sale it sends."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.models import AuditEntry
from storeos.inventory.stock import stock_receive
from storeos.promotions.coupons import coupon_issue
from storeos.promotions.models import (
    Coupon,
    CouponKind,
    CouponStatus,
    CouponTemplate,
    Promotion,
    PromotionKind,
    PromotionStatus,
)
from storeos.sales.models import Order
from storeos.sales.views_pos import POS_MESSAGES
from storeos.stores.models import Location
from storeos.web.current_store import SESSION_KEY
from storeos.web.tests.factories import make_catalog, make_store, make_user, signed_in

POS = "/pos/"
PRICE = "/api/v1/sales/cart/price"
ORDERS = "/api/v1/sales/orders"
COUPON_REFUSALS = [
    "coupon_not_found",
    "coupon_used",
    "coupon_expired",
    "coupon_not_yours",
    "coupon_min_spend_not_met",
    "coupon_not_stackable",
    "coupon_item_missing",
]


def percent_off_promotion(*, percent: str = "10", name: str = "Autumn 10% off") -> Promotion:
    now = clock.now()
    return Promotion.objects.create(
        code=f"PCT{percent}",
        name=name,
        label=name,
        kind=PromotionKind.PERCENT_OFF,
        rule={"percent": percent},
        status=PromotionStatus.ACTIVE,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=30),
        created_at=now,
        updated_at=now,
    )


def ten_off_coupon(*, member_id: int | None = None) -> Coupon:
    """A ¥10-off coupon for a spend of ¥50, claimed into nobody's (or a member's) wallet."""
    template, _ = CouponTemplate.objects.get_or_create(
        code="TEN-OFF-50",
        defaults={
            "name": "¥10 off ¥50",
            "kind": CouponKind.AMOUNT_OFF,
            "value": Decimal("10.00"),
            "min_spend": Decimal("50.00"),
            "valid_days": 30,
            "created_at": clock.now(),
        },
    )
    return coupon_issue(template=template, member_id=member_id, source="batch")


def stocked_shop():
    store = make_store("SH001", "Jing'an")
    skus = make_catalog()["skus"]
    shelf = next(
        place
        for place in Location.objects.filter(store=store, sellable=True)
        if "pos" in place.channels
    )
    for sku in skus.values():
        stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("100"))
    return store, skus


@pytest.fixture
def till(db):
    store, skus = stocked_shop()
    client = signed_in(make_user("wei", role="cashier", store=store))
    session = client.session
    session[SESSION_KEY] = store.pk
    session.save()
    return client, store, skus


def _config(response) -> dict:
    html = response.content.decode()
    start = html.index(">", html.index('id="pos-config"')) + 1
    return json.loads(html[start : html.index("</script>", start)])


def _price(client, store, sku, **more):
    body = {"store_id": store.pk, "lines": [{"sku_id": sku.pk, "quantity": 1}], **more}
    return client.post(PRICE, json.dumps(body), content_type="application/json")


def test_the_till_has_a_coupon_field_and_explains_every_coupon_refusal(till):
    client, _, _ = till

    response = client.get(POS)
    config = _config(response)
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="pos-coupon"' in page and "(F8)" in page
    assert "sales/pos-coupons.js" in page
    for code in COUPON_REFUSALS:
        assert config["errors"][code] == str(POS_MESSAGES[code])
    assert config["errors"]["coupon_used"] == "This coupon has already been used."
    assert config["text"]["couponOffline"].startswith("Offline: coupons cannot be checked")
    assert config["text"]["couponOfflineSale"].startswith("Offline: a sale with a coupon")
    assert config["text"]["gift"] == "Gift"
    assert config["urls"]["price"] == PRICE


def test_the_till_prices_a_cart_with_a_promotion_and_a_coupon_line_by_line(till):
    client, store, skus = till
    promotion = percent_off_promotion()
    coupon = ten_off_coupon()

    answer = _price(client, store, skus["train"], coupon_codes=[coupon.code]).json()

    # 899.00 − 10% (89.90) − the ¥10 coupon.
    assert (answer["subtotal"], answer["discount_total"], answer["total"]) == (
        "899.00",
        "99.90",
        "799.10",
    )
    line = answer["lines"][0]
    assert [(adj["source"], adj["amount"]) for adj in line["adjustments"]] == [
        ("promotion", "89.90"),
        ("coupon", "10.00"),
    ]
    assert line["adjustments"][0]["id"] == promotion.pk
    assert line["adjustments"][1]["id"] == coupon.code


@pytest.mark.parametrize(
    "state, code",
    [
        ("unknown", "coupon_not_found"),
        ("used", "coupon_used"),
        ("expired", "coupon_expired"),
        ("someone_elses", "coupon_not_yours"),
        ("below_min_spend", "coupon_min_spend_not_met"),
    ],
)
def test_a_coupon_the_till_cannot_take_is_refused_with_its_reason(till, state, code):
    client, store, skus = till
    sku = skus["train"]
    coupon = ten_off_coupon()
    more = {}
    coupon_code = "ZZZZZZZZZZZZZZZZ" if state == "unknown" else coupon.code
    if state == "used":
        Coupon.objects.filter(pk=coupon.pk).update(
            status=CouponStatus.USED, used_at=clock.now(), order_uuid=uuid.uuid4()
        )
    elif state == "expired":
        Coupon.objects.filter(pk=coupon.pk).update(
            valid_from=clock.now() - dt.timedelta(days=40),
            valid_until=clock.now() - dt.timedelta(days=10),
        )
    elif state == "someone_elses":
        from storeos.loyalty.members import member_create
        from storeos.loyalty.models import Programme, Tier

        programme = Programme.objects.create(code="LEGO", name="LEGO VIP")
        Tier.objects.create(
            programme=programme, code="bronze", name="Bronze", rank=0,
            upgrade_threshold=0, retention_threshold=0,
        )  # fmt: skip
        owner = member_create(phone="13800138000", name="张三")
        customer = member_create(phone="13900139000", name="李四")
        Coupon.objects.filter(pk=coupon.pk).update(member_id=owner.pk)
        more["member_id"] = customer.pk
    elif state == "below_min_spend":
        CouponTemplate.objects.update(min_spend=Decimal("1000.00"))

    response = _price(client, store, sku, coupon_codes=[coupon_code], **more)

    assert response.status_code >= 400
    assert response.json()["code"] == code
    assert Coupon.objects.get(pk=coupon.pk).order_uuid is None or state == "used"


def test_a_sale_sent_with_a_coupon_uses_it_and_records_the_savings(till):
    client, store, skus = till
    percent_off_promotion()
    coupon = ten_off_coupon()
    order_id = uuid.uuid4()

    response = client.post(
        ORDERS,
        json.dumps(
            {
                "order_id": str(order_id),
                "store_id": store.pk,
                "lines": [{"sku_id": skus["train"].pk, "quantity": 1}],
                "payments": [{"method": "cash", "amount": "799.10", "tendered": "800.00"}],
                "coupon_codes": [coupon.code],
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    order = Order.objects.get(uuid=order_id)
    assert order.coupon_codes == [coupon.code]
    assert (order.total, order.discount_total) == (Decimal("799.10"), Decimal("99.90"))
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.USED and coupon.order_uuid == order_id
    page = client.get(f"/sales/orders/{order_id}/receipt").content.decode()
    assert "Autumn 10% off" in page and "You saved ¥99.90 in total" in page


def test_a_sale_paid_at_list_price_with_a_promotion_running_is_refused_and_nothing_sold(till):
    client, store, skus = till
    percent_off_promotion()

    response = client.post(
        ORDERS,
        json.dumps(
            {
                "order_id": str(uuid.uuid4()),
                "store_id": store.pk,
                "lines": [{"sku_id": skus["train"].pk, "quantity": 1}],
                "payments": [{"method": "cash", "amount": "899.00"}],
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "payment_mismatch"
    assert not Order.objects.exists()


def _rung_offline(client, store, sku, paid: str, rung_at: dt.datetime | str, order_id=None):
    """One of `sku` paid in cash, sent by a till that rang it offline at `rung_at`."""
    return client.post(
        ORDERS,
        json.dumps(
            {
                "order_id": str(order_id or uuid.uuid4()),
                "store_id": store.pk,
                "lines": [{"sku_id": sku.pk, "quantity": 1}],
                "payments": [{"method": "cash", "amount": paid}],
                "rung_offline_at": rung_at if isinstance(rung_at, str) else rung_at.isoformat(),
            }
        ),
        content_type="application/json",
    )


def test_a_sale_rung_offline_at_list_price_during_a_promotion_stands_at_that_price(till):
    # given a 10% promotion the till could not see while it was offline
    client, store, skus = till
    percent_off_promotion()
    rung_at = clock.now() - dt.timedelta(hours=2)
    order_id = uuid.uuid4()

    # when its queued sale, paid at the list price, arrives (twice: the till retried)
    first = _rung_offline(client, store, skus["train"], "899.00", rung_at, order_id)
    again = _rung_offline(client, store, skus["train"], "899.00", rung_at, order_id)

    # then the sale stands as the customer paid it, once, dated when it was rung
    assert first.status_code == again.status_code == 201, first.content
    order = Order.objects.get()
    assert (order.total, order.discount_total, order.adjustments) == (Decimal("899.00"), 0, [])
    assert order.paid_at == rung_at
    assert order.lines.get().unit_price == Decimal("899.00")
    # and the store can see what the customer missed
    entry = AuditEntry.objects.get(action="order.priced_offline")
    assert entry.object_id == str(order_id)
    assert entry.before == {"server_total": "809.10"}


def test_an_offline_sale_paid_neither_price_or_held_too_long_is_refused(till):
    client, store, skus = till
    percent_off_promotion()

    neither = _rung_offline(client, store, skus["train"], "850.00", clock.now())
    too_old = _rung_offline(
        client, store, skus["train"], "899.00", clock.now() - dt.timedelta(days=8)
    )
    naive = _rung_offline(client, store, skus["train"], "899.00", "2026-11-22T10:00:00")

    assert (neither.status_code, neither.json()["code"]) == (422, "payment_mismatch")
    assert (too_old.status_code, too_old.json()["code"]) == (422, "rung_offline_at_invalid")
    assert (naive.status_code, naive.json()["code"]) == (422, "rung_offline_at_invalid")
    assert not Order.objects.exists()


def test_an_offline_sale_is_priced_as_of_when_it_was_rung(till):
    # A promotion that started after the sale was rung does not apply to it: the list price it
    # was paid at is the server's price for that moment, so nothing is audited.
    client, store, skus = till
    promotion = percent_off_promotion()
    Promotion.objects.filter(pk=promotion.pk).update(starts_at=clock.now() - dt.timedelta(hours=1))

    response = _rung_offline(
        client, store, skus["train"], "899.00", clock.now() - dt.timedelta(hours=3)
    )

    assert response.status_code == 201, response.content
    assert not AuditEntry.objects.filter(action="order.priced_offline").exists()


def test_an_offline_sale_delivered_long_ago_is_still_found_when_the_till_sends_it_again(till):
    client, store, skus = till
    rung_at = clock.now() - dt.timedelta(hours=1)
    order_id = uuid.uuid4()
    first = _rung_offline(client, store, skus["train"], "899.00", rung_at, order_id)

    with clock.frozen(clock.now() + dt.timedelta(days=10)):
        again = _rung_offline(client, store, skus["train"], "899.00", rung_at, order_id)

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] == str(order_id)
    assert Order.objects.count() == 1
