"""Merging two member records of one person (two phones, a duplicate registration): the absorbed
member's points, debt, growth, orders, coupons, tags, referrals and paid terms move to the member
kept; the absorbed record stays, marked merged, so its history still reads."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.loyalty.errors import MemberMergeInvalid
from storeos.loyalty.ledger import Source, points_earn, points_spend, points_take_back
from storeos.loyalty.models import (
    EntryKind,
    GrowthEntry,
    Member,
    MemberSession,
    MemberStatus,
    MemberTag,
    PointsLot,
    Referral,
    Subscription,
    TierChange,
)
from storeos.promotions.models import Coupon
from storeos.sales.members import orders_member_count, orders_member_reassign


def _invalid(message: str, **details) -> MemberMergeInvalid:
    return MemberMergeInvalid(message, details=details)


def _counts(member: Member) -> dict:
    return {
        "code": member.code,
        "status": member.status,
        "tier": member.tier.code,
        "points": member.points_balance,
        "points_owed": member.points_debt,
        "growth": GrowthEntry.objects.filter(member_id=member.pk).aggregate(s=Sum("value"))["s"]
        or 0,
        "orders": orders_member_count(member_id=member.pk),
        "coupons": Coupon.objects.filter(member_id=member.pk).count(),
        "tags": MemberTag.objects.filter(member_id=member.pk).count(),
        "referees": Referral.objects.filter(referrer_id=member.pk).count(),
    }


def _lock_pair(keep: Member, absorb: Member) -> tuple[Member, Member]:
    """Lock both rows in primary-key order and check the merge may happen."""
    if keep.pk == absorb.pk:
        raise _invalid(_("A member cannot be merged into itself."), member=keep.code)
    rows = {
        m.pk: m
        for m in Member.objects.select_for_update(of=("self",))
        .select_related("tier")
        .filter(pk__in=sorted([keep.pk, absorb.pk]))
        .order_by("pk")
    }
    keep, absorb = rows[keep.pk], rows[absorb.pk]
    for member in (keep, absorb):
        if member.status != MemberStatus.ACTIVE:
            raise _invalid(_("Member %(code)s was already merged.") % {"code": member.code})
    if keep.programme_id != absorb.programme_id:
        raise _invalid(_("The two members belong to different programmes."))
    return keep, absorb


@transaction.atomic
def member_merge(*, actor, keep: Member, absorb: Member, reason: str) -> Member:
    """Fold `absorb` into `keep` in one transaction and return `keep` as it now is.

    Refused with `member_merge_invalid`, changing nothing, for a member merged into itself, a
    member already merged or no reason given.
    """
    require(actor, Perm.MEMBERS_EDIT)
    if not (reason or "").strip():
        raise _invalid(_("Say why these two members are the same person."))
    keep, absorb = _lock_pair(keep, absorb)
    before = {"keep": _counts(keep), "absorb": _counts(absorb)}
    _points_move(keep, absorb)
    _growth_copy(keep, absorb)
    _tier_settle(keep, absorb)
    orders = orders_member_reassign(from_member_id=absorb.pk, to_member_id=keep.pk)
    Coupon.objects.filter(member_id=absorb.pk).update(member_id=keep.pk)
    Subscription.objects.filter(member_id=absorb.pk).update(member_id=keep.pk)
    _tags_merge(keep, absorb)
    _referrals_move(keep, absorb)
    _profile_merge(keep, absorb)
    MemberSession.objects.filter(member_id=absorb.pk).delete()
    keep.refresh_from_db()
    absorb.refresh_from_db()
    audit_record(
        actor=actor,
        action="member.merge",
        obj=keep,
        before=before,
        after={"keep": _counts(keep), "absorb": _counts(absorb), "orders_moved": orders},
        reason=reason.strip(),
    )
    return keep


def _points_move(keep: Member, absorb: Member) -> None:
    """Unspent points leave `absorb` in one entry and arrive on `keep` per expiry date, so they
    expire when they would have; points `absorb` owed become owed by `keep`."""
    by_expiry: dict[dt.date, int] = defaultdict(int)
    for expires_on, remaining in PointsLot.objects.filter(
        member_id=absorb.pk, remaining__gt=0
    ).values_list("expires_on", "remaining"):
        by_expiry[expires_on] += remaining
    total = sum(by_expiry.values())
    memo = f"merged from {absorb.code}"
    if total:
        points_spend(
            member_id=absorb.pk,
            points=total,
            key=f"merge:{absorb.pk}:out",
            source=Source("merge", str(keep.pk)),
            kind=EntryKind.ADJUST,
            memo=f"merged into {keep.code}",
        )
    for expires_on in sorted(by_expiry):
        points_earn(
            member_id=keep.pk,
            points=by_expiry[expires_on],
            key=f"merge:{absorb.pk}:in:{expires_on.isoformat()}",
            source=Source("merge", str(absorb.pk)),
            expires_on=expires_on,
            kind=EntryKind.ADJUST,
            memo=memo,
        )
    owed = absorb.points_debt
    if owed:
        # The debt leaves the absorbed chain the way any debt is settled, by a credit it is
        # taken from at once, so it is not counted twice; the kept member now owes it, settled
        # from their balance or their next earnings.
        points_earn(
            member_id=absorb.pk,
            points=owed,
            key=f"merge:{absorb.pk}:debt-out",
            source=Source("merge", str(keep.pk)),
            expires_on=clock.today() + dt.timedelta(days=1),
            kind=EntryKind.ADJUST,
            memo=f"points owed moved to {keep.code}",
        )
        points_take_back(
            member_id=keep.pk,
            points=owed,
            key=f"merge:{absorb.pk}:debt",
            source=Source("merge", str(absorb.pk)),
        )


def _growth_copy(keep: Member, absorb: Member) -> None:
    """Copy growth with its original time, so the kept member's rolling window counts it."""
    entries = list(GrowthEntry.objects.filter(member_id=absorb.pk).order_by("pk"))
    keys = {entry.pk: f"merge:{absorb.pk}:growth:{entry.pk}" for entry in entries}
    done = set(
        GrowthEntry.objects.filter(idempotency_key__in=list(keys.values())).values_list(
            "idempotency_key", flat=True
        )
    )
    GrowthEntry.objects.bulk_create(
        [
            GrowthEntry(
                member_id=keep.pk,
                value=entry.value,
                idempotency_key=keys[entry.pk],
                source_type=entry.source_type,
                source_id=entry.source_id,
                occurred_at=entry.occurred_at,
            )
            for entry in entries
            if keys[entry.pk] not in done
        ]
    )


