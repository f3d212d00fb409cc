"""Referrals (老带新): a new member joins with a referrer's code; the referrer earns points once the
new member's first paid order is past its return window and was not returned in full."""

import datetime as dt
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from storeos.core import clock
from storeos.loyalty.earning import points_expiry
from storeos.loyalty.errors import ReferralRefused
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.models import ActivityRule, Member, MemberStatus, Programme, Referral
from storeos.sales.members import order_fully_returned

log = logging.getLogger(__name__)

REFERRAL_ACTIVITY = "referral"


def _refuse(message: str, reason: str, **details) -> ReferralRefused:
    return ReferralRefused(message, details={"reason": reason, **details})


@transaction.atomic
def referral_register(*, referee: Member, referral_code: str, device_id: str = "") -> Referral:
    """Record that `referee` joined with `referral_code` (at registration, or right after it).

    Refused with `referral_refused`, changing nothing, for an unknown code, the referee's own
    code, a referrer who registered on the same device, or a referee already referred.
    """
    code = (referral_code or "").strip().upper()
    referrer = (
        Member.objects.filter(referral_code=code, status=MemberStatus.ACTIVE).first()
        if code
        else None
    )
    if referrer is None:
        raise _refuse(_("No member has this referral code."), "unknown_code", code=code)
    referee = Member.objects.select_for_update().get(pk=referee.pk)
    if referrer.pk == referee.pk:
        raise _refuse(_("A member cannot refer themselves."), "self")
    device = (device_id or referee.device_id or "").strip()
    if device and referrer.device_id == device:
        raise _refuse(_("The referrer registered on this same device."), "same_device")
    existing = Referral.objects.filter(referee_id=referee.pk).first()
    if existing is not None:
        if existing.referrer_id == referrer.pk:
            return existing  # the same registration submitted again
        raise _refuse(_("This member was already referred by someone else."), "already_referred")
    referral = Referral.objects.create(
        referrer=referrer, referee=referee, status=Referral.Status.PENDING, created_at=clock.now()
    )
    referee.referred_by = referrer
    fields = ["referred_by"]
    if device and not referee.device_id:
        referee.device_id = device
        fields.append("device_id")
    referee.save(update_fields=fields)
    return referral


def referral_order_paid(order, lines) -> None:
    """Paid hook: the referee's first paid order starts the return window the reward waits for."""
    if order.member_id is None:
        return
    referral = (
        Referral.objects.select_related("referee__programme")
        .filter(referee_id=order.member_id, status=Referral.Status.PENDING)
        .first()
    )
    if referral is None:
        return
    window = referral.referee.programme.return_window_days
    # Guarded: of two orders paid at once, only the first moves the referral on.
    Referral.objects.filter(pk=referral.pk, status=Referral.Status.PENDING).update(
        status=Referral.Status.QUALIFYING,
        order_uuid=order.uuid,
        qualifies_on=order.business_date + dt.timedelta(days=window),
    )


def referral_points(programme: Programme) -> int:
    """The referrer's reward: the programme's setting, else the active "referral" activity's."""
    if programme.referral_points:
        return programme.referral_points
    rule = ActivityRule.objects.filter(
        programme=programme, code=REFERRAL_ACTIVITY, is_active=True
    ).first()
    return rule.points if rule is not None else 0


def referrals_reward(at: dt.datetime | None = None) -> int:
    """Daily: reward each referral whose first order is past its return window (the last day a
    return was allowed is `qualifies_on`); refuse those whose order came back in full. Returns how
    many were rewarded. Running it again changes nothing."""
    at = at or clock.now()
    today = clock.business_date(at)
    due = list(
        Referral.objects.filter(status=Referral.Status.QUALIFYING, qualifies_on__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rewarded = 0
    for pk in due:
        try:
            rewarded += _referral_settle(pk, today=today, at=at)
        except Exception:  # one bad referral must not hold back the others
            log.exception("referral %s could not be settled", pk)
    return rewarded


@transaction.atomic
def _referral_settle(pk: int, *, today: dt.date, at: dt.datetime) -> int:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("referrer__programme")
        .filter(pk=pk, status=Referral.Status.QUALIFYING)
        .first()
    )
    if referral is None:
        return 0  # another worker settled it
    if order_fully_returned(order_uuid=referral.order_uuid):
        referral.status = Referral.Status.REFUSED
        referral.refused_reason = "order_returned"
        referral.save(update_fields=["status", "refused_reason"])
        return 0
    programme = referral.referrer.programme
    points = referral_points(programme)
    if points:
        points_earn(
            member_id=referral.referrer_id,
            points=points,
            key=f"referral:{referral.pk}",
            source=Source("referral", str(referral.pk)),
            expires_on=points_expiry(programme=programme, earned_on=today),
            memo=f"referred {referral.referee_id}",
        )
    referral.status = Referral.Status.REWARDED
    referral.rewarded_at = at
    referral.save(update_fields=["status", "rewarded_at"])
    return 1
