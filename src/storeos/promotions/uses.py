"""Recording what promotions gave on paid orders, against their limits, and giving budget back
on returns.

A paid hook (registered in apps.ready) runs inside the transaction that makes an order paid: it
writes one PromotionUse per promotion the order used and counts it with a guarded UPDATE. When a
limit has no room left the hook raises, and the whole checkout rolls back (the till re-prices and
no longer sees the promotion).

Decisions:
- What a promotion gave on an order is counted once. The lines' adjustments carry every line
  discount and each line's allocated share of order-level discounts (spend-and-save), so the
  discount is the sum of the lines' shares. The order's own `adjustments` also list spend-and-save
  with its total: they are used only for promotions that have no share on any line (a points
  multiplier, a gift worth nothing), so nothing is counted twice.
- A free gift's line carries an adjustment with source "gift" and the gift promotion's id: it
  counts a use of that promotion, and the gift's value counts against its budget.
- Coupons are not counted here (coupon redemption marks the coupon used).
- Limits: `used_count + 1 ≤ total_uses` and `discount_used + d ≤ budget` (when set) are the
  WHERE of one UPDATE, which also takes the promotion's row lock; the member's uses are counted
  under that lock, so two tills racing for a member's last use are serialised.
- Promotions are counted in id order, so two orders never lock the same rows in opposite orders.
- A return gives the returned lines' promotion shares back to the promotion's budget
  (`discount_used`) and records them in PromotionUse.reversed_discount. Uses are not given back:
  "200 orders get it" stays 200 orders, whatever comes back later. The share is computed
  cumulatively from the lines' returned counts (as refunds are), so several partial returns give
  back exactly what a full return would.
- Recording uses does not bump Promotion.updated_at (that would reload the engine's catalogue on
  every sale).
"""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from storeos.core import clock
from storeos.core.errors import Conflict
from storeos.core.money import HALF_CENT, ZERO, allocate, quantize
from storeos.promotions.models import Promotion, PromotionUse

COUNTED_SOURCES = ("promotion", "gift")


class PromotionLimitReached(Conflict):
    code = "promotion_limit_reached"


class PromotionBudgetExhausted(Conflict):
    code = "promotion_budget_exhausted"


def _promotion_id(adjustment: dict) -> int | None:
    if not isinstance(adjustment, dict) or adjustment.get("source") not in COUNTED_SOURCES:
        return None
    try:
        return int(adjustment.get("id"))
    except (TypeError, ValueError):
        return None


def _amount(adjustment: dict) -> Decimal:
    try:
        return quantize(Decimal(str(adjustment.get("amount") or "0")))
    except InvalidOperation:
        return ZERO


def line_shares(line) -> dict[int, Decimal]:
    """What each promotion took off one order line (its whole quantity)."""
    shares: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for adjustment in line.adjustments or []:
        if (pid := _promotion_id(adjustment)) is not None:
            shares[pid] += _amount(adjustment)
    return dict(shares)


def order_promotion_discounts(order, lines: list) -> dict[int, Decimal]:
    """promotion id → what it gave on the order, each counted once (see the module notes)."""
    given: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        for pid, amount in line_shares(line).items():
            given[pid] += amount
    on_lines = set(given)
    for adjustment in order.adjustments or []:
        pid = _promotion_id(adjustment)
        if pid is not None and pid not in on_lines:
            given[pid] += _amount(adjustment)
    return dict(given)


def order_paid_record_promotions(order, lines: list) -> None:
    """Paid hook: one PromotionUse per promotion the order used, counted against its limits.
    Runs inside the caller's transaction; a refusal rolls the whole order back."""
    given = order_promotion_discounts(order, lines)
    if not given:
        return
    already = set(
        PromotionUse.objects.filter(
            order_uuid=order.uuid, promotion_id__in=list(given)
        ).values_list("promotion_id", flat=True)
    )
    now = clock.now()
    for pid in sorted(given):
        if pid in already:
            continue  # this order's use is counted (a payment hook run twice)
        discount = max(given[pid], ZERO)
        _count_use(promotion_id=pid, discount=discount, member_id=order.member_id)
        PromotionUse.objects.create(
            promotion_id=pid,
            order_uuid=order.uuid,
            member_id=order.member_id,
            discount=discount,
            created_at=now,
        )


