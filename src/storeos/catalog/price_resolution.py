"""Which price applies to a SKU in a store, on a channel, at an instant.

The most specific valid, active price list wins: store + channel, then store, then channel, then
chain-wide. Among equally specific lists the latest start wins (an open start counts as the
earliest), then the newest list. With no list the SKU's list price applies.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Q

from storeos.catalog.models import PriceListItem, Sku
from storeos.core import clock

_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def valid_lists_q(*, at: dt.datetime, prefix: str = "") -> Q:
    """Active price lists whose validity window contains `at` (start inclusive, end exclusive)."""
    return (
        Q(**{f"{prefix}is_active": True})
        & (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": at}))
        & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": at}))
    )


def prices_for(
    *,
    skus: Sequence[Sku],
    store=None,
    channel: str = "pos",
    at: dt.datetime | None = None,
    kinds: Iterable[str] | None = None,
) -> dict[int, Decimal]:
    """The price of each SKU (by id) in `store` (a Store, an id or None) on `channel`, in one query.

    `channel=""` considers only lists for every channel; `kinds` limits the lists considered
    (the price change service compares against standing prices only).
    """
    at = at or clock.now()
    store_id = getattr(store, "pk", store)
    skus = list(skus)
    rows = PriceListItem.objects.filter(
        valid_lists_q(at=at, prefix="price_list__"),
        sku_id__in=sorted({s.pk for s in skus}),
        price_list__channel__in=sorted({channel or "", ""}),
    )
    if store_id is None:
        rows = rows.filter(price_list__store__isnull=True)
    else:
        rows = rows.filter(Q(price_list__store_id=store_id) | Q(price_list__store__isnull=True))
    if kinds is not None:
        rows = rows.filter(price_list__kind__in=sorted(kinds))

    best: dict[int, tuple[tuple, Decimal]] = {}
    for sku_id, price, list_store_id, list_channel, valid_from, list_id in rows.values_list(
        "sku_id",
        "price",
        "price_list__store_id",
        "price_list__channel",
        "price_list__valid_from",
        "price_list_id",
    ):
        specificity = (2 if list_store_id is not None else 0) + (1 if list_channel else 0)
        rank = (specificity, valid_from or _EARLIEST, list_id)
        if sku_id not in best or rank > best[sku_id][0]:
            best[sku_id] = (rank, price)
    return {s.pk: best[s.pk][1] if s.pk in best else s.list_price for s in skus}


def price_for(
    *, sku: Sku, store=None, channel: str = "pos", at: dt.datetime | None = None
) -> Decimal:
    """The price a customer pays for one `sku` in `store` on `channel` at `at` (default: now)."""
    return prices_for(skus=[sku], store=store, channel=channel, at=at)[sku.pk]
