"""The engine's coupon step (docs/promotions.md, step 4): coupons last, on what the goods cost
after the promotions; at most one unless every coupon used says it stacks."""

from decimal import Decimal

from django.utils.translation import gettext as _

from storeos.core.money import ZERO, allocate, quantize
from storeos.promotions.catalogue import Scope, scope_compile
from storeos.promotions.engine_lines import Line, Run
from storeos.promotions.errors import (
    CouponExpired,
    CouponItemMissing,
    CouponMinSpendNotMet,
    CouponNotFound,
    CouponNotStackable,
    CouponNotYours,
    CouponUsed,
    CouponVoid,
)
from storeos.promotions.models import Coupon, CouponKind, CouponStatus

HUNDRED = Decimal(100)


def coupon_codes_normalise(codes) -> list[str]:
    """Codes as stored: upper case without the spaces and dashes people type; each once, sorted."""
    cleaned = {"".join(str(code or "").split()).replace("-", "").upper() for code in codes or ()}
    return sorted(code for code in cleaned if code)


def coupons_load(*, codes: list[str], member_id: int | None, at) -> list[Coupon]:
    """The coupons with these codes (one query), or the refusal of the first that cannot be used:
    unknown, used, void, expired or not yet valid, someone else's; several where one does not
    stack."""
    found = {
        coupon.code: coupon
        for coupon in Coupon.objects.select_related("template", "template__free_sku").filter(
            code__in=list(codes)
        )
    }
    coupons = []
    for code in codes:
        coupon = found.get(code)
        if coupon is None:
            raise CouponNotFound(
                _("There is no coupon with the code %(code)s.") % {"code": code},
                details={"coupon": code},
            )
        _refuse_unusable(coupon, member_id, at)
        coupons.append(coupon)
    if len(coupons) > 1 and not all(coupon.template.stackable for coupon in coupons):
        raise CouponNotStackable(
            _("Only one of these coupons can be used on an order."),
            details={"coupons": [c.code for c in coupons if not c.template.stackable]},
        )
    return coupons


def _refuse_unusable(coupon: Coupon, member_id, at) -> None:
    details = {"coupon": coupon.code}
    if coupon.status == CouponStatus.USED:
        raise CouponUsed(
            _("Coupon %(code)s has already been used.") % {"code": coupon.code}, details=details
        )
    if coupon.status == CouponStatus.VOID or not coupon.template.is_active:
        raise CouponVoid(_("Coupon %(code)s is void.") % {"code": coupon.code}, details=details)
    if coupon.status == CouponStatus.EXPIRED or coupon.valid_until <= at or coupon.valid_from > at:
        raise CouponExpired(
            _("Coupon %(code)s is not valid now.") % {"code": coupon.code},
            details={
                **details,
                "valid_from": str(coupon.valid_from),
                "valid_until": str(coupon.valid_until),
            },
        )
    if coupon.member_id is not None and coupon.member_id != member_id:
        raise CouponNotYours(
            _("Coupon %(code)s belongs to another member.") % {"code": coupon.code},
            details=details,
        )


def coupon_scope_needs_categories(coupons: list[Coupon]) -> bool:
    return any(
        (c.template.scope or {}).get(key)
        for c in coupons
        for key in ("categories", "series", "exclude_categories")
    )


def coupons_apply(*, run: Run, lines: list[Line], coupons: list[Coupon], paths: dict) -> None:
    """Each coupon in code order, on what its goods cost after the promotions, allocated over
    those goods in proportion to what is left of them."""
    after_promotions = list(run.remaining)
    for coupon in coupons:
        template = coupon.template
        scope: Scope = scope_compile(template.scope or {}, paths)
        indexes = [line.index for line in lines if scope.holds(line.sku)]
        # The minimum and a percentage count the goods after promotions, not after another
        # coupon; what a coupon takes is capped at what is left.
        base = sum((after_promotions[i] for i in indexes), ZERO)
        if base < template.min_spend:
            raise CouponMinSpendNotMet(
                _("Coupon %(code)s needs a spend of ¥%(min)s on the goods it applies to.")
                % {"code": coupon.code, "min": template.min_spend},
                details={
                    "coupon": coupon.code,
                    "min_spend": str(template.min_spend),
                    "spend": str(base),
                },
            )
        adjustment = {
            "source": "coupon",
            "id": coupon.code,
            "kind": template.kind,
            "label": template.name,
        }
        parts = _coupon_parts(coupon, lines, indexes, base, run.remaining)
        for index, part in parts:
            if part > 0:
                run.take(index, part, adjustment, ("coupon", coupon.code))
        total = sum((part for _i, part in parts), ZERO)
        extra = {"free_shipping": True} if template.kind == CouponKind.FREE_SHIPPING else {}
        run.order_adj.append({**adjustment, "amount": str(total), **extra})
        run.coupon_codes.append(coupon.code)


def _coupon_parts(coupon, lines, indexes, base, remaining) -> list[tuple[int, Decimal]]:
    template = coupon.template
    if template.kind == CouponKind.FREE_SHIPPING:
        return []
    if template.kind == CouponKind.FREE_ITEM:
        for line in lines:
            if line.sku.id == template.free_sku_id and remaining[line.index] > 0:
                return [(line.index, min(line.unit, remaining[line.index]))]
        raise CouponItemMissing(
            _("Coupon %(code)s gives a free %(item)s: add one to the cart.")
            % {"code": coupon.code, "item": getattr(template.free_sku, "name", "")},
            details={"coupon": coupon.code, "sku_id": template.free_sku_id},
        )
    if template.kind == CouponKind.PERCENT_OFF:
        off = quantize(base * Decimal(template.value) / HUNDRED)
    else:
        off = Decimal(template.value)
    off = min(off, sum((remaining[i] for i in indexes), ZERO))
    if off <= 0:
        return []
    return list(zip(indexes, allocate(off, [remaining[i] for i in indexes]), strict=True))
