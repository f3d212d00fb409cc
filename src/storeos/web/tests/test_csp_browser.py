"""The Content-Security-Policy in Debian's Chromium: our pages run under it without a single
violation, and a script slipped into a page does not run."""

import pytest
from django.urls import reverse

from storeos.web.tests.factories import PASSWORD, make_catalog, make_store, make_user

PAGES = [
    "web:home",
    "pos:screen",
    "sales_reports:dashboard",
    "catalog:sku_list",
    "inventory:stock_overview",
    "loyalty:member_list",
    "promotions:promotion_list",
    "api:openapi-view",
]


@pytest.mark.browser
@pytest.mark.browser_context_args(locale="en-US")
def test_every_main_page_runs_under_the_policy_and_an_injected_script_does_not(
    live_server, transactional_db, page
):
    make_store("SH001", "Jing'an")
    make_catalog()
    make_user("lina", role="admin", store=None)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "lina")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()

    for name in PAGES:
        page.goto(live_server.url + reverse(name))
        page.wait_for_load_state("networkidle")

    assert violations == []
    # A script put into the page the way an unescaped value would put it is refused.
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.appendChild(script);
        const img = document.createElement("img");
        img.setAttribute("onerror", "window.injected = true");
        img.src = "/no-such-image";
        document.body.appendChild(img);
    }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.injected") is None
    assert any("inline script" in text for text in violations)
