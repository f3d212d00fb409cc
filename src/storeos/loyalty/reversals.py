"""Returns take back the points and growth value the returned goods earned.

A return hook (registered in apps.ready) runs inside every return's and exchange's transaction.

Decisions:
- The share reversed is the returned earning base over the order's earning base (from
  `earning.earning_base`; a partly returned line counts base × returned units / sold units).
- It is computed cumulatively from the order's returned counts: target = round half-up of
  (earned × returned base so far / order base), minus what earlier returns of the order already
  reversed. Several partial returns therefore never reverse more than was earned, and returning
  everything reverses exactly what was earned.
- Points already spent cannot be taken from the balance: the ledger records them as owed and
  settles them from the member's next earnings (`points_take_back`).
- Growth value goes down by a negative growth entry; tiers follow at the next review.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from storeos.core import clock
from storeos.loyalty.earning import earning_base
from storeos.loyalty.ledger import Source, points_take_back
from storeos.loyalty.models import EntryKind, GrowthEntry, PointsEntry
from storeos.sales.models import OrderLine, SalesReturn


def earn_key(order) -> str:
    return f"order:{order.uuid}:earn"


def growth_key(order) -> str:
    return f"order:{order.uuid}:growth"


def returned_base(order) -> tuple[Decimal, Decimal]:
    """(earning base returned so far, the order's earning base), every return of the order
    counted (the caller's included: its lines are already counted on the order lines)."""
    # Read fresh: the order object may carry lines cached before this return counted them.
    lines = list(OrderLine.objects.filter(order_id=order.pk).order_by("line_no"))
    base = earning_base(order, lines)
    total = sum(base.values(), Decimal(0))
    returned = sum(
        (
            base.get(line.line_no, Decimal(0)) * line.returned_quantity / line.quantity
            for line in lines
            if line.returned_quantity
        ),
        Decimal(0),
    )
    return min(returned, total), total


def _share_of(earned: int, returned: Decimal, total: Decimal) -> int:
    """round half-up(earned × returned / total), never more than earned."""
    value = (Decimal(earned) * returned / total).to_integral_value(rounding=ROUND_HALF_UP)
    return min(int(value), earned)


def taken_back(entry: PointsEntry) -> int:
    """Points a take-back entry reversed: those taken from the balance plus those it left owed
    (its debt grew by them over the member's previous entry)."""
    previous = (
        PointsEntry.objects.filter(member_id=entry.member_id, seq=entry.seq - 1)
        .values_list("debt_after", flat=True)
        .first()
    )
    return -entry.points + entry.debt_after - (previous or 0)


def _return_keys(order, suffix: str) -> list[str]:
    uuids = SalesReturn.objects.filter(order_id=order.pk).values_list("uuid", flat=True)
    return [f"return:{uuid}:{suffix}" for uuid in uuids]


def _points_reverse(
    *, order, sales_return, returned: Decimal, total: Decimal
) -> PointsEntry | None:
    earned = PointsEntry.objects.filter(idempotency_key=earn_key(order), kind=EntryKind.EARN)
    earned = earned.first()
    if earned is None:
        return None
    done = PointsEntry.objects.filter(idempotency_key__in=_return_keys(order, "earn"))
    already = sum(taken_back(entry) for entry in done)
    points = _share_of(earned.points, returned, total) - already
    if points <= 0:
        return None
    return points_take_back(
        member_id=earned.member_id,
        points=points,
        key=f"return:{sales_return.uuid}:earn",
        source=Source("return", str(sales_return.uuid)),
    )


def _growth_reverse(
    *, order, sales_return, returned: Decimal, total: Decimal
) -> GrowthEntry | None:
    earned = GrowthEntry.objects.filter(idempotency_key=growth_key(order)).first()
    if earned is None or earned.value <= 0:
        return None
    done = GrowthEntry.objects.filter(idempotency_key__in=_return_keys(order, "growth"))
    already = -(done.aggregate(s=Sum("value"))["s"] or 0)
    value = _share_of(earned.value, returned, total) - already
    if value <= 0:
        return None
    entry, _created = GrowthEntry.objects.get_or_create(
        idempotency_key=f"return:{sales_return.uuid}:growth",
        defaults={
            "member_id": earned.member_id,
            "value": -value,
            "source_type": "return",
            "source_id": str(sales_return.uuid),
            "occurred_at": clock.now(),
        },
    )
    return entry


def order_returned_reverse(sales_return) -> None:
    """Return hook: take back the points and growth the returned goods earned. Runs in the
    return's transaction after its lines are counted (the caller holds the order's lock)."""
    order = sales_return.order
    if not order.member_id:
        return
    has_earned = (
        PointsEntry.objects.filter(idempotency_key=earn_key(order)).exists()
        or GrowthEntry.objects.filter(idempotency_key=growth_key(order)).exists()
    )
    if not has_earned:
        return
    returned, total = returned_base(order)
    if returned <= 0 or total <= 0:
        return
    _points_reverse(order=order, sales_return=sales_return, returned=returned, total=total)
    _growth_reverse(order=order, sales_return=sales_return, returned=returned, total=total)
