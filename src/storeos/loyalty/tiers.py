"""Tiers: growth value over a rolling window lifts a member at once; a periodic review drops a
member who no longer keeps their tier by exactly one level; the programme's tiers are configured
here, validated as a whole."""

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.outbox import event_emit
from storeos.loyalty.errors import MemberNotFound, TierProgrammeInvalid
from storeos.loyalty.models import GrowthEntry, Member, MemberStatus, Programme, Tier, TierChange

TIER_FIELDS = (
    "code",
    "name",
    "upgrade_threshold",
    "retention_threshold",
    "discount_rate",
    "points_multiplier",
)


def months_before(at: dt.datetime, months: int) -> dt.datetime:
    """The same wall-clock instant `months` months earlier (the day clamped to the month)."""
    index = at.year * 12 + (at.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_first - dt.timedelta(days=1)).day
    return at.replace(year=year, month=month, day=min(at.day, last_day))


def window_start(programme: Programme, at: dt.datetime) -> dt.datetime:
    return months_before(at, programme.growth_window_months)


def member_growth(member: Member, at: dt.datetime | None = None) -> int:
    """Growth value the member earned (net of returns) in the window ending at `at`."""
    at = at or clock.now()
    since = window_start(member.programme, at)
    total = GrowthEntry.objects.filter(
        member_id=member.pk, occurred_at__gt=since, occurred_at__lte=at
    ).aggregate(s=Sum("value"))["s"]
    return max(total or 0, 0)


def _tier_moved(
    member: Member, *, from_tier: Tier, to_tier: Tier, reason: str, growth: int, at
) -> bool:
    """Move a member's tier with a guarded UPDATE (only from the tier we saw); record and
    announce it. False when someone else moved the member first."""
    moved = Member.objects.filter(pk=member.pk, tier_id=from_tier.pk).update(
        tier_id=to_tier.pk, tier_since=at
    )
    if moved != 1:
        return False
    TierChange.objects.create(
        member_id=member.pk,
        from_tier=from_tier,
        to_tier=to_tier,
        reason=reason,
        growth_value=growth,
        changed_at=at,
    )
    event_emit(
        topic="member.tier_changed",
        payload={
            "member_id": member.pk,
            "from_tier": from_tier.code,
            "to_tier": to_tier.code,
            "reason": reason,
            "growth_value": growth,
            "changed_at": at,
        },
    )
    member.tier, member.tier_since = to_tier, at
    return True


@transaction.atomic
def tier_upgrade_check(member: Member) -> Tier | None:
    """Lift the member at once to the highest tier their growth value reaches; the new tier,
    or None when they stay."""
    member = Member.objects.select_related("tier", "programme").get(pk=member.pk)
    now = clock.now()
    growth = member_growth(member, now)
    target = (
        Tier.objects.filter(
            programme_id=member.programme_id,
            upgrade_threshold__lte=growth,
            rank__gt=member.tier.rank,
        )
        .order_by("-rank")
        .first()
    )
    if target is None:
        return None
    moved = _tier_moved(
        member,
        from_tier=member.tier,
        to_tier=target,
        reason=TierChange.Reason.UPGRADE,
        growth=growth,
        at=now,
    )
    return target if moved else None


def tier_review(at: dt.datetime | None = None) -> int:
    """The periodic review: a member below their tier's retention threshold over the window, who
    has held the tier for at least one window, drops exactly one level. Returns how many."""
    at = at or clock.now()
    dropped = 0
    for programme in Programme.objects.filter(is_active=True):
        since = window_start(programme, at)
        tiers = list(Tier.objects.filter(programme=programme).order_by("rank"))
        below = {tier.pk: lower for lower, tier in itertools.pairwise(tiers)}
        candidates = list(
            Member.objects.filter(
                programme=programme,
                status=MemberStatus.ACTIVE,
                tier_id__in=list(below),
                tier_since__lte=since,
            ).select_related("tier")
        )
        growth = _growth_by_member([m.pk for m in candidates], since, at)
        for member in candidates:
            value = growth.get(member.pk, 0)
            if value >= member.tier.retention_threshold:
                continue
            with transaction.atomic():
                if _tier_moved(
                    member,
                    from_tier=member.tier,
                    to_tier=below[member.tier_id],
                    reason=TierChange.Reason.REVIEW,
                    growth=value,
                    at=at,
                ):
                    dropped += 1
    return dropped


def _growth_by_member(member_ids: list[int], since, at) -> dict[int, int]:
    rows = (
        GrowthEntry.objects.filter(
            member_id__in=member_ids, occurred_at__gt=since, occurred_at__lte=at
        )
        .values("member_id")
        .annotate(total=Sum("value"))
    )
    return {row["member_id"]: max(row["total"] or 0, 0) for row in rows}


# ------------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class TierProgress:
    tier: Tier
    next_tier: Tier | None
    growth: int
    growth_needed: int  # 0 at the top tier


