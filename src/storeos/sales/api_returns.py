"""HTTP endpoints for returns, exchanges and return policies (thin: they call `returns`).

The client chooses the return (or exchange) id; it is the idempotency key: resubmitting the same
return answers 201 with the return as recorded, and the same id with another body is 409.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field

from storeos.api.schemas import error_responses
from storeos.catalog.selectors import category_get, sku_by_barcode, sku_get
from storeos.inventory.selectors import batch_get
from storeos.sales import exchanges, returns
from storeos.sales.checkout import CartLine, Tender
from storeos.sales.models import Disposition, Order, SalesReturn
from storeos.sales.schemas import LineIn, TenderIn
from storeos.sales.selectors import shift_get

router = Router(tags=["sales"])

Reason = Annotated[str, Field(max_length=255, pattern=r"^[^\x00]*$")]


# --- Bodies --------------------------------------------------------------------------------------
class ReturnLineIn(Schema):
    line_no: int = Field(..., ge=1)
    quantity: int = Field(..., gt=0, le=10_000)
    disposition: Literal[tuple(Disposition.values)] = Disposition.RESTOCK


ReturnLines = Annotated[list[ReturnLineIn], Field(min_length=1, max_length=200)]


class ReturnIn(Schema):
    return_id: uuid.UUID = Field(..., description="Chosen by the till; resubmitting it is safe.")
    lines: ReturnLines
    reason: Reason = ""
    override_reason: Reason = Field(
        "", description="Needed after the return window; only a store manager may override."
    )
    shift_id: int | None = None


class ExchangeIn(Schema):
    exchange_id: uuid.UUID = Field(..., description="Chosen by the till; resubmitting is safe.")
    return_lines: ReturnLines
    new_lines: Annotated[list[LineIn], Field(min_length=1, max_length=200)]
    payments: Annotated[list[TenderIn], Field(max_length=10)] = Field(
        default_factory=list,
        description="What the customer pays beyond the returned goods' refund (may be none).",
    )
    reason: Reason = ""
    override_reason: Reason = ""
    age_confirmed: bool = False
    shift_id: int | None = None


class ReturnLineOut(Schema):
    line_no: int
    sku_id: int
    quantity: int
    refund_amount: Decimal
    disposition: str
    location_id: int


class RefundOut(Schema):
    method: str
    amount: Decimal
    status: str
    reference: str


class ReturnOut(Schema):
    return_id: uuid.UUID
    kind: str
    order_id: uuid.UUID
    order_number: str
    store_id: int
    created_at: dt.datetime
    business_date: dt.date
    created_by: str | None
    reason: str
    override_by: str | None
    override_reason: str
    refund_total: Decimal
    exchange_order_id: uuid.UUID | None
    exchange_order_number: str | None
    lines: list[ReturnLineOut]
    refunds: list[RefundOut]


class ReturnPolicyIn(Schema):
    category_id: int
    window_days: int = Field(..., ge=0, le=returns.MAX_WINDOW_DAYS)


class ReturnPolicyOut(Schema):
    category_id: int
    category_code: str
    window_days: int
    updated_at: dt.datetime


class PoliciesOut(Schema):
    default_days: int
    items: list[ReturnPolicyOut]


def _return_body(sales_return: SalesReturn) -> dict:
    order, new_order = sales_return.order, sales_return.exchange_order
    lines = sales_return.lines.select_related("order_line").order_by("order_line__line_no")
    return {
        "return_id": sales_return.uuid,
        "kind": sales_return.kind,
        "order_id": order.uuid,
        "order_number": order.number,
        "store_id": sales_return.store_id,
        "created_at": sales_return.created_at,
        "business_date": sales_return.business_date,
        "created_by": getattr(sales_return.created_by, "username", None),
        "reason": sales_return.reason,
        "override_by": getattr(sales_return.override_by, "username", None),
        "override_reason": sales_return.override_reason,
        "refund_total": sales_return.refund_total,
        "exchange_order_id": new_order.uuid if new_order else None,
        "exchange_order_number": new_order.number if new_order else None,
        "lines": [
            {
                "line_no": ln.order_line.line_no,
                "sku_id": ln.order_line.sku_id,
                "quantity": ln.quantity,
                "refund_amount": ln.refund_amount,
                "disposition": ln.disposition,
                "location_id": ln.location_id,
            }
            for ln in lines
        ],
        "refunds": [
            {"method": r.method, "amount": r.amount, "status": r.status, "reference": r.reference}
            for r in sales_return.refunds.order_by("pk")
        ],
    }


def _items(order: Order, lines: list[ReturnLineIn]) -> list[returns.ReturnItem]:
    by_no = {ln.line_no: ln for ln in order.lines.all()}
    items = []
    for line in lines:
        if line.line_no not in by_no:
            raise returns.ReturnInvalid(
                f"Order {order.number} has no line {line.line_no}.",
                code="return_line_invalid",
                details={"line_no": line.line_no},
            )
        items.append(returns.ReturnItem(by_no[line.line_no], line.quantity, line.disposition))
    return items


def _cart_lines(user, lines: list[LineIn]) -> list[CartLine]:
    cart = []
    for line in lines:
        if line.sku_id is not None:
            sku = sku_get(user=user, sku_id=line.sku_id)
        else:
            sku = sku_by_barcode(user=user, code=line.barcode)
        cart.append(CartLine(sku, line.quantity, batch_get(sku=sku, batch_id=line.batch_id)))
    return cart


def _shift(user, shift_id: int | None):
    return None if shift_id is None else shift_get(user=user, shift_id=shift_id)


# --- Endpoints -----------------------------------------------------------------------------------
@router.post(
    "/orders/{order_id}/returns",
    response={201: ReturnOut, **error_responses(404, 409)},
    summary="Take goods back and refund them to the methods they were paid with",
)
def return_create(request, order_id: uuid.UUID, payload: ReturnIn):
    user = request.auth
    order = returns.order_for_return(user=user, order_id=order_id)
    sales_return = returns.return_create(
        actor=user,
        return_id=payload.return_id,
        order=order,
        lines=_items(order, payload.lines),
        reason=payload.reason,
        override_reason=payload.override_reason,
        shift=_shift(user, payload.shift_id),
    )
    return Status(201, _return_body(sales_return))


@router.get(
    "/returns/{return_id}",
    response={200: ReturnOut, **error_responses(404)},
    summary="A return or exchange with its lines and refunds",
)
def return_get(request, return_id: uuid.UUID):
    return _return_body(returns.return_get(user=request.auth, return_id=return_id))


@router.post(
    "/orders/{order_id}/exchanges",
    response={201: ReturnOut, **error_responses(404, 409)},
    summary="Return goods and sell others in one go; the refund pays for the new goods first",
)
def exchange_create(request, order_id: uuid.UUID, payload: ExchangeIn):
    user = request.auth
    order = returns.order_for_return(user=user, order_id=order_id)
    sales_return = exchanges.exchange_create(
        actor=user,
        exchange_id=payload.exchange_id,
        order=order,
        return_lines=_items(order, payload.return_lines),
        new_lines=_cart_lines(user, payload.new_lines),
        payments=[Tender(p.method, p.amount, p.tendered, p.reference) for p in payload.payments],
        reason=payload.reason,
        override_reason=payload.override_reason,
        age_confirmed=payload.age_confirmed,
        shift=_shift(user, payload.shift_id),
    )
    return Status(201, _return_body(sales_return))


@router.get(
    "/return-policies",
    response={200: PoliciesOut, **error_responses()},
    summary="Return windows per category (others inherit the nearest ancestor's, or the default)",
)
def return_policy_list(request):
    return {
        "default_days": returns.DEFAULT_WINDOW_DAYS,
        "items": [
            {
                "category_id": p.category_id,
                "category_code": p.category.code,
                "window_days": p.window_days,
                "updated_at": p.updated_at,
            }
            for p in returns.return_policy_list()
        ],
    }


@router.put(
    "/return-policies",
    response={200: ReturnPolicyOut, **error_responses(404)},
    summary="Set a category's return window (chain-wide managers; audited)",
)
def return_policy_set(request, payload: ReturnPolicyIn):
    category = category_get(category_id=payload.category_id)
    policy = returns.return_policy_set(
        actor=request.auth, category=category, window_days=payload.window_days
    )
    return {
        "category_id": policy.category_id,
        "category_code": category.code,
        "window_days": policy.window_days,
        "updated_at": policy.updated_at,
    }
