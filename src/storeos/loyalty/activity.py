"""Points for what a member does besides buying: sign-in, reviews, surveys, referrals, events,
build photos. Each activity has its points and a cap per business day."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from storeos.core import clock
from storeos.loyalty.earning import points_expiry
from storeos.loyalty.errors import ActivityCapReached, ActivityUnavailable, MemberNotFound
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.models import ActivityRule, EntryKind, Member, MemberStatus, PointsEntry

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def _member_time_zone(member: Member) -> str:
    return (member.home_store.time_zone if member.home_store_id else "") or DEFAULT_TIME_ZONE


def _day_bounds(on: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(on, dt.time.min, tzinfo=ZoneInfo(tz))
    return start, start + dt.timedelta(days=1)


def _active_rule(member: Member, activity_code: str) -> ActivityRule:
    rule = ActivityRule.objects.filter(programme_id=member.programme_id, code=activity_code).first()
    if rule is None:
        raise ActivityUnavailable(
            _("There is no activity %(code)s in the programme.") % {"code": activity_code},
            details={"activity": activity_code},
        )
    if not rule.is_active or rule.points <= 0:
        raise ActivityUnavailable(
            _("The activity %(name)s earns no points at the moment.") % {"name": rule.name},
            code="activity_inactive",
            details={"activity": activity_code},
        )
    return rule


@transaction.atomic
def activity_points_award(
    *, member_id: int, activity_code: str, reference: str, actor=None
) -> PointsEntry:
    """Award an activity's points once per (member, activity, reference), at most `daily_cap`
    times per business day (the member's home store's time zone, else Asia/Shanghai)."""
    key = f"activity:{activity_code}:{member_id}:{reference}"
    if (existing := PointsEntry.objects.filter(idempotency_key=key).first()) is not None:
        return existing
    # Lock the member first so two awards at once cannot both pass the cap.
    member = (
        Member.objects.select_for_update().filter(pk=member_id, status=MemberStatus.ACTIVE).first()
    )
    if member is None:
        raise MemberNotFound(_("No such member."), details={"member_id": member_id})
    if member.home_store_id:
        member = Member.objects.select_related("home_store", "programme").get(pk=member.pk)
    rule = _active_rule(member, activity_code)
    now = clock.now()
    today = clock.business_date(now, _member_time_zone(member))
    if rule.daily_cap:
        start, end = _day_bounds(today, _member_time_zone(member))
        done = PointsEntry.objects.filter(
            member_id=member.pk,
            kind=EntryKind.EARN,
            source_type="activity",
            source_id=activity_code,
            created_at__gte=start,
            created_at__lt=end,
        ).count()
        if done >= rule.daily_cap:
            raise ActivityCapReached(
                _("%(name)s earns points at most %(cap)d times a day.")
                % {"name": rule.name, "cap": rule.daily_cap},
                details={"activity": activity_code, "cap": rule.daily_cap},
            )
    return points_earn(
        member_id=member.pk,
        points=rule.points,
        key=key,
        source=Source("activity", activity_code),
        expires_on=points_expiry(programme=member.programme, earned_on=today),
        memo=str(reference)[:200],
        actor_id=getattr(actor, "pk", None),
    )
