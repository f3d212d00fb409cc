"""Redemptions racing for a member's last points or a reward's last unit: exactly one wins, the
balance never goes below zero and the ledger always adds up to it.

The races run real threads on their own connections against PostgreSQL (row locks across
transactions); on SQLite they are skipped. The refusals below run on either database.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Sum

from storeos.core import clock
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, PointsEntry, Reward, RewardKind, RewardRedemption
from storeos.loyalty.rewards import reward_redeem
from storeos.testing.concurrency import race as threads_race

RACERS = 8
FAR = dt.date(2027, 6, 30)
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent transactions"
)


def race(submit, racers=RACERS) -> tuple[list, list]:
    return threads_race(submit, racers)


def give(member, points, *, expires_on=FAR, key="seed"):
    points_earn(
        member_id=member.pk,
        points=points,
        key=key,
        source=Source("activity", "seed"),
        expires_on=expires_on,
    )


def mug(stock=10) -> Reward:
    return Reward.objects.create(
        code="MUG", name="LEGO mug", kind=RewardKind.GOODS, points_cost=300, stock=stock
    )


def assert_ledger_adds_up(member):
    member = Member.objects.get(pk=member.pk)
    total = PointsEntry.objects.filter(member=member).aggregate(s=Sum("points"))["s"] or 0
    assert total == member.points_balance >= 0
    return member.points_balance


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_eight_redemptions_of_the_last_points_let_exactly_one_win(member):
    give(member, 300)
    reward = mug()

    results, errors = race(
        lambda n: reward_redeem(member_id=member.pk, reward_code="MUG", key=f"till-{n}")
    )

    assert len(results) == 1
    assert sorted(e.code for e in errors) == ["insufficient_points"] * (RACERS - 1)
    assert assert_ledger_adds_up(member) == 0
    assert Reward.objects.get(pk=reward.pk).stock == 9
    assert RewardRedemption.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_eight_members_racing_for_the_last_unit_one_gets_it(programme):
    members = [member_create(phone=f"1380013{n:04d}") for n in range(RACERS)]
    for m in members:
        give(m, 300, key=f"seed-{m.pk}")
    reward = mug(stock=1)

    results, errors = race(
        lambda n: reward_redeem(member_id=members[n].pk, reward_code="MUG", key=f"k-{n}")
    )

    assert len(results) == 1
    assert sorted(e.code for e in errors) == ["reward_out_of_stock"] * (RACERS - 1)
    assert Reward.objects.get(pk=reward.pk).stock == 0
    balances = sorted(assert_ledger_adds_up(m) for m in members)
    assert balances == [0] + [300] * (RACERS - 1)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_redemption_sent_eight_times_lands_once(member):
    give(member, 1000)
    mug()

    results, errors = race(
        lambda n: reward_redeem(member_id=member.pk, reward_code="MUG", key="same")
    )

    assert errors == []
    assert len({r.pk for r in results}) == 1
    assert assert_ledger_adds_up(member) == 700


def test_redeeming_more_than_the_balance_is_refused_and_changes_nothing(member):
    give(member, 299)
    reward = mug()

    with pytest.raises(Exception) as refused:
        reward_redeem(member_id=member.pk, reward_code="MUG", key="k")

    assert refused.value.code == "insufficient_points"
    assert assert_ledger_adds_up(member) == 299
    assert Reward.objects.get(pk=reward.pk).stock == 10
    assert RewardRedemption.objects.count() == 0


def test_points_past_their_date_cannot_be_redeemed(member):
    # earned points expired at the end of May; the expiry job has not run yet
    give(member, 300, expires_on=dt.date(2026, 5, 31))
    reward = mug()

    june = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
    with clock.frozen(june), pytest.raises(Exception) as refused:
        reward_redeem(member_id=member.pk, reward_code="MUG", key="k")

    assert refused.value.code == "insufficient_points"
    assert Reward.objects.get(pk=reward.pk).stock == 10
    assert RewardRedemption.objects.count() == 0
    assert_ledger_adds_up(member)
