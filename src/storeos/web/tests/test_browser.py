"""The whole path a store manager walks, in Debian's Chromium against a live server."""

import re

import pytest
from playwright.sync_api import expect

from storeos.web.tests.factories import PASSWORD, make_catalog, make_store, make_user


@pytest.mark.browser
# A tablet set up in Chinese, as in the chain's stores.
@pytest.mark.browser_context_args(locale="zh-CN")
def test_sign_in_switch_language_search_reprice_and_see_the_audit_entry(
    live_server, transactional_db, page
):
    make_store("SH001", "Jing'an")
    make_catalog()
    make_user("lina", role="admin", first_name="Lina")

    # Sign in: the first visit is in Chinese, the tablet's language.
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("h1")).to_have_text("登录 StoreOS")
    page.fill("#id_username", "lina")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text("您好，Lina")

    # Switch to English: the select submits itself (once the page's script has loaded).
    page.wait_for_load_state()
    with page.expect_navigation():
        page.select_option("#language-switch", "en")
    expect(page.locator("h1")).to_have_text("Hello, Lina")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Search: typing fetches the results fragment; only the match stays.
    page.click("[data-nav=catalog]")
    expect(page.locator("#sku-results")).to_contain_text("MT-53-500")
    page.fill("#sku-search-q", "lamborghini")
    results = page.locator("#sku-results")
    expect(results).to_contain_text("Showing 1–1 of 1")
    expect(results).not_to_contain_text("MT-53-500")
    results.get_by_role("link", name="LEGO-42115").click()
    expect(page.locator("h1")).to_contain_text("Lamborghini Sián FKP 37")

    # Re-price with a reason.
    page.get_by_role("link", name="Change price").click()
    page.fill("#id_new_price", "2599.00")
    page.fill("#id_reason", "Match the flagship store")
    page.get_by_role("button", name="Change price").click()

    # Back on the SKU page: the new price and the audit entry.
    expect(page.locator(".message.success")).to_have_text("The price has been changed.")
    expect(page.locator("[data-price=list]")).to_have_text("¥2599.00")
    entry = page.locator("#price-history .audit-entry").first
    expect(entry).to_contain_text("Lina")
    expect(entry).to_contain_text("¥2999.00")
    expect(entry).to_contain_text("¥2599.00")
    expect(entry).to_contain_text("Match the flagship store")
    assert re.search(r"/catalog/skus/\d+/$", page.url)
