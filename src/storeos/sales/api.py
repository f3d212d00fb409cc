"""HTTP endpoints of the sales context: the till's checkout, online orders, shifts and the Z report.

Thin: each handler resolves ids to objects (404 for what the caller cannot see) and calls one
service or selector. The order id chosen by the client is the idempotency key of both kinds of
order: resubmitting an order answers 201 with the order as it stands, and changes nothing.
"""

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from ninja import Query, Router, Status

from storeos.api.schemas import error_responses
from storeos.catalog.selectors import skus_for_lines
from storeos.core.errors import NotFound
from storeos.inventory.selectors import batch_get
from storeos.sales import online, selectors, shifts
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import Order
from storeos.sales.pricing import CartItem
from storeos.sales.schemas import (
    CartPriceIn,
    LineIn,
    OnlineOrderIn,
    OrderFilter,
    OrderOut,
    OrderPage,
    PayIn,
    PickupIn,
    PosOrderIn,
    PricedCartOut,
    ShiftClosedOut,
    ShiftCloseIn,
    ShiftOpenIn,
    ShiftOut,
    ShipIn,
    TenderIn,
    ZReportOut,
)
from storeos.stores.selectors import store_get, store_lookup

router = Router(tags=["sales"])


# --- Turning request bodies into service arguments ------------------------------------------------
def _cart_lines(user, lines: list[LineIn]) -> list[CartLine]:
    by_id, by_code = skus_for_lines(
        user=user,
        sku_ids=[line.sku_id for line in lines if line.sku_id is not None],
        barcodes=[line.barcode for line in lines if line.sku_id is None],
    )
    cart = []
    for line in lines:
        sku = by_id[line.sku_id] if line.sku_id is not None else by_code[line.barcode.strip()]
        cart.append(CartLine(sku, line.quantity, batch_get(sku=sku, batch_id=line.batch_id)))
    return cart


def _tenders(payments: list[TenderIn]) -> list[Tender]:
    return [Tender(p.method, p.amount, p.tendered, p.reference) for p in payments]


def _associate(associate_id: int | None):
    if associate_id is None:
        return None
    associate = get_user_model().objects.filter(pk=associate_id, is_active=True).first()
    if associate is None:
        raise NotFound(
            f"Sales associate {associate_id} was not found.",
            code="associate_not_found",
            details={"associate_id": associate_id},
        )
    return associate


def _order_body(order: Order, *, with_pickup_code: bool = False) -> OrderOut:
    """The order as the API answers it (validated once: Ninja passes a schema instance on)."""
    if hasattr(order, "written_lines"):
        _answer_from_written(order)
    else:  # a replayed or changed order: read it back with its lines and payments
        order = selectors.order_get(user=None, order_uuid=order.uuid)
    order.change = sum((p.change for p in order.payments.all()), 0)
    body = OrderOut.from_orm(order)
    if not with_pickup_code:
        body.pickup_code = None
    return body


def _answer_from_written(order: Order) -> None:
    """Let `order.lines.all()` and `order.payments.all()` answer from the rows checkout just
    wrote, as Django's prefetch would, so the till's answer needs no second read."""
    order._prefetched_objects_cache = {}
    for name, rows in (("lines", order.written_lines), ("payments", order.written_payments)):
        loaded = getattr(order, name).all()
        loaded._result_cache, loaded._prefetch_done = rows, True
        order._prefetched_objects_cache[name] = loaded