def _tier_settle(keep: Member, absorb: Member) -> None:
    """The kept member's growth now includes the absorbed one's: lift the tier it reaches, and
    never leave the person below the better of their two tiers."""
    from storeos.loyalty.tiers import tier_upgrade_check

    tier_upgrade_check(keep)
    current = Member.objects.select_related("tier").get(pk=keep.pk)
    if absorb.tier.rank <= current.tier.rank:
        return
    now = clock.now()
    moved = Member.objects.filter(pk=keep.pk, tier_id=current.tier_id).update(
        tier_id=absorb.tier_id, tier_since=now
    )
    if moved:
        TierChange.objects.create(
            member_id=keep.pk,
            from_tier_id=current.tier_id,
            to_tier_id=absorb.tier_id,
            reason=TierChange.Reason.MERGE,
            growth_value=0,
            changed_at=now,
        )


def _tags_merge(keep: Member, absorb: Member) -> None:
    """A tag both have keeps the higher weight and the latest time it was earned."""
    kept = {tag.tag_id: tag for tag in MemberTag.objects.filter(member_id=keep.pk)}
    for tag in MemberTag.objects.filter(member_id=absorb.pk).order_by("pk"):
        mine = kept.get(tag.tag_id)
        if mine is None:
            MemberTag.objects.filter(pk=tag.pk).update(member_id=keep.pk)
            continue
        mine.weight = max(mine.weight, tag.weight)
        mine.earned_at = max(mine.earned_at, tag.earned_at)
        mine.save(update_fields=["weight", "earned_at"])
        tag.delete()


def _referrals_move(keep: Member, absorb: Member) -> None:
    """Referrals `absorb` made now count for `keep`; one between the two of them lapses."""
    between = Referral.objects.filter(referrer_id=absorb.pk, referee_id=keep.pk)
    between.exclude(status=Referral.Status.REWARDED).update(
        status=Referral.Status.REFUSED, refused_reason="merged"
    )
    Referral.objects.filter(referrer_id=absorb.pk).exclude(referee_id=keep.pk).update(
        referrer_id=keep.pk
    )
    Member.objects.filter(referred_by_id=absorb.pk).exclude(pk=keep.pk).update(
        referred_by_id=keep.pk
    )
    if keep.referred_by_id == absorb.pk:
        Member.objects.filter(pk=keep.pk).update(referred_by=None)
    # The absorbed member's own referral follows them when `keep` had none.
    own = Referral.objects.filter(referee_id=absorb.pk).exclude(referrer_id=keep.pk).first()
    if own is not None and not Referral.objects.filter(referee_id=keep.pk).exists():
        Referral.objects.filter(pk=own.pk).update(referee_id=keep.pk)
        if keep.referred_by_id in (None, absorb.pk):
            Member.objects.filter(pk=keep.pk).update(referred_by_id=own.referrer_id)


def _profile_merge(keep: Member, absorb: Member) -> None:
    """The more recent marketing consent wins; `absorb` gives up its phone so it finds `keep`."""
    fields = []
    if absorb.consent_at and (keep.consent_at is None or absorb.consent_at > keep.consent_at):
        keep.marketing_consent = absorb.marketing_consent
        keep.consent_at = absorb.consent_at
        keep.consent_source = absorb.consent_source
        fields += ["marketing_consent", "consent_at", "consent_source"]
    if keep.birthday is None and absorb.birthday is not None:
        keep.birthday = absorb.birthday
        fields.append("birthday")
    if fields:
        Member.objects.filter(pk=keep.pk).update(**{f: getattr(keep, f) for f in fields})
    Member.objects.filter(pk=absorb.pk).update(
        status=MemberStatus.MERGED, merged_into_id=keep.pk, phone_index=None
    )
