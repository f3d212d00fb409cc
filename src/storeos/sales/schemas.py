"""Request and response bodies of the sales API. Money travels as decimal strings."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, model_validator

from storeos.api.schemas import OFFSET_MAX
from storeos.catalog.schemas import Money
from storeos.core.channels import ONLINE_CHANNELS, Channel
from storeos.sales.models import OrderStatus, PaymentMethod

Quantity = Annotated[int, Field(gt=0, le=10_000)]
Text = Annotated[str, Field(max_length=255, pattern=r"^[^\x00]*$")]
Register = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[^\x00]*$")]
ChannelName = Literal[tuple(Channel.values)]
OnlineChannel = Literal[tuple(sorted(c.value for c in ONLINE_CHANNELS))]
# What a customer may pay with; exchange credit is created by the returns service, never sent.
MethodName = Literal[tuple(m for m in PaymentMethod.values if m != "exchange")]
StatusName = Literal[tuple(OrderStatus.values)]
CouponCode = Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[A-Za-z0-9-]+$")]
CouponCodes = Annotated[list[CouponCode], Field(max_length=5, description="Coupons to redeem.")]


# --- Requests ------------------------------------------------------------------------------------
class LineIn(Schema):
    """One line of a cart: the SKU by id or by a scanned barcode (exactly one of the two)."""

    sku_id: int | None = None
    barcode: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[^\x00]*$")
    quantity: Quantity
    batch_id: int | None = None

    @model_validator(mode="after")
    def one_way_to_name_the_sku(self):
        if (self.sku_id is None) == (self.barcode is None):
            raise ValueError("give either sku_id or barcode")
        return self


Lines = Annotated[list[LineIn], Field(min_length=1, max_length=200)]


class TenderIn(Schema):
    method: MethodName
    amount: Money
    tendered: Money | None = Field(None, description="Cash handed over; change is the rest.")
    reference: str = Field(
        "", max_length=64, pattern=r"^[^\x00]*$", description="Card terminal or QR transaction id"
    )


Tenders = Annotated[list[TenderIn], Field(min_length=1, max_length=10)]


class PosOrderIn(Schema):
    order_id: uuid.UUID = Field(..., description="Chosen by the till; resubmitting it is safe.")
    store_id: int
    lines: Lines
    payments: Tenders
    member_id: int | None = None
    associate_id: int | None = None
    age_confirmed: bool = False
    shift_id: int | None = None
    note: Text = ""
    coupon_codes: CouponCodes = []
    rung_offline_at: dt.datetime | None = Field(
        None,
        description="When a till that was offline rang the sale (ISO 8601 with its offset, "
        "at most 7 days ago): priced as of then, and if the customer paid the list price "
        "because the till could not see a promotion, the sale stands at that price.",
    )


class OnlineOrderIn(Schema):
    order_id: uuid.UUID = Field(..., description="Chosen by the shop; resubmitting it is safe.")
    store_id: int
    channel: OnlineChannel
    fulfilment: Literal["pickup", "delivery"] = "pickup"
    lines: Lines
    member_id: int | None = None
    age_confirmed: bool = Field(
        False, description="The shop verified the buyer's age (needed for age-restricted SKUs)."
    )
    ttl_minutes: int = Field(30, ge=1, le=1440, description="Minutes to wait for payment.")
    note: Text = ""
    coupon_codes: CouponCodes = []


class PayIn(Schema):
    payments: Tenders


class PickupIn(Schema):
    pickup_code: str = Field(..., min_length=1, max_length=12, pattern=r"^[^\x00]*$")


class ShipIn(Schema):
    carrier: str = Field(..., min_length=1, max_length=32, pattern=r"^[^\x00]*$")
    tracking_no: str = Field(..., min_length=1, max_length=64, pattern=r"^[^\x00]*$")


# A shift's till travels as "register"; the Python name differs because pydantic models already
# have a `register` attribute (from ABCMeta). Endpoints returning shifts dump by alias.
class ShiftOpenIn(Schema):
    store_id: int
    till: Register = Field(alias="register")
    opening_float: Money


class ShiftCloseIn(Schema):
    counted_cash: Money
    note: Text = ""


class CartPriceIn(Schema):
    store_id: int
    channel: ChannelName = Channel.POS
    lines: Lines
    member_id: int | None = None
    coupon_codes: CouponCodes = []


class OrderFilter(Schema):
    store_id: int | None = None
    channel: ChannelName | None = None
    status: StatusName | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    offset: int = Field(0, ge=0, le=OFFSET_MAX)
    limit: int = Field(50, ge=1, le=200)


# --- Responses -----------------------------------------------------------------------------------
class OrderLineOut(Schema):
    # The API re-validates bodies it built itself (field names, not the ORM paths).
    model_config = ConfigDict(populate_by_name=True)

    line_no: int
    sku_id: int
    sku_code: str = Field(alias="sku.code")
    sku_name: str = Field(alias="sku.name")
    batch_id: int | None
    quantity: int
    unit_price: Decimal
    discount: Decimal
    line_total: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    returned_quantity: int
    refunded_amount: Decimal
    adjustments: list[dict]


class PaymentOut(Schema):
    id: int
    method: str
    status: str
    amount: Decimal
    tendered: Decimal | None
    change: Decimal
    refunded_amount: Decimal
    reference: str
    created_at: dt.datetime


class OrderSummaryOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID = Field(alias="uuid")
    number: str
    store_id: int
    channel: str
    status: str
    fulfilment: str
    member_id: int | None
    total: Decimal
    created_at: dt.datetime
    paid_at: dt.datetime | None
    business_date: dt.date


class OrderOut(OrderSummaryOut):
    location_id: int
    cashier_id: int | None
    associate_id: int | None
    shift_id: int | None
    age_confirmed_at: dt.datetime | None
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    refunded_total: Decimal
    change: Decimal = Field(description="Cash change handed back, over all payments.")
    expires_at: dt.datetime | None
    pickup_code: str | None = Field(
        None, description="Shown only in the answer to the payment, for the buyer."
    )
    carrier: str
    tracking_no: str
    shipped_at: dt.datetime | None
    completed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    note: str
    lines: list[OrderLineOut]
    payments: list[PaymentOut]


class OrderPage(Schema):
    items: list[OrderSummaryOut]
    total: int
    offset: int
    limit: int


class PricedLineOut(Schema):
    sku_id: int
    sku_code: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    line_total: Decimal
    tax_amount: Decimal
    adjustments: list[dict]


class PricedCartOut(Schema):
    store_id: int
    channel: str
    lines: list[PricedLineOut]
    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    tax_total: Decimal
    adjustments: list[dict]


class ShiftOut(Schema):
    id: int
    store_id: int
    till: str = Field(alias="register")
    cashier_id: int
    status: str
    opened_at: dt.datetime
    opening_float: Decimal
    closed_at: dt.datetime | None
    expected_cash: Decimal | None
    counted_cash: Decimal | None
    variance: Decimal | None
    note: str


class MethodTotalsOut(Schema):
    method: str
    sales: Decimal
    refunds: Decimal
    net: Decimal


class ShiftSummaryOut(Schema):
    orders: int
    sales_total: Decimal
    refunds_total: Decimal
    by_method: list[MethodTotalsOut]
    opening_float: Decimal
    cash_tendered: Decimal
    change_given: Decimal
    cash_refunds: Decimal
    expected_cash: Decimal


class ShiftClosedOut(Schema):
    shift: ShiftOut
    summary: ShiftSummaryOut


class ChannelTotalsOut(Schema):
    channel: str
    orders: int
    net_sales: Decimal


class HourTotalsOut(Schema):
    hour: int
    orders: int
    net_sales: Decimal


class ZShiftOut(Schema):
    id: int
    till: str = Field(alias="register")
    cashier: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    opening_float: Decimal
    expected_cash: Decimal | None
    counted_cash: Decimal | None
    variance: Decimal | None


class ZReportOut(Schema):
    store_id: int
    store_code: str
    business_date: dt.date
    currency: str
    orders: int
    units: int
    gross_sales: Decimal
    discounts: Decimal
    net_sales: Decimal
    tax: Decimal
    refunds: Decimal
    net_after_refunds: Decimal
    average_order_value: Decimal
    units_per_transaction: Decimal
    by_method: list[MethodTotalsOut]
    by_channel: list[ChannelTotalsOut]
    by_hour: list[HourTotalsOut]
    shifts: list[ZShiftOut]
