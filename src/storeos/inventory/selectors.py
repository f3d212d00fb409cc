"""Reads of the stock picture: levels, the stock card and reconciliation."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from storeos.accounts.permissions import Perm, require, store_ids_with
from storeos.catalog.models import Sku
from storeos.core.errors import NotFound
from storeos.inventory.models import Batch, ExpiryAlert, StockLevel, StockMove
from storeos.stores.models import Location


@dataclass(frozen=True)
class CardRow:
    move: StockMove
    balance: int


def stock_card(*, location: Location, sku: Sku) -> list[CardRow]:
    """Every move of a SKU at a location, oldest first, with the running on-hand balance."""
    balance = 0
    rows = []
    for move in (
        StockMove.objects.filter(location=location, sku=sku)
        .select_related("batch", "actor")
        .order_by("id")
    ):
        balance += move.quantity
        rows.append(CardRow(move=move, balance=balance))
    return rows


def levels_mismatching_moves() -> list[dict]:
    """(location, SKU, batch) whose on-hand level differs from the sum of its moves."""
    moved = {
        (r["location_id"], r["sku_id"], r["batch_id"]): r["total"]
        for r in StockMove.objects.values("location_id", "sku_id", "batch_id").annotate(
            total=Sum("quantity")
        )
    }
    mismatches = []
    for level in StockLevel.objects.values("location_id", "sku_id", "batch_id", "on_hand"):
        key = (level["location_id"], level["sku_id"], level["batch_id"])
        expected = moved.pop(key, 0)
        if expected != level["on_hand"]:
            mismatches.append({"key": key, "level": level["on_hand"], "moves": expected})
    mismatches.extend(
        {"key": key, "level": 0, "moves": total} for key, total in moved.items() if total
    )
    return mismatches


def _visible_locations(user) -> QuerySet:
    """Locations whose stock `user` may see: their stores', plus warehouses for chain-wide roles."""
    store_ids = store_ids_with(user, Perm.INVENTORY_VIEW)
    locations = Location.objects.all()
    if store_ids is None:
        return locations
    return locations.filter(store_id__in=sorted(store_ids))


def location_for_stock(*, user, location_id: int) -> Location:
    """A location the user may see stock of, else 404 (never reveal another store's location)."""
    location = _visible_locations(user).select_related("store").filter(pk=location_id).first()
    if location is None:
        raise NotFound("No such location.", code="location_not_found")
    return location


def level_list(
    *,
    user,
    store_id: int | None = None,
    location_id: int | None = None,
    sku_id: int | None = None,
    in_stock_only: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[StockLevel], int]:
    """Stock levels the user may see, newest SKUs last, with batch and location."""
    levels = StockLevel.objects.filter(location__in=_visible_locations(user))
    if store_id is not None:
        levels = levels.filter(location__store_id=store_id)
    if location_id is not None:
        levels = levels.filter(location_id=location_id)
    if sku_id is not None:
        levels = levels.filter(sku_id=sku_id)
    if in_stock_only:
        levels = levels.filter(on_hand__gt=0)
    total = levels.count()
    page = list(
        levels.select_related("location", "sku", "batch").order_by(
            "location__code", "sku__code", "batch__expiry_date", "pk"
        )[offset : offset + limit]
    )
    return page, total


def stock_card_for(*, user, location_id: int, sku: Sku) -> list[CardRow]:
    location = location_for_stock(user=user, location_id=location_id)
    require(user, Perm.INVENTORY_VIEW, location.store_id)
    return stock_card(location=location, sku=sku)


def alert_list(*, user, open_only: bool = True) -> list[ExpiryAlert]:
    alerts = ExpiryAlert.objects.filter(location__in=_visible_locations(user))
    if open_only:
        alerts = alerts.filter(Q(acknowledged_at__isnull=True))
    return list(
        alerts.select_related("batch__sku", "location").order_by("batch__expiry_date", "pk")
    )


def batch_get(*, sku: Sku, batch_id: int | None) -> Batch | None:
    """The batch of this SKU with that id (None for None), else 404."""
    if batch_id is None:
        return None
    batch = Batch.objects.filter(pk=batch_id, sku=sku).first()
    if batch is None:
        raise NotFound("No such batch of this SKU.", code="batch_not_found")
    return batch
