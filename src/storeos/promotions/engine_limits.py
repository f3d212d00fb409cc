"""The engine's limits (docs/promotions.md, step 1): total uses, uses per member and the discount
budget, read fresh from the database for the limited candidates only.

Pricing only reads: the checkout records each use under a guarded UPDATE, which is what stops
two tills from spending the last of a budget twice.
"""

from decimal import Decimal

from django.db.models import Count

from storeos.core.money import ZERO
from storeos.promotions.catalogue import Compiled
from storeos.promotions.models import Promotion, PromotionUse


def limits_filter(
    *, promotions: list[Compiled], member_id: int | None
) -> tuple[list[Compiled], dict[int, Decimal]]:
    """The promotions with room left, and what is left of each budget (by promotion id).
    One query when some candidate has a total or a budget, one when some has a per-member
    limit and there is a member."""
    limited = [p.id for p in promotions if p.total_uses or p.budget]
    per_member = [p.id for p in promotions if p.per_member_uses] if member_id else []
    if not limited and not per_member:
        return promotions, {}
    full: set[int] = set()
    room: dict[int, Decimal] = {}
    if limited:
        rows = Promotion.objects.filter(pk__in=limited).values_list(
            "pk", "total_uses", "used_count", "budget", "discount_used"
        )
        for pk, total_uses, used_count, budget, discount_used in rows:
            if total_uses and used_count >= total_uses:
                full.add(pk)
            if budget:
                room[pk] = Decimal(budget) - Decimal(discount_used)
                if room[pk] <= 0:
                    full.add(pk)
    if per_member:
        counts = dict(
            PromotionUse.objects.filter(promotion_id__in=per_member, member_id=member_id)
            .values("promotion_id")
            .annotate(n=Count("id"))
            .values_list("promotion_id", "n")
        )
        by_id = {p.id: p for p in promotions}
        full |= {pk for pk, n in counts.items() if n >= by_id[pk].per_member_uses}
    return [p for p in promotions if p.id not in full], room


def budget_overdrawn(*, uses: dict, room: dict[int, Decimal]) -> set[int]:
    """The promotions whose discount on this cart would exceed what is left of their budget
    (they do not take part)."""
    return {pk for pk, left in room.items() if uses.get(("promotion", pk), ZERO) > left}
