"""Reads of the stock picture: levels, the stock card and reconciliation."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from storeos.accounts.permissions import Perm, require, require_somewhere, store_ids_with
from storeos.catalog.models import Sku
from storeos.core.errors import NotFound
from storeos.inventory.models import (
    Batch,
    ExpiryAlert,
    ScrapRequest,
    StockCount,
    StockLevel,
    StockMove,
    StockPolicy,
    Transfer,
)
from storeos.inventory.transfers import InTransitRow, in_transit
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
    require_somewhere(user, Perm.INVENTORY_VIEW)
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


# --- Stock documents: a user sees the transfers, counts and scrap requests of their locations ----
def _not_found(what: str, pk: int, code: str) -> NotFound:
    # The same answer for "no such document" and "another store's": ids cannot be probed.
    return NotFound(f"{what} {pk} was not found.", code=code, details={"id": pk})


def _page(queryset: QuerySet, offset: int, limit: int) -> tuple[list, int]:
    return list(queryset[offset : offset + limit]), queryset.count()


def location_lookup(*, location_id: int) -> Location:
    """Any location by id, whoever asks: a transfer's destination may be another store's."""
    location = Location.objects.select_related("store").filter(pk=location_id).first()
    if location is None:
        raise NotFound("No such location.", code="location_not_found")
    return location


def _transfers_visible(user) -> QuerySet[Transfer]:
    visible = _visible_locations(user)
    return Transfer.objects.filter(Q(from_location__in=visible) | Q(to_location__in=visible))


def transfer_list(
    *,
    user,
    status: str | None = None,
    location_id: int | None = None,
    store_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Transfer], int]:
    """Transfers leaving or reaching a location the user sees, newest first."""
    transfers = _transfers_visible(user)
    if status:
        transfers = transfers.filter(status=status)
    if location_id is not None:
        transfers = transfers.filter(
            Q(from_location_id=location_id) | Q(to_location_id=location_id)
        )
    if store_id is not None:
        transfers = transfers.filter(
            Q(from_location__store_id=store_id) | Q(to_location__store_id=store_id)
        )
    transfers = transfers.select_related("from_location", "to_location").order_by(
        "-created_at", "-pk"
    )
    return _page(transfers, offset, limit)


def transfer_get(*, user, transfer_id: int) -> Transfer:
    transfer = (
        _transfers_visible(user)
        .select_related("from_location__store", "to_location__store")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None:
        raise _not_found("Transfer", transfer_id, "transfer_not_found")
    return transfer


def in_transit_for(*, user, location_id: int | None = None) -> list[InTransitRow]:
    """Units on the road to or from the locations the user sees (or one of them)."""
    location = None
    if location_id is not None:
        location = location_for_stock(user=user, location_id=location_id)
    rows = in_transit(location=location)
    if store_ids_with(user, Perm.INVENTORY_VIEW) is None:
        return rows
    visible = set(_visible_locations(user).values_list("pk", flat=True))
    return [r for r in rows if r.from_location_id in visible or r.to_location_id in visible]


def count_list(
    *,
    user,
    status: str | None = None,
    location_id: int | None = None,
    store_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[StockCount], int]:
    counts = StockCount.objects.filter(location__in=_visible_locations(user))
    if status:
        counts = counts.filter(status=status)
    if location_id is not None:
        counts = counts.filter(location_id=location_id)
    if store_id is not None:
        counts = counts.filter(location__store_id=store_id)
    counts = counts.select_related("location").order_by("-opened_at", "-pk")
    return _page(counts, offset, limit)


def count_get(*, user, count_id: int) -> StockCount:
    count = (
        StockCount.objects.filter(location__in=_visible_locations(user), pk=count_id)
        .select_related("location__store")
        .first()
    )
    if count is None:
        raise _not_found("Count", count_id, "count_not_found")
    return count


def scrap_list(
    *,
    user,
    status: str | None = None,
    location_id: int | None = None,
    store_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[ScrapRequest], int]:
    requests = ScrapRequest.objects.filter(location__in=_visible_locations(user))
    if status:
        requests = requests.filter(status=status)
    if location_id is not None:
        requests = requests.filter(location_id=location_id)
    if store_id is not None:
        requests = requests.filter(location__store_id=store_id)
    requests = requests.select_related("location", "requested_by", "decided_by").order_by(
        "-requested_at", "-pk"
    )
    return _page(requests, offset, limit)


def scrap_get(*, user, request_id: int) -> ScrapRequest:
    request = (
        ScrapRequest.objects.filter(location__in=_visible_locations(user), pk=request_id)
        .select_related("location__store", "requested_by", "decided_by")
        .first()
    )
    if request is None:
        raise _not_found("Scrap request", request_id, "scrap_request_not_found")
    return request


def policy_list(
    *, user, location_id: int, offset: int = 0, limit: int = 50
) -> tuple[list[StockPolicy], int]:
    location = location_for_stock(user=user, location_id=location_id)
    policies = (
        StockPolicy.objects.filter(location=location)
        .select_related("location", "sku")
        .order_by("sku__code", "pk")
    )
    return _page(policies, offset, limit)


def alert_get(*, user, alert_id: int) -> ExpiryAlert:
    alert = (
        ExpiryAlert.objects.filter(location__in=_visible_locations(user), pk=alert_id)
        .select_related("batch__sku", "location__store")
        .first()
    )
    if alert is None:
        raise _not_found("Alert", alert_id, "alert_not_found")
    return alert
