"""Available-to-promise per channel: what the online mall, mini-program and delivery platforms
may sell, and an event when a SKU's availability on a channel crosses zero either way.

ATP(channel, SKU) = free stock (on hand − reserved, unexpired batches) at the sellable locations
that serve the channel − the channel's safety buffer for the SKU, never below zero; and zero on a
channel the SKU may not be sold on (tobacco online).
"""

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.core.channels import ONLINE_CHANNELS, Channel
from storeos.core.errors import ValidationFailed
from storeos.core.outbox import event_emit
from storeos.inventory.models import AvailabilityState, ChannelBuffer, StockLevel
from storeos.stores.models import Location

MAX_SKUS_PER_CALL = 1000


def channel_location_ids(*, channel: str) -> list[int]:
    """Active sellable locations serving `channel` (channels is a JSON list: filtered here)."""
    rows = Location.objects.filter(is_active=True, sellable=True).values_list("pk", "channels")
    return sorted(pk for pk, channels in rows if channel in (channels or []))


def free_stock(*, sku_ids: list[int], location_ids: list[int]) -> dict[int, int]:
    """Unreserved, unexpired units per SKU over the given locations (one query)."""
    rows = (
        StockLevel.objects.filter(sku_id__in=sku_ids, location_id__in=location_ids)
        .filter(Q(batch__isnull=True) | Q(batch__expiry_date__gte=clock.today()))
        .values("sku_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
    )
    return {row["sku_id"]: row["free"] for row in rows}


def availability_for(*, channel: str, sku_ids: list[int]) -> dict[int, int]:
    """ATP per SKU id on a channel; SKUs with no stock (or unknown ids) map to 0."""
    if channel not in Channel.values:
        raise ValidationFailed(f"Unknown channel {channel!r}.", code="channel_invalid")
    if len(sku_ids) > MAX_SKUS_PER_CALL:
        raise ValidationFailed(
            f"At most {MAX_SKUS_PER_CALL} SKUs per call.",
            code="too_many_skus",
            details={"requested": len(sku_ids)},
        )
    sku_ids = sorted(set(sku_ids))
    # One query over the SKUs (the id list is sent once): free stock and buffer as subqueries.
    free = (
        StockLevel.objects.filter(
            sku=OuterRef("pk"), location_id__in=channel_location_ids(channel=channel)
        )
        .filter(Q(batch__isnull=True) | Q(batch__expiry_date__gte=clock.today()))
        .values("sku")
        .annotate(units=Sum(F("on_hand") - F("reserved")))
        .values("units")
    )
    buffer = ChannelBuffer.objects.filter(channel=channel, sku=OuterRef("pk")).values("quantity")
    rows = (
        Sku.objects.filter(pk__in=sku_ids)
        .annotate(free=Coalesce(Subquery(free), 0), buffer=Coalesce(Subquery(buffer[:1]), 0))
        .values_list("pk", "blocked_channels", "free", "buffer")
    )
    units = {
        pk: 0 if channel in (blocked or []) else max(free_units - held_back, 0)
        for pk, blocked, free_units, held_back in rows
    }
    return {sid: units.get(sid, 0) for sid in sku_ids}


class _RefreshAfterCommit:
    """The one after-commit callback of a transaction, collecting every SKU it touched."""

    def __init__(self) -> None:
        self.sku_ids: set[int] = set()
        self.ran = False

    def __call__(self) -> None:
        from storeos.inventory.tasks import availability_refresh_task

        self.ran = True
        ordered = sorted(self.sku_ids)
        for start in range(0, len(ordered), MAX_SKUS_PER_CALL):
            availability_refresh_task(ordered[start : start + MAX_SKUS_PER_CALL])


def availability_touch(*, sku_ids: list[int]) -> None:
    """After this transaction commits, re-check these SKUs' availability on online channels.

    A transaction that moves stock many times (a seed, an import, a long count) queues one
    refresh job, not one per move: later calls add their SKUs to the callback already waiting.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _RefreshAfterCommit) and not callback.ran:
                callback.sku_ids.update(sku_ids)
                return
    refresh = _RefreshAfterCommit()
    refresh.sku_ids.update(sku_ids)
    transaction.on_commit(refresh, robust=True)


@transaction.atomic
def availability_refresh(*, sku_ids: list[int]) -> int:
    """Emit `inventory.availability_changed` for each online channel where a SKU flipped
    between sellable and sold out since it was last seen; returns how many flipped."""
    flipped = 0
    for channel in sorted(ONLINE_CHANNELS):
        current = availability_for(channel=channel, sku_ids=sku_ids)
        known = dict(
            AvailabilityState.objects.select_for_update()
            .filter(channel=channel, sku_id__in=sku_ids)
            .values_list("sku_id", "available")
        )
        for sku_id, units in current.items():
            available = units > 0
            if known.get(sku_id) == available:
                continue
            if sku_id not in known and not available:
                # Never seen and not available: nothing crossed zero.
                AvailabilityState.objects.create(channel=channel, sku_id=sku_id, available=False)
                continue
            AvailabilityState.objects.update_or_create(
                channel=channel, sku_id=sku_id, defaults={"available": available}
            )
            event_emit(
                topic="inventory.availability_changed",
                payload={
                    "channel": channel,
                    "sku_id": sku_id,
                    "available": available,
                    "units": units,
                },
            )
            flipped += 1
    return flipped
