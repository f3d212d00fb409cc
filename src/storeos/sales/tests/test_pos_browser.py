"""The till in Debian's Chromium against a live server: online, offline, and back."""

import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storeos.inventory.models import StockLevel, StockMove
from storeos.inventory.stock import stock_receive
from storeos.sales.models import Order
from storeos.stores.models import Location
from storeos.web.tests.factories import PASSWORD, make_catalog, make_store, make_user

SYNC_TIMEOUT = 30_000  # ms: the `online` event, or at worst the periodic retry


def _stocked_shop():
    store = make_store("SH001", "Jing'an")
    skus = make_catalog()["skus"]
    shelf = next(
        place
        for place in Location.objects.filter(store=store, sellable=True)
        if "pos" in place.channels
    )
    for sku in skus.values():
        stock_receive(actor=None, location=shelf, sku=sku, quantity=10, unit_cost=Decimal("100"))
    return store, skus, shelf


def _on_hand(shelf, sku) -> int:
    return sum(StockLevel.objects.filter(location=shelf, sku=sku).values_list("on_hand", flat=True))


def _open_till(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/?next=/pos/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")


def _scan(page, code: str) -> None:
    page.fill("#pos-scan", code)
    page.press("#pos-scan", "Enter")


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_the_till_rings_online_queues_two_sales_offline_and_syncs_each_exactly_once(
    live_server, transactional_db, page
):
    store, skus, shelf = _stocked_shop()
    make_user("wei", role="cashier", store=store, first_name="Wei")

    _open_till(page, live_server, "wei")
    expect(page.locator("#pos-scan")).to_be_focused()
    lines = page.locator("#pos-lines tr")

    # Sale 1, online: a scanned barcode, a search pick, an age-restricted SKU code.
    _scan(page, "5702016616217")
    expect(lines).to_have_count(1)
    page.fill("#pos-scan", "express")
    expect(page.locator("#pos-results .pos-result")).to_have_count(1)
    expect(page.locator("#pos-results .pos-result")).to_contain_text("¥899.00")
    page.press("#pos-scan", "Enter")
    _scan(page, "MT-53-500")
    expect(lines).to_have_count(3)
    expect(page.locator("#pos-total")).to_have_text("¥5397.00")
    expect(page.locator("#pos-complete")).to_be_disabled()  # the age check comes first
    page.check("#pos-age-confirmed")
    page.fill("#pos-tendered", "6000")
    expect(page.locator("#pos-change")).to_have_text("Change due: ¥603.00")
    page.press("#pos-tendered", "Enter")
    expect(page.locator("#pos-last")).to_contain_text("Sale complete. ¥5397.00")
    expect(page.locator("#pos-last")).to_contain_text("Change due: ¥603.00")
    assert Order.objects.count() == 1

    # The network drops. Sale 2: the barcode scanned before, paid by card.
    page.context.set_offline(True)
    expect(page.locator("#pos-net-text")).to_have_text("Offline")
    _scan(page, "5702016616217")
    expect(lines).to_have_count(1)
    page.click("[data-method=card]")
    page.fill("#pos-reference", "T-778")
    page.press("#pos-reference", "Enter")
    expect(page.locator("#pos-net-text")).to_have_text("Offline — 1 sale queued")

    # Sale 3: the train, found by its code among the recently seen items, two of them, cash.
    page.click("[data-method=cash]")
    _scan(page, "LEGO-60337")
    expect(lines).to_have_count(1)
    lines.first.locator(".pos-plus").click()
    expect(lines.first.locator(".pos-qty-input")).to_have_value("2")
    page.keyboard.press("F9")
    expect(page.locator("#pos-net-text")).to_have_text("Offline — 2 sales queued")
    expect(page.locator("#pos-queue-list li")).to_have_count(2)
    expect(page.locator("#pos-queue-count")).to_have_text("2")
    assert Order.objects.count() == 1

    # Back online: the queue empties by itself, oldest first.
    page.context.set_offline(False)
    expect(page.locator("#pos-queue-count")).to_have_text("0", timeout=SYNC_TIMEOUT)
    expect(page.locator("#pos-net-text")).to_have_text("Online")
    recent = page.locator("#pos-recent li")
    expect(recent).to_have_count(3)

    # Exactly the three sales, each once, and stock fell once per line.
    shown = {
        uuid.UUID(value) for value in recent.evaluate_all("els => els.map(e => e.dataset.orderId)")
    }
    assert set(Order.objects.values_list("uuid", flat=True)) == shown
    assert sorted(Order.objects.values_list("total", flat=True)) == [
        Decimal("1798.00"),
        Decimal("2999.00"),
        Decimal("5397.00"),
    ]
    assert StockMove.objects.filter(kind="sale").count() == 5
    assert _on_hand(shelf, skus["technic"]) == 8
    assert _on_hand(shelf, skus["train"]) == 7
    assert _on_hand(shelf, skus["moutai"]) == 9
    card_sale = Order.objects.get(total=Decimal("2999.00"))
    assert list(card_sale.payments.values_list("method", "reference")) == [("card", "T-778")]


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_a_sale_split_between_cash_and_a_sandbox_qr_payment(live_server, transactional_db, page):
    store, skus, shelf = _stocked_shop()
    make_user("wei", role="cashier", store=store)
    _open_till(page, live_server, "wei")

    _scan(page, "LEGO-60337")
    expect(page.locator("#pos-total")).to_have_text("¥899.00")
    # 99 in cash first, the rest by QR code.
    page.fill("#pos-amount", "99")
    page.click("#pos-add-payment")
    expect(page.locator("#pos-payments li")).to_have_count(1)
    page.click("[data-method=sandbox]")
    expect(page.locator("#pos-amount")).to_have_value("800.00")
    page.click("#pos-qr-start")
    expect(page.locator("#pos-qr-status")).to_have_text("Waiting for the customer to pay ¥800.00…")
    expect(page.locator("#pos-qr-img")).to_have_attribute("src", re.compile(r"/pos/qr\.svg\?data="))
    page.click("#pos-qr-simulate")
    expect(page.locator("#pos-payments li")).to_have_count(2)
    expect(page.locator("#pos-qr")).to_be_hidden()
    page.click("#pos-complete")
    expect(page.locator("#pos-last")).to_contain_text("Sale complete. ¥899.00")

    order = Order.objects.get()
    assert sorted(order.payments.values_list("method", "amount")) == [
        ("cash", Decimal("99.00")),
        ("sandbox", Decimal("800.00")),
    ]
    assert _on_hand(shelf, skus["train"]) == 9


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_a_queued_sale_the_server_refuses_stays_queued_as_needing_attention(
    live_server, transactional_db, page
):
    store, skus, shelf = _stocked_shop()
    make_user("wei", role="cashier", store=store)
    _open_till(page, live_server, "wei")
    _scan(page, "LEGO-60337")
    page.locator("#pos-lines tr").first.locator(".pos-remove").click()

    # Offline, eleven trains are rung up; the shop floor has ten.
    page.context.set_offline(True)
    _scan(page, "11*LEGO-60337")
    expect(page.locator("#pos-lines .pos-qty-input")).to_have_value("11")
    page.keyboard.press("F9")
    expect(page.locator("#pos-net-text")).to_have_text("Offline — 1 sale queued")
    page.context.set_offline(False)

    item = page.locator("#pos-queue-list li")
    expect(item).to_contain_text("Needs attention", timeout=SYNC_TIMEOUT)
    expect(item).to_contain_text("There is not enough stock for this.")
    expect(page.locator("#pos-queue-count")).to_have_text("1")
    expect(page.locator("#pos-net-text")).to_have_text("Online")
    assert not Order.objects.exists()
    assert _on_hand(shelf, skus["train"]) == 10


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_a_sale_rung_offline_during_a_promotion_syncs_at_the_price_the_customer_paid(
    live_server, transactional_db, page
):
    from storeos.core.models import AuditEntry
    from storeos.sales.tests.test_pos_coupons import percent_off_promotion

    store, skus, shelf = _stocked_shop()
    percent_off_promotion(name="Autumn 10% off")
    make_user("wei", role="cashier", store=store)
    _open_till(page, live_server, "wei")

    # Online, the till shows the promotion's price and remembers the train.
    _scan(page, "LEGO-60337")
    expect(page.locator("#pos-total")).to_have_text("¥809.10")
    page.once("dialog", lambda dialog: dialog.accept())  # "Discard this sale?"
    page.click("#pos-void")
    expect(page.locator("#pos-lines tr")).to_have_count(0)

    # Offline it cannot see promotions: the train is rung at its list price and paid in cash.
    page.context.set_offline(True)
    expect(page.locator("#pos-net-text")).to_have_text("Offline")
    _scan(page, "LEGO-60337")
    expect(page.locator("#pos-total")).to_have_text("¥899.00")
    page.fill("#pos-tendered", "900")
    page.press("#pos-tendered", "Enter")
    expect(page.locator("#pos-net-text")).to_have_text("Offline — 1 sale queued")

    # Back online, the queued sale lands as it was paid, not "needs attention".
    page.context.set_offline(False)
    expect(page.locator("#pos-queue-count")).to_have_text("0", timeout=SYNC_TIMEOUT)
    order = Order.objects.get()
    assert (order.total, order.discount_total) == (Decimal("899.00"), Decimal("0.00"))
    assert _on_hand(shelf, skus["train"]) == 9
    assert AuditEntry.objects.filter(action="order.priced_offline").count() == 1
