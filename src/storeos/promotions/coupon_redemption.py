"""Coupons used at checkout, and given back when the goods they paid for come back.

Both run as sales hooks (registered in apps.ready) inside the sale's or the return's transaction.

Decisions:
- Redeeming is a guarded UPDATE: `status available → used WHERE code = … AND status = available`.
  Zero rows means someone else used it first (or it expired, or it is not this member's): the hook
  raises and the whole checkout rolls back, so a code pays for exactly one order, on any database.
- The same order replayed never redeems twice: a coupon already used by this order is skipped.
- A batch coupon used without being claimed first becomes the order's member's (claimed now).
- A coupon in a member's wallet pays only for that member's orders (`coupon_not_yours`), as the
  engine prices it: at the till the member is identified first (their member QR), then the coupon.
- Returns: the coupon goes back to the wallet (available again, its use cleared) only when every
  line it applied to has come back in full — the lines whose adjustments name the coupon, else the
  lines in the template's scope, else the whole order — and the template's `return_on_refund` is
  set and the coupon has not expired. A partial return keeps it used.
"""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from storeos.core import clock
from storeos.core.errors import Conflict
from storeos.promotions.coupons import coupon_code_clean, coupon_refusal
from storeos.promotions.errors import CouponNotFound, CouponNotYours
from storeos.promotions.models import Coupon, CouponStatus


def _refusal(code: str, order, at: dt.datetime) -> Exception:
    """Why the guarded UPDATE found nothing to redeem."""
    coupon = Coupon.objects.filter(code=code).first()
    if coupon is None:
        return CouponNotFound(_("There is no coupon with that code."), details={"coupon": code})
    if (refusal := coupon_refusal(coupon, at)) is not None:
        return refusal  # coupon_used (409) when another order took it first
    if coupon.valid_from > at:
        return Conflict(
            _("Coupon %(code)s is not valid yet.") % {"code": code},
            code="coupon_not_yet_valid",
            details={"coupon": code, "valid_from": coupon.valid_from},
        )
    return CouponNotYours(
        _("Coupon %(code)s is in another member's wallet.") % {"code": code},
        details={"coupon": code},
    )


def coupon_redeem(*, code: str, order, at: dt.datetime) -> Coupon:
    """Mark the coupon used by `order` (caller holds the order's transaction)."""
    code = coupon_code_clean(code)
    already = Coupon.objects.filter(code=code, order_uuid=order.uuid, status=CouponStatus.USED)
    if (coupon := already.first()) is not None:
        return coupon
    whose = Q(member__isnull=True)
    if order.member_id is not None:
        whose |= Q(member_id=order.member_id)
    redeemed = (
        Coupon.objects.filter(
            code=code, status=CouponStatus.AVAILABLE, valid_from__lte=at, valid_until__gt=at
        )
        .filter(whose)
        .update(status=CouponStatus.USED, used_at=at, order_uuid=order.uuid)
    )
    if not redeemed:
        raise _refusal(code, order, at)
    if order.member_id is not None:
        Coupon.objects.filter(code=code, member__isnull=True).update(
            member_id=order.member_id, claimed_at=at
        )
    return Coupon.objects.get(code=code)


def order_paid_redeem(order, lines: list) -> None:
    """Paid hook: use every coupon the priced cart included (codes in a fixed order, so two
    orders sharing coupons lock them in the same order and cannot deadlock)."""
    codes = sorted({coupon_code_clean(c) for c in (order.coupon_codes or [])})
    if not codes:
        return
    at = order.paid_at or clock.now()
    for code in codes:
        coupon_redeem(code=code, order=order, at=at)


def _in_scope(line, scope: dict) -> bool:
    sku, product = line.sku, line.sku.product
    path = product.category.path or ""
    if sku.pk in scope.get("exclude_skus", []):
        return False
    if any(f"/{c}/" in path for c in scope.get("exclude_categories", [])):
        return False
    wanted = [k for k in ("skus", "categories", "series") if scope.get(k)]
    if not wanted:
        return True
    return (
        sku.pk in scope.get("skus", [])
        or any(f"/{c}/" in path or c == product.category_id for c in scope.get("categories", []))
        or (product.series_id is not None and product.series_id in scope.get("series", []))
    )


def coupon_lines(coupon: Coupon, lines: list) -> list:
    """The order lines the coupon applied to (see the module's decisions)."""
    named = [
        ln
        for ln in lines
        if any(
            a.get("source") == "coupon" and a.get("id") == coupon.code
            for a in (ln.adjustments or [])
        )
    ]
    if named:
        return named
    goods = [
        ln for ln in lines if not any(a.get("source") == "gift" for a in (ln.adjustments or []))
    ]
    scoped = [ln for ln in goods if _in_scope(ln, coupon.template.scope or {})]
    return scoped or goods or lines


def order_returned_restore(sales_return) -> None:
    """Return hook: put the order's coupons back in the wallet when the rule allows."""
    from storeos.sales.models import OrderLine

    order = sales_return.order
    coupons = list(
        Coupon.objects.filter(order_uuid=order.uuid, status=CouponStatus.USED)
        .select_related("template")
        .order_by("pk")
    )
    if not coupons:
        return
    now = clock.now()
    # Read fresh: this return's counts are already on the lines.
    lines = list(
        OrderLine.objects.filter(order_id=order.pk)
        .select_related("sku__product__category")
        .order_by("line_no")
    )
    for coupon in coupons:
        if not coupon.template.return_on_refund or coupon.valid_until <= now:
            continue
        if all(ln.returned_quantity >= ln.quantity for ln in coupon_lines(coupon, lines)):
            Coupon.objects.filter(
                pk=coupon.pk, status=CouponStatus.USED, order_uuid=order.uuid
            ).update(status=CouponStatus.AVAILABLE, used_at=None, order_uuid=None)
