"""Points as a tender: a member pays part of an order with points and gets them back on a refund.

Registered with sales as the "points" tender (apps.ready), so checkout claims the points inside
its transaction (a refusal refuses the whole sale) and a return's refund gives them back.

Decisions:
- The programme's `points_per_yuan_redeemed` converts money to points; the amount must convert
  to a whole number of points (100 points per yuan: 12.34 yuan is 1234 points). One points
  payment per order, at most `max_redeem_share` of the order's total.
- Refunds are computed cumulatively per payment (points back so far = the redeemed points in
  proportion to the money refunded so far, rounded half-up), so several partial refunds never
  give back more than was spent and a full refund gives back exactly what was spent.
- Points given back keep the latest expiry of the points the payment used, but never expire
  within 30 days of the refund: a member whose returned points would lapse tomorrow (or have
  lapsed already) could not use them, which would make the return take their value away.
"""

import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from storeos.core import clock
from storeos.core.money import to_money
from storeos.loyalty.errors import PointsInvalid, PointsNeedMember, PointsShareExceeded
from storeos.loyalty.ledger import Source, points_earn, points_spend
from storeos.loyalty.models import EntryKind, Member, MemberStatus, PointsEntry, PointsLotUse
from storeos.sales.models import Refund

POINTS_METHOD = "points"
# Points given back stay usable at least this long (see the module's decisions).
GIVE_BACK_MIN_DAYS = 30


def redemption_key(order) -> str:
    return f"order:{order.uuid}:points"


def give_back_expiry(*, spend_entry: PointsEntry | None, today: dt.date) -> dt.date:
    """When points given back for `spend_entry` expire: the latest expiry of the lots it took,
    and at least GIVE_BACK_MIN_DAYS from today."""
    floor = today + dt.timedelta(days=GIVE_BACK_MIN_DAYS)
    if spend_entry is None:
        return floor
    latest = PointsLotUse.objects.filter(entry=spend_entry).aggregate(d=Max("lot__expires_on"))
    return max(latest["d"] or floor, floor)


def _order_member(order) -> Member:
    member = None
    if order.member_id:
        member = (
            Member.objects.select_related("programme")
            .filter(pk=order.member_id, status=MemberStatus.ACTIVE)
            .first()
        )
    if member is None:
        raise PointsNeedMember(_("Only a member can pay with points: scan the member code first."))
    return member


def points_claim(*, order, amount: Decimal, reference: str = "") -> str:
    """Checkout's claim for a "points" payment: spend the member's points for `amount` of
    `order`. Returns the reference kept on the payment ("<entry id>/<points>")."""
    member = _order_member(order)
    programme = member.programme
    amount = to_money(amount)
    exact = amount * programme.points_per_yuan_redeemed
    points = int(exact)
    if amount <= 0 or exact != points:
        raise PointsInvalid(
            _("%(amount)s yuan is not a whole number of points (%(rate)s points a yuan).")
            % {"amount": amount, "rate": programme.points_per_yuan_redeemed},
            details={"amount": amount, "rate": programme.points_per_yuan_redeemed},
        )
    limit = Decimal(order.total) * Decimal(programme.max_redeem_share)
    if amount > limit:
        raise PointsShareExceeded(
            _("Points may pay at most %(share)s%% of an order (%(limit)s yuan here).")
            % {
                "share": format((Decimal(programme.max_redeem_share) * 100).normalize(), "f"),
                "limit": limit.quantize(Decimal("0.01"), rounding=ROUND_DOWN),
            },
            details={"amount": amount, "limit": limit, "total": order.total},
        )
    key = redemption_key(order)
    # The order row is new in this transaction, so an entry under its key is a second points
    # tender in the same cart: refuse it rather than let the ledger replay the first one.
    if PointsEntry.objects.filter(idempotency_key=key).exists():
        raise PointsInvalid(
            _("Pay with points once per order."), details={"order": str(order.uuid)}
        )
    entry = points_spend(
        member_id=member.pk,
        points=points,
        key=key,
        source=Source("order", str(order.uuid)),
        memo=f"paid {amount} of order {order.number}",
    )
    return f"{entry.pk}/{points}"


def _given_back(*, member_id: int, payment_pk: int) -> int:
    """Points already given back for a points payment by earlier returns."""
    total = PointsEntry.objects.filter(
        member_id=member_id,
        kind=EntryKind.REVERSE,
        source_type="return",
        idempotency_key__startswith="return:",
        idempotency_key__endswith=f":points:{payment_pk}",
    ).aggregate(s=Sum("points"))["s"]
    return total or 0


def _refunded_before(payment, sales_return) -> Decimal:
    """Money of this payment refunded by other returns (their refund rows are written)."""
    total = (
        Refund.objects.filter(payment=payment)
        .exclude(sales_return=sales_return)
        .aggregate(s=Sum("amount"))["s"]
    )
    return total or Decimal(0)


def points_refund(*, payment, amount: Decimal, sales_return) -> PointsEntry | None:
    """A return refunds `amount` of a points payment: give the member those points back."""
    order = payment.order
    spend = PointsEntry.objects.filter(idempotency_key=redemption_key(order)).first()
    if spend is None:
        raise PointsInvalid(
            _("This points payment has no points behind it."),
            code="points_payment_unknown",
            details={"payment": payment.pk},
        )
    spent = -spend.points
    refunded = _refunded_before(payment, sales_return) + to_money(amount)
    owed = Decimal(spent) * refunded / Decimal(payment.amount)
    target = min(spent, int(owed.to_integral_value(rounding=ROUND_HALF_UP)))
    points = target - _given_back(member_id=spend.member_id, payment_pk=payment.pk)
    if points <= 0:
        return None
    return points_earn(
        member_id=spend.member_id,
        points=points,
        key=f"return:{sales_return.uuid}:points:{payment.pk}",
        source=Source("return", str(sales_return.uuid)),
        expires_on=give_back_expiry(spend_entry=spend, today=clock.today(order.store.time_zone)),
        kind=EntryKind.REVERSE,
        memo=f"refund of {amount} paid with points on order {order.number}",
    )


def points_tender_refund(*, payment, amount: Decimal, sales_return) -> None:
    """The tender handler's refund (sales ignores a return value)."""
    points_refund(payment=payment, amount=amount, sales_return=sales_return)


def points_tender_register() -> None:
    from storeos.sales.hooks import TenderHandler, register_tender

    register_tender(POINTS_METHOD, TenderHandler(claim=points_claim, refund=points_tender_refund))
