"""Reading promotions, their usage, coupon templates and code batches, within the reader's scope.

A store-scoped reader sees the promotions that run in one of their stores, including those that
run everywhere (empty `store_ids`); a chain-wide reader sees all. Coupon templates and code
batches are chain-wide: templates need `promotions.view` somewhere, a batch's codes (secrets
that redeem money) need `promotions.edit` chain-wide.
"""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require, store_ids_with
from storeos.core.errors import NotFound, PermissionDenied
from storeos.core.money import ZERO
from storeos.promotions.models import (
    CodeBatch,
    Coupon,
    CouponTemplate,
    Promotion,
    PromotionStatus,
    PromotionUse,
)


def _view_store_ids(user) -> set[int] | None:
    """The stores whose promotions `user` may see (None: all); refused when none."""
    ids = store_ids_with(user, Perm.PROMOTIONS_VIEW)
    if ids is not None and not ids:
        raise PermissionDenied(
            _("You do not have permission to see promotions."),
            details={"permission": str(Perm.PROMOTIONS_VIEW)},
        )
    return ids


def promotions_visible(user) -> QuerySet:
    """Every promotion `user` may see."""
    ids = _view_store_ids(user)
    promotions = Promotion.objects.all()
    if ids is None:
        return promotions
    # store_ids is a JSON list; SQLite cannot search inside it, so pick the ids here.
    visible = [
        pk
        for pk, store_ids in promotions.values_list("pk", "store_ids")
        if not store_ids or ids.intersection(store_ids)
    ]
    return promotions.filter(pk__in=visible)


def promotion_list(
    *,
    user,
    status: str | None = None,
    kind: str | None = None,
    origin: str | None = None,
    active_on: dt.date | dt.datetime | None = None,
) -> QuerySet:
    """Promotions `user` may see, highest priority first. `active_on` (an instant, or a day in
    the chain's time zone) keeps the approved ones running then."""
    promotions = promotions_visible(user)
    if status:
        promotions = promotions.filter(status=status)
    if kind:
        promotions = promotions.filter(kind=kind)
    if origin is not None:
        promotions = promotions.filter(origin=origin)
    if active_on is not None:
        if isinstance(active_on, dt.datetime):
            start = end = active_on
            overlaps = Q(starts_at__lte=start, ends_at__gt=end)
        else:
            tz = ZoneInfo(settings.TIME_ZONE)
            start = dt.datetime.combine(active_on, dt.time(), tzinfo=tz)
            end = start + dt.timedelta(days=1)
            overlaps = Q(starts_at__lt=end, ends_at__gt=start)
        promotions = promotions.filter(overlaps, status=PromotionStatus.ACTIVE)
    return promotions.order_by("-priority", "id")


def promotion_get(*, user, promotion_id: int) -> Promotion:
    """One promotion `user` may see; not found otherwise (its existence is not disclosed)."""
    promotion = promotions_visible(user).filter(pk=promotion_id).first()
    if promotion is None:
        raise NotFound(
            _("No such promotion."),
            code="promotion_not_found",
            details={"promotion_id": promotion_id},
        )
    return promotion


def _usage(promotion: Promotion, counts: dict) -> dict:
    given = counts.get("given") or ZERO
    reversed_ = counts.get("reversed") or ZERO
    return {
        "promotion_id": promotion.pk,
        "uses": promotion.used_count,
        "orders": counts.get("orders") or 0,
        "members": counts.get("members") or 0,
        "discount_given": given,
        "discount_reversed": reversed_,
        "discount_net": given - reversed_,
        "uses_left": (
            max(promotion.total_uses - promotion.used_count, 0) if promotion.total_uses else None
        ),
        "budget_left": (
            max(promotion.budget - promotion.discount_used, ZERO) if promotion.budget else None
        ),
    }


_USAGE_AGGREGATES = {
    "orders": Count("order_uuid", distinct=True),
    "members": Count("member_id", distinct=True),
    "given": Sum("discount"),
    "reversed": Sum("reversed_discount"),
}


def promotion_usage(*, promotion: Promotion) -> dict:
    """Orders and members it touched, discount given and given back on returns, and the uses
    and budget left (None: no limit). Caller has checked the promotion is visible."""
    counts = PromotionUse.objects.filter(promotion=promotion).aggregate(**_USAGE_AGGREGATES)
    return _usage(promotion, counts)


def promotion_usage_summary(*, user, promotion_ids: list[int] | None = None) -> list[dict]:
    """`promotion_usage` for every promotion `user` may see (or those of `promotion_ids`), in
    one query for the counts."""
    promotions = promotions_visible(user).order_by("-priority", "id")
    if promotion_ids is not None:
        promotions = promotions.filter(pk__in=list(promotion_ids))
    promotions = list(promotions)
    rows = (
        PromotionUse.objects.filter(promotion_id__in=[p.pk for p in promotions])
        .values("promotion_id")
        .annotate(**_USAGE_AGGREGATES)
    )
    by_id = {row["promotion_id"]: row for row in rows}
    return [_usage(p, by_id.get(p.pk, {})) for p in promotions]


# --- coupon templates and code batches ---------------------------------------------------------


def coupon_template_list(*, user) -> QuerySet:
    _view_store_ids(user)
    return CouponTemplate.objects.order_by("code")


def coupon_template_get(*, user, template_id: int) -> CouponTemplate:
    _view_store_ids(user)
    template = CouponTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise NotFound(
            _("No such coupon template."),
            code="coupon_template_not_found",
            details={"template_id": template_id},
        )
    return template


def code_batch_get(*, user, batch_id: int) -> CodeBatch:
    require(user, Perm.PROMOTIONS_EDIT)
    batch = CodeBatch.objects.select_related("template").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(
            _("No such code batch."), code="code_batch_not_found", details={"batch_id": batch_id}
        )
    return batch


def code_batch_csv(*, batch: CodeBatch) -> str:
    """The batch's codes as CSV: code, template, valid from, valid until, status."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "template", "valid_from", "valid_until", "status"])
    coupons = Coupon.objects.filter(batch=batch).order_by("id")
    for code, valid_from, valid_until, status in coupons.values_list(
        "code", "valid_from", "valid_until", "status"
    ):
        writer.writerow(
            [code, batch.template.code, valid_from.isoformat(), valid_until.isoformat(), status]
        )
    return out.getvalue()
