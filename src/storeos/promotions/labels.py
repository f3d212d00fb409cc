"""The electronic shelf label (ESL) feed: what each label shows, written when that could change.

A label shows what a customer without membership pays for one unit at the till now (the display
price), the price before promotions (the regular price) and the running promotion's short text.
A price change, a price list starting or ending, and a promotion starting or ending recompute the
labels of the stores × SKUs they touch; an update is written only when the label would show
something other than its latest update, so recomputing is always safe (outbox handlers and jobs
run at least once).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require, scope_to_stores
from storeos.catalog.models import PriceList, Sku
from storeos.core import clock
from storeos.core.channels import Channel
from storeos.core.errors import NotFound, ValidationFailed
from storeos.promotions.engine import window_open
from storeos.promotions.models import LabelUpdate, Promotion, PromotionKind, PromotionStatus
from storeos.stores.models import Store

logger = logging.getLogger(__name__)

PRICE_CHANGE = "price_change"
PRICE_LIST_START = "price_list_start"
PRICE_LIST_END = "price_list_end"
PROMOTION_START = "promotion_start"
PROMOTION_END = "promotion_end"
PROMOTION_WINDOW = "promotion_window"  # a weekday or hour window opened or closed
PROMO_TEXT_LENGTH = 40
# Kinds whose text belongs on a shelf label for everyone (a tier price is shown at the till).
LABELLED_KINDS = frozenset(PromotionKind.values) - {PromotionKind.TIER_PRICE}


@dataclass(frozen=True)
class LabelContent:
    display_price: Decimal
    regular_price: Decimal
    promo_text: str


# --- Which goods a promotion covers -------------------------------------------------------------
def sku_ids_in_scope(scope: dict, skus: list[Sku]) -> set[int]:
    """The SKUs (with product loaded) that a promotion's `scope` covers (empty scope: all)."""
    scope = scope or {}
    listed = {int(i) for i in scope.get("skus") or []}
    categories = {int(i) for i in scope.get("categories") or []}
    series = {int(i) for i in scope.get("series") or []}
    excluded = {int(i) for i in scope.get("exclude_skus") or []}
    excluded_categories = {int(i) for i in scope.get("exclude_categories") or []}
    paths = _category_paths(skus)
    covered = set()
    for sku in skus:
        path_ids = paths.get(sku.product.category_id, {sku.product.category_id})
        everything = not (listed or categories or series)
        wanted = (
            everything
            or sku.pk in listed
            or bool(path_ids & categories)
            or sku.product.series_id in series
        )
        if wanted and sku.pk not in excluded and not (path_ids & excluded_categories):
            covered.add(sku.pk)
    return covered


def _category_paths(skus: list[Sku]) -> dict[int, set[int]]:
    """Each category id → the ids on its path (itself and its ancestors)."""
    from storeos.catalog.models import Category

    ids = sorted({sku.product.category_id for sku in skus})
    rows = Category.objects.filter(pk__in=ids).values_list("pk", "path")
    return {
        pk: {int(part) for part in (path or "").strip("/").split("/") if part.isdigit()} | {pk}
        for pk, path in rows
    }


def promotion_skus(promotion: Promotion) -> list[Sku]:
    """The sellable SKUs a promotion can change the shelf price of."""
    scope = promotion.scope or {}
    skus = Sku.objects.select_related("product").filter(is_active=True)
    listed = [int(i) for i in scope.get("skus") or []]
    if promotion.kind == PromotionKind.BUNDLE:
        listed += [int(i) for i in (promotion.rule or {}).get("skus") or []]
    if listed and not (scope.get("categories") or scope.get("series")):
        skus = skus.filter(pk__in=sorted(set(listed)))
    candidates = list(skus.order_by("pk"))
    covered = sku_ids_in_scope(scope, candidates) | set(listed)
    return [sku for sku in candidates if sku.pk in covered]


def promotion_stores(store_ids: list[int] | None) -> list[Store]:
    stores = Store.objects.filter(is_active=True).order_by("pk")
    if store_ids:
        stores = stores.filter(pk__in=sorted({int(i) for i in store_ids}))
    return list(stores)


# --- What a label shows -------------------------------------------------------------------------
def _shelf_promotions(store: Store, at: dt.datetime) -> list[Promotion]:
    """Promotions running now at this store's till for anybody, best first (a weekend or
    happy-hour promotion only inside its window)."""
    local = at.astimezone(ZoneInfo(store.time_zone))
    running = Promotion.objects.filter(
        status=PromotionStatus.ACTIVE,
        starts_at__lte=at,
        ends_at__gt=at,
        members_only=False,
        new_members_days=0,
        kind__in=sorted(LABELLED_KINDS),
    ).order_by("-priority", "id")
    return [
        p
        for p in running
        if (not p.channels or Channel.POS in p.channels)
        and (not p.store_ids or store.pk in {int(i) for i in p.store_ids})
        and not p.tier_codes
        and not p.tag_codes
        and window_open(p.weekdays, p.hours, local)
    ]


