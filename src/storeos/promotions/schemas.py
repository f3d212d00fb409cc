"""Request and response bodies of the promotions API. Money travels as decimal strings."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from storeos.api.schemas import OFFSET_MAX
from storeos.catalog.schemas import Money
from storeos.core.channels import Channel
from storeos.promotions.models import CouponKind, PromotionKind, PromotionStatus
from storeos.sales.schemas import ChannelName, CouponCodes, Lines

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
Short = Annotated[str, Field(max_length=40, pattern=r"^[^\x00]*$")]
Group = Annotated[str, Field(max_length=32, pattern=r"^[^\x00]*$")]
KindName = Literal[tuple(PromotionKind.values)]
CouponKindName = Literal[tuple(CouponKind.values)]
StatusName = Literal[tuple(PromotionStatus.values)]
Count = Annotated[int, Field(ge=0, le=100_000_000)]
Weekday = Annotated[int, Field(ge=0, le=6)]
Hour = Annotated[int, Field(ge=0, le=24)]
TagCode = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[^\x00]*$")]


# --- Promotions ----------------------------------------------------------------------------------
class PromotionFields(Schema):
    """What a promotion gives (`rule`, by kind; see docs/promotions.md), to what (`scope`), when,
    to whom, how often and how it combines. Every field is optional on an update."""

    name: Name | None = None
    rule: dict[str, Any] | None = Field(
        None,
        description='By kind, e.g. percent_off {"percent": "20"}, spend_save '
        '{"every": "300", "off": "50"}, bundle {"skus": [1, 2], "price": "199.00"}.',
    )
    scope: dict[str, list[int]] | None = Field(
        None,
        description='{"categories": [ids], "series": [ids], "skus": [ids], '
        '"exclude_skus": [ids], "exclude_categories": [ids]}; empty: everything.',
    )
    channels: list[ChannelName] | None = None
    store_ids: list[int] | None = Field(None, max_length=1000)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    weekdays: list[Weekday] | None = Field(None, max_length=7)
    hours: list[Hour] | None = Field(None, max_length=2, description="[from, to) local hours")
    tier_codes: list[TagCode] | None = Field(None, max_length=50)
    tag_codes: list[TagCode] | None = Field(None, max_length=50)
    members_only: bool | None = None
    new_members_days: Count | None = None
    min_quantity: Count | None = None
    min_amount: Money | None = None
    total_uses: Count | None = None
    per_member_uses: Count | None = None
    budget: Money | None = None
    priority: int | None = Field(None, ge=-1000, le=1000)
    stacking_group: Group | None = None
    stackable: bool | None = None
    exclusive: bool | None = None
    label: Short | None = None


class PromotionIn(PromotionFields):
    code: Code
    name: Name
    kind: KindName
    rule: dict[str, Any]
    starts_at: dt.datetime
    ends_at: dt.datetime


class PromotionPatch(PromotionFields):
    pass


class RejectIn(Schema):
    reason: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = ""


class PromotionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    status: str
    origin: str
    rule: dict[str, Any]
    scope: dict[str, Any]
    channels: list[str]
    store_ids: list[int]
    starts_at: dt.datetime
    ends_at: dt.datetime
    weekdays: list[int]
    hours: list[int]
    tier_codes: list[str]
    tag_codes: list[str]
    members_only: bool
    new_members_days: int
    min_quantity: int
    min_amount: Decimal
    total_uses: int
    per_member_uses: int
    budget: Decimal
    used_count: int
    discount_used: Decimal
    priority: int
    stacking_group: str
    stackable: bool
    exclusive: bool
    label: str
    created_by_id: int | None
    approved_by_id: int | None
    approved_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PromotionFilter(Schema):
    status: StatusName | None = None
    kind: KindName | None = None
    origin: Literal["", "clearance"] | None = None
    offset: int = Field(0, ge=0, le=OFFSET_MAX)
    limit: int = Field(50, ge=1, le=200)


class PromotionPage(Schema):
    items: list[PromotionOut]
    total: int
    offset: int
    limit: int


class UsageOut(Schema):
    """How much a promotion has been used: orders, members, discount given and what is left."""

    promotion_id: int
    uses: int
    orders: int
    members: int
    discount_given: Decimal
    discount_reversed: Decimal
    discount_net: Decimal
    uses_left: int | None = Field(None, description="None: no limit on uses.")
    budget_left: Decimal | None = Field(None, description="None: no budget.")


# --- Coupons -------------------------------------------------------------------------------------
class CouponTemplateFields(Schema):
    name: Name | None = None
    value: Money | None = None
    free_sku_id: int | None = None
    min_spend: Money | None = None
    scope: dict[str, list[int]] | None = None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    valid_days: Count | None = Field(None, le=3660)
    per_member_limit: Count | None = None
    total_limit: Count | None = None
    stackable: bool | None = None
    return_on_refund: bool | None = None
    is_active: bool | None = None


class CouponTemplateIn(CouponTemplateFields):
    code: Code
    name: Name
    kind: CouponKindName


class CouponTemplatePatch(CouponTemplateFields):
    pass


class CouponTemplateOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    value: Decimal
    free_sku_id: int | None
    min_spend: Decimal
    scope: dict[str, Any]
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    valid_days: int
    per_member_limit: int
    total_limit: int
    issued_count: int
    stackable: bool
    return_on_refund: bool
    is_active: bool
    created_at: dt.datetime


class CodeBatchIn(Schema):
    template_id: int
    quantity: int = Field(..., ge=1, le=100_000)
    note: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = ""


class CodeBatchOut(Schema):
    id: int
    template_id: int
    quantity: int
    note: str
    created_by_id: int | None
    created_at: dt.datetime
    csv_url: str


# --- Simulation ----------------------------------------------------------------------------------
class SimulationIn(Schema):
    promotion_id: int
    days: int = Field(30, ge=1, le=366, description="Price the paid baskets of the last N days.")
    store_id: int | None = None


class StoreImpactOut(Schema):
    store_id: int
    orders_examined: int
    orders_touched: int
    discount_cost: Decimal


class SimulationOut(Schema):
    promotion_id: int
    days: int
    orders_examined: int = Field(description="Paid orders of those days in the stores asked.")
    orders_touched: int = Field(description="Orders the promotion would have made cheaper.")
    discount_cost: Decimal = Field(description="What it would have given away in all.")
    average_discount: Decimal
    by_store: list[StoreImpactOut]


# --- The public "price this cart" ---------------------------------------------------------------
class CartPriceRequest(Schema):
    store_id: int
    channel: ChannelName = Channel.ONLINE_MALL
    lines: Lines
    member_id: int | None = Field(
        None, description="Staff only; a signed-in member is priced as themselves."
    )
    coupon_codes: CouponCodes = []


class PricedCartLineOut(Schema):
    sku_id: int
    sku_code: str
    sku_name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    line_total: Decimal
    is_gift: bool
    adjustments: list[dict[str, Any]]


class PricedCartResult(Schema):
    store_id: int
    channel: str
    member_id: int | None
    lines: list[PricedCartLineOut]
    adjustments: list[dict[str, Any]] = Field(description="Order-level discounts, gifts, points.")
    coupon_codes: list[str]
    points_multiplier: Decimal
    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    savings: Decimal
    tax_total: Decimal
