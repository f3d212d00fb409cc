"""A promotion's life in Debian's Chromium: marketing drafts 20% off and sends it for approval, the
store manager approves it from the queue, and the cart price API charges it at once."""

import pytest
from playwright.sync_api import expect

from storeos.promotions.models import Promotion
from storeos.web.tests.factories import PASSWORD, make_catalog, make_store, make_user


def _sign_in(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_marketing_drafts_a_manager_approves_and_the_cart_price_reflects_it(
    live_server, transactional_db, page
):
    store = make_store("SH001", "Jing'an")
    train = make_catalog()["skus"]["train"]  # ¥899.00
    make_user("mei", role="marketing")
    make_user("li", role="store_manager", store=store)
    base = live_server.url

    # Marketing drafts 20% off everything in the Jing'an store and sends it for approval.
    _sign_in(page, base, "mei", "/promotions/new/")
    page.select_option("#id_kind", "percent_off")
    expect(page.locator("#id_percent")).to_be_visible()
    expect(page.locator("#id_every")).to_be_hidden()
    page.fill("#id_code", "SPRING20")
    page.fill("#id_name", "Spring 20% off")
    page.fill("#id_label", "Spring -20%")
    page.fill("#id_percent", "20")
    page.fill("#id_starts_at", "2026-01-01T00:00")
    page.fill("#id_ends_at", "2099-01-01T00:00")
    page.check(f"input[name=store_ids][value='{store.pk}']")
    page.click("#promotion-form button[type=submit]")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "draft")
    page.click("[data-step=submit]")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "pending")
    page.click("text=Sign out")

    # The store manager approves it from the approval queue.
    _sign_in(page, base, "li", "/promotions/approvals/")
    row = page.locator("[data-promotion=SPRING20]")
    expect(row).to_be_visible()
    row.locator("[data-step=approve]").click()
    expect(row.locator("[data-status=active]")).to_be_visible()
    assert Promotion.objects.get(code="SPRING20").status == "active"

    # The till's price for the train is now 20% off, and says why.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.request.post(
        f"{base}/api/v1/cart/price",
        data={
            "store_id": store.pk,
            "channel": "pos",
            "lines": [{"sku_id": train.pk, "quantity": 1}],
        },
        headers={"X-CSRFToken": csrf, "Referer": f"{base}/promotions/approvals/"},
    )
    assert answer.status == 200, answer.text()
    body = answer.json()
    assert body["total"] == "719.20"
    assert body["savings"] == "179.80"
    assert [a["amount"] for a in body["lines"][0]["adjustments"]] == ["179.80"]
