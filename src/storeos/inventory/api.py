"""HTTP endpoints of the inventory context (thin: they call services and selectors)."""

import datetime as dt

from ninja import Query, Router, Status

from storeos.accounts.permissions import Perm, require_somewhere
from storeos.api.idempotency import run_idempotent
from storeos.api.schemas import error_responses
from storeos.catalog.selectors import sku_get
from storeos.inventory import policies, reservations, selectors, services
from storeos.inventory.api_documents import router as documents_router
from storeos.inventory.availability import availability_for
from storeos.inventory.models import Reservation
from storeos.inventory.schemas import (
    AdjustmentIn,
    AlertOut,
    AvailabilityIn,
    AvailabilityOut,
    BufferIn,
    CardRowOut,
    IdempotencyKey,
    LevelFilter,
    LevelPage,
    LowStockOut,
    MoveOut,
    PolicyFilter,
    PolicyIn,
    PolicyOut,
    PolicyPage,
    ReceiptIn,
    ReservationIn,
    ReservationOut,
    SlowMovingOut,
    SlowMovingQuery,
)

router = Router(tags=["inventory"])
# Transfers, counts and scrap live in their own module; they share this router's prefix.
router.add_router("", documents_router)


def _move_body(move) -> dict:
    return MoveOut.from_orm(move).model_dump(mode="json")


@router.get("/levels", response={200: LevelPage, **error_responses()}, summary="Stock levels")
def level_list(request, filters: Query[LevelFilter]):
    items, total = selectors.level_list(
        user=request.auth,
        store_id=filters.store_id,
        location_id=filters.location_id,
        sku_id=filters.sku_id,
        in_stock_only=filters.in_stock,
        offset=filters.offset,
        limit=filters.limit,
    )
    return {"items": items, "total": total, "offset": filters.offset, "limit": filters.limit}


@router.get(
    "/stock-card",
    response={200: list[CardRowOut], **error_responses(404)},
    summary="Every move of a SKU at a location with the running balance",
)
def stock_card(request, location_id: int, sku_id: int):
    sku = sku_get(sku_id=sku_id)
    return selectors.stock_card_for(user=request.auth, location_id=location_id, sku=sku)


@router.post(
    "/receipts",
    response={201: MoveOut, **error_responses(404, 409)},
    summary="Receive goods at a location (needs an Idempotency-Key header)",
)
def receipt_post(request, payload: ReceiptIn, idempotency_key: IdempotencyKey = None):
    def action():
        move = services.receipt_post(
            actor=request.auth,
            location=selectors.location_for_stock(
                user=request.auth, location_id=payload.location_id
            ),
            sku=sku_get(sku_id=payload.sku_id),
            quantity=payload.quantity,
            unit_cost=payload.unit_cost,
            lot_code=payload.lot_code,
            expiry_date=payload.expiry_date,
            production_date=payload.production_date,
            reference=payload.reference,
        )
        return 201, _move_body(move)

    status, body = run_idempotent(
        request, scope="inventory.receipt", payload=payload.model_dump(mode="json"), action=action
    )
    return Status(status, body)


@router.post(
    "/adjustments",
    response={201: MoveOut, **error_responses(404, 409)},
    summary="Correct on-hand stock with a reason (needs an Idempotency-Key header)",
)
def adjustment_post(request, payload: AdjustmentIn, idempotency_key: IdempotencyKey = None):
    def action():
        sku = sku_get(sku_id=payload.sku_id)
        batch = selectors.batch_get(sku=sku, batch_id=payload.batch_id)
        move = services.adjustment_post(
            actor=request.auth,
            location=selectors.location_for_stock(
                user=request.auth, location_id=payload.location_id
            ),
            sku=sku,
            delta=payload.delta,
            reason=payload.reason,
            batch=batch,
        )
        return 201, _move_body(move)

    status, body = run_idempotent(
        request, scope="inventory.adjust", payload=payload.model_dump(mode="json"), action=action
    )
    return Status(status, body)


@router.post(
    "/availability",
    response={200: AvailabilityOut, **error_responses()},
    summary="Available-to-promise on a channel for up to 1,000 SKUs",
)
def availability(request, payload: AvailabilityIn):
    require_somewhere(request.auth, Perm.INVENTORY_VIEW)
    return {
        "channel": payload.channel,
        "items": availability_for(channel=payload.channel, sku_ids=payload.sku_ids),
    }


