"""Promotions and a coupon at the till in Debian's Chromium: scan, see the savings, pay cash."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from storeos.catalog.models import Category
from storeos.core import clock
from storeos.promotions.models import (
    Coupon,
    CouponStatus,
    Promotion,
    PromotionKind,
    PromotionStatus,
)
from storeos.sales.models import Order
from storeos.sales.tests.conftest import make_sku
from storeos.sales.tests.test_pos_coupons import percent_off_promotion, stocked_shop, ten_off_coupon
from storeos.stores.models import Location
from storeos.web.tests.factories import PASSWORD, make_user


def _sign_in(page, live_server, store) -> None:
    make_user("wei", role="cashier", store=store)
    page.goto(f"{live_server.url}/login/?next=/pos/")
    page.fill("#id_username", "wei")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("#pos-scan")).to_be_focused()


def _key_ring_gift(store) -> Promotion:
    """A key ring (¥15) free with every purchase of ¥300 or more."""
    shelf = Location.objects.filter(store=store, sellable=True).order_by("code").first()
    key_ring = make_sku(Category.objects.first(), "KEYRING", "15.00", stock=5, location=shelf)
    now = clock.now()
    return Promotion.objects.create(
        code="GIFT300",
        name="Key ring over ¥300",
        label="Key ring over ¥300",
        kind=PromotionKind.GIFT,
        rule={"sku": key_ring.pk, "quantity": 1, "min_amount": "300.00"},
        status=PromotionStatus.ACTIVE,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=30),
        created_at=now,
        updated_at=now,
    )


def _scan(page, code: str) -> None:
    page.fill("#pos-scan", code)
    page.press("#pos-scan", "Enter")


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_a_cashier_scans_a_promoted_item_and_a_coupon_and_the_receipt_lists_the_savings(
    live_server, transactional_db, page
):
    store, _ = stocked_shop()
    percent_off_promotion(name="Autumn 10% off")
    _key_ring_gift(store)
    coupon = ten_off_coupon()
    # A code that starts like a quantity ("3×…") is still the coupon, not three of an item.
    coupon.code = "3X" + coupon.code[2:]
    coupon.save(update_fields=["code"])
    _sign_in(page, live_server, store)

    # The train is 10% off for everyone: the till shows the server's price, and the free key
    # ring comes with it, marked as a gift and not for the cashier to change.
    _scan(page, "LEGO-60337")
    expect(page.locator("#pos-total")).to_have_text("¥809.10")
    train = page.locator("#pos-lines tr:not(.pos-gift)")
    expect(train.locator(".pos-line-saving")).to_have_text("Autumn 10% off −¥89.90")
    gift = page.locator("#pos-lines tr.pos-gift")
    expect(gift).to_contain_text("KEYRING")
    expect(gift.locator(".pos-gift-badge")).to_have_text("Gift")
    expect(gift.locator(".pos-line-total")).to_have_text("¥0.00")
    expect(gift.locator("button, input")).to_have_count(0)

    # The customer's coupon QR is scanned like an item.
    _scan(page, coupon.code)
    expect(page.locator("#pos-message")).to_have_text(f"Coupon {coupon.code}: −¥10.00")
    expect(page.locator("#pos-total")).to_have_text("¥799.10")
    expect(page.locator("#pos-coupon-list")).to_contain_text(coupon.code)
    expect(page.locator("#pos-coupon-list .pos-coupon-saving")).to_have_text("−¥10.00")
    expect(page.locator("#pos-lines [data-source=coupon]")).to_contain_text("−¥10.00")
    expect(page.locator("#pos-discount")).to_have_text("Discount −¥114.90")
    expect(page.locator("#pos-savings li")).to_have_count(3)
    expect(page.locator("#pos-savings")).to_contain_text("Autumn 10% off −¥89.90")
    expect(page.locator("#pos-savings")).to_contain_text("−¥15.00")
    expect(page.locator("#pos-scan")).to_be_focused()

    page.fill("#pos-tendered", "800")
    expect(page.locator("#pos-change")).to_have_text("Change due: ¥0.90")
    page.press("#pos-tendered", "Enter")
    last = page.locator("#pos-last")
    expect(last).to_contain_text("Sale complete. ¥799.10")
    expect(page.locator("#pos-coupon-list")).to_be_hidden()  # the next sale starts without it

    order = Order.objects.get()
    assert order.coupon_codes == [coupon.code]
    assert (str(order.total), str(order.discount_total)) == ("799.10", "114.90")
    assert [line.sku.code for line in order.lines.order_by("line_no")] == ["LEGO-60337", "KEYRING"]
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.USED and coupon.order_uuid == order.uuid

    with page.expect_popup() as receipt_tab:
        last.get_by_role("link", name="Receipt").click()
    receipt = receipt_tab.value.locator(".receipt")
    expect(receipt).to_contain_text("Autumn 10% off")
    expect(receipt).to_contain_text("-89.90")
    expect(receipt).to_contain_text("-10.00")
    expect(receipt).to_contain_text("[Gift] KEYRING")
    expect(receipt).to_contain_text("You saved ¥114.90 in total")


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_a_used_coupon_is_refused_a_coupon_comes_off_and_none_is_taken_offline(
    live_server, transactional_db, page
):
    store, _ = stocked_shop()
    used = ten_off_coupon()
    Coupon.objects.filter(pk=used.pk).update(status=CouponStatus.USED, used_at=used.issued_at)
    coupon = ten_off_coupon()
    _sign_in(page, live_server, store)
    _scan(page, "LEGO-60337")
    expect(page.locator("#pos-total")).to_have_text("¥899.00")

    # F8 jumps to the coupon field; a used coupon is refused and changes nothing.
    page.keyboard.press("F8")
    expect(page.locator("#pos-coupon")).to_be_focused()
    page.fill("#pos-coupon", used.code)
    page.press("#pos-coupon", "Enter")
    expect(page.locator("#pos-message")).to_have_text("This coupon has already been used.")
    expect(page.locator("#pos-total")).to_have_text("¥899.00")
    expect(page.locator("#pos-coupon-list")).to_be_hidden()

    # A good one goes on, and comes off again.
    page.fill("#pos-coupon", coupon.code.lower())
    page.press("#pos-coupon", "Enter")
    expect(page.locator("#pos-total")).to_have_text("¥889.00")
    page.click(f"[data-remove-coupon='{coupon.code}']")
    expect(page.locator("#pos-total")).to_have_text("¥899.00")
    expect(page.locator("#pos-coupon-list")).to_be_hidden()

    # Offline, no coupon can be checked: the till says so and the sale stays at full price.
    page.context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    expect(page.locator("#pos-coupon-offline")).to_be_visible()
    _scan(page, coupon.code)
    expect(page.locator("#pos-message")).to_contain_text("Offline: coupons cannot be checked")
    expect(page.locator("#pos-coupon-list")).to_be_hidden()
    page.fill("#pos-tendered", "900")
    page.press("#pos-tendered", "Enter")
    expect(page.locator("#pos-last")).to_contain_text("queued")
    queued = page.evaluate(
        "JSON.parse(localStorage.getItem('storeos.pos." + str(store.pk) + ".queue'))"
    )
    assert len(queued) == 1 and "coupon_codes" not in queued[0]["payload"]
    assert Coupon.objects.get(pk=coupon.pk).status == CouponStatus.AVAILABLE
