"""Tiers: growth over the window, upgrades at once, the periodic review, configuration."""

import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import PermissionDenied
from storeos.core.models import AuditEntry, OutboxEvent
from storeos.loyalty.errors import TierProgrammeInvalid
from storeos.loyalty.models import GrowthEntry, Member, Tier, TierChange
from storeos.loyalty.tiers import (
    member_growth,
    tier_progress,
    tier_review,
    tier_upgrade_check,
    tiers_configure,
)
from storeos.sales.tests.conftest import user_with_role

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def add_growth(member, value, at, key=None):
    GrowthEntry.objects.create(
        member=member,
        value=value,
        idempotency_key=key or f"g-{member.pk}-{GrowthEntry.objects.count()}",
        source_type="test",
        source_id="1",
        occurred_at=at,
    )


def put_in_tier(member, code, since):
    Member.objects.filter(pk=member.pk).update(
        tier=Tier.objects.get(programme=member.programme, code=code), tier_since=since
    )
    member.refresh_from_db()


def tier_code(member) -> str:
    return Member.objects.select_related("tier").get(pk=member.pk).tier.code


def test_growth_counts_only_the_rolling_window(member):
    add_growth(member, 500, NOW - dt.timedelta(days=30))
    add_growth(member, 700, NOW - dt.timedelta(days=400))

    assert member_growth(member, NOW) == 500


def test_upgrade_goes_at_once_to_the_highest_tier_reached(member):
    add_growth(member, 3500, NOW - dt.timedelta(days=1))

    with clock.frozen(NOW):
        tier = tier_upgrade_check(member)

    assert tier.code == "gold"
    assert tier_code(member) == "gold"
    change = TierChange.objects.get(member=member, reason=TierChange.Reason.UPGRADE)
    assert (change.from_tier.code, change.to_tier.code, change.growth_value) == (
        "bronze",
        "gold",
        3500,
    )
    event = OutboxEvent.objects.get(topic="member.tier_changed")
    assert event.payload["to_tier"] == "gold"


def test_no_upgrade_below_the_next_threshold(member):
    add_growth(member, 999, NOW - dt.timedelta(days=1))

    with clock.frozen(NOW):
        assert tier_upgrade_check(member) is None

    assert tier_code(member) == "bronze"
    assert not OutboxEvent.objects.filter(topic="member.tier_changed").exists()


def test_review_drops_exactly_one_tier(member):
    put_in_tier(member, "diamond", NOW - dt.timedelta(days=400))

    dropped = tier_review(NOW)

    assert dropped == 1
    assert tier_code(member) == "gold"
    member.refresh_from_db()
    assert member.tier_since == NOW
    assert TierChange.objects.filter(member=member, reason="review").count() == 1
    # The next night the member has held gold for a day only: no second drop.
    assert tier_review(NOW + dt.timedelta(days=1)) == 0
    assert tier_code(member) == "gold"


def test_review_keeps_members_who_keep_their_growth(member, other_member):
    put_in_tier(member, "gold", NOW - dt.timedelta(days=400))
    add_growth(member, 2000, NOW - dt.timedelta(days=10))
    # A member promoted a month ago keeps the tier until a full window has passed.
    put_in_tier(other_member, "gold", NOW - dt.timedelta(days=30))

    assert tier_review(NOW) == 0
    assert tier_code(member) == "gold"
    assert tier_code(other_member) == "gold"


def test_review_never_drops_below_the_entry_tier(member):
    put_in_tier(member, "bronze", NOW - dt.timedelta(days=800))

    assert tier_review(NOW) == 0
    assert tier_code(member) == "bronze"


def test_tier_progress_says_how_much_growth_is_still_needed(member):
    add_growth(member, 400, NOW - dt.timedelta(days=3))

    with clock.frozen(NOW):
        progress = tier_progress(member)

    assert progress.tier.code == "bronze"
    assert progress.next_tier.code == "silver"
    assert (progress.growth, progress.growth_needed) == (400, 600)


# ---------------------------------------------------------------------------- configuration


def tier_rows(changes=None):
    rows = [
        {
            "code": "bronze",
            "name": "Bronze",
            "upgrade_threshold": 0,
            "retention_threshold": 0,
            "discount_rate": "0",
            "points_multiplier": "1",
        },
        {
            "code": "silver",
            "name": "Silver",
            "upgrade_threshold": 1200,
            "retention_threshold": 800,
            "discount_rate": "0.03",
            "points_multiplier": "1.25",
        },
        {
            "code": "gold",
            "name": "Gold",
            "upgrade_threshold": 3000,
            "retention_threshold": 2000,
            "discount_rate": "0.05",
            "points_multiplier": "1.5",
        },
        {
            "code": "diamond",
            "name": "Diamond",
            "upgrade_threshold": 8000,
            "retention_threshold": 6000,
            "discount_rate": "0.08",
            "points_multiplier": "2",
        },
    ]
    for (index, field), value in (changes or {}).items():
        rows[index][field] = value
    return rows


def snapshot(programme):
    return list(
        Tier.objects.filter(programme=programme)
        .order_by("rank")
        .values_list("code", "rank", "upgrade_threshold", "retention_threshold", "discount_rate")
    )


def test_configure_tiers_updates_and_audits(programme):
    marketer = user_with_role("marketing")

    tiers_configure(actor=marketer, programme=programme, tiers=tier_rows())

    silver = Tier.objects.get(programme=programme, code="silver")
    assert (silver.upgrade_threshold, silver.discount_rate) == (1200, Decimal("0.03"))
    entry = AuditEntry.objects.get(action="loyalty.tiers_configure")
    assert entry.actor == marketer
    assert entry.before["tiers"][1]["upgrade_threshold"] == 1000
    assert entry.after["tiers"][1]["upgrade_threshold"] == 1200


@pytest.mark.parametrize(
    "changes",
    [
        {(0, "upgrade_threshold"): 10},  # the entry tier must start at 0
        {(2, "upgrade_threshold"): 1200, (2, "retention_threshold"): 800},  # not increasing
        {(1, "retention_threshold"): 1300},  # keep above reach
        {(1, "discount_rate"): "1"},  # discount of 100%
        {(1, "discount_rate"): "-0.1"},
        {(1, "points_multiplier"): "-1"},
        {(1, "code"): "gold"},  # duplicate code
    ],
)
def test_invalid_tier_programmes_are_refused_unchanged(programme, changes):
    before = snapshot(programme)

    with pytest.raises(TierProgrammeInvalid) as refused:
        tiers_configure(actor=None, programme=programme, tiers=tier_rows(changes))

    assert refused.value.code == "tier_programme_invalid"
    assert snapshot(programme) == before
    assert not AuditEntry.objects.exists()


def test_a_tier_members_hold_cannot_be_removed(programme, member):
    before = snapshot(programme)

    with pytest.raises(TierProgrammeInvalid):
        tiers_configure(actor=None, programme=programme, tiers=tier_rows()[1:])

    assert snapshot(programme) == before


def test_configuring_tiers_needs_the_programme_permission(programme):
    cashier = user_with_role("cashier")
    before = snapshot(programme)

    with pytest.raises(PermissionDenied):
        tiers_configure(actor=cashier, programme=programme, tiers=tier_rows())

    assert snapshot(programme) == before
