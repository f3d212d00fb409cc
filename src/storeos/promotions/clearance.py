"""Clearance suggestions: near-expiry batches and slow movers become draft markdowns.

A daily job proposes, for each store × SKU, a percent-off draft promotion (origin "clearance")
scoped to that SKU in that store; a manager approves it through `promotion_approve`. The tiers
and windows are the constants below (docs/promotions.md describes them).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Min, Q, Sum
from django.utils.translation import gettext as _

from storeos.core import clock
from storeos.inventory.models import MoveKind, StockLevel, StockMove
from storeos.promotions.models import Promotion, PromotionKind, PromotionStatus
from storeos.stores.models import Store

ORIGIN = "clearance"
# (days left to expiry at most, percent off): the deepest tier reached applies.
NEAR_EXPIRY_TIERS = ((30, Decimal("40")), (90, Decimal("20")))
# A SKU in stock that has not sold in a store for this many days is a slow mover …
SLOW_MOVER_DAYS = 60
# … marked down this much for this long.
SLOW_MOVER_PERCENT = Decimal("20")
SLOW_MOVER_VALID_DAYS = 30
OPEN_STATES = (PromotionStatus.DRAFT, PromotionStatus.PENDING, PromotionStatus.ACTIVE)


@dataclass(frozen=True)
class Suggestion:
    store_id: int
    sku_id: int
    sku_code: str
    percent: Decimal
    ends_at: dt.datetime
    why: str  # "expiry" | "slow"
    lot_code: str = ""


def _tier(days_left: int) -> Decimal | None:
    for days, percent in NEAR_EXPIRY_TIERS:
        if days_left <= days:
            return percent
    return None


def _day_end(day: dt.date, tz: str) -> dt.datetime:
    """The first instant after `day` on the store's wall clock (a promotion's end is exclusive)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(tz))


def _near_expiry(at: dt.datetime, stores: dict[int, Store]) -> dict[tuple, Suggestion]:
    """The nearest stocked, unexpired batch of each store × SKU within the widest tier."""
    widest = max(days for days, _ in NEAR_EXPIRY_TIERS)
    latest = clock.business_date(at) + dt.timedelta(days=widest + 1)
    levels = (
        StockLevel.objects.filter(
            on_hand__gt=0,
            batch__isnull=False,
            location__store_id__in=sorted(stores),
            batch__expiry_date__lte=latest,
        )
        .select_related("batch", "sku", "location")
        .order_by("batch__expiry_date", "pk")
    )
    found: dict[tuple, Suggestion] = {}
    for level in levels:
        store = stores[level.location.store_id]
        key = (store.pk, level.sku_id)
        days_left = (level.batch.expiry_date - clock.business_date(at, store.time_zone)).days
        percent = _tier(days_left)
        if key in found or days_left < 0 or percent is None:
            continue
        found[key] = Suggestion(
            store_id=store.pk,
            sku_id=level.sku_id,
            sku_code=level.sku.code,
            percent=percent,
            ends_at=_day_end(level.batch.expiry_date, store.time_zone),
            why="expiry",
            lot_code=level.batch.lot_code,
        )
    return found


def _slow_movers(at: dt.datetime, stores: dict[int, Store], days: int) -> dict[tuple, Suggestion]:
    """Store × SKU with stock on hand, stocked there for `days` days, and no sale in them."""
    since = at - dt.timedelta(days=days)
    in_stores = Q(location__store_id__in=sorted(stores))
    on_hand = (
        StockLevel.objects.filter(in_stores, on_hand__gt=0)
        .values("location__store_id", "sku_id", "sku__code")
        .annotate(n=Sum("on_hand"))
    )
    moves = StockMove.objects.filter(in_stores, at__lte=at).values("location__store_id", "sku_id")
    first_seen = {
        (r["location__store_id"], r["sku_id"]): r["first"] for r in moves.annotate(first=Min("at"))
    }
    sold = {
        (r["location__store_id"], r["sku_id"])
        for r in moves.filter(kind=MoveKind.SALE, at__gt=since)
    }
    found = {}
    for row in on_hand:
        key = (row["location__store_id"], row["sku_id"])
        first = first_seen.get(key)
        if key in sold or first is None or first > since:
            continue
        found[key] = Suggestion(
            store_id=key[0],
            sku_id=key[1],
            sku_code=row["sku__code"],
            percent=SLOW_MOVER_PERCENT,
            ends_at=at + dt.timedelta(days=SLOW_MOVER_VALID_DAYS),
            why="slow",
        )
    return found


def _open_suggestions(at: dt.datetime) -> dict[tuple, Promotion]:
    """The open clearance promotion of each store × SKU (the deepest, when several)."""
    open_ = {}
    rows = Promotion.objects.filter(origin=ORIGIN, status__in=OPEN_STATES, ends_at__gt=at)
    for promotion in rows.order_by("id"):
        skus = (promotion.scope or {}).get("skus") or []
        if len(promotion.store_ids) != 1 or len(skus) != 1:
            continue
        key = (int(promotion.store_ids[0]), int(skus[0]))
        if key not in open_ or _percent(promotion) > _percent(open_[key]):
            open_[key] = promotion
    return open_


def _percent(promotion: Promotion) -> Decimal:
    return Decimal(str((promotion.rule or {}).get("percent", "0")))


def _fields(suggestion: Suggestion, at: dt.datetime) -> dict:
    percent = f"{suggestion.percent.normalize():f}"
    if suggestion.why == "expiry":
        name = _("Clearance %(sku)s lot %(lot)s: %(percent)s%% off before expiry")
    else:
        name = _("Clearance %(sku)s: %(percent)s%% off a slow seller")
    values = {"sku": suggestion.sku_code, "lot": suggestion.lot_code, "percent": percent}
    stamp = clock.business_date(at).strftime("%y%m%d")
    return {
        "code": f"CLR{suggestion.store_id}-{suggestion.sku_id}-{stamp}-{percent}"[:32],
        "name": (name % values)[:100],
        "kind": PromotionKind.PERCENT_OFF,
        "rule": {"percent": percent},
        "scope": {"skus": [suggestion.sku_id]},
        "store_ids": [suggestion.store_id],
        "starts_at": at,
        "ends_at": suggestion.ends_at,
        "label": (_("Clearance %(percent)s%% off") % values)[:40],
        "origin": ORIGIN,
    }


def clearance_suggest(
    *, at: dt.datetime | None = None, slow_days: int = SLOW_MOVER_DAYS
) -> list[Promotion]:
    """Draft the markdowns that today's stock calls for; returns the drafts created or deepened.

    An open suggestion for the same store × SKU at the same or a deeper tier is left alone; a
    draft at a shallower tier is deepened in place; an approved shallower one gets a new draft.
    """
    from storeos.promotions.services import promotion_create, promotion_update

    at = at or clock.now()
    stores = {s.pk: s for s in Store.objects.filter(is_active=True)}
    wanted = _slow_movers(at, stores, slow_days) | _near_expiry(at, stores)
    open_ = _open_suggestions(at)
    changed = []
    for key in sorted(wanted):
        suggestion = wanted[key]
        existing = open_.get(key)
        if existing is not None and _percent(existing) >= suggestion.percent:
            continue
        fields = _fields(suggestion, at)
        if existing is not None and existing.status == PromotionStatus.DRAFT:
            fields.pop("code")
            changed.append(promotion_update(actor=None, promotion=existing, **fields))
        else:
            changed.append(promotion_create(actor=None, **fields))
    return changed
