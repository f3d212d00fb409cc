"""Manual points changes: staff add or take points by hand, with a reason, audited."""

import hashlib

from django.db import transaction

from storeos.accounts.permissions import Perm, require
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.loyalty import ledger
from storeos.loyalty.earning import points_expiry
from storeos.loyalty.errors import PointsInvalid
from storeos.loyalty.models import EntryKind, Member


@transaction.atomic
def points_adjust(*, actor, member: Member, points: int, reason: str, key: str) -> dict:
    """Add (`points` > 0) or take (< 0) points by hand. Needs Perm.POINTS_ADJUST in the member's
    home store and a reason; the entry and its audit row commit together. `key` makes a resent
    form or request count once. Added points expire like earned ones."""
    require(actor, Perm.POINTS_ADJUST, member.home_store_id)
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise PointsInvalid("Points are whole numbers other than zero.")
    if not (reason or "").strip():
        raise PointsInvalid("A manual points change needs a reason.", code="reason_required")
    common = {
        "member_id": member.pk,
        "points": abs(points),
        "key": f"adjust:{hashlib.sha256(key.encode()).hexdigest()[:48]}",
        "source": ledger.Source("adjust", key[:64]),
        "kind": EntryKind.ADJUST,
        "memo": reason.strip(),
        "actor_id": actor.pk,
    }
    if points > 0:
        today = clock.business_date(clock.now())
        expires_on = points_expiry(programme=member.programme, earned_on=today)
        entry = ledger.points_earn(expires_on=expires_on, **common)
    else:
        entry = ledger.points_spend(**common)
    audit_record(
        actor=actor,
        action="member.points_adjust",
        obj=member,
        store_id=member.home_store_id,
        before={"points": entry.balance_after - entry.points},
        after={"points": entry.balance_after, "change": entry.points, "entry": entry.pk},
        reason=reason.strip(),
    )
    return {"points": entry.points, "balance": entry.balance_after}
