"""The label-device API: electronic shelf label gateways pull pending updates and acknowledge them.

A gateway authenticates with the bearer token of a user who may see promotions in its store.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import Field

from storeos.api.schemas import error_responses
from storeos.promotions import labels

router = Router(tags=["labels"])


class PendingQuery(Schema):
    store_id: int
    after_id: int = Field(0, ge=0, description="The last update id this device has seen.")
    limit: int = Field(200, ge=1, le=labels.PULL_LIMIT)


class LabelUpdateOut(Schema):
    id: int
    sku_id: int
    sku_code: str
    sku_name: str
    display_price: Decimal
    regular_price: Decimal
    promo_text: str
    reason: str
    created_at: dt.datetime


class PendingOut(Schema):
    updates: list[LabelUpdateOut]
    # Pass as after_id next time; equal to the request's after_id when nothing is pending.
    last_id: int


class AckIn(Schema):
    ids: Annotated[list[int], Field(min_length=1, max_length=labels.PULL_LIMIT)]
    device: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]*$")]


class AckOut(Schema):
    acknowledged: int


def _out(update) -> LabelUpdateOut:
    return LabelUpdateOut(
        id=update.pk,
        sku_id=update.sku_id,
        sku_code=update.sku.code,
        sku_name=update.sku.name,
        display_price=update.display_price,
        regular_price=update.regular_price,
        promo_text=update.promo_text,
        reason=update.reason,
        created_at=update.created_at,
    )


@router.get("/pending", response={200: PendingOut, **error_responses(404)})
def pending(request, query: Query[PendingQuery]):
    updates = labels.labels_pending(
        user=request.user, store_id=query.store_id, after_id=query.after_id, limit=query.limit
    )
    last_id = updates[-1].pk if updates else query.after_id
    return PendingOut(updates=[_out(u) for u in updates], last_id=last_id)


@router.post("/ack", response={200: AckOut, **error_responses(404)})
def ack(request, body: AckIn):
    return AckOut(
        acknowledged=labels.labels_ack(user=request.user, ids=body.ids, device=body.device)
    )