# --- Orders --------------------------------------------------------------------------------------
@router.post(
    "/orders",
    response={201: OrderOut, **error_responses(404, 409)},
    summary="Ring up a sale at the till (resubmitting the same order_id is safe: 201 again)",
)
def pos_order_create(request, payload: PosOrderIn):
    user = request.auth
    store = store_lookup(store_id=payload.store_id)
    lines = _cart_lines(user, payload.lines)
    shift = None
    if payload.shift_id is not None:
        shift = selectors.shift_get(user=user, shift_id=payload.shift_id)
        if not selectors.order_exists(order_uuid=payload.order_id):
            # A till syncing a sale it already delivered replays it even if the shift has closed.
            shifts.shift_require_open(shift=shift, store=store)
    order = checkout(
        actor=user,
        order_id=payload.order_id,
        store=store,
        lines=lines,
        payments=_tenders(payload.payments),
        member_id=payload.member_id,
        associate=_associate(payload.associate_id),
        age_confirmed=payload.age_confirmed,
        shift=shift,
        note=payload.note,
        coupon_codes=payload.coupon_codes,
        rung_offline_at=payload.rung_offline_at,
    )
    return Status(201, _order_body(order))


@router.get(
    "/orders", response={200: OrderPage, **error_responses()}, summary="Orders, newest first"
)
def order_list(request, filters: Query[OrderFilter]):
    items, total = selectors.order_list(
        user=request.auth,
        store_id=filters.store_id,
        channel=filters.channel,
        status=filters.status,
        date_from=filters.date_from,
        date_to=filters.date_to,
        offset=filters.offset,
        limit=filters.limit,
    )
    return {"items": items, "total": total, "offset": filters.offset, "limit": filters.limit}


@router.get(
    "/orders/{order_id}", response={200: OrderOut, **error_responses(404)}, summary="One order"
)
def order_get(request, order_id: uuid.UUID):
    return _order_body(selectors.order_get(user=request.auth, order_uuid=order_id))


# --- Online orders -------------------------------------------------------------------------------
@router.post(
    "/online-orders",
    response={201: OrderOut, **error_responses(404, 409)},
    summary="Place an unpaid online order and hold its stock (same order_id again: 201 again)",
)
def online_order_create(request, payload: OnlineOrderIn):
    user = request.auth
    store = store_lookup(store_id=payload.store_id)
    order = online.online_order_create(
        actor=user,
        order_id=payload.order_id,
        store=store,
        channel=payload.channel,
        lines=_cart_lines(user, payload.lines),
        member_id=payload.member_id,
        fulfilment=payload.fulfilment,
        ttl=dt.timedelta(minutes=payload.ttl_minutes),
        age_confirmed=payload.age_confirmed,
        note=payload.note,
        coupon_codes=payload.coupon_codes,
    )
    return Status(201, _order_body(order))


@router.post(
    "/online-orders/{order_id}/pay",
    response={200: OrderOut, **error_responses(404, 409)},
    summary="Pay an online order; the answer carries the pick-up code (paying again replays it)",
)
def online_order_pay(request, order_id: uuid.UUID, payload: PayIn):
    order = selectors.order_get(user=request.auth, order_uuid=order_id)
    order = online.online_order_pay(
        actor=request.auth, order=order, payments=_tenders(payload.payments)
    )
    return _order_body(order, with_pickup_code=True)


@router.post(
    "/online-orders/{order_id}/ready",
    response={200: OrderOut, **error_responses(404, 409)},
    summary="A pick-up order is packed and waiting at the counter",
)
def order_ready(request, order_id: uuid.UUID):
    order = selectors.order_get(user=request.auth, order_uuid=order_id)
    return _order_body(online.order_ready_for_pickup(actor=request.auth, order=order))


@router.post(
    "/online-orders/{order_id}/pickup",
    response={200: OrderOut, **error_responses(404, 409)},
    summary="Hand a pick-up order over against its pick-up code",
)
def order_pickup(request, order_id: uuid.UUID, payload: PickupIn):
    order = selectors.order_get(user=request.auth, order_uuid=order_id)
    order = online.order_pickup(actor=request.auth, order=order, pickup_code=payload.pickup_code)
    return _order_body(order)


@router.post(
    "/online-orders/{order_id}/ship",
    response={200: OrderOut, **error_responses(404, 409)},
    summary="A delivery order leaves with a carrier",
)
def order_ship(request, order_id: uuid.UUID, payload: ShipIn):
    order = selectors.order_get(user=request.auth, order_uuid=order_id)
    order = online.order_ship(
        actor=request.auth, order=order, carrier=payload.carrier, tracking_no=payload.tracking_no
    )
    return _order_body(order)


