"""Points as payment: a member pays part of an order with points at the till, within the
programme's share, and a return gives the points back."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum

from storeos.core import clock
from storeos.inventory.models import StockLevel
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.models import EntryKind, Member, PointsEntry, PointsLot
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import Order, Payment, Refund
from storeos.sales.returns import return_create
from storeos.sales.tests.conftest import user_with_role

# 01:00 UTC is 09:00 in Shanghai: the business day is 1 June 2026.
MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
FAR = dt.date(2027, 6, 30)


@pytest.fixture
def cashier(store):
    return user_with_role("cashier", store, "till")


def give_points(member, points, *, expires_on=FAR, key="seed"):
    with clock.frozen(MORNING):
        points_earn(
            member_id=member.pk,
            points=points,
            key=key,
            source=Source("activity", "seed"),
            expires_on=expires_on,
        )


def balance(member) -> int:
    member.refresh_from_db()
    return member.points_balance


def ledger_sum(member) -> int:
    return PointsEntry.objects.filter(member=member).aggregate(s=Sum("points"))["s"] or 0


def sell(cashier, store, lines, payments, member=None, at=MORNING) -> Order:
    with clock.frozen(at):
        return checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=lines,
            payments=payments,
            member_id=member.pk if member else None,
        )


def give_back(cashier, order, lines, at=MORNING):
    with clock.frozen(at):
        return return_create(
            actor=cashier, return_id=uuid.uuid4(), order=order, lines=lines, reason="changed mind"
        )


def test_a_member_pays_part_of_an_order_with_points(member, store, cashier, bricks):
    give_points(member, 5000)

    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1)],
        [Tender("points", Decimal("40.00")), Tender("cash", Decimal("59.00"))],
        member=member,
    )

    spent = PointsEntry.objects.get(idempotency_key=f"order:{order.uuid}:points")
    assert spent.points == -4000 and spent.kind == EntryKind.REDEEM
    assert spent.source_type == "order" and spent.source_id == str(order.uuid)
    earned = PointsEntry.objects.filter(idempotency_key=f"order:{order.uuid}:earn")
    assert balance(member) == 1000 + sum(earned.values_list("points", flat=True))
    assert ledger_sum(member) == balance(member)
    payment = Payment.objects.get(order=order, method="points")
    assert payment.amount == Decimal("40.00")
    assert payment.provider_transaction_id == f"{spent.pk}/4000"


def test_paying_with_points_needs_a_member_and_changes_nothing(store, cashier, bricks, programme):
    with pytest.raises(Exception) as refused:
        sell(cashier, store, [CartLine(bricks, 1)], [Tender("points", Decimal("99.00"))])

    assert refused.value.code == "points_need_member"
    assert Order.objects.count() == 0
    assert StockLevel.objects.get(sku=bricks).on_hand == 10


def test_an_amount_that_is_not_whole_points_is_refused(member, store, cashier, bricks, programme):
    programme.points_per_yuan_redeemed = 10
    programme.save(update_fields=["points_per_yuan_redeemed"])
    give_points(member, 5000)

    with pytest.raises(Exception) as refused:
        sell(
            cashier,
            store,
            [CartLine(bricks, 1)],
            [Tender("points", Decimal("40.05")), Tender("cash", Decimal("58.95"))],
            member=member,
        )

    assert refused.value.code == "points_invalid"
    assert balance(member) == 5000
    assert Order.objects.count() == 0


def test_points_may_pay_at_most_the_programme_share(member, store, cashier, bricks):
    give_points(member, 10000)

    with pytest.raises(Exception) as refused:
        sell(
            cashier,
            store,
            [CartLine(bricks, 1)],
            [Tender("points", Decimal("49.51")), Tender("cash", Decimal("49.49"))],
            member=member,
        )

    assert refused.value.code == "points_share_exceeded"
    assert balance(member) == 10000
    # exactly half is allowed
    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1)],
        [Tender("points", Decimal("49.50")), Tender("cash", Decimal("49.50"))],
        member=member,
    )
    assert Payment.objects.get(order=order, method="points").amount == Decimal("49.50")


def test_too_few_points_refuse_the_whole_checkout(member, store, cashier, bricks):
    give_points(member, 3999)

    with pytest.raises(Exception) as refused:
        sell(
            cashier,
            store,
            [CartLine(bricks, 1)],
            [Tender("points", Decimal("40.00")), Tender("cash", Decimal("59.00"))],
            member=member,
        )

    assert refused.value.code == "insufficient_points"
    assert balance(member) == 3999
    assert Order.objects.count() == 0
    assert Payment.objects.count() == 0
    assert StockLevel.objects.get(sku=bricks).on_hand == 10


def test_two_points_payments_in_one_order_are_refused(member, store, cashier, bricks):
    give_points(member, 9000)

    with pytest.raises(Exception) as refused:
        sell(
            cashier,
            store,
            [CartLine(bricks, 1)],
            [
                Tender("points", Decimal("20.00")),
                Tender("points", Decimal("20.00")),
                Tender("cash", Decimal("59.00")),
            ],
            member=member,
        )

    assert refused.value.code == "points_invalid"
    assert balance(member) == 9000


def test_a_return_gives_the_points_back_before_the_cash(member, store, cashier, bricks):
    give_points(member, 5000)
    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1)],
        [Tender("points", Decimal("40.00")), Tender("cash", Decimal("59.00"))],
        member=member,
    )
    before = balance(member)

    sales_return = give_back(cashier, order, [(order.lines.get(), 1, "restock")])

    back = PointsEntry.objects.get(
        idempotency_key__startswith=f"return:{sales_return.uuid}:points:"
    )
    assert back.kind == EntryKind.REVERSE and back.points == 4000
    refunds = {r.method: r.amount for r in Refund.objects.filter(sales_return=sales_return)}
    assert refunds == {"points": Decimal("40.00"), "cash": Decimal("59.00")}
    # the points come back (the points the sale earned are taken back by the reversal hook)
    earned = PointsEntry.objects.filter(idempotency_key=f"order:{order.uuid}:earn")
    earned_points = earned.first().points if earned.exists() else 0
    assert balance(member) == before + 4000 - earned_points
    assert ledger_sum(member) == balance(member)
    # they keep the expiry of the points that were spent
    assert back.expires_on == FAR
    assert PointsLot.objects.get(entry=back).remaining == 4000


def test_points_given_back_stay_usable_for_at_least_30_days(member, store, cashier, bricks):
    soon = dt.date(2026, 6, 10)
    give_points(member, 4000, expires_on=soon)
    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1)],
        [Tender("points", Decimal("40.00")), Tender("cash", Decimal("59.00"))],
        member=member,
    )

    at = dt.datetime(2026, 6, 8, 1, 0, tzinfo=dt.UTC)
    sales_return = give_back(cashier, order, [(order.lines.get(), 1, "restock")], at=at)

    back = PointsEntry.objects.get(
        idempotency_key__startswith=f"return:{sales_return.uuid}:points:"
    )
    assert back.expires_on == dt.date(2026, 7, 8)


def test_partial_refunds_never_give_back_more_points_than_were_spent(
    member, store, cashier, figure, programme
):
    # 10 points a yuan: 29.80 yuan is 298 points; three figures cost 59.70
    programme.points_per_yuan_redeemed = 10
    programme.save(update_fields=["points_per_yuan_redeemed"])
    give_points(member, 1000)
    order = sell(
        cashier,
        store,
        [CartLine(figure, 3)],
        [Tender("points", Decimal("29.80")), Tender("cash", Decimal("29.90"))],
        member=member,
    )
    line = order.lines.get()

    returns = [give_back(cashier, order, [(line, 1, "restock")]) for _ in range(3)]

    given = [
        sum(
            PointsEntry.objects.filter(
                idempotency_key__startswith=f"return:{r.uuid}:points:"
            ).values_list("points", flat=True)
        )
        for r in returns
    ]
    # 19.90 of points, then 9.90 of points and 10.00 cash, then cash only
    assert given == [199, 99, 0]
    assert sum(given) == 298
    payment = Payment.objects.get(order=order, method="points")
    assert payment.refunded_amount == Decimal("29.80")
    member = Member.objects.get(pk=member.pk)
    assert ledger_sum(member) == member.points_balance
