"""HTTP endpoints of the stores context (thin: they call services and selectors)."""

from ninja import Query, Router, Status

from storeos.api.schemas import error_responses
from storeos.stores import selectors, services
from storeos.stores.schemas import (
    LocationFilter,
    LocationIn,
    LocationOut,
    RegionIn,
    RegionOut,
    StoreIn,
    StoreOut,
    StorePatch,
)

router = Router(tags=["stores"])


@router.get(
    "/regions", response={200: list[RegionOut], **error_responses()}, summary="List regions"
)
def region_list(request):
    return list(selectors.region_list(user=request.auth))


@router.post("/regions", response={201: RegionOut, **error_responses(409)}, summary="Add a region")
def region_create(request, payload: RegionIn):
    return Status(
        201, services.region_create(actor=request.auth, code=payload.code, name=payload.name)
    )


@router.get(
    "/stores", response={200: list[StoreOut], **error_responses()}, summary="Stores you can see"
)
def store_list(request):
    return list(selectors.store_list(user=request.auth))


@router.get(
    "/stores/{store_id}", response={200: StoreOut, **error_responses(404)}, summary="One store"
)
def store_get(request, store_id: int):
    return selectors.store_get(user=request.auth, store_id=store_id)


@router.post(
    "/stores", response={201: StoreOut, **error_responses(404, 409)}, summary="Open a store"
)
def store_create(request, payload: StoreIn):
    data = payload.model_dump()
    region = selectors.region_get(region_id=data.pop("region_id"))
    return Status(201, services.store_create(actor=request.auth, region=region, **data))


@router.patch(
    "/stores/{store_id}", response={200: StoreOut, **error_responses(404)}, summary="Change a store"
)
def store_update(request, store_id: int, payload: StorePatch):
    store = selectors.store_get(user=request.auth, store_id=store_id)
    changes = payload.model_dump(exclude_unset=True)
    if "region_id" in changes:
        changes["region"] = selectors.region_get(region_id=changes.pop("region_id"))
    return services.store_update(actor=request.auth, store=store, **changes)


@router.get(
    "/stores/{store_id}/locations",
    response={200: list[LocationOut], **error_responses(404)},
    summary="A store's stock locations",
)
def store_locations(request, store_id: int):
    return selectors.location_list(user=request.auth, store_id=store_id)


@router.get(
    "/locations",
    response={200: list[LocationOut], **error_responses(404)},
    summary="Stock locations",
)
def location_list(request, filters: Query[LocationFilter]):
    return selectors.location_list(
        user=request.auth, store_id=filters.store_id, channel=filters.channel
    )


@router.post(
    "/locations", response={201: LocationOut, **error_responses(404, 409)}, summary="Add a location"
)
def location_create(request, payload: LocationIn):
    data = payload.model_dump()
    store_id, region_id = data.pop("store_id"), data.pop("region_id")
    store = selectors.store_lookup(store_id=store_id) if store_id is not None else None
    region = selectors.region_get(region_id=region_id) if region_id is not None else None
    return Status(
        201, services.location_create(actor=request.auth, store=store, region=region, **data)
    )