def tier_progress(member: Member) -> TierProgress:
    member = Member.objects.select_related("tier", "programme").filter(pk=member.pk).first()
    if member is None:
        raise MemberNotFound(_("No such member."))
    growth = member_growth(member)
    next_tier = (
        Tier.objects.filter(programme_id=member.programme_id, rank__gt=member.tier.rank)
        .order_by("rank")
        .first()
    )
    needed = max(next_tier.upgrade_threshold - growth, 0) if next_tier else 0
    return TierProgress(tier=member.tier, next_tier=next_tier, growth=growth, growth_needed=needed)


# ---------------------------------------------------------------------------- configuration


def _refuse(message: str, **details) -> TierProgrammeInvalid:
    return TierProgrammeInvalid(message, details=details)


def _clean_tier(raw: dict, rank: int) -> dict:
    if not isinstance(raw, dict) or any(field not in raw for field in TIER_FIELDS):
        raise _refuse(_("Each tier needs %(fields)s.") % {"fields": ", ".join(TIER_FIELDS)})
    try:
        clean = {
            "code": str(raw["code"]).strip(),
            "name": str(raw["name"]).strip(),
            "rank": rank,
            "upgrade_threshold": int(raw["upgrade_threshold"]),
            "retention_threshold": int(raw["retention_threshold"]),
            "discount_rate": Decimal(str(raw["discount_rate"])),
            "points_multiplier": Decimal(str(raw["points_multiplier"])),
        }
    except (TypeError, ValueError, InvalidOperation):
        raise _refuse(_("A tier has a value that is not a number."), tier=raw.get("code")) from None
    if isinstance(raw["discount_rate"], float) or isinstance(raw["points_multiplier"], float):
        raise _refuse(_("Rates are decimals, not floats."), tier=clean["code"])
    code = clean["code"]
    if not code or not clean["name"]:
        raise _refuse(_("Every tier needs a code and a name."))
    if clean["upgrade_threshold"] < 0 or clean["retention_threshold"] < 0:
        raise _refuse(_("Thresholds cannot be negative."), tier=code)
    if clean["retention_threshold"] > clean["upgrade_threshold"]:
        raise _refuse(
            _("The growth to keep a tier cannot exceed the growth to reach it."), tier=code
        )
    if not Decimal(0) <= clean["discount_rate"] < 1:
        raise _refuse(_("A member discount is at least 0 and below 1."), tier=code)
    if clean["points_multiplier"] < 0:
        raise _refuse(_("A points multiplier cannot be negative."), tier=code)
    return clean


def tiers_validate(tiers: list[dict]) -> list[dict]:
    """The tiers in rank order (the list's order), or `tier_programme_invalid`."""
    if not tiers:
        raise _refuse(_("A programme needs at least one tier."))
    clean = [_clean_tier(raw, rank) for rank, raw in enumerate(tiers)]
    codes = [t["code"] for t in clean]
    if len(set(codes)) != len(codes):
        raise _refuse(_("Tier codes must be unique."), codes=codes)
    if clean[0]["upgrade_threshold"] != 0:
        raise _refuse(_("The entry tier is reached with 0 growth value."))
    for lower, higher in itertools.pairwise(clean):
        if higher["upgrade_threshold"] <= lower["upgrade_threshold"]:
            raise _refuse(
                _("Each tier must need more growth value than the one below."),
                tier=higher["code"],
            )
    return clean


def _tier_state(programme: Programme) -> list[dict]:
    return [
        {field: getattr(t, field) for field in ("rank", *TIER_FIELDS)}
        for t in Tier.objects.filter(programme=programme).order_by("rank")
    ]


@transaction.atomic
def tiers_configure(*, actor, programme: Programme, tiers: list[dict]) -> list[Tier]:
    """Replace the programme's tiers (in rank order) after validating them as a whole. Tiers are
    matched by code; a tier that members hold cannot be removed."""
    require_unless_system(actor, Perm.LOYALTY_PROGRAMME)
    clean = tiers_validate(tiers)
    before = _tier_state(programme)
    existing = {t.code: t for t in Tier.objects.select_for_update().filter(programme=programme)}
    wanted = {t["code"] for t in clean}
    removed = [t for code, t in existing.items() if code not in wanted]
    held = [t.code for t in removed if Member.objects.filter(tier=t).exists()]
    if held:
        raise _refuse(_("Members hold these tiers, so they cannot be removed."), tiers=held)
    for tier in removed:
        tier.delete()
    # Ranks are unique: move the kept tiers out of the way before giving them their new ranks.
    offset = 1000 + len(clean)
    for n, tier in enumerate(t for t in existing.values() if t.code in wanted):
        Tier.objects.filter(pk=tier.pk).update(rank=offset + n)
    result = []
    for values in clean:
        tier = existing.get(values["code"]) or Tier(programme=programme)
        for field, value in values.items():
            setattr(tier, field, value)
        if tier.pk:
            tier.save(update_fields=["rank", *TIER_FIELDS])
        else:
            tier.save()
        result.append(tier)
    audit_record(
        actor=actor,
        action="loyalty.tiers_configure",
        obj=programme,
        before={"tiers": before},
        after={"tiers": _tier_state(programme)},
    )
    return result
