"""A member at the till in Debian's Chromium: attach by code, member prices, cash, points earned."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storeos.inventory.stock import stock_receive
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, Programme, Tier
from storeos.sales.models import Order
from storeos.stores.models import Location
from storeos.web.tests.factories import PASSWORD, make_catalog, make_store, make_user


def _shop_with_a_gold_member():
    store = make_store("SH001", "Jing'an")
    skus = make_catalog()["skus"]
    shelf = next(
        place
        for place in Location.objects.filter(store=store, sellable=True)
        if "pos" in place.channels
    )
    for sku in skus.values():
        stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("100"))
    programme = Programme.objects.create(code="LEGO", name="LEGO VIP")
    Tier.objects.create(
        programme=programme, code="bronze", name="Bronze", rank=0,
        upgrade_threshold=0, retention_threshold=0,
    )  # fmt: skip
    gold = Tier.objects.create(
        programme=programme, code="gold", name="Gold", rank=1, upgrade_threshold=3000,
        retention_threshold=2000, discount_rate=Decimal("0.05"), points_multiplier=Decimal("1.5"),
    )  # fmt: skip
    member = member_create(phone="13800138000", name="张三丰")
    Member.objects.filter(pk=member.pk).update(tier=gold)
    return store, member


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_a_gold_member_attached_by_code_pays_member_prices_in_cash_and_earns_points(
    live_server, transactional_db, page
):
    store, member = _shop_with_a_gold_member()
    make_user("wei", role="cashier", store=store)
    page.goto(f"{live_server.url}/login/?next=/pos/")
    page.fill("#id_username", "wei")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("#pos-scan")).to_be_focused()

    # The train goes in first, then the member's code is scanned (F3 jumps to the field).
    page.fill("#pos-scan", "LEGO-60337")
    page.press("#pos-scan", "Enter")
    expect(page.locator("#pos-total")).to_have_text("¥899.00")
    page.keyboard.press("F3")
    expect(page.locator("#pos-member")).to_be_focused()
    page.fill("#pos-member", member.code.lower())
    page.press("#pos-member", "Enter")

    card = page.locator("#pos-member-card")
    expect(card).to_contain_text("张**")
    expect(card).to_contain_text("138****8000")
    expect(card).to_contain_text("Gold")
    expect(card).to_contain_text("0 points")
    expect(card).to_contain_text("Member discount 5%")
    expect(page.locator("#pos-scan")).to_be_focused()
    # Member price: 5% off 899.00 is 44.95, shown on the line and in the totals.
    expect(page.locator("#pos-total")).to_have_text("¥854.05")
    expect(page.locator("#pos-lines .pos-line-saving")).to_contain_text("−¥44.95")
    expect(page.locator("#pos-discount")).to_have_text("Discount −¥44.95")
    # Points can pay once a member is attached.
    expect(page.locator("[data-method=points]")).to_be_visible()

    page.fill("#pos-tendered", "900")
    expect(page.locator("#pos-change")).to_have_text("Change due: ¥45.95")
    page.press("#pos-tendered", "Enter")

    last = page.locator("#pos-last")
    expect(last).to_contain_text("Sale complete. ¥854.05")
    expect(last).to_contain_text("Discount −¥44.95")
    # 854.05 yuan × 1 point a yuan × 1.5 (gold) = 1281 points, floored.
    expect(last).to_contain_text("earned 1281 points · balance 1281")
    expect(card).to_be_hidden()  # the next sale starts without the member

    order = Order.objects.get()
    assert order.member_id == member.pk
    assert (order.total, order.discount_total) == (Decimal("854.05"), Decimal("44.95"))
    member.refresh_from_db()
    assert member.points_balance == 1281


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_an_unknown_member_code_attaches_nothing_and_points_wait_for_the_network(
    live_server, transactional_db, page
):
    store, member = _shop_with_a_gold_member()
    make_user("wei", role="cashier", store=store)
    page.goto(f"{live_server.url}/login/?next=/pos/")
    page.fill("#id_username", "wei")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("#pos-scan")).to_be_focused()  # the till's script is running

    page.fill("#pos-member", "MNOSUCHONE")
    page.press("#pos-member", "Enter")
    expect(page.locator("#pos-message")).to_have_text("No member has this code or phone number.")
    expect(page.locator("#pos-member-card")).to_be_hidden()
    expect(page.locator("[data-method=points]")).to_be_hidden()

    # Looked up once, the member can be attached again offline, but points cannot pay.
    page.fill("#pos-member", member.code)
    page.press("#pos-member", "Enter")
    expect(page.locator("#pos-member-card")).to_contain_text("Gold")
    page.click("#pos-member-detach")
    page.context.set_offline(True)
    expect(page.locator("#pos-net-text")).to_have_text("Offline")
    page.fill("#pos-member", member.code)
    page.press("#pos-member", "Enter")
    expect(page.locator("#pos-member-card")).to_contain_text("Gold")
    expect(page.locator("[data-method=points]")).to_be_disabled()
    expect(page.locator("#pos-points-offline")).to_be_visible()
    page.context.set_offline(False)
    expect(page.locator("[data-method=points]")).to_be_enabled()


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_a_member_pays_half_with_points_and_the_rest_in_cash(live_server, transactional_db, page):
    store, member = _shop_with_a_gold_member()
    points_earn(
        member_id=member.pk,
        points=50_000,
        key="welcome",
        source=Source("activity", "welcome"),
        expires_on=dt.date(2099, 12, 31),
    )
    make_user("wei", role="cashier", store=store)
    page.goto(f"{live_server.url}/login/?next=/pos/")
    page.fill("#id_username", "wei")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("#pos-scan")).to_be_focused()
    page.fill("#pos-member", member.code)
    page.press("#pos-member", "Enter")
    expect(page.locator("#pos-member-card")).to_contain_text("50000 points")
    page.fill("#pos-scan", "LEGO-60337")
    page.press("#pos-scan", "Enter")
    expect(page.locator("#pos-total")).to_have_text("¥854.05")

    # At most half of the sale: 427.02 yuan, 42702 points at 100 points a yuan.
    page.click("[data-method=points]")
    expect(page.locator("#pos-points-info")).to_contain_text("100 points = ¥1 · at most ¥427.02")
    expect(page.locator("#pos-amount")).to_have_value("427.02")
    expect(page.locator("#pos-points-need")).to_have_text("Takes 42702 points")
    page.click("#pos-add-payment")
    expect(page.locator("#pos-payments li")).to_have_count(1)
    page.click("[data-method=cash]")
    expect(page.locator("#pos-amount")).to_have_value("427.03")
    page.keyboard.press("F9")

    last = page.locator("#pos-last")
    expect(last).to_contain_text("Sale complete. ¥854.05")
    expect(last).to_contain_text("42702 points paid")
    order = Order.objects.get()
    assert sorted(order.payments.values_list("method", "amount")) == [
        ("cash", Decimal("427.03")),
        ("points", Decimal("427.02")),
    ]
    member.refresh_from_db()
    # Only the cash half earns: 427.03 × 1.5 = 640 points.
    assert member.points_balance == 50_000 - 42_702 + 640
