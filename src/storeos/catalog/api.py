"""HTTP endpoints of the catalog context (thin: they call services and selectors)."""

from ninja import Query, Router, Status

from storeos.api.schemas import error_responses
from storeos.catalog import selectors, services
from storeos.catalog.schemas import (
    BarcodeIn,
    CategoryIn,
    CategoryOut,
    EffectivePriceOut,
    PriceChangeIn,
    PriceChangeOut,
    PriceHistoryOut,
    PriceListIn,
    PriceListItemIn,
    PriceListOut,
    PriceQuery,
    ProductFilter,
    ProductIn,
    ProductOut,
    ProductPage,
    SeriesIn,
    SeriesOut,
    SkuFilter,
    SkuIn,
    SkuOut,
    SkuPage,
    SkuPatch,
)
from storeos.core import clock
from storeos.stores.selectors import store_get, store_lookup

router = Router(tags=["catalog"])


# --- Categories, series, products ----------------------------------------------------------------
@router.get(
    "/categories", response={200: list[CategoryOut], **error_responses()}, summary="Categories"
)
def category_list(request):
    return list(selectors.category_list(user=request.auth))


@router.post(
    "/categories",
    response={201: CategoryOut, **error_responses(404, 409)},
    summary="Add a category",
)
def category_create(request, payload: CategoryIn):
    parent = (
        selectors.category_get(category_id=payload.parent_id)
        if payload.parent_id is not None
        else None
    )
    category = services.category_create(
        actor=request.auth, code=payload.code, name=payload.name, parent=parent
    )
    return Status(201, category)


@router.get("/series", response={200: list[SeriesOut], **error_responses()}, summary="Series")
def series_list(request):
    return list(selectors.series_list(user=request.auth))


@router.post("/series", response={201: SeriesOut, **error_responses(409)}, summary="Add a series")
def series_create(request, payload: SeriesIn):
    return Status(201, services.series_create(actor=request.auth, **payload.model_dump()))


@router.get("/products", response={200: ProductPage, **error_responses(404)}, summary="Products")
def product_list(request, filters: Query[ProductFilter]):
    items, total = selectors.product_list(
        user=request.auth,
        category_id=filters.category,
        offset=filters.offset,
        limit=filters.limit,
    )
    return {"items": items, "total": total, "offset": filters.offset, "limit": filters.limit}


@router.post(
    "/products", response={201: ProductOut, **error_responses(404, 409)}, summary="Add a product"
)
def product_create(request, payload: ProductIn):
    data = payload.model_dump()
    category = selectors.category_get(category_id=data.pop("category_id"))
    series_id = data.pop("series_id")
    series = selectors.series_get(series_id=series_id) if series_id is not None else None
    product = services.product_create(actor=request.auth, category=category, series=series, **data)
    return Status(201, product)


# --- SKUs and barcodes ----------------------------------------------------------------------------
@router.get("/skus", response={200: SkuPage, **error_responses()}, summary="Search SKUs")
def sku_search(request, filters: Query[SkuFilter]):
    items, total = selectors.sku_search(
        user=request.auth,
        q=filters.q,
        category_id=filters.category,
        series_id=filters.series,
        active=filters.active,
        channel=filters.channel,
        offset=filters.offset,
        limit=filters.limit,
    )
    return {"items": items, "total": total, "offset": filters.offset, "limit": filters.limit}


@router.get(
    "/skus/by-barcode/{code}",
    response={200: SkuOut, **error_responses(404)},
    summary="SKU by barcode",
)
def sku_by_barcode(request, code: str):
    return selectors.sku_by_barcode(user=request.auth, code=code)


@router.get("/skus/{sku_id}", response={200: SkuOut, **error_responses(404)}, summary="One SKU")
def sku_get(request, sku_id: int):
    return selectors.sku_get(user=request.auth, sku_id=sku_id)


@router.post("/skus", response={201: SkuOut, **error_responses(404, 409)}, summary="Add a SKU")
def sku_create(request, payload: SkuIn):
    data = payload.model_dump()
    product = selectors.product_get(product_id=data.pop("product_id"))
    sku = services.sku_create(actor=request.auth, product=product, **data)
    return Status(201, selectors.sku_get(sku_id=sku.pk))


@router.patch(
    "/skus/{sku_id}", response={200: SkuOut, **error_responses(404)}, summary="Change a SKU"
)
def sku_update(request, sku_id: int, payload: SkuPatch):
    sku = selectors.sku_get(user=request.auth, sku_id=sku_id)
    changes = payload.model_dump(exclude_unset=True)
    if "product_id" in changes:
        changes["product"] = selectors.product_get(product_id=changes.pop("product_id"))
    services.sku_update(actor=request.auth, sku=sku, **changes)
    return selectors.sku_get(sku_id=sku.pk)