def _count_use(*, promotion_id: int, discount: Decimal, member_id: int | None) -> None:
    """The guarded UPDATE (which takes the promotion's row lock), then the member's count."""
    counted = Promotion.objects.filter(pk=promotion_id).filter(
        Q(total_uses=0) | Q(used_count__lt=F("total_uses")),
        Q(budget=0) | Q(discount_used__lte=F("budget") - discount + HALF_CENT),
    )
    if not counted.update(
        used_count=F("used_count") + 1, discount_used=F("discount_used") + discount
    ):
        _refuse(promotion_id=promotion_id, discount=discount)
    promotion = Promotion.objects.only("code", "per_member_uses").get(pk=promotion_id)
    if member_id is None or not promotion.per_member_uses:
        return
    held = PromotionUse.objects.filter(promotion_id=promotion_id, member_id=member_id).count()
    if held >= promotion.per_member_uses:
        raise PromotionLimitReached(
            _("This member has already used %(promotion)s %(limit)s time(s).")
            % {"promotion": promotion.code, "limit": promotion.per_member_uses},
            details={
                "promotion_id": promotion_id,
                "limit": "per_member",
                "per_member_uses": promotion.per_member_uses,
            },
        )


def _refuse(*, promotion_id: int, discount: Decimal):
    promotion = Promotion.objects.filter(pk=promotion_id).first()
    if promotion is None:
        raise PromotionLimitReached(
            _("That promotion no longer exists."), details={"promotion_id": promotion_id}
        )
    if promotion.total_uses and promotion.used_count >= promotion.total_uses:
        raise PromotionLimitReached(
            _("%(promotion)s has been used as many times as it may be.")
            % {"promotion": promotion.code},
            details={
                "promotion_id": promotion_id,
                "limit": "total",
                "total_uses": promotion.total_uses,
            },
        )
    raise PromotionBudgetExhausted(
        _("%(promotion)s has not enough budget left for this order.")
        % {"promotion": promotion.code},
        details={
            "promotion_id": promotion_id,
            "budget_left": promotion.budget - promotion.discount_used,
            "discount": discount,
        },
    )


def _returned_share(amount: Decimal, *, sold: int, returned: int) -> Decimal:
    """The part of a line's promotion share that `returned` of `sold` units carry (as refunds
    are split: largest remainder, earlier units first)."""
    if returned <= 0:
        return ZERO
    if returned >= sold:
        return amount
    return allocate(amount, [returned, sold - returned])[0]


def order_returned_give_back(sales_return) -> None:
    """Return hook: give the returned lines' promotion shares back to the promotions' budgets."""
    from storeos.sales.models import OrderLine

    touched = {
        pid
        for rl in sales_return.lines.select_related("order_line")
        for pid in line_shares(rl.order_line)
    }
    if not touched:
        return
    # Read fresh: the lines' returned counts already include this return.
    lines = list(OrderLine.objects.filter(order_id=sales_return.order_id).order_by("line_no"))
    target: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        for pid, amount in line_shares(line).items():
            if pid in touched:
                target[pid] += _returned_share(
                    amount, sold=line.quantity, returned=line.returned_quantity
                )
    order_uuid = sales_return.order.uuid
    uses = PromotionUse.objects.select_for_update().filter(
        order_uuid=order_uuid, promotion_id__in=sorted(touched)
    )
    for use in uses.order_by("promotion_id"):
        back = min(target[use.promotion_id], use.discount) - use.reversed_discount
        if back <= 0:
            continue
        use.reversed_discount += back
        use.save(update_fields=["reversed_discount"])
        Promotion.objects.filter(pk=use.promotion_id).update(
            discount_used=Greatest(F("discount_used") - back, Value(ZERO))
        )
