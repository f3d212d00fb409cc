"""The rewards catalogue: a member spends points on goods, a coupon or a seat at an experience,
and a cancelled redemption gives everything back.

Each redemption is one transaction that locks the member's row first, so one member's
redemptions queue (the per-member limit and the idempotency key are checked under that lock)
and the points, the reward stock or seat and the coupon change together or not at all. Stock and
seats are taken by guarded UPDATEs (`stock > 0`, `booked < capacity`), so the last unit or seat
goes to exactly one member however many redeem at once.
"""

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.errors import IdempotencyConflict, NotFound
from storeos.loyalty.errors import MemberNotFound, RewardNotFound, RewardUnavailable
from storeos.loyalty.ledger import Source, points_earn, points_spend
from storeos.loyalty.models import (
    EntryKind,
    Member,
    MemberStatus,
    PointsEntry,
    Reward,
    RewardKind,
    RewardRedemption,
    RewardSession,
)
from storeos.loyalty.points_payment import give_back_expiry
from storeos.promotions.coupons import coupon_issue
from storeos.promotions.models import Coupon, CouponStatus

Status = RewardRedemption.Status


def _points_key(key: str) -> str:
    return f"reward:{key}"


def _lock_member(member_id: int) -> Member:
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("tier")
        .filter(pk=member_id, status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None:
        raise MemberNotFound(_("No such member."), details={"member_id": member_id})
    return member


def _replay(*, key: str, member_id: int, reward_code: str) -> RewardRedemption | None:
    existing = (
        RewardRedemption.objects.select_related("reward")
        .filter(entry__idempotency_key=_points_key(key))
        .first()
    )
    if existing is not None:
        if existing.member_id != member_id or existing.reward.code != reward_code:
            raise IdempotencyConflict(
                _("This redemption key was already used for another redemption."),
                details={"key": key},
            )
        return existing
    if PointsEntry.objects.filter(idempotency_key=_points_key(key)).exists():
        raise IdempotencyConflict(
            _("This redemption key was already used for another posting."), details={"key": key}
        )
    return None


def _check_member_may(*, member: Member, reward: Reward) -> None:
    if member.tier.rank < reward.min_tier_rank:
        raise RewardUnavailable(
            _("%(reward)s is for higher tiers than %(tier)s.")
            % {"reward": reward.name, "tier": member.tier.name},
            code="reward_tier_too_low",
            details={"reward": reward.code, "min_tier_rank": reward.min_tier_rank},
        )
    if reward.per_member_limit:
        held = RewardRedemption.objects.filter(member=member, reward=reward).exclude(
            status=Status.CANCELLED
        )
        if held.count() >= reward.per_member_limit:
            raise RewardUnavailable(
                _("Each member may redeem %(reward)s %(limit)s time(s).")
                % {"reward": reward.name, "limit": reward.per_member_limit},
                code="reward_limit_reached",
                details={"reward": reward.code, "limit": reward.per_member_limit},
            )


def _take_stock(reward: Reward) -> None:
    if not Reward.objects.filter(pk=reward.pk, is_active=True, stock__gt=0).update(
        stock=F("stock") - 1
    ):
        raise RewardUnavailable(
            _("%(reward)s is out of stock.") % {"reward": reward.name},
            code="reward_out_of_stock",
            details={"reward": reward.code},
        )


def _book_seat(reward: Reward, session_id: int | None) -> RewardSession:
    session = RewardSession.objects.filter(pk=session_id, reward=reward).first()
    if session_id is None or session is None:
        raise RewardUnavailable(
            _("Choose a session of %(reward)s.") % {"reward": reward.name},
            code="reward_session_invalid",
            status=422,
            details={"reward": reward.code, "session": session_id},
        )
    now = clock.now()
    if session.starts_at <= now:
        raise RewardUnavailable(
            _("That session has already started."),
            code="reward_session_past",
            details={"session": session.pk},
        )
    booked = RewardSession.objects.filter(
        pk=session.pk, booked__lt=F("capacity"), starts_at__gt=now
    ).update(booked=F("booked") + 1)
    if not booked:
        raise RewardUnavailable(
            _("That session is full."), code="reward_session_full", details={"session": session.pk}
        )
    return session


def reward_redeem(
    *,
    member_id: int,
    reward_code: str,
    key: str,
    session_id: int | None = None,
    actor=None,
    store=None,
) -> RewardRedemption:
    """Spend a member's points on a reward. `key` makes a retry land once; `actor` is the staff
    member redeeming for them (None: the member themself in the app), `store` where they act.

    Refused, changing nothing: `reward_not_found`, `reward_unavailable` (inactive),
    `reward_out_of_stock`, `reward_tier_too_low`, `reward_limit_reached`, the session codes,
    `insufficient_points`, `coupon_unavailable`.
    """
    require_unless_system(actor, Perm.MEMBERS_EDIT, store)
    if not key or len(_points_key(key)) > 128:
        raise RewardUnavailable(
            _("A redemption needs a key of at most 120 characters."),
            code="idempotency_key_invalid",
            status=422,
        )
    with transaction.atomic():
        member = _lock_member(member_id)
        if (existing := _replay(key=key, member_id=member.pk, reward_code=reward_code)) is not None:
            return existing
        reward = Reward.objects.filter(code=reward_code).first()
        if reward is None:
            raise RewardNotFound(_("No such reward."), details={"reward": reward_code})
        if not reward.is_active:
            raise RewardUnavailable(
                _("%(reward)s can no longer be redeemed.") % {"reward": reward.name},
                details={"reward": reward.code},
            )
        _check_member_may(member=member, reward=reward)
        entry = points_spend(
            member_id=member.pk,
            points=reward.points_cost,
            key=_points_key(key),
            source=Source("reward", reward.code),
            memo=reward.name,
            actor_id=getattr(actor, "pk", None),
        )
        session = coupon = None
        if reward.kind == RewardKind.GOODS:
            _take_stock(reward)
        elif reward.kind == RewardKind.COUPON:
            coupon = coupon_issue(
                template=reward.coupon_template, member_id=member.pk, source="reward"
            )
        elif reward.kind == RewardKind.EXPERIENCE:
            session = _book_seat(reward, session_id)
        return RewardRedemption.objects.create(
            member=member,
            reward=reward,
            session=session,
            entry=entry,
            coupon=coupon,
            status=Status.ISSUED,
            created_at=clock.now(),
        )


def _give_back(redemption: RewardRedemption) -> None:
    """Return the stock or the seat and void the coupon (refusing a used coupon)."""
    reward = redemption.reward
    if reward.kind == RewardKind.GOODS:
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") + 1)
    elif reward.kind == RewardKind.EXPERIENCE and redemption.session_id:
        session = redemption.session
        if session.starts_at <= clock.now():
            raise RewardUnavailable(
                _("The session has already taken place."),
                code="reward_session_past",
                details={"session": session.pk},
            )
        RewardSession.objects.filter(pk=session.pk, booked__gt=0).update(booked=F("booked") - 1)
    elif redemption.coupon_id:
        voided = Coupon.objects.filter(
            pk=redemption.coupon_id, status__in=[CouponStatus.AVAILABLE, CouponStatus.EXPIRED]
        ).update(status=CouponStatus.VOID)
        if not voided:
            raise RewardUnavailable(
                _("The coupon was already used: this redemption cannot be cancelled."),
                code="reward_coupon_used",
                details={"coupon": redemption.coupon_id},
            )


def reward_redemption_cancel(*, actor, redemption_id: int, store=None) -> RewardRedemption:
    """Cancel a redemption that was not handed over: the points come back (expiring no sooner
    than 30 days from now, see points_payment), with the stock or seat, and an unused coupon is
    voided. Cancelling twice changes nothing the second time."""
    require_unless_system(actor, Perm.MEMBERS_EDIT, store)
    with transaction.atomic():
        redemption = (
            RewardRedemption.objects.select_for_update(of=("self",))
            .select_related("reward", "session", "entry")
            .filter(pk=redemption_id)
            .first()
        )
        if redemption is None:
            raise NotFound(
                _("No such redemption."),
                code="redemption_not_found",
                details={"redemption": redemption_id},
            )
        if redemption.status == Status.CANCELLED:
            return redemption
        if redemption.status == Status.FULFILLED:
            raise RewardUnavailable(
                _("The reward was already handed over."),
                code="reward_already_fulfilled",
                details={"redemption": redemption.pk},
            )
        # The member's row first, as a redemption takes it: a cancel and a redemption never wait
        # on each other's locks in opposite order.
        Member.objects.select_for_update().filter(pk=redemption.member_id).first()
        _give_back(redemption)
        points_earn(
            member_id=redemption.member_id,
            points=-redemption.entry.points,
            key=f"reward-cancel:{redemption.pk}",
            source=Source("reward", str(redemption.pk)),
            expires_on=give_back_expiry(spend_entry=redemption.entry, today=clock.today()),
            kind=EntryKind.REVERSE,
            memo=f"cancelled {redemption.reward.name}",
            actor_id=getattr(actor, "pk", None),
        )
        redemption.status = Status.CANCELLED
        redemption.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="loyalty.reward_cancel",
            obj=redemption,
            store_id=getattr(store, "pk", store),
            before={"status": Status.ISSUED, "points": redemption.entry.points},
            after={"status": Status.CANCELLED, "points_back": -redemption.entry.points},
        )
        return redemption


def rewards_available(member: Member) -> list[Reward]:
    """The rewards `member` could redeem now (points aside): active, open to their tier, in
    stock or with a future session that has seats, and within their per-member limit."""
    now = clock.now()
    open_session = RewardSession.objects.filter(
        reward=OuterRef("pk"), starts_at__gt=now, booked__lt=F("capacity")
    )
    rewards = (
        Reward.objects.filter(is_active=True, min_tier_rank__lte=member.tier.rank)
        .annotate(has_session=Exists(open_session))
        .filter(
            Q(kind=RewardKind.GOODS, stock__gt=0)
            | Q(kind=RewardKind.COUPON, coupon_template__is_active=True)
            | Q(kind=RewardKind.EXPERIENCE, has_session=True)
        )
        .order_by("points_cost", "code")
    )
    held: dict[int, int] = {}
    for reward_id in (
        RewardRedemption.objects.filter(member=member)
        .exclude(status=Status.CANCELLED)
        .values_list("reward_id", flat=True)
    ):
        held[reward_id] = held.get(reward_id, 0) + 1
    return [
        reward
        for reward in rewards
        if not reward.per_member_limit or held.get(reward.pk, 0) < reward.per_member_limit
    ]
