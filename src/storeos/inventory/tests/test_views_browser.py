"""A store manager counts a shelf with a scanner file, in Chromium against a live server."""

import pytest
from playwright.sync_api import expect

from storeos.inventory.tests.page_data import FAST_HASHERS, stock_room
from storeos.web.tests.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="zh-CN")
def test_count_a_shelf_by_scan_file_see_the_variance_post_it_and_read_the_stock_card(
    live_server, transactional_db, page, tmp_path, settings
):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    room = stock_room()
    scan = tmp_path / "scan.txt"
    scan.write_text("5702016616217\n5702016616217,7\nLEGO-60337,5\nGHOST-404,2\n")

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "lina")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.click("[data-nav=inventory]")
    expect(page.locator("#stock-table")).to_contain_text("LEGO-42115")
    page.check("#stock-low")  # htmx swaps the table in place
    expect(page.locator("#stock-results [data-total]")).to_have_attribute("data-total", "1")
    expect(page.locator("#stock-table")).not_to_contain_text("LEGO-42115")
    assert "low_stock=on" in page.url  # a reload shows the same list

    # Open a count of the building sets on the shelf.
    page.click("[data-tab=counts]")
    page.get_by_role("link", name="开始盘点").click()
    page.select_option("#id_location", str(room["shelf"].pk))
    page.check("input[name=scope][value=category]")
    page.select_option("#id_category", str(room["categories"]["toys"].pk))
    page.get_by_role("button", name="开始盘点").click()
    expect(page.locator(".message.success")).to_contain_text("盘点已开始")

    # Upload the scanner's file: 8 sets found of 10, the trains all there, one unknown label.
    page.set_input_files("#id_scan_file", str(scan))
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".message.success")).to_contain_text("已读取 4 行")
    technic = page.locator('#variance-table tr[data-sku="LEGO-42115"]')
    expect(technic).to_contain_text("10")
    expect(technic).to_contain_text("-2")
    expect(page.locator("#unknown-codes")).to_contain_text("GHOST-404")
    expect(page.locator("[data-total=value]")).to_have_text("¥-3600.00")

    # Post it; the stock card shows the count-variance move and the new balance.
    page.click("#post-count")
    expect(page.locator(".message.success")).to_contain_text("盘点已过账")
    expect(page.locator("[data-status=posted]")).to_have_text("已过账")
    page.locator('#variance-table tr[data-sku="LEGO-42115"] a').click()
    row = page.locator("#stock-card tr[data-kind=count_variance]")
    expect(row).to_contain_text("盘点差异")
    expect(row).to_contain_text("-2")
    expect(row).to_contain_text("Lina")
    expect(page.locator("[data-balance]")).to_have_text("8")
