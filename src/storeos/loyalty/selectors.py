"""Reads of the member programme: a member's summary, finding members within the user's scope,
points history, and the audited reveal of a phone number."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, QuerySet, Sum

from storeos.accounts.permissions import (
    Perm,
    require,
    require_somewhere,
    scope_to_stores,
)
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.pii import blind_index, normalize_phone
from storeos.loyalty import members
from storeos.loyalty.errors import MemberNotFound
from storeos.loyalty.models import (
    Member,
    MemberStatus,
    PointsEntry,
    PointsLot,
    Subscription,
    Tier,
)
from storeos.loyalty.tiers import tier_progress

EXPIRY_HORIZON_DAYS = 30


@dataclass(frozen=True)
class TierBenefits:
    discount_rate: Decimal
    points_multiplier: Decimal
    free_gift_wrapping: bool
    priority_booking: bool


@dataclass(frozen=True)
class MemberSummary:
    """What the till, the back office and the app show about a member (phone and name masked)."""

    id: int
    code: str
    phone_masked: str
    name_masked: str
    tier_code: str
    tier_name: str
    tier_rank: int
    benefits: TierBenefits
    points_balance: int
    points_debt: int
    growth_value: int
    next_tier_name: str | None
    growth_to_next_tier: int | None
    points_expiring: int
    points_expiring_on: dt.date | None
    plan_name: str | None
    plan_ends_on: dt.date | None
    coupons_available: int


def _expiring(member: Member, today: dt.date) -> tuple[int, dt.date | None]:
    horizon = today + dt.timedelta(days=EXPIRY_HORIZON_DAYS)
    row = PointsLot.objects.filter(
        member=member, remaining__gt=0, expires_on__gte=today, expires_on__lte=horizon
    ).aggregate(points=Sum("remaining"), first=Min("expires_on"))
    return int(row["points"] or 0), row["first"]


def _active_plan(member: Member, today: dt.date) -> tuple[str | None, dt.date | None]:
    terms = list(
        Subscription.objects.select_related("plan")
        .filter(member=member, status=Subscription.Status.ACTIVE, ends_on__gte=today)
        .order_by("starts_on")
    )
    current = next((t for t in terms if t.starts_on <= today), None)
    if current is None:
        return None, None
    # A renewal's term starts when the current one ends: the membership runs to the last one.
    return current.plan.name, max(t.ends_on for t in terms)


def _coupons_available(member: Member, now: dt.datetime) -> int:
    from storeos.promotions.models import Coupon, CouponStatus

    return Coupon.objects.filter(
        member=member, status=CouponStatus.AVAILABLE, valid_until__gt=now
    ).count()


def _progress(member: Member) -> tuple[int, Tier | None, int | None]:
    """(growth value in the window, next tier, growth still needed: None at the top)."""
    progress = tier_progress(member)
    needed = progress.growth_needed if progress.next_tier is not None else None
    return progress.growth, progress.next_tier, needed


def member_summary(member: Member) -> MemberSummary:
    now = clock.now()
    today = clock.business_date(now)
    tier = member.tier
    growth, upcoming, needed = _progress(member)
    expiring, expiring_on = _expiring(member, today)
    plan_name, plan_ends_on = _active_plan(member, today)
    return MemberSummary(
        id=member.pk,
        code=member.code,
        phone_masked=member.phone_masked,
        name_masked=member.name_masked,
        tier_code=tier.code,
        tier_name=tier.name,
        tier_rank=tier.rank,
        benefits=TierBenefits(
            discount_rate=tier.discount_rate,
            points_multiplier=tier.points_multiplier,
            free_gift_wrapping=tier.free_gift_wrapping,
            priority_booking=tier.priority_booking,
        ),
        points_balance=member.points_balance,
        points_debt=member.points_debt,
        growth_value=growth,
        next_tier_name=upcoming.name if upcoming is not None else None,
        growth_to_next_tier=needed,
        points_expiring=expiring,
        points_expiring_on=expiring_on,
        plan_name=plan_name,
        plan_ends_on=plan_ends_on,
        coupons_available=_coupons_available(member, now),
    )


def _looks_like_phone(query: str) -> bool:
    digits = normalize_phone(query)
    return len(digits) == 11 and digits.startswith("1") and not query.strip()[:1].isalpha()


def member_lookup(*, user, query: str) -> MemberSummary:
    """The member the till asks for by exact member code (or QR) or exact phone, anywhere in
    the chain: one member across stores and channels. Any store's MEMBERS_VIEW suffices."""
    require_somewhere(user, Perm.MEMBERS_VIEW)
    query = (query or "").strip()
    if not query:
        raise MemberNotFound("Enter a member code or a phone number.", details={"query": query})
    if _looks_like_phone(query):
        member = members.member_by_phone(query)
    else:
        member = members.member_by_code(query)
    return member_summary(member)


def _members_in_scope(user) -> QuerySet:
    require_somewhere(user, Perm.MEMBERS_VIEW)
    queryset = Member.objects.select_related("tier", "programme", "home_store").filter(
        status=MemberStatus.ACTIVE
    )
    return scope_to_stores(queryset, user, Perm.MEMBERS_VIEW, field="home_store")


def member_list(*, user, search: str = "", tier: str | None = None, store=None) -> QuerySet:
    """Members whose home store is one where `user` may view members, newest first. `search` is
    a member code (or its start) or an exact phone; `tier` a tier code; `store` a store or id."""
    queryset = _members_in_scope(user)
    search = (search or "").strip()
    if search:
        if _looks_like_phone(search):
            queryset = queryset.filter(phone_index=blind_index(normalize_phone(search)))
        else:
            queryset = queryset.filter(code__istartswith=search)
    if tier:
        queryset = queryset.filter(tier__code=tier)
    if store is not None:
        queryset = queryset.filter(home_store_id=getattr(store, "pk", store))
    return queryset.order_by("-created_at", "-id")


def member_get(*, user, member_id: int) -> Member:
    """One member within the user's scope; out of scope looks the same as missing."""
    member = _members_in_scope(user).filter(pk=member_id).first()
    if member is None:
        raise MemberNotFound("No such member.", details={"member_id": member_id})
    return member


def points_history(
    member: Member, limit: int = 50, before_seq: int | None = None
) -> list[PointsEntry]:
    """The member's points entries, newest first; page with `before_seq`."""
    queryset = PointsEntry.objects.filter(member=member)
    if before_seq is not None:
        queryset = queryset.filter(seq__lt=before_seq)
    return list(queryset.order_by("-seq")[: max(1, min(limit, 500))])


@transaction.atomic
def member_phone_reveal(*, user, member: Member) -> str:
    """The member's phone in full. Every reveal is audited; it needs MEMBERS_PII where the member
    belongs (a member with no home store: a chain-wide grant)."""
    require(user, Perm.MEMBERS_PII, member.home_store_id)
    audit_record(
        actor=user,
        action="member.phone_reveal",
        obj=member,
        store_id=member.home_store_id,
        after={"code": member.code},
    )
    return member.phone