@router.put(
    "/channel-buffers", response={204: None, **error_responses(404)}, summary="Set a buffer"
)
def channel_buffer_set(request, payload: BufferIn):
    services.channel_buffer_set(
        actor=request.auth,
        channel=payload.channel,
        sku=sku_get(sku_id=payload.sku_id),
        quantity=payload.quantity,
    )
    return Status(204, None)


def _reservation_body(reservation: Reservation) -> dict:
    return ReservationOut.from_orm(
        {
            "reference": reservation.reference,
            "channel": reservation.channel,
            "status": reservation.status,
            "created_at": reservation.created_at,
            "expires_at": reservation.expires_at,
            "lines": list(reservation.lines.order_by("pk")),
        }
    ).model_dump(mode="json")


@router.post(
    "/reservations",
    response={201: ReservationOut, **error_responses(404, 409)},
    summary="Hold stock for an order until it is paid, cancelled or expires",
)
def reservation_create(request, payload: ReservationIn):
    lines = []
    for line in payload.lines:
        sku = sku_get(sku_id=line.sku_id)
        lines.append(
            reservations.ReserveLine(
                location=selectors.location_for_stock(
                    user=request.auth, location_id=line.location_id
                ),
                sku=sku,
                quantity=line.quantity,
                batch=selectors.batch_get(sku=sku, batch_id=line.batch_id),
            )
        )
    reservation = services.reservation_create(
        actor=request.auth,
        reference=payload.reference,
        channel=payload.channel,
        lines=lines,
        ttl=dt.timedelta(minutes=payload.ttl_minutes),
    )
    return Status(201, _reservation_body(reservation))


@router.post(
    "/reservations/{reference}/commit",
    response={200: ReservationOut, **error_responses(404, 409)},
    summary="The order is paid: reserved stock leaves as a sale",
)
def reservation_commit(request, reference: str):
    return _reservation_body(
        services.reservation_close(actor=request.auth, reference=reference, paid=True)
    )


@router.post(
    "/reservations/{reference}/release",
    response={200: ReservationOut, **error_responses(404, 409)},
    summary="The order is cancelled: reserved stock is free again",
)
def reservation_release(request, reference: str):
    return _reservation_body(
        services.reservation_close(actor=request.auth, reference=reference, paid=False)
    )


@router.get(
    "/alerts", response={200: list[AlertOut], **error_responses()}, summary="Near-expiry alerts"
)
def alert_list(request):
    return selectors.alert_list(user=request.auth)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, **error_responses(404)},
    summary="Mark a near-expiry alert as seen",
)
def alert_acknowledge(request, alert_id: int):
    alert = selectors.alert_get(user=request.auth, alert_id=alert_id)
    return services.alert_acknowledge(actor=request.auth, alert=alert)


# --- Stock policies and the lists they drive -----------------------------------------------------
@router.put(
    "/policies",
    response={200: PolicyOut, **error_responses(404)},
    summary="Set the min / max / safety stock of a SKU at a location",
)
def policy_set(request, payload: PolicyIn):
    return policies.policy_set(
        actor=request.auth,
        location=selectors.location_for_stock(user=request.auth, location_id=payload.location_id),
        sku=sku_get(sku_id=payload.sku_id),
        min_qty=payload.min_qty,
        max_qty=payload.max_qty,
        safety_stock=payload.safety_stock,
    )


@router.get(
    "/policies",
    response={200: PolicyPage, **error_responses(404)},
    summary="The stock policies of a location",
)
def policy_list(request, filters: Query[PolicyFilter]):
    items, total = selectors.policy_list(
        user=request.auth,
        location_id=filters.location_id,
        offset=filters.offset,
        limit=filters.limit,
    )
    return {"items": items, "total": total, "offset": filters.offset, "limit": filters.limit}


@router.get(
    "/reports/low-stock",
    response={200: list[LowStockOut], **error_responses(404)},
    summary="SKUs at or below their minimum, with what to bring in to reach the maximum",
)
def low_stock(request, location_id: int):
    location = selectors.location_for_stock(user=request.auth, location_id=location_id)
    return policies.low_stock(location=location, user=request.auth)


@router.get(
    "/reports/slow-moving",
    response={200: list[SlowMovingOut], **error_responses(404)},
    summary="Stock that sold at most `max_units` in the last `days` days, by value tied up",
)
def slow_moving(request, query: Query[SlowMovingQuery]):
    location = selectors.location_for_stock(user=request.auth, location_id=query.location_id)
    return policies.slow_moving(
        location=location, days=query.days, max_units=query.max_units, user=request.auth
    )