@router.post(
    "/skus/{sku_id}/barcodes",
    response={201: SkuOut, **error_responses(404, 409)},
    summary="Add a barcode to a SKU",
)
def barcode_add(request, sku_id: int, payload: BarcodeIn):
    sku = selectors.sku_get(user=request.auth, sku_id=sku_id)
    services.barcode_add(actor=request.auth, sku=sku, code=payload.code)
    return Status(201, selectors.sku_get(sku_id=sku.pk))


@router.delete(
    "/skus/{sku_id}/barcodes/{code}",
    response={200: SkuOut, **error_responses(404)},
    summary="Remove a barcode from a SKU",
)
def barcode_remove(request, sku_id: int, code: str):
    sku = selectors.sku_get(user=request.auth, sku_id=sku_id)
    services.barcode_remove(actor=request.auth, sku=sku, code=code)
    return selectors.sku_get(sku_id=sku.pk)


# --- Prices ---------------------------------------------------------------------------------------
@router.post(
    "/skus/{sku_id}/price",
    response={200: PriceChangeOut, **error_responses(404)},
    summary="Change a price (the list price, or one store's and/or channel's price)",
)
def price_change(request, sku_id: int, payload: PriceChangeIn):
    sku = selectors.sku_get(user=request.auth, sku_id=sku_id)
    # Not scoped to what the user sees: changing another store's price is "not allowed" (403).
    store = store_lookup(store_id=payload.store_id) if payload.store_id is not None else None
    return services.price_change(
        actor=request.auth,
        sku=sku,
        new_price=payload.price,
        reason=payload.reason,
        store=store,
        channel=payload.channel,
    )


@router.get(
    "/skus/{sku_id}/price",
    response={200: EffectivePriceOut, **error_responses(404)},
    summary="The price that applies in a store, on a channel, at a time",
)
def price_get(request, sku_id: int, query: Query[PriceQuery]):
    sku = selectors.sku_get(user=request.auth, sku_id=sku_id)
    store = store_get(user=request.auth, store_id=query.store_id) if query.store_id else None
    at = query.at or clock.now()
    price = selectors.price_for(sku=sku, store=store, channel=query.channel, at=at)
    return {
        "sku_id": sku.pk,
        "store_id": getattr(store, "pk", None),
        "channel": query.channel,
        "at": at,
        "price": price,
        "list_price": sku.list_price,
    }


@router.get(
    "/skus/{sku_id}/price-history",
    response={200: list[PriceHistoryOut], **error_responses(404)},
    summary="A SKU's price changes, newest first",
)
def price_history(request, sku_id: int):
    sku = selectors.sku_get(user=request.auth, sku_id=sku_id)
    return selectors.sku_price_history(user=request.auth, sku=sku)


@router.get(
    "/price-lists", response={200: list[PriceListOut], **error_responses()}, summary="Price lists"
)
def price_list_list(request):
    return list(selectors.price_list_list(user=request.auth))


@router.post(
    "/price-lists",
    response={201: PriceListOut, **error_responses(404, 409)},
    summary="Add a scheduled price list",
)
def price_list_create(request, payload: PriceListIn):
    data = payload.model_dump()
    store_id = data.pop("store_id")
    store = store_lookup(store_id=store_id) if store_id is not None else None
    return Status(201, services.price_list_create(actor=request.auth, store=store, **data))


@router.put(
    "/price-lists/{price_list_id}/items/{sku_id}",
    response={200: PriceChangeOut, **error_responses(404)},
    summary="Set a SKU's price on a price list",
)
def price_list_item_set(request, price_list_id: int, sku_id: int, payload: PriceListItemIn):
    sku = selectors.sku_get(user=request.auth, sku_id=sku_id)
    price_list = selectors.price_list_get(user=None, price_list_id=price_list_id)
    return services.price_list_item_set(
        actor=request.auth,
        price_list=price_list,
        sku=sku,
        price=payload.price,
        reason=payload.reason,
    )


@router.delete(
    "/price-lists/{price_list_id}/items/{sku_id}",
    response={200: PriceChangeOut, **error_responses(404)},
    summary="Take a SKU off a price list",
)
def price_list_item_remove(request, price_list_id: int, sku_id: int):
    sku = selectors.sku_get(user=request.auth, sku_id=sku_id)
    price_list = selectors.price_list_get(user=None, price_list_id=price_list_id)
    return services.price_list_item_remove(actor=request.auth, price_list=price_list, sku=sku)
