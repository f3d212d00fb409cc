import datetime as dt

import pytest

from storeos.core.errors import IdempotencyConflict
from storeos.loyalty.errors import InsufficientPoints, PointsInvalid
from storeos.loyalty.ledger import (
    Source,
    hash_of,
    points_earn,
    points_spend,
    points_take_back,
)
from storeos.loyalty.models import PointsEntry, PointsLot

LATER = dt.date(2027, 12, 31)
SOONER = dt.date(2027, 6, 30)


def _balance(member):
    member.refresh_from_db()
    return member.points_balance


def test_earning_and_spending_move_the_balance_and_chain_the_entries(member):
    points_earn(
        member_id=member.pk, points=300, key="e1", source=Source("order", "A"), expires_on=LATER
    )
    points_spend(member_id=member.pk, points=120, key="r1", source=Source("order", "B"))

    assert _balance(member) == 180
    first, second = PointsEntry.objects.filter(member=member).order_by("seq")
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.entry_hash
    assert [hash_of(e) == e.entry_hash for e in (first, second)] == [True, True]
    assert member.ledger_head == second.entry_hash


def test_spending_takes_the_earliest_expiring_points_first(member):
    points_earn(
        member_id=member.pk, points=100, key="late", source=Source("o", "1"), expires_on=LATER
    )
    points_earn(
        member_id=member.pk, points=100, key="soon", source=Source("o", "2"), expires_on=SOONER
    )

    points_spend(member_id=member.pk, points=150, key="r", source=Source("o", "3"))

    remaining = dict(PointsLot.objects.values_list("expires_on", "remaining"))
    assert remaining == {SOONER: 0, LATER: 50}


def test_spending_more_than_the_balance_is_refused_and_changes_nothing(member):
    points_earn(member_id=member.pk, points=50, key="e", source=Source("o", "1"), expires_on=LATER)

    with pytest.raises(InsufficientPoints):
        points_spend(member_id=member.pk, points=51, key="r", source=Source("o", "2"))

    assert _balance(member) == 50
    assert PointsEntry.objects.filter(member=member).count() == 1


def test_a_repeated_key_posts_once_and_a_different_posting_under_it_is_refused(member):
    points_earn(member_id=member.pk, points=10, key="k", source=Source("o", "1"), expires_on=LATER)
    points_earn(member_id=member.pk, points=10, key="k", source=Source("o", "1"), expires_on=LATER)

    assert _balance(member) == 10
    with pytest.raises(IdempotencyConflict):
        points_earn(
            member_id=member.pk, points=99, key="k", source=Source("o", "1"), expires_on=LATER
        )


@pytest.mark.parametrize("points", [0, -5, 1.5, True])
def test_points_must_be_positive_whole_numbers(member, points):
    with pytest.raises(PointsInvalid):
        points_earn(
            member_id=member.pk, points=points, key="x", source=Source("o", "1"), expires_on=LATER
        )


def test_taking_back_spent_points_leaves_a_debt_that_the_next_earning_settles(member):
    points_earn(
        member_id=member.pk, points=100, key="e1", source=Source("o", "1"), expires_on=LATER
    )
    points_spend(member_id=member.pk, points=80, key="r1", source=Source("o", "2"))

    points_take_back(member_id=member.pk, points=100, key="t1", source=Source("return", "1"))
    member.refresh_from_db()
    assert (member.points_balance, member.points_debt) == (0, 80)

    points_earn(member_id=member.pk, points=50, key="e2", source=Source("o", "3"), expires_on=LATER)
    member.refresh_from_db()
    assert (member.points_balance, member.points_debt) == (0, 30)
    entries = list(PointsEntry.objects.filter(member=member).order_by("seq"))
    assert sum(e.points for e in entries) == member.points_balance
    assert entries[-1].debt_after == 30


@pytest.mark.django_db(transaction=True)
def test_a_replayed_earning_outside_any_transaction_returns_the_first_entry(member):
    first = points_earn(
        member_id=member.pk, points=10, key="k", source=Source("o", "1"), expires_on=LATER
    )

    again = points_earn(
        member_id=member.pk, points=10, key="k", source=Source("o", "1"), expires_on=LATER
    )

    assert again.pk == first.pk
    assert _balance(member) == 10
    with pytest.raises(IdempotencyConflict):
        points_earn(
            member_id=member.pk, points=99, key="k", source=Source("o", "1"), expires_on=LATER
        )
    assert PointsEntry.objects.filter(member=member).count() == 1
