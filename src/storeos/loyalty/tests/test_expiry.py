"""Points past their date expire (by the daily job, or first thing in a spend) and members are
reminded once before that."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from storeos.core import clock
from storeos.core.models import OutboxEvent
from storeos.loyalty.errors import InsufficientPoints
from storeos.loyalty.expiry import points_expire_due, points_expiry_remind
from storeos.loyalty.ledger import Source, points_earn, points_spend
from storeos.loyalty.models import EntryKind, PointsEntry, PointsLot
from storeos.loyalty.verify import ledger_verify

SHANGHAI = ZoneInfo("Asia/Shanghai")
JUNE_30 = dt.date(2026, 6, 30)
DEC_31 = dt.date(2026, 12, 31)


def _at(y, m, d, hour=10):
    return dt.datetime(y, m, d, hour, tzinfo=SHANGHAI)


def _earn(member, points, key, expires_on):
    with clock.frozen(_at(2026, 1, 5)):
        return points_earn(
            member_id=member.pk,
            points=points,
            key=key,
            source=Source("order", key),
            expires_on=expires_on,
        )


def _state(member):
    member.refresh_from_db()
    return member.points_balance


def test_the_job_expires_exactly_the_lots_past_their_date_as_one_entry(member, other_member):
    # Given two lots due by July 1st and one that is not, plus another member's due lot
    _earn(member, 100, "e1", JUNE_30)
    _earn(member, 40, "e2", dt.date(2026, 5, 31))
    _earn(member, 70, "e3", DEC_31)
    _earn(other_member, 5, "o1", JUNE_30)
    with clock.frozen(_at(2026, 1, 20)):
        points_spend(member_id=member.pk, points=30, key="r1", source=Source("order", "r"))

    # When the job runs on July 1st (Shanghai business date)
    expired_members = points_expire_due(at=_at(2026, 7, 1, hour=0))

    # Then each member has one expire entry taking what was left in the due lots
    assert expired_members == 2
    entry = PointsEntry.objects.get(member=member, kind=EntryKind.EXPIRE)
    assert entry.points == -110  # 40 - 30 spent + 100
    assert entry.idempotency_key == f"expire:{member.pk}:2026-07-01"
    assert _state(member) == 70
    assert dict(PointsLot.objects.filter(member=member).values_list("expires_on", "remaining")) == {
        JUNE_30: 0,
        dt.date(2026, 5, 31): 0,
        DEC_31: 70,
    }
    assert _state(other_member) == 0
    assert ledger_verify().ok


def test_points_expire_the_day_after_their_date_and_a_rerun_changes_nothing(member):
    _earn(member, 100, "e1", JUNE_30)

    assert points_expire_due(at=_at(2026, 6, 30, hour=23)) == 0  # still the 30th in Shanghai
    assert points_expire_due(at=_at(2026, 7, 1, hour=0)) == 1
    assert points_expire_due(at=_at(2026, 7, 1, hour=9)) == 0

    assert _state(member) == 0
    assert PointsEntry.objects.filter(member=member, kind=EntryKind.EXPIRE).count() == 1


def test_a_spend_cannot_use_points_past_their_date_even_before_the_job_runs(member):
    # Given 100 points due on June 30th and 50 that last until December
    _earn(member, 100, "e1", JUNE_30)
    _earn(member, 50, "e2", DEC_31)

    # When the member tries to spend 120 on July 2nd, before any expiry run
    with clock.frozen(_at(2026, 7, 2)), pytest.raises(InsufficientPoints) as refused:
        points_spend(member_id=member.pk, points=120, key="r1", source=Source("order", "r"))

    # Then it is refused and nothing changed
    assert refused.value.code == "insufficient_points"
    assert _state(member) == 150
    assert PointsEntry.objects.filter(member=member).count() == 2

    # And a spend that fits expires the old points first, then takes from the rest
    with clock.frozen(_at(2026, 7, 2)):
        points_spend(member_id=member.pk, points=20, key="r2", source=Source("order", "r"))
    kinds = list(PointsEntry.objects.filter(member=member).order_by("seq").values_list("kind"))
    assert [k for (k,) in kinds] == ["earn", "earn", "expire", "redeem"]
    assert _state(member) == 30
    assert ledger_verify().ok


def test_the_job_after_a_spend_expired_the_lots_finds_nothing_more(member):
    _earn(member, 100, "e1", JUNE_30)
    _earn(member, 50, "e2", DEC_31)
    with clock.frozen(_at(2026, 7, 2)):
        points_spend(member_id=member.pk, points=20, key="r", source=Source("order", "r"))

    assert points_expire_due(at=_at(2026, 7, 2)) == 0
    assert _state(member) == 30


def test_a_reminder_goes_once_per_member_for_points_expiring_within_the_window(
    member, other_member
):
    # Given lots expiring in 10 and 25 days, one in 60 days, and another member's in 5 days
    _earn(member, 100, "e1", dt.date(2026, 6, 11))
    _earn(member, 40, "e2", dt.date(2026, 6, 26))
    _earn(member, 70, "e3", dt.date(2026, 7, 31))
    _earn(other_member, 5, "o1", dt.date(2026, 6, 6))

    # When the reminder runs on June 1st, and again the next day
    first = points_expiry_remind(at=_at(2026, 6, 1))
    again = points_expiry_remind(at=_at(2026, 6, 2))

    # Then each member got one event naming the points and the earliest date, and no repeat
    assert (first, again) == (2, 0)
    events = {
        e.payload["member_code"]: e.payload
        for e in OutboxEvent.objects.filter(topic="points.expiring")
    }
    assert events[member.code]["points"] == 140
    assert events[member.code]["expires_on"] == "2026-06-11"
    assert events[other_member.code]["points"] == 5


def test_a_lot_entering_the_window_later_gets_its_own_reminder(member):
    _earn(member, 100, "e1", dt.date(2026, 6, 11))
    _earn(member, 70, "e2", dt.date(2026, 7, 31))
    points_expiry_remind(at=_at(2026, 6, 1))

    assert points_expiry_remind(at=_at(2026, 7, 5)) == 1

    latest = OutboxEvent.objects.filter(topic="points.expiring").order_by("-id").first()
    assert latest.payload["points"] == 70


def test_the_reminder_window_follows_the_programme(member, programme):
    programme.expiry_reminder_days = 7
    programme.save(update_fields=["expiry_reminder_days"])
    _earn(member, 100, "e1", dt.date(2026, 6, 11))

    assert points_expiry_remind(at=_at(2026, 6, 1)) == 0
    assert points_expiry_remind(at=_at(2026, 6, 5)) == 1


def test_spent_lots_get_no_reminder(member):
    _earn(member, 100, "e1", dt.date(2026, 6, 11))
    with clock.frozen(_at(2026, 2, 1)):
        points_spend(member_id=member.pk, points=100, key="r", source=Source("order", "r"))

    assert points_expiry_remind(at=_at(2026, 6, 1)) == 0
    assert not OutboxEvent.objects.filter(topic="points.expiring").exists()
