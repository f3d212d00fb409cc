"""Earning on paid orders: which money earns, how many points and how much growth it earns.

Rules the code keeps (and tests pin down):
- The earning base of a line is its `line_total`, unless its category (or an ancestor) is in
  the programme's excluded categories or it is a free gift / reward line. The part of the
  order paid with points earns nothing: the bases are scaled by (total − points paid) / total,
  then allocated to cents so the lines add up exactly (returns reverse the same shares).
- Points are computed in Decimal and floored once per order: fractions of a point are dropped
  per order, never carried over or accumulated as floats.
- When several earn campaigns apply, the largest multiplier wins (they do not stack).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext as _

from storeos.catalog.models import Category, Sku
from storeos.core import clock
from storeos.core.money import ZERO, allocate, quantize
from storeos.loyalty.errors import MemberNotFound
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.members import programme_active
from storeos.loyalty.models import (
    BirthdayBenefit,
    EarnCampaign,
    GrowthEntry,
    Member,
    MemberStatus,
    PointsEntry,
    Programme,
    Subscription,
    Tier,
)
from storeos.loyalty.tiers import tier_upgrade_check
from storeos.stores.models import Store

ONE = Decimal(1)
# Adjustment sources that mark a line as a gift or a reward bought with points.
GIFT_SOURCES = ("gift", "reward")
POINTS_METHOD = "points"
# A member discount never makes goods free, whatever tier and plan add up to.
MAX_MEMBER_DISCOUNT = Decimal("0.99")


# ---------------------------------------------------------------------------- excluded categories


@dataclass(frozen=True)
class Exclusions:
    """The programme's excluded categories: a SKU is excluded when its category is one of them or
    lies below one (its path starts with theirs)."""

    ids: frozenset[int]
    paths: tuple[str, ...]

    def covers(self, category_id: int | None, path: str | None) -> bool:
        if category_id in self.ids:
            return True
        return bool(path) and any(path.startswith(p) for p in self.paths)


def programme_exclusions(programme: Programme) -> Exclusions:
    rows = list(
        Category.objects.filter(pk__in=programme.excluded_categories.values("pk")).values_list(
            "pk", "path"
        )
    )
    return Exclusions(frozenset(pk for pk, _path in rows), tuple(p for _pk, p in rows if p))


def sku_categories(sku_ids: list[int]) -> dict[int, tuple[int, str]]:
    """sku id → (category id, category path), one query."""
    rows = Sku.objects.filter(pk__in=list(sku_ids)).values_list(
        "pk", "product__category_id", "product__category__path"
    )
    return {pk: (cat_id, path) for pk, cat_id, path in rows}


def _is_gift(line) -> bool:
    if line.line_total == 0:
        return True
    return any((adj or {}).get("source") in GIFT_SOURCES for adj in (line.adjustments or []))


def _order_programme(order) -> Programme:
    if order.member_id:
        member = Member.objects.filter(pk=order.member_id).select_related("programme").first()
        if member is not None:
            return member.programme
    return programme_active()


def points_paid(order) -> Decimal:
    """Money of the order settled with points (succeeded points payments). Reads through
    `order.payments.all()` so a checkout that kept its payments loaded needs no query."""
    return sum(
        (
            Decimal(p.amount)
            for p in order.payments.all()
            if p.method == POINTS_METHOD and p.status == "succeeded"
        ),
        ZERO,
    )


def earning_base(order, lines, *, programme: Programme | None = None) -> dict[int, Decimal]:
    """line_no → the money on that line that earns points and growth (0.00 for lines that earn
    nothing). Exact: the parts are allocated to cents so they sum to the order's earning base."""
    programme = programme or _order_programme(order)
    exclusions = programme_exclusions(programme)
    categories = sku_categories([line.sku_id for line in lines])
    raw = {}
    for line in lines:
        cat_id, path = categories.get(line.sku_id, (None, ""))
        earns = not _is_gift(line) and not exclusions.covers(cat_id, path)
        raw[line.line_no] = Decimal(line.line_total) if earns else ZERO
    raw_total = sum(raw.values(), ZERO)
    total = Decimal(order.total)
    if raw_total == 0 or total <= 0:
        return {line_no: ZERO for line_no in raw}
    paid_points = points_paid(order)
    # Only the money share earns: base × (total − paid in points) / total, rounded once.
    earning_total = quantize(raw_total * (total - min(paid_points, total)) / total)
    line_nos = list(raw)
    parts = allocate(earning_total, [raw[n] for n in line_nos])
    return dict(zip(line_nos, parts, strict=True))