def _promo_text(line, sku: Sku, running: list[Promotion], covered: dict[int, set[int]]) -> str:
    """The text of the promotion that priced the unit, else of the best one covering the SKU
    (a "second at half price" gives nothing on one unit but belongs on the label)."""
    for adjustment in line.adjustments:
        if adjustment.get("source") == "promotion" and adjustment.get("label"):
            return str(adjustment["label"])[:PROMO_TEXT_LENGTH]
    for promotion in running:
        if sku.pk in covered[promotion.pk]:
            return (promotion.label or promotion.name)[:PROMO_TEXT_LENGTH]
    return ""


def label_contents(*, store: Store, skus: list[Sku], at: dt.datetime) -> dict[int, LabelContent]:
    """What each SKU's label in `store` shows at `at`: priced by the one pricing function."""
    from storeos.sales.pricing import CartItem, price_order

    running = _shelf_promotions(store, at)
    covered = {
        p.pk: sku_ids_in_scope(p.scope, skus)
        | {int(i) for i in (p.rule or {}).get("skus") or [] if p.kind == PromotionKind.BUNDLE}
        for p in running
    }
    contents = {}
    for sku in skus:
        cart = price_order(
            store=store, channel=Channel.POS, items=[CartItem(sku=sku, quantity=1)], at=at
        )
        line = cart.lines[0]
        contents[sku.pk] = LabelContent(
            display_price=line.line_total,
            regular_price=line.unit_price,
            promo_text=_promo_text(line, sku, running, covered),
        )
    return contents


