"""The promotions pages: list, form, approvals, simulation, coupons and code batches, labels."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from storeos.core import clock
from storeos.promotions.models import CodeBatch, CouponTemplate, LabelUpdate, Promotion
from storeos.stores.models import Store
from storeos.web.tests.factories import make_user, signed_in


@pytest.fixture
def marketing(db):
    return signed_in(make_user("mei", role="marketing"))


@pytest.fixture
def other_store(store):
    return Store.objects.create(code="S2", name="Store two", region=store.region)


def form_data(**fields):
    return {
        "code": "SPRING",
        "name": "Spring 20% off",
        "kind": "percent_off",
        "percent": "20",
        "starts_at": "2026-03-01T00:00",
        "ends_at": "2026-04-01T00:00",
        "priority": "0",
        **fields,
    }


def test_the_list_shows_status_usage_and_budget_left(marketing, promo):
    promo("percent_off", {"percent": "10"}, code="LIVE", budget=Decimal("100"))
    Promotion.objects.filter(code="LIVE").update(discount_used=Decimal("30.00"))
    promo("percent_off", {"percent": "10"}, code="IDEA", status="draft")

    everything = marketing.get(reverse("promotions:promotion_list"))
    drafts = marketing.get(reverse("promotions:promotion_list"), {"status": "draft"})

    page = everything.content.decode()
    assert 'data-nav="promotions"' in page
    assert 'data-promotion="LIVE"' in page and 'data-promotion="IDEA"' in page
    assert "¥70.00" in page
    assert 'data-promotion="LIVE"' not in drafts.content.decode()


def test_the_filter_answers_htmx_with_the_table_alone(marketing, promo):
    promo("percent_off", {"percent": "10"}, code="LIVE")

    response = marketing.get(
        reverse("promotions:promotion_list"), {"status": "active"}, HTTP_HX_REQUEST="true"
    )

    assert 'data-promotion="LIVE"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_a_warehouse_worker_cannot_see_promotions(store):
    client = signed_in(make_user("wang", role="warehouse", store=store))

    assert client.get(reverse("promotions:promotion_list")).status_code == 403


def test_a_cashier_sees_promotions_but_cannot_create_one(store):
    client = signed_in(make_user("wei", role="cashier", store=store))

    listed = client.get(reverse("promotions:promotion_list"))
    form = client.get(reverse("promotions:promotion_create"))

    assert listed.status_code == 200
    assert (
        reverse("promotions:promotion_create") + '"'
        not in listed.content.decode().split("</nav>", 2)[-1]
    )
    assert form.status_code == 403


def test_marketing_creates_a_percent_off_draft_from_the_form(marketing, catalogue):
    response = marketing.post(
        reverse("promotions:promotion_create"),
        form_data(scope_skus="CAR, DOLL", channels=["pos"]),
    )

    promotion = Promotion.objects.get(code="SPRING")
    assert response.status_code == 302
    assert promotion.status == "draft"
    assert promotion.rule == {"percent": "20"}
    assert promotion.scope == {"skus": [catalogue.sku("CAR").pk, catalogue.sku("DOLL").pk]}
    assert promotion.channels == ["pos"]


def test_the_form_builds_a_spend_and_save_rule_from_its_tiers(marketing, db):
    marketing.post(
        reverse("promotions:promotion_create"),
        form_data(kind="spend_save", percent="", tiers="200-20, 500-60"),
    )

    assert Promotion.objects.get(code="SPRING").rule == {"tiers": [["200", "20"], ["500", "60"]]}


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"percent": "150"}, "percent"),
        ({"starts_at": "2026-05-01T00:00"}, "ends"),
        ({"scope_skus": "NOPE"}, "NOPE"),
    ],
)
def test_a_bad_promotion_shows_why_and_saves_nothing(marketing, db, fields, shown):
    response = marketing.post(reverse("promotions:promotion_create"), form_data(**fields))

    assert response.status_code == 422
    assert shown.lower() in response.content.decode().lower()
    assert not Promotion.objects.exists()


def test_a_draft_is_edited_through_its_form(marketing, promo):
    draft = promo("percent_off", {"percent": "10"}, code="EDIT", status="draft")
    url = reverse("promotions:promotion_edit", args=[draft.pk])

    shown = marketing.get(url)
    saved = marketing.post(url, form_data(code="EDIT", percent="15"))

    assert 'value="10"' in shown.content.decode()
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.rule == {"percent": "15"}


def test_a_draft_is_sent_for_approval_from_its_page(marketing, promo):
    draft = promo("percent_off", {"percent": "10"}, status="draft")

    page = marketing.get(reverse("promotions:promotion_detail", args=[draft.pk]))
    response = marketing.post(reverse("promotions:promotion_step", args=[draft.pk, "submit"]))

    assert 'data-step="submit"' in page.content.decode()
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "pending"


def test_a_refused_step_says_why_and_changes_nothing(marketing, promo):
    ended = promo("percent_off", {"percent": "10"}, status="ended")

    response = marketing.post(reverse("promotions:promotion_step", args=[ended.pk, "pause"]))

    assert response.status_code == 409
    assert "data-error" in response.content.decode()
    ended.refresh_from_db()
    assert ended.status == "ended"


def test_a_manager_approves_from_the_queue_only_for_their_store(store, other_store, promo):
    mine = promo(
        "percent_off", {"percent": "10"}, code="MINE", status="pending", store_ids=[store.pk]
    )
    promo(
        "percent_off",
        {"percent": "10"},
        code="THEIRS",
        status="pending",
        store_ids=[other_store.pk],
    )
    clearance = promo(
        "percent_off",
        {"percent": "40"},
        code="CLEAR",
        status="draft",
        origin="clearance",
        store_ids=[store.pk],
    )
    manager = signed_in(make_user("li", role="store_manager", store=store))

    queue = manager.get(reverse("promotions:approval_queue"))
    approved = manager.post(
        reverse("promotions:promotion_step", args=[mine.pk, "approve"]), HTTP_HX_REQUEST="true"
    )

    page = queue.content.decode()
    assert 'data-promotion="MINE"' in page
    assert 'data-promotion="CLEAR"' in page and 'data-origin="clearance"' in page
    assert 'data-promotion="THEIRS"' not in page
    assert 'data-status="active"' in approved.content.decode()
    mine.refresh_from_db()
    clearance.refresh_from_db()
    assert mine.status == "active"
    assert clearance.status == "draft"


def test_a_pending_promotion_is_sent_back_from_the_queue(store, promo):
    waiting = promo("percent_off", {"percent": "10"}, status="pending", store_ids=[store.pk])
    manager = signed_in(make_user("li", role="store_manager", store=store))

    manager.post(
        reverse("promotions:promotion_step", args=[waiting.pk, "reject"]),
        {"reason": "Too deep"},
        HTTP_HX_REQUEST="true",
    )

    waiting.refresh_from_db()
    assert waiting.status == "draft"


def test_a_cashier_has_no_approval_queue(store):
    client = signed_in(make_user("wei", role="cashier", store=store))

    assert client.get(reverse("promotions:approval_queue")).status_code == 403


def test_the_simulation_page_reports_what_the_draft_would_cost(marketing, promo):
    draft = promo("percent_off", {"percent": "10"}, status="draft")
    url = reverse("promotions:promotion_simulate", args=[draft.pk])

    shown = marketing.get(url)
    ran = marketing.post(url, {"days": "30"})

    assert shown.status_code == 200
    assert 'data-result="orders_touched">0<' in ran.content.decode()
    assert 'data-result="discount_cost">¥0' in ran.content.decode()


def test_coupon_templates_are_created_and_codes_downloaded(marketing, db):
    created = marketing.post(
        reverse("promotions:coupon_template_list"),
        {
            "code": "WELCOME",
            "name": "¥20 off",
            "kind": "amount_off",
            "value": "20",
            "valid_days": "30",
            "return_on_refund": "on",
        },
    )
    template = CouponTemplate.objects.get(code="WELCOME")
    detail = reverse("promotions:coupon_template_detail", args=[template.pk])
    generated = marketing.post(detail, {"quantity": "3", "note": "flyer"})
    batch = CodeBatch.objects.get(template=template)
    download = marketing.get(reverse("promotions:code_batch_csv", args=[batch.pk]))

    assert created.status_code == 302
    assert generated.status_code == 302
    assert f'data-batch="{batch.pk}"' in marketing.get(detail).content.decode()
    assert download["Content-Type"].startswith("text/csv")
    assert len(download.content.decode().strip().splitlines()) == 4


def test_a_bad_coupon_template_saves_nothing(marketing, db):
    response = marketing.post(
        reverse("promotions:coupon_template_list"),
        {"code": "HALF", "name": "Half", "kind": "percent_off", "value": "150", "valid_days": "3"},
    )

    assert response.status_code == 422
    assert "data-error" in response.content.decode()
    assert not CouponTemplate.objects.exists()


def test_the_label_monitor_counts_pending_updates_per_store(marketing, store, catalogue):
    now = clock.now()
    for sku in (catalogue.sku("CAR"), catalogue.sku("DOLL")):
        LabelUpdate.objects.create(
            store=store,
            sku=sku,
            display_price=Decimal("9.00"),
            regular_price=Decimal("10.00"),
            reason="promotion_start",
            created_at=now - dt.timedelta(minutes=1),
        )

    response = marketing.get(reverse("promotions:label_monitor"))

    assert f'data-store="{store.code}"' in response.content.decode()
    assert 'data-pending="2"' in response.content.decode()


def test_pages_speak_chinese_by_default(db, promo):
    promo("percent_off", {"percent": "10"})
    client = signed_in(make_user("mei", role="marketing"), language="zh-hans")

    response = client.get(reverse("promotions:promotion_list"))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


def test_a_refusal_in_the_queue_shows_in_the_row(store, promo):
    past = promo(
        "percent_off",
        {"percent": "10"},
        status="pending",
        store_ids=[store.pk],
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2020, 2, 1, tzinfo=dt.UTC),
    )
    manager = signed_in(make_user("li", role="store_manager", store=store))

    response = manager.post(
        reverse("promotions:promotion_step", args=[past.pk, "approve"]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "data-error" in response.content.decode()
    past.refresh_from_db()
    assert past.status == "pending"
