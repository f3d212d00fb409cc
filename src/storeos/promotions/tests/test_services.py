"""The promotion lifecycle: drafts are validated whole, approvals need the right person in every
store the promotion runs in, and every refusal changes nothing."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import DomainError
from storeos.core.models import AuditEntry, OutboxEvent
from storeos.promotions.models import Promotion, PromotionStatus, PromotionUse
from storeos.promotions.selectors import (
    promotion_get,
    promotion_list,
    promotion_usage,
    promotion_usage_summary,
)
from storeos.promotions.services import (
    promotion_approve,
    promotion_create,
    promotion_end,
    promotion_pause,
    promotion_reject,
    promotion_submit,
    promotion_update,
)
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Store

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 6, 10, tzinfo=dt.UTC)
END = dt.datetime(2026, 6, 20, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with clock.frozen(NOW) as at:
        yield at


@pytest.fixture
def marketing(db):
    return user_with_role("marketing", None, "marketing")


@pytest.fixture
def other_store(store):
    return Store.objects.create(code="S2", name="Store two", region=store.region)


def draft(actor, **fields) -> Promotion:
    values = {
        "code": "SUMMER20",
        "name": "Summer 20% off",
        "kind": "percent_off",
        "rule": {"percent": "20"},
        "starts_at": START,
        "ends_at": END,
    }
    return promotion_create(actor=actor, **(values | fields))


def refused(code: str, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.as_dict()
    return info.value


def test_marketing_creates_a_draft_that_nobody_sees_on_the_tills_yet(frozen, marketing, store):
    promotion = draft(marketing, store_ids=[store.pk])

    assert promotion.status == PromotionStatus.DRAFT
    assert promotion.created_by == marketing
    assert promotion.created_at == promotion.updated_at == NOW
    assert AuditEntry.objects.filter(action="promotion.created").count() == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"starts_at": END, "ends_at": START}, "dates_reversed"),
        ({"rule": {"percent": "120"}}, "percent_invalid"),
        ({"rule": {"percent": "0"}}, "percent_invalid"),
        ({"kind": "half_price_tuesday"}, "promotion_invalid"),
        (
            {"kind": "bundle", "rule": {"skus": [999_991, 999_992], "price": "99"}},
            "bundle_sku_missing",
        ),
        ({"total_uses": -1}, "promotion_invalid"),
        ({"store_ids": [999_999]}, "store_invalid"),
        ({"status": "active"}, "promotion_invalid"),
    ],
)
def test_a_bad_draft_is_refused_with_its_code_and_nothing_is_saved(
    frozen, marketing, store, fields, code
):
    refused(code, draft, marketing, **fields)

    assert Promotion.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_second_promotion_with_the_same_code_is_refused(frozen, marketing):
    draft(marketing)

    error = refused("promotion_code_taken", draft, marketing, name="Another")

    assert error.status == 409
    assert Promotion.objects.count() == 1


def test_a_cashier_cannot_create_a_promotion(frozen, store):
    cashier = user_with_role("cashier", store)

    refused("permission_denied", draft, cashier, store_ids=[store.pk])

    assert Promotion.objects.count() == 0


def test_a_draft_can_be_changed_and_each_change_moves_updated_at(frozen, marketing):
    promotion = draft(marketing)

    first = promotion_update(actor=marketing, promotion=promotion, rule={"percent": "25"})
    second = promotion_update(actor=marketing, promotion=first, name="Summer 25% off")

    promotion.refresh_from_db()
    assert promotion.rule == {"percent": "25"}
    assert promotion.name == "Summer 25% off"
    assert NOW <= first.updated_at < second.updated_at == promotion.updated_at


def test_a_bad_change_leaves_the_draft_as_it_was(frozen, marketing):
    promotion = draft(marketing)

    refused("dates_reversed", promotion_update, actor=marketing, promotion=promotion, ends_at=START)
    refused(
        "percent_invalid",
        promotion_update,
        actor=marketing,
        promotion=promotion,
        rule={"percent": "101"},
    )

    promotion.refresh_from_db()
    assert (promotion.ends_at, promotion.rule, promotion.updated_at) == (
        END,
        {"percent": "20"},
        NOW,
    )


def test_a_live_promotion_cannot_be_edited_until_it_is_paused(frozen, marketing):
    promotion = promotion_approve(actor=marketing, promotion=draft(marketing))

    refused(
        "promotion_state_invalid",
        promotion_update,
        actor=marketing,
        promotion=promotion,
        rule={"percent": "50"},
    )
    assert Promotion.objects.get(pk=promotion.pk).rule == {"percent": "20"}

    promotion_pause(actor=marketing, promotion=promotion)
    promotion_update(actor=marketing, promotion=promotion, rule={"percent": "50"})
    assert Promotion.objects.get(pk=promotion.pk).rule == {"percent": "50"}


def test_approval_puts_it_live_audited_and_announced_for_the_labels(frozen, marketing, store):
    promotion = promotion_submit(actor=marketing, promotion=draft(marketing, store_ids=[store.pk]))
    assert promotion.status == PromotionStatus.PENDING
    manager = user_with_role("store_manager", store)

    approved = promotion_approve(actor=manager, promotion=promotion)

    approved.refresh_from_db()
    assert approved.status == PromotionStatus.ACTIVE
    assert (approved.approved_by, approved.approved_at) == (manager, NOW)
    audit = AuditEntry.objects.get(action="promotion.approved")
    assert (audit.actor, audit.before, audit.after) == (
        manager,
        {"status": "pending"},
        {"status": "active"},
    )
    event = OutboxEvent.objects.get(topic="promotion.approved")
    assert event.payload["id"] == approved.pk
    assert event.payload["store_ids"] == [store.pk]
    assert event.payload["starts_at"].startswith("2026-06-10T00:00:00")
    assert event.payload["ends_at"].startswith("2026-06-20T00:00:00")


def test_a_manager_approves_for_their_own_store_only(frozen, marketing, store, other_store):
    manager = user_with_role("store_manager", store)
    both = draft(marketing, code="BOTH", store_ids=[store.pk, other_store.pk])
    everywhere = draft(marketing, code="ALL")

    refused("permission_denied", promotion_approve, actor=manager, promotion=both)
    refused("permission_denied", promotion_approve, actor=manager, promotion=everywhere)

    assert set(Promotion.objects.values_list("status", flat=True)) == {PromotionStatus.DRAFT}
    assert not OutboxEvent.objects.filter(topic="promotion.approved").exists()
    assert not AuditEntry.objects.filter(action="promotion.approved").exists()


def test_a_cashier_and_an_analyst_cannot_approve(frozen, marketing, store):
    promotion = draft(marketing, store_ids=[store.pk])

    for role in ("cashier", "hq_analyst"):
        refused(
            "permission_denied",
            promotion_approve,
            actor=user_with_role(role, store if role == "cashier" else None),
            promotion=promotion,
        )

    assert Promotion.objects.get(pk=promotion.pk).status == PromotionStatus.DRAFT


def test_a_promotion_that_is_already_over_cannot_be_approved(marketing):
    with clock.frozen(NOW):
        promotion = draft(marketing)

    with clock.frozen(END + dt.timedelta(minutes=1)):
        refused("promotion_expired", promotion_approve, actor=marketing, promotion=promotion)

    assert Promotion.objects.get(pk=promotion.pk).status == PromotionStatus.DRAFT


def test_reject_sends_it_back_to_draft_with_the_reason(frozen, marketing):
    promotion = promotion_submit(actor=marketing, promotion=draft(marketing))

    promotion_reject(actor=marketing, promotion=promotion, reason="Margin too thin")

    assert Promotion.objects.get(pk=promotion.pk).status == PromotionStatus.DRAFT
    assert AuditEntry.objects.get(action="promotion.rejected").reason == "Margin too thin"


def test_only_a_draft_can_be_submitted(frozen, marketing):
    promotion = promotion_submit(actor=marketing, promotion=draft(marketing))

    refused("promotion_state_invalid", promotion_submit, actor=marketing, promotion=promotion)

    assert Promotion.objects.get(pk=promotion.pk).status == PromotionStatus.PENDING


def test_pausing_and_approving_again_resumes(frozen, marketing):
    promotion = promotion_approve(actor=marketing, promotion=draft(marketing))

    promotion_pause(actor=marketing, promotion=promotion)
    assert Promotion.objects.get(pk=promotion.pk).status == PromotionStatus.PAUSED
    refused("promotion_state_invalid", promotion_pause, actor=marketing, promotion=promotion)

    promotion_approve(actor=marketing, promotion=promotion)
    assert Promotion.objects.get(pk=promotion.pk).status == PromotionStatus.ACTIVE
    assert OutboxEvent.objects.filter(topic="promotion.approved").count() == 2


def test_ending_is_final_and_announced(frozen, marketing, store):
    promotion = promotion_approve(actor=marketing, promotion=draft(marketing, store_ids=[store.pk]))
    before = Promotion.objects.get(pk=promotion.pk).updated_at

    promotion_end(actor=marketing, promotion=promotion)

    ended = Promotion.objects.get(pk=promotion.pk)
    assert ended.status == PromotionStatus.ENDED
    assert ended.updated_at > before
    event = OutboxEvent.objects.get(topic="promotion.ended")
    assert (event.payload["id"], event.payload["store_ids"]) == (promotion.pk, [store.pk])
    for service in (promotion_end, promotion_approve, promotion_pause):
        refused("promotion_state_invalid", service, actor=marketing, promotion=promotion)
    refused(
        "promotion_state_invalid",
        promotion_update,
        actor=marketing,
        promotion=promotion,
        name="Again",
    )
    assert OutboxEvent.objects.filter(topic="promotion.ended").count() == 1
    assert Promotion.objects.get(pk=promotion.pk).updated_at == ended.updated_at


# --- reading them back (selectors) ------------------------------------------------------------


def test_a_store_cashier_sees_the_promotions_running_in_their_store_only(
    frozen, marketing, store, other_store
):
    mine = draft(marketing, code="MINE", store_ids=[store.pk])
    everywhere = draft(marketing, code="ALL")
    draft(marketing, code="THEIRS", store_ids=[other_store.pk])
    cashier = user_with_role("cashier", store)

    seen = promotion_list(user=cashier)

    assert [p.code for p in seen] == ["MINE", "ALL"]
    assert seen.count() == 2
    assert promotion_get(user=cashier, promotion_id=mine.pk) == mine
    assert promotion_get(user=cashier, promotion_id=everywhere.pk) == everywhere
    refused(
        "promotion_not_found",
        promotion_get,
        user=cashier,
        promotion_id=Promotion.objects.get(code="THEIRS").pk,
    )
    assert promotion_list(user=marketing).count() == 3


def test_someone_without_promotions_access_sees_nothing(frozen, marketing, store):
    draft(marketing)

    refused("permission_denied", promotion_list, user=user_with_role("warehouse", store))


def test_the_list_filters_by_status_kind_and_the_day_it_runs(frozen, marketing):
    live = promotion_approve(actor=marketing, promotion=draft(marketing, code="LIVE"))
    draft(marketing, code="DRAFT")
    later = draft(
        marketing,
        code="LATER",
        starts_at=END,
        ends_at=END + dt.timedelta(days=5),
        kind="amount_off",
        rule={"amount": "5.00"},
    )
    promotion_approve(actor=marketing, promotion=later)

    def codes(**filters):
        return [p.code for p in promotion_list(user=marketing, **filters)]

    assert codes(status="draft") == ["DRAFT"]
    assert codes(kind="amount_off") == ["LATER"]
    assert codes(active_on=dt.date(2026, 6, 15)) == ["LIVE"]
    assert codes(active_on=START) == ["LIVE"]
    # 20 June in Shanghai runs from 19 June 16:00 UTC: both are live that day.
    assert codes(active_on=dt.date(2026, 6, 20)) == ["LIVE", "LATER"]
    assert live.pk in [p.pk for p in promotion_list(user=marketing, status="active")]


def test_usage_says_orders_discount_and_what_is_left(frozen, marketing):
    promotion = draft(marketing, total_uses=10, budget=Decimal("100.00"))
    for member_id, discount in ((1, "20.00"), (1, "15.50"), (None, "4.50")):
        PromotionUse.objects.create(
            promotion=promotion,
            order_uuid=uuid.uuid4(),
            member_id=member_id,
            discount=Decimal(discount),
            reversed_discount=Decimal("4.50") if member_id is None else Decimal("0"),
            created_at=NOW,
        )
    Promotion.objects.filter(pk=promotion.pk).update(used_count=3, discount_used=Decimal("35.50"))
    promotion.refresh_from_db()

    usage = promotion_usage(promotion=promotion)
    (summary,) = promotion_usage_summary(user=marketing)

    assert usage == summary
    assert usage == {
        "promotion_id": promotion.pk,
        "uses": 3,
        "orders": 3,
        "members": 1,
        "discount_given": Decimal("40.00"),
        "discount_reversed": Decimal("4.50"),
        "discount_net": Decimal("35.50"),
        "uses_left": 7,
        "budget_left": Decimal("64.50"),
    }


def test_a_promotion_never_used_has_no_usage_and_no_limits_left_to_show(frozen, marketing):
    promotion = draft(marketing)

    usage = promotion_usage(promotion=promotion)

    assert (usage["orders"], usage["discount_given"]) == (0, Decimal("0"))
    assert (usage["uses_left"], usage["budget_left"]) == (None, None)