def _latest(store: Store, sku_ids: list[int]) -> dict[int, LabelContent]:
    latest_ids = (
        LabelUpdate.objects.filter(store=store, sku_id__in=sku_ids)
        .values("sku_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    return {
        u.sku_id: LabelContent(u.display_price, u.regular_price, u.promo_text)
        for u in LabelUpdate.objects.filter(pk__in=list(latest_ids))
    }


def labels_refresh(
    *, stores: list[Store], skus: list[Sku], reason: str, at: dt.datetime | None = None
) -> list[LabelUpdate]:
    """Write a label update for every store × SKU whose label would now show something else."""
    at = at or clock.now()
    skus = [sku for sku in skus if sku.is_active]
    written: list[LabelUpdate] = []
    for store in stores:
        contents = label_contents(store=store, skus=skus, at=at)
        with transaction.atomic():
            latest = _latest(store, sorted(contents))
            fresh = [
                LabelUpdate(
                    store=store,
                    sku_id=sku_id,
                    display_price=content.display_price,
                    regular_price=content.regular_price,
                    promo_text=content.promo_text,
                    reason=reason,
                    created_at=clock.now(),
                )
                for sku_id, content in contents.items()
                if latest.get(sku_id) != content
            ]
            written += LabelUpdate.objects.bulk_create(fresh)
    return written


def labels_for_promotion(*, promotion_id: int, reason: str) -> int:
    """Recompute the labels a promotion touches (its scope's SKUs × its stores)."""
    promotion = Promotion.objects.filter(pk=promotion_id).first()
    if promotion is None:
        return 0
    updates = labels_refresh(
        stores=promotion_stores(promotion.store_ids),
        skus=promotion_skus(promotion),
        reason=reason,
    )
    return len(updates)


def labels_for_windows(*, at: dt.datetime | None = None) -> int:
    """Recompute the labels of running promotions with weekday or hour windows, whose price
    changes as a window opens or closes with no event to announce it (a job runs this every
    quarter of an hour; only labels that now show something else get an update)."""
    at = at or clock.now()
    running = Promotion.objects.filter(
        status=PromotionStatus.ACTIVE, starts_at__lte=at, ends_at__gt=at
    ).order_by("pk")
    written = 0
    for promotion in running:
        if promotion.weekdays or promotion.hours:
            written += len(
                labels_refresh(
                    stores=promotion_stores(promotion.store_ids),
                    skus=promotion_skus(promotion),
                    reason=PROMOTION_WINDOW,
                    at=at,
                )
            )
    return written


def labels_for_price(*, sku_id: int, store_id: int | None, reason: str) -> int:
    """Recompute one SKU's labels in its store, or in every active store when chain-wide."""
    sku = Sku.objects.select_related("product").filter(pk=sku_id).first()
    if sku is None:
        return 0
    stores = promotion_stores([store_id] if store_id else None)
    return len(labels_refresh(stores=stores, skus=[sku], reason=reason))


# --- Outbox handlers ----------------------------------------------------------------------------
def _instant(value) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def price_changed_handle(event) -> None:
    """catalog.price_changed: a label shows the till's price, so other channels do not matter.
    A price list that starts later, or ends later, changes the labels again then."""
    from storeos.promotions import tasks_labels

    payload = event.payload
    if payload.get("channel") not in ("", Channel.POS):
        return
    sku_id, store_id = payload["sku_id"], payload.get("store_id")
    now = clock.now()
    effective_at = _instant(payload.get("effective_at")) or now
    if effective_at <= now:
        labels_for_price(sku_id=sku_id, store_id=store_id, reason=PRICE_CHANGE)
    else:
        tasks_labels.price_labels_task.schedule(
            args=(sku_id, store_id, PRICE_LIST_START), eta=effective_at
        )
    price_list = PriceList.objects.filter(
        Q(valid_to__gt=now), pk=payload.get("price_list_id")
    ).first()
    if price_list is not None:
        tasks_labels.price_labels_task.schedule(
            args=(sku_id, store_id, PRICE_LIST_END), eta=price_list.valid_to
        )


def promotion_approved_handle(event) -> None:
    """promotion.approved: labels change when the promotion starts and again when it ends."""
    from storeos.promotions import tasks_labels

    payload = event.payload
    promotion_id = payload["id"]
    starts_at, ends_at = _instant(payload.get("starts_at")), _instant(payload.get("ends_at"))
    now = clock.now()
    if ends_at is not None and ends_at <= now:
        return
    if starts_at is None or starts_at <= now:
        labels_for_promotion(promotion_id=promotion_id, reason=PROMOTION_START)
    else:
        tasks_labels.promotion_labels_task.schedule(
            args=(promotion_id, PROMOTION_START), eta=starts_at
        )
    if ends_at is not None:
        tasks_labels.promotion_labels_task.schedule(args=(promotion_id, PROMOTION_END), eta=ends_at)


def promotion_ended_handle(event) -> None:
    """promotion.ended (ended or withdrawn early): the labels go back at once."""
    labels_for_promotion(promotion_id=event.payload["id"], reason=PROMOTION_END)


# --- What label devices pull and acknowledge ----------------------------------------------------
PULL_LIMIT = 500


def labels_pending(
    *, user, store_id: int, after_id: int = 0, limit: int = 200
) -> list[LabelUpdate]:
    """A store's unacknowledged label updates after `after_id`, oldest first; an update that a
    newer one for the same label supersedes is left out (the device needs only the latest)."""
    require(user, Perm.PROMOTIONS_VIEW, store_id)
    if not Store.objects.filter(pk=store_id).exists():
        raise NotFound(_("No such store."), code="store_not_found", details={"store": store_id})
    if not 1 <= limit <= PULL_LIMIT:
        raise ValidationFailed(
            _("Pull between 1 and %(n)s updates at a time.") % {"n": PULL_LIMIT},
            code="limit_invalid",
        )
    newer = LabelUpdate.objects.filter(
        store_id=store_id, sku_id=OuterRef("sku_id"), pk__gt=OuterRef("pk")
    )
    return list(
        LabelUpdate.objects.filter(store_id=store_id, acknowledged_at__isnull=True, pk__gt=after_id)
        .exclude(Exists(newer))
        .select_related("sku")
        .order_by("pk")[:limit]
    )


def labels_ack(*, user, ids: list[int], device: str) -> int:
    """Mark label updates shown by `device` (and the older ones they superseded). Acknowledging
    again changes nothing; returns how many updates were newly acknowledged."""
    device = (device or "").strip()
    if not device or len(device) > 64 or "\x00" in device:
        raise ValidationFailed(
            _("Name the label device (up to 64 characters)."), code="device_invalid"
        )
    ids = sorted({int(i) for i in ids})
    if not ids or len(ids) > PULL_LIMIT:
        raise ValidationFailed(
            _("Acknowledge between 1 and %(n)s updates at a time.") % {"n": PULL_LIMIT},
            code="ids_invalid",
        )
    # Another store's updates are as unknown as missing ones: their ids reveal nothing.
    visible = scope_to_stores(LabelUpdate.objects.filter(pk__in=ids), user, Perm.PROMOTIONS_VIEW)
    updates = list(visible.only("pk", "store_id", "sku_id"))
    found = {u.pk for u in updates}
    if found != set(ids):
        raise NotFound(
            _("Some label updates do not exist."),
            code="label_update_not_found",
            details={"ids": sorted(set(ids) - found)},
        )
    covered = Q()
    for update in updates:
        covered |= Q(store_id=update.store_id, sku_id=update.sku_id, pk__lte=update.pk)
    with transaction.atomic():
        return LabelUpdate.objects.filter(covered, acknowledged_at__isnull=True).update(
            acknowledged_at=clock.now(), acknowledged_by=device
        )
