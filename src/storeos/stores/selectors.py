"""Reads of regions, stores and locations, limited to what the asking user may see."""

from django.db.models import QuerySet

from storeos.accounts.permissions import Perm, scope_to_stores, store_ids_with
from storeos.core.errors import NotFound, PermissionDenied
from storeos.stores.models import Location, Region, Store


def _store_not_found(store_id) -> NotFound:
    # The same answer for "no such store" and "not yours": a user cannot probe for store ids.
    return NotFound(
        f"Store {store_id} was not found.", code="store_not_found", details={"store_id": store_id}
    )


def store_list(*, user, active: bool | None = None) -> QuerySet[Store]:
    stores = scope_to_stores(
        Store.objects.select_related("region"), user, Perm.STORES_VIEW, field="pk"
    )
    if active is not None:
        stores = stores.filter(is_active=active)
    return stores.order_by("code")


def store_get(*, user, store_id: int) -> Store:
    """The store when it exists and `user` may see it; NotFound (store_not_found) otherwise."""
    store = store_list(user=user).filter(pk=store_id).first()
    if store is None:
        raise _store_not_found(store_id)
    return store


def store_lookup(*, store_id: int) -> Store:
    """A store by id, whoever asks. For writes whose service checks the permission in that store
    (so a user acting on another store hears "not allowed", not "not found")."""
    store = Store.objects.filter(pk=store_id).first()
    if store is None:
        raise _store_not_found(store_id)
    return store


def region_list(*, user) -> QuerySet[Region]:
    if store_ids_with(user, Perm.STORES_VIEW) == set():
        raise PermissionDenied("You do not have permission to see regions.")
    return Region.objects.order_by("code")


def region_get(*, region_id: int) -> Region:
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound(
            f"Region {region_id} was not found.",
            code="region_not_found",
            details={"region_id": region_id},
        )
    return region


def location_list(
    *, user, store_id: int | None = None, channel: str | None = None
) -> list[Location]:
    """Locations of the stores `user` sees, plus warehouses for chain-wide users.

    `channels` is a JSON list, which SQLite cannot search inside, so the channel filter runs
    here; a chain has hundreds of locations, not millions.
    """
    locations = Location.objects.select_related("store", "region").order_by("code")
    if store_id is not None:
        store = store_get(user=user, store_id=store_id)
        locations = locations.filter(store=store)
    else:
        visible = store_ids_with(user, Perm.STORES_VIEW)
        if visible is not None:
            locations = locations.filter(store_id__in=sorted(visible))
    rows = list(locations)
    if channel:
        rows = [loc for loc in rows if channel in loc.channels]
    return rows


def locations_serving(*, channel: str, store: Store | int | None = None) -> list[Location]:
    """Active sellable locations that fulfil `channel` (optionally in one store), by code.

    Not scoped to a user: inventory uses it to decide where an order may take stock from.
    """
    locations = Location.objects.filter(is_active=True, sellable=True).select_related("store")
    if store is not None:
        locations = locations.filter(store_id=getattr(store, "pk", store))
    return [loc for loc in locations.order_by("code") if channel in loc.channels]
