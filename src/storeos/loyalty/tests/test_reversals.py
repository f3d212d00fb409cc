"""Returns take back the points and growth value the returned goods earned: in proportion,
never more than was earned over several partial returns, and as points owed when they were
already spent."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum

from storeos.core import clock
from storeos.loyalty.ledger import Source, points_spend
from storeos.loyalty.models import GrowthEntry, Member, PointsEntry
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.exchanges import exchange_create
from storeos.sales.returns import return_create
from storeos.sales.tests.conftest import user_with_role

MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 6, 3, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def cashier(store):
    return user_with_role("cashier", store, "till")


def sell(cashier, store, lines, payments, member=None):
    with clock.frozen(MORNING):
        return checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=lines,
            payments=payments,
            member_id=member.pk if member else None,
        )


def give_back(cashier, order, lines, return_id=None):
    with clock.frozen(LATER):
        return return_create(
            actor=cashier,
            return_id=return_id or uuid.uuid4(),
            order=order,
            lines=lines,
            reason="changed mind",
        )


def earned(order) -> tuple[int, int]:
    points = PointsEntry.objects.get(idempotency_key=f"order:{order.uuid}:earn").points
    growth = GrowthEntry.objects.get(idempotency_key=f"order:{order.uuid}:growth").value
    return points, growth


def reversed_by(sales_return) -> tuple[int, int]:
    entry = PointsEntry.objects.filter(idempotency_key=f"return:{sales_return.uuid}:earn").first()
    growth = GrowthEntry.objects.filter(
        idempotency_key=f"return:{sales_return.uuid}:growth"
    ).first()
    return (-entry.points if entry else 0), (-growth.value if growth else 0)


def refreshed(member) -> Member:
    return Member.objects.get(pk=member.pk)


def ledger_sum(member) -> int:
    return PointsEntry.objects.filter(member=member).aggregate(s=Sum("points"))["s"] or 0


def growth_sum(member) -> int:
    return GrowthEntry.objects.filter(member=member).aggregate(s=Sum("value"))["s"] or 0


def test_returning_half_the_goods_takes_back_half_the_points_and_growth(
    member, store, cashier, bricks
):
    order = sell(cashier, store, [CartLine(bricks, 2)], [Tender("cash", Decimal("198.00"))], member)
    points, growth = earned(order)
    assert points > 0 and growth > 0

    sales_return = give_back(cashier, order, [(order.lines.get(), 1, "restock")])

    assert reversed_by(sales_return) == (round(points / 2), round(growth / 2))
    member = refreshed(member)
    assert member.points_balance == points - round(points / 2)
    assert ledger_sum(member) == member.points_balance
    assert growth_sum(member) == growth - round(growth / 2)


def test_partial_returns_add_up_to_exactly_what_was_earned(member, store, cashier, figure):
    # three figures: the earnings do not split evenly in three
    order = sell(cashier, store, [CartLine(figure, 3)], [Tender("cash", Decimal("59.70"))], member)
    points, growth = earned(order)
    line = order.lines.get()

    returns = [give_back(cashier, order, [(line, 1, "restock")]) for _ in range(3)]

    taken = [reversed_by(r) for r in returns]
    assert sum(p for p, _ in taken) == points
    assert sum(g for _, g in taken) == growth
    # each step is the rounded cumulative share minus what was already taken back
    half_up = [int(Decimal(points * k / 3).quantize(Decimal(1), "ROUND_HALF_UP")) for k in (1, 2)]
    assert taken[0][0] == half_up[0]
    assert taken[1][0] == half_up[1] - half_up[0]
    member = refreshed(member)
    assert member.points_balance == 0 and ledger_sum(member) == 0
    assert growth_sum(member) == 0


def test_points_already_spent_become_points_owed(member, store, cashier, bricks):
    order = sell(cashier, store, [CartLine(bricks, 1)], [Tender("cash", Decimal("99.00"))], member)
    points, _ = earned(order)
    with clock.frozen(MORNING):
        points_spend(member_id=member.pk, points=points, key="spent", source=Source("x", "1"))

    sales_return = give_back(cashier, order, [(order.lines.get(), 1, "restock")])

    entry = PointsEntry.objects.get(idempotency_key=f"return:{sales_return.uuid}:earn")
    member = refreshed(member)
    assert entry.points == 0
    assert (member.points_balance, member.points_debt) == (0, points)
    assert ledger_sum(member) == member.points_balance
    # a later partial return of nothing more does not owe twice: the order is fully reversed
    assert PointsEntry.objects.filter(idempotency_key__startswith="return:").count() == 1


def test_a_partly_spent_balance_takes_what_is_there_and_owes_the_rest(
    member, store, cashier, bricks
):
    order = sell(cashier, store, [CartLine(bricks, 1)], [Tender("cash", Decimal("99.00"))], member)
    points, _ = earned(order)
    with clock.frozen(MORNING):
        points_spend(member_id=member.pk, points=points - 10, key="s", source=Source("x", "1"))

    give_back(cashier, order, [(order.lines.get(), 1, "restock")])

    member = refreshed(member)
    assert (member.points_balance, member.points_debt) == (0, points - 10)


def test_a_replayed_return_reverses_once(member, store, cashier, bricks):
    order = sell(cashier, store, [CartLine(bricks, 2)], [Tender("cash", Decimal("198.00"))], member)
    return_id = uuid.uuid4()
    line = order.lines.get()

    give_back(cashier, order, [(line, 1, "restock")], return_id=return_id)
    give_back(cashier, order, [(line, 1, "restock")], return_id=return_id)

    assert PointsEntry.objects.filter(idempotency_key__startswith="return:").count() == 1
    assert GrowthEntry.objects.filter(value__lt=0).count() == 1


def test_a_guest_order_returns_without_touching_any_member(store, cashier, bricks, member):
    order = sell(cashier, store, [CartLine(bricks, 1)], [Tender("cash", Decimal("99.00"))])

    give_back(cashier, order, [(order.lines.get(), 1, "restock")])

    assert PointsEntry.objects.count() == 0
    assert GrowthEntry.objects.count() == 0


def test_returning_one_line_reverses_that_lines_share(member, store, cashier, bricks, figure):
    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1), CartLine(figure, 1)],
        [Tender("cash", Decimal("118.90"))],
        member,
    )
    points, growth = earned(order)

    sales_return = give_back(cashier, order, [(order.lines.get(line_no=2), 1, "restock")])

    share = Decimal("19.90") / Decimal("118.90")
    expected = [int((n * share).quantize(Decimal(1), "ROUND_HALF_UP")) for n in (points, growth)]
    assert list(reversed_by(sales_return)) == expected


def test_an_exchange_takes_back_the_returned_goods_earnings(member, store, cashier, bricks, figure):
    order = sell(cashier, store, [CartLine(bricks, 1)], [Tender("cash", Decimal("99.00"))], member)
    points, growth = earned(order)

    with clock.frozen(LATER):
        exchange = exchange_create(
            actor=cashier,
            exchange_id=uuid.uuid4(),
            order=order,
            return_lines=[(order.lines.get(), 1, "restock")],
            new_lines=[CartLine(figure, 1)],
            payments=[],
            reason="wrong set",
        )

    assert reversed_by(exchange) == (points, growth)
    new_points, _ = earned(exchange.exchange_order)
    member = refreshed(member)
    assert member.points_balance == new_points
    assert ledger_sum(member) == member.points_balance
