"""Which price applies to a SKU in a store, on a channel, at an instant.

The most specific valid, active price list wins: store + channel, then store, then channel, then
chain-wide. Among equally specific lists the latest start wins (an open start counts as the
earliest), then the newest list. With no list the SKU's list price applies.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from storeos.catalog.models import PriceList, PriceListItem, Sku
from storeos.core import clock
from storeos.core.money import to_money


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
    sku_ids = sorted({s.pk for s in skus})
    kinds = sorted(kinds) if kinds is not None else None
    best: dict[int, Decimal] = {}
    if sku_ids and kinds != []:
        sql, params = _candidates_sql(
            sku_ids=sku_ids, store_id=store_id, channel=channel or "", at=at, kinds=kinds
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # Ordered from least to most preferred: the last row per SKU wins. Prices come as
            # text: SQLite would hand back a float.
            best = {sku_id: to_money(price) for sku_id, price in cursor.fetchall()}
    return {s.pk: best.get(s.pk, s.list_price) for s in skus}


def _candidates_sql(*, sku_ids, store_id, channel, at, kinds) -> tuple[str, list]:
    """Every valid price of the SKUs, least preferred first: specificity (store 2, channel 1),
    then the latest start (an open start first), then the newest list.

    Plain SQL: every checkout and till search runs it, and building it through the ORM cost more
    CPU than the database spends answering it.
    """
    at_param = connection.ops.adapt_datetimefield_value(at)
    store_clause = (
        "(pl.store_id = %s OR pl.store_id IS NULL)" if store_id else "pl.store_id IS NULL"
    )
    kinds_clause = f"AND pl.kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else ""
    sql = f"""
        SELECT item.sku_id, CAST(item.price AS TEXT)
          FROM {PriceListItem._meta.db_table} item
          JOIN {PriceList._meta.db_table} pl ON pl.id = item.price_list_id
         WHERE pl.is_active
           AND (pl.valid_from IS NULL OR pl.valid_from <= %s)
           AND (pl.valid_to IS NULL OR pl.valid_to > %s)
           AND pl.channel IN (%s, '')
           AND {store_clause}
           AND item.sku_id IN ({", ".join(["%s"] * len(sku_ids))})
           {kinds_clause}
         ORDER BY CASE WHEN pl.store_id IS NULL THEN 0 ELSE 2 END
                  + CASE WHEN pl.channel = '' THEN 0 ELSE 1 END,
                  pl.valid_from IS NOT NULL, pl.valid_from, pl.id
    """
    params = [at_param, at_param, channel, *([store_id] if store_id else []), *sku_ids]
    return sql, params + (kinds or [])


def price_for(
    *, sku: Sku, store=None, channel: str = "pos", at: dt.datetime | None = None
) -> Decimal:
    """The price a customer pays for one `sku` in `store` on `channel` at `at` (default: now)."""
    return prices_for(skus=[sku], store=store, channel=channel, at=at)[sku.pk]
