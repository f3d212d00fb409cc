"""Points expiry: the daily job that expires lots past their date, and the reminder before it."""

import datetime as dt
from collections import defaultdict

from django.db import transaction

from storeos.core import clock
from storeos.core.outbox import event_emit
from storeos.loyalty.ledger import points_expire
from storeos.loyalty.models import Member, PointsLot, Programme


def points_expire_due(*, at: dt.datetime | None = None) -> int:
    """Expire, member by member, every lot with points left whose date is before the business
    date of `at` (now by default). Returns how many members had points expire.

    Each member is its own transaction (one "expire" entry taking exactly the due lots, key
    `expire:<member>:<date>`), so a long run never holds many locks and a rerun does nothing.
    """
    today = clock.business_date(at or clock.now())
    member_ids = list(
        PointsLot.objects.filter(remaining__gt=0, expires_on__lt=today)
        .order_by("member_id")
        .values_list("member_id", flat=True)
        .distinct()
    )
    return sum(
        1 for member_id in member_ids if points_expire(member_id=member_id, today=today) is not None
    )


def points_expiry_remind(*, at: dt.datetime | None = None) -> int:
    """Emit one `points.expiring` event per member whose points expire within the programme's
    reminder window, each lot only once. Returns how many events were emitted."""
    now = at or clock.now()
    today = clock.business_date(now)
    emitted = 0
    for programme in Programme.objects.order_by("id"):
        horizon = today + dt.timedelta(days=programme.expiry_reminder_days)
        lots = (
            PointsLot.objects.filter(
                member__programme=programme,
                remaining__gt=0,
                reminded_at__isnull=True,
                expires_on__gte=today,
                expires_on__lte=horizon,
            )
            .order_by("member_id", "expires_on", "id")
            .values_list("member_id", "id")
        )
        by_member: dict[int, list[int]] = defaultdict(list)
        for member_id, lot_id in lots:
            by_member[member_id].append(lot_id)
        emitted += sum(_remind(member_id, lot_ids, now) for member_id, lot_ids in by_member.items())
    return emitted


@transaction.atomic
def _remind(member_id: int, lot_ids: list[int], now: dt.datetime) -> bool:
    # The guarded update claims each lot once, so two overlapping runs never remind twice.
    claimed = [
        lot_id
        for lot_id in lot_ids
        if PointsLot.objects.filter(pk=lot_id, reminded_at__isnull=True).update(reminded_at=now)
    ]
    if not claimed:
        return False
    lots = list(
        PointsLot.objects.filter(pk__in=claimed)
        .order_by("expires_on", "id")
        .values("id", "remaining", "expires_on")
    )
    code = Member.objects.filter(pk=member_id).values_list("code", flat=True).first()
    event_emit(
        topic="points.expiring",
        payload={
            "member_id": member_id,
            "member_code": code,
            "points": sum(lot["remaining"] for lot in lots),
            "expires_on": lots[0]["expires_on"],
            "lots": [
                {"id": lot["id"], "points": lot["remaining"], "expires_on": lot["expires_on"]}
                for lot in lots
            ],
        },
    )
    return True