@router.post(
    "/online-orders/{order_id}/complete",
    response={200: OrderOut, **error_responses(404, 409)},
    summary="A shipped order was delivered",
)
def order_complete(request, order_id: uuid.UUID):
    order = selectors.order_get(user=request.auth, order_uuid=order_id)
    return _order_body(online.order_complete(actor=request.auth, order=order))


@router.post(
    "/online-orders/{order_id}/cancel",
    response={200: OrderOut, **error_responses(404, 409)},
    summary="Cancel an unpaid order and free its stock (paid orders are returned instead)",
)
def order_cancel(request, order_id: uuid.UUID):
    order = selectors.order_get(user=request.auth, order_uuid=order_id)
    return _order_body(online.order_cancel(actor=request.auth, order=order))


# --- Shifts and the Z report ---------------------------------------------------------------------
@router.post(
    "/shifts",
    response={201: ShiftOut, **error_responses(404, 409)},
    by_alias=True,
    summary="Open a shift",
)
def shift_open(request, payload: ShiftOpenIn):
    store = store_lookup(store_id=payload.store_id)
    shift = shifts.shift_open(
        actor=request.auth,
        store=store,
        register=payload.till,
        opening_float=payload.opening_float,
    )
    return Status(201, shift)


@router.get(
    "/shifts/current",
    response={200: ShiftOut, **error_responses(404)},
    by_alias=True,
    summary="The open shift of a till (404 no_open_shift when there is none)",
)
def shift_current(request, store_id: int, till: str = Query(..., alias="register")):
    store = store_get(user=request.auth, store_id=store_id)
    return selectors.shift_current(user=request.auth, store=store, register=till)


@router.post(
    "/shifts/{shift_id}/close",
    response={200: ShiftClosedOut, **error_responses(404, 409)},
    by_alias=True,
    summary="Close a shift with the counted cash; the variance is recorded",
)
def shift_close(request, shift_id: int, payload: ShiftCloseIn):
    shift = selectors.shift_get(user=request.auth, shift_id=shift_id)
    shift = shifts.shift_close(
        actor=request.auth, shift=shift, counted_cash=payload.counted_cash, note=payload.note
    )
    return {"shift": shift, "summary": shifts.shift_summary(shift=shift)}


@router.get(
    "/reports/z",
    response={200: ZReportOut, **error_responses(404)},
    by_alias=True,
    summary="End-of-day (Z) report of a store",
)
def z_report(request, store_id: int, date: dt.date):
    store = store_get(user=request.auth, store_id=store_id)
    return shifts.z_report(user=request.auth, store=store, business_date=date)


# --- Pricing -------------------------------------------------------------------------------------
@router.post(
    "/cart/price",
    response={200: PricedCartOut, **error_responses(404)},
    summary="Price a cart without selling it",
)
def cart_price(request, payload: CartPriceIn):
    user = request.auth
    store = store_get(user=user, store_id=payload.store_id)
    items = [CartItem(line.sku, line.quantity) for line in _cart_lines(user, payload.lines)]
    priced = selectors.cart_price(
        user=user,
        store=store,
        channel=payload.channel,
        items=items,
        member_id=payload.member_id,
        coupon_codes=payload.coupon_codes,
    )
    return {
        "store_id": store.pk,
        "channel": payload.channel,
        "lines": [
            {
                "sku_id": line.sku.pk,
                "sku_code": line.sku.code,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount": line.discount,
                "line_total": line.line_total,
                "tax_amount": line.tax_amount,
                "adjustments": line.adjustments,
            }
            for line in priced.lines
        ],
        "subtotal": priced.subtotal,
        "discount_total": priced.discount_total,
        "total": priced.total,
        "tax_total": priced.tax_total,
        "adjustments": priced.adjustments,
    }
