"""A member's 360 page in Debian's Chromium against a live server."""

import datetime as dt
import uuid

import pytest
from playwright.sync_api import expect

from storeos.core import clock
from storeos.loyalty import ledger
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Programme, Tier
from storeos.sales.models import Order
from storeos.stores.models import Location
from storeos.web.tests.factories import PASSWORD, make_store, make_user


def _member_with_points_and_an_order(store):
    programme = Programme.objects.create(code="LEGO", name="LEGO VIP")
    for rank, (code, name, upgrade) in enumerate(
        [("bronze", "Bronze", 0), ("silver", "Silver", 1000)]
    ):
        Tier.objects.create(
            programme=programme,
            code=code,
            name=name,
            rank=rank,
            upgrade_threshold=upgrade,
            retention_threshold=upgrade // 2,
        )
    member = member_create(phone="13800138000", name="张三", home_store=store)
    ledger.points_earn(
        member_id=member.pk,
        points=320,
        key="browser-welcome",
        source=ledger.Source("test", "welcome"),
        expires_on=clock.now().date() + dt.timedelta(days=365),
    )
    # An order row written directly: the page reads it for the list and the spend chart.
    now = clock.now()
    Order.objects.create(
        uuid=uuid.uuid4(),
        number="SH001-0001",
        store=store,
        location=Location.objects.filter(store=store).first(),
        channel="pos",
        status="paid",
        member_id=member.pk,
        subtotal="899.00",
        total="899.00",
        created_at=now,
        paid_at=now,
        business_date=clock.business_date(now),
        request_hash="x",
    )
    return member


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_marketing_finds_a_member_and_sees_tier_points_and_the_masked_phone(
    live_server, transactional_db, page
):
    store = make_store("SH001", "Jing'an")
    member = _member_with_points_and_an_order(store)
    make_user("mei", role="marketing", first_name="Mei")

    page.goto(f"{live_server.url}/login/?next=/members/")
    page.fill("#id_username", "mei")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_have_text("Members")

    # Search by phone: typing fetches the rows; the phone stays masked in the list.
    page.fill("#filter-q", "13800138000")
    row = page.locator(f'#member-rows tr[data-member="{member.code}"]')
    expect(row).to_contain_text("138****8000")
    row.get_by_role("link", name=member.code).click()

    # The 360 page: tier, points, the masked phone and the spend chart.
    expect(page.locator("[data-member-code]")).to_have_text(member.code)
    expect(page.locator('[data-figure="tier"]')).to_have_text("Bronze")
    expect(page.locator('[data-figure="points"]')).to_have_text("320")
    expect(page.locator("[data-next-tier]")).to_contain_text("more to reach Silver")
    expect(page.locator("#member-phone [data-phone]")).to_have_text("138****8000")
    expect(page.locator("#member-orders")).to_contain_text("SH001-0001")
    expect(page.locator("#chart-member-spend canvas")).to_have_count(1)
    assert "13800138000" not in page.content()

    # Marketing may reveal the phone: htmx swaps it in.
    page.click('[data-action="reveal-phone"]')
    expect(page.locator("[data-phone-full]")).to_have_text("13800138000")