# ------------------------------------------------------------------------------ multipliers


def floor_int(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def campaign_multiplier(*, programme: Programme, business_date: dt.date, channel: str) -> Decimal:
    """The largest multiplier of the active campaigns that cover the day, weekday and channel."""
    best = ONE
    campaigns = EarnCampaign.objects.filter(
        programme=programme,
        is_active=True,
        starts_on__lte=business_date,
        ends_on__gte=business_date,
    )
    for campaign in campaigns:
        if campaign.weekdays and business_date.weekday() not in campaign.weekdays:
            continue
        if campaign.channels and channel not in campaign.channels:
            continue
        best = max(best, Decimal(campaign.multiplier))
    return best


def active_subscription(member_id: int, on: dt.date) -> Subscription | None:
    return (
        Subscription.objects.select_related("plan")
        .filter(
            member_id=member_id,
            status=Subscription.Status.ACTIVE,
            starts_on__lte=on,
            ends_on__gte=on,
        )
        .order_by("-ends_on", "id")
        .first()
    )


def birthday_double_claim(*, member: Member, order_uuid, business_date: dt.date) -> bool:
    """True when this order is the member's first paid order in their birthday month this year.
    A guarded UPDATE makes exactly one order win, however many tills race for it."""
    if member.birthday is None or member.birthday.month != business_date.month:
        return False
    benefit, _created = BirthdayBenefit.objects.get_or_create(
        member=member, year=business_date.year, defaults={"created_at": clock.now()}
    )
    if benefit.double_points_order == order_uuid:
        return True
    won = BirthdayBenefit.objects.filter(pk=benefit.pk, double_points_order__isnull=True).update(
        double_points_order=order_uuid
    )
    return won == 1


def points_expiry(*, programme: Programme, earned_on: dt.date) -> dt.date:
    """The last day of the month `expiry_months` after the earning month."""
    months = earned_on.year * 12 + (earned_on.month - 1) + programme.expiry_months + 1
    first_of_next = dt.date(months // 12, months % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def purchase_points_on(*, member_id: int, start: dt.datetime, end: dt.datetime) -> int:
    """Purchase points a member earned between two instants (for the daily cap)."""
    earned = PointsEntry.objects.filter(
        member_id=member_id,
        source_type="order",
        kind="earn",
        created_at__gte=start,
        created_at__lt=end,
    ).aggregate(s=Sum("points"))["s"]
    return earned or 0


# ------------------------------------------------------------------------------ member pricing


@dataclass(frozen=True)
class MemberPrice:
    """A member's price benefit: their tier's discount plus an active paid plan's, and which of
    the cart's SKUs it does not apply to (the programme's excluded categories)."""

    tier_code: str
    tier_name: str
    rate: Decimal
    excluded_sku_ids: frozenset[int]


def member_price_terms(*, member_id: int, on: dt.date, sku_ids: list[int]) -> MemberPrice:
    """What a member pays less, for the pricing engine: one query for the member, their tier and
    paid plan, and one more for the excluded SKUs only when there is a discount. An unknown or
    merged member is refused with `member_not_found`."""
    plan_rate = (
        Subscription.objects.filter(
            member_id=OuterRef("pk"),
            status=Subscription.Status.ACTIVE,
            starts_on__lte=on,
            ends_on__gte=on,
            plan__is_active=True,
        )
        .order_by("-ends_on", "id")
        .values("plan__discount_rate")[:1]
    )
    member = (
        Member.objects.select_related("tier")
        .annotate(plan_rate=Subquery(plan_rate))
        .filter(pk=member_id, status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None:
        raise MemberNotFound(_("No such member."), details={"member_id": member_id})
    tier: Tier = member.tier
    rate = min(Decimal(tier.discount_rate) + (member.plan_rate or 0), MAX_MEMBER_DISCOUNT)
    excluded = frozenset()
    if rate > 0 and sku_ids:
        excluded = excluded_skus(programme_id=member.programme_id, sku_ids=sku_ids)
    return MemberPrice(tier.code, tier.name, rate, excluded)


def excluded_skus(*, programme_id: int, sku_ids: list[int]) -> frozenset[int]:
    """The SKUs among `sku_ids` whose category is excluded from the programme, or lies below an
    excluded category (one query)."""
    through = Programme.excluded_categories.through
    sku_path = Cast(OuterRef("product__category__path"), output_field=CharField())
    excluded = through.objects.filter(programme_id=programme_id).filter(
        Q(category_id=OuterRef("product__category_id"))
        | (Q(category__path__gt="") & Q(StartsWith(sku_path, F("category__path"))))
    )
    return frozenset(
        Sku.objects.filter(pk__in=list(sku_ids))
        .filter(Exists(excluded))
        .values_list("pk", flat=True)
    )


# ------------------------------------------------------------------------- the paid hook


@dataclass(frozen=True)
class Earning:
    base: Decimal
    rate: Decimal  # points per yuan after every multiplier
    points: int  # before the daily cap
    growth: int
    birthday_double: bool


def earning_compute(*, order, lines, member: Member) -> Earning:
    """How much the order earns, before the daily cap (claims the birthday double if it wins)."""
    programme = member.programme
    base = sum(earning_base(order, lines, programme=programme).values(), ZERO)
    growth = floor_int(base * Decimal(programme.growth_per_yuan))
    if base <= 0:
        return Earning(base, ZERO, 0, growth, False)
    on = order.business_date
    rate = (
        Decimal(programme.points_per_yuan)
        * Decimal(member.tier.points_multiplier)
        * campaign_multiplier(programme=programme, business_date=on, channel=order.channel)
    )
    subscription = active_subscription(member.pk, on)
    if subscription is not None:
        rate *= Decimal(subscription.plan.points_multiplier)
    rate *= promotion_multiplier(order)
    double = rate > 0 and birthday_double_claim(
        member=member, order_uuid=order.uuid, business_date=on
    )
    if double:
        rate *= 2
    return Earning(base, rate, floor_int(base * rate), growth, double)


def promotion_multiplier(order) -> Decimal:
    """The largest points multiplier a promotion put on the order (1 when none did)."""
    found = [
        Decimal(adjustment["multiplier"])
        for adjustment in order.adjustments or []
        if adjustment.get("kind") == "points_multiplier" and adjustment.get("multiplier")
    ]
    return max(found, default=Decimal("1"))


def _day_bounds(on: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(on, dt.time.min, tzinfo=ZoneInfo(tz))
    return start, start + dt.timedelta(days=1)


def order_paid_earn(order, lines) -> None:
    """The paid hook: post the points and growth a member's order earns, in the order's
    transaction, then lift the member's tier at once if the growth reaches the next one."""
    if not order.member_id:
        return
    key = f"order:{order.uuid}:earn"
    member = (
        Member.objects.select_related("tier", "programme")
        .filter(pk=order.member_id, status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None or PointsEntry.objects.filter(idempotency_key=key).exists():
        return
    earning = earning_compute(order=order, lines=lines, member=member)
    points = earning.points
    cap = member.programme.daily_earn_cap
    if cap and points:
        tz = Store.objects.filter(pk=order.store_id).values_list("time_zone", flat=True).first()
        start, end = _day_bounds(order.business_date, tz or "Asia/Shanghai")
        earned_today = purchase_points_on(member_id=member.pk, start=start, end=end)
        points = max(min(points, cap - earned_today), 0)
    source = Source("order", str(order.uuid))
    if points > 0:
        points_earn(
            member_id=member.pk,
            points=points,
            key=key,
            source=source,
            expires_on=points_expiry(programme=member.programme, earned_on=order.business_date),
            memo="birthday double points" if earning.birthday_double else "",
        )
    if earning.growth > 0:
        GrowthEntry.objects.get_or_create(
            idempotency_key=f"order:{order.uuid}:growth",
            defaults={
                "member_id": member.pk,
                "value": earning.growth,
                "source_type": source.type,
                "source_id": source.id,
                "occurred_at": clock.now(),
            },
        )
        tier_upgrade_check(member)
