"""Members at the till: the lookup a cashier makes by member code or phone, and the points a
member earned on a sale."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import translation

from storeos.inventory.stock import stock_receive
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, Programme, Tier
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.pricing import CartItem, price_cart
from storeos.sales.views_pos import POS_MESSAGES
from storeos.stores.models import Location
from storeos.web.tests.factories import make_catalog, make_store, make_user, signed_in

MEMBER = "/pos/member"
POINTS = "/pos/member/points"


@pytest.fixture
def shop(db):
    store = make_store("SH001", "Jing'an")
    return store, make_catalog()["skus"]


@pytest.fixture
def programme(db):
    programme = Programme.objects.create(
        code="LEGO", name="LEGO VIP", points_per_yuan_redeemed=100, max_redeem_share="0.5"
    )
    Tier.objects.create(
        programme=programme, code="bronze", name="Bronze", rank=0,
        upgrade_threshold=0, retention_threshold=0,
    )  # fmt: skip
    Tier.objects.create(
        programme=programme, code="gold", name="Gold", rank=1, upgrade_threshold=3000,
        retention_threshold=2000, discount_rate=Decimal("0.05"),
        points_multiplier=Decimal("1.5"), free_gift_wrapping=True,
    )  # fmt: skip
    return programme


@pytest.fixture
def gold_member(programme):
    member = member_create(phone="13800138000", name="张三丰")
    member.tier = Tier.objects.get(code="gold")
    member.save(update_fields=["tier"])
    points_earn(
        member_id=member.pk,
        points=1200,
        key=f"welcome:{member.pk}",
        source=Source("activity", "welcome"),
        expires_on=dt.date(2099, 12, 31),
    )
    member.refresh_from_db()
    return member


def test_a_cashier_finds_a_member_by_code_with_tier_points_and_benefits(shop, gold_member):
    store, _ = shop
    Member.objects.filter(pk=gold_member.pk).update(points_debt=30)
    client = signed_in(make_user("wei", role="cashier", store=store))

    response = client.get(MEMBER, {"q": gold_member.code.lower()})

    assert response.status_code == 200
    body = response.json()
    member = body["member"]
    assert member["id"] == gold_member.pk
    assert member["code"] == gold_member.code
    assert member["tier"] == {"code": "gold", "name": "Gold"}
    assert (member["points"], member["points_owed"]) == (1200, 30)
    assert member["benefits"] == {
        "discount_rate": "0.0500",
        "discount_percent": "5%",
        "points_multiplier": "1.5",
        "free_gift_wrapping": True,
    }
    assert body["programme"] == {"points_per_yuan_redeemed": 100, "max_redeem_share": "0.5000"}


def test_the_till_only_ever_sees_the_members_name_and_phone_masked(shop, gold_member):
    store, _ = shop
    client = signed_in(make_user("wei", role="cashier", store=store))

    response = client.get(MEMBER, {"q": "138 0013 8000"})

    member = response.json()["member"]
    assert (member["name"], member["phone"]) == ("张**", "138****8000")
    text = response.content.decode("unicode_escape")
    assert "13800138000" not in text
    assert "张三丰" not in text


def test_an_unknown_code_is_member_not_found_in_the_cashiers_language(shop, gold_member):
    store, _ = shop
    client = signed_in(make_user("wei", role="cashier", store=store), language="zh-hans")

    response = client.get(MEMBER, {"q": "MNOSUCHONE"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    unknown_phone = client.get(MEMBER, {"q": "13999999999"})
    empty = client.get(MEMBER, {"q": "  "})

    assert response.status_code == 404
    assert response.json()["code"] == "member_not_found"
    with translation.override("zh-hans"):
        assert response.json()["message"] == str(POS_MESSAGES["member_not_found"])
    assert "member" not in response.json()
    assert (unknown_phone.status_code, unknown_phone.json()["code"]) == (404, "member_not_found")
    assert (empty.status_code, empty.json()["code"]) == (404, "member_not_found")


def test_only_staff_who_may_sell_here_look_members_up(shop, gold_member):
    store, _ = shop
    other = make_store("BJ001", "Chaoyang")
    warehouse = signed_in(make_user("lao", role="warehouse", store=store))
    elsewhere = signed_in(make_user("li", role="cashier", store=other))
    analyst = signed_in(make_user("zhou", role="hq_analyst", store=store))
    anonymous = signed_in(make_user("nobody"))
    anonymous.logout()

    refused = [
        warehouse.get(MEMBER, {"q": gold_member.code}),
        analyst.get(MEMBER, {"q": gold_member.code}),
    ]
    signed_out = anonymous.get(MEMBER, {"q": gold_member.code})
    # A cashier of another store sells there: the lookup answers for their own till.
    theirs = elsewhere.get(MEMBER, {"q": gold_member.code})

    assert [r.status_code for r in refused] == [403, 403]
    assert all(r.json()["code"] == "permission_denied" for r in refused)
    assert all("member" not in r.json() for r in refused)
    assert (signed_out.status_code, signed_out.json()["code"]) == (401, "not_authenticated")
    assert theirs.status_code == 200


def test_the_till_config_names_the_member_endpoints_and_the_points_method(shop, programme):
    store, _ = shop
    client = signed_in(make_user("wei", role="cashier", store=store))

    page = client.get("/pos/").content.decode()

    assert '"member": "/pos/member"' in page
    assert '"price": "/api/v1/sales/cart/price"' in page
    assert 'data-method="points"' in page
    assert "member_not_found" in page and "points_share_exceeded" in page


def _sell(store, sku, member, cashier):
    shelf = next(
        place
        for place in Location.objects.filter(store=store, sellable=True)
        if "pos" in place.channels
    )
    stock_receive(actor=None, location=shelf, sku=sku, quantity=5, unit_cost=Decimal("100"))
    order_id = uuid.uuid4()
    total = price_cart(
        store=store, channel="pos", items=[CartItem(sku, 1)], member_id=member.pk
    ).total
    checkout(
        actor=cashier,
        order_id=order_id,
        store=store,
        lines=[CartLine(sku, 1)],
        payments=[Tender("cash", total)],
        member_id=member.pk,
    )
    return order_id


def test_after_a_sale_the_till_shows_the_points_the_member_earned(shop, gold_member):
    store, skus = shop
    cashier = make_user("wei", role="cashier", store=store)
    client = signed_in(cashier)
    before = gold_member.points_balance
    order_id = _sell(store, skus["train"], gold_member, cashier)

    response = client.get(POINTS, {"order": str(order_id)})

    assert response.status_code == 200
    body = response.json()
    gold_member.refresh_from_db()
    assert body["member_id"] == gold_member.pk
    assert body["earned"] > 0
    assert body["balance"] == gold_member.points_balance == before + body["earned"]
    assert body["spent"] == 0
    assert body["name"] == "张**"


def test_points_of_a_sale_without_a_member_or_with_a_bad_id_are_refused(shop, programme):
    store, _ = shop
    client = signed_in(make_user("wei", role="cashier", store=store))

    bad = client.get(POINTS, {"order": "not-a-uuid"})
    unknown = client.get(POINTS, {"order": str(uuid.uuid4())})

    assert (bad.status_code, bad.json()["code"]) == (422, "order_id_invalid")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "order_not_found")
