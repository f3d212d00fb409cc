"""Request and response bodies of the catalog API. Money travels as decimal strings."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field, WithJsonSchema

from storeos.api.schemas import OFFSET_MAX
from storeos.catalog.models import Sku
from storeos.core.channels import Channel

ChannelName = Literal[tuple(Channel.values)]
ChannelOrAll = Literal[("", *Channel.values)]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^\S+$")]
Name = Annotated[str, Field(min_length=1, max_length=100)]
# Amounts are documented as decimal strings ([0-9], not any Unicode digit) so the OpenAPI says
# exactly what is accepted; JSON numbers are accepted too but never recommended (floats).
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$",
            "description": 'A non-negative amount as a decimal string, e.g. "59.90".',
        }
    ),
]
TaxRate = Annotated[
    Decimal,
    Field(ge=0, lt=1, max_digits=5, decimal_places=4),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^0(\.[0-9]{1,4})?$",
            "description": 'A fraction as a decimal string, e.g. "0.13".',
        }
    ),
]


class CategoryIn(Schema):
    code: Code
    name: Name
    parent_id: int | None = None


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str


class SeriesIn(Schema):
    code: Code
    name: Name
    brand: str = Field("", max_length=100)


class SeriesOut(Schema):
    id: int
    code: str
    name: str
    brand: str


class ProductIn(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    category_id: int
    series_id: int | None = None
    description: str = Field("", max_length=5000)


class ProductOut(Schema):
    id: int
    code: str
    name: str
    category_id: int
    series_id: int | None
    description: str


class ProductPage(Schema):
    items: list[ProductOut]
    total: int
    offset: int
    limit: int


class ProductFilter(Schema):
    category: int | None = None
    offset: int = Field(0, ge=0, le=OFFSET_MAX)
    limit: int = Field(50, ge=1, le=200)


class SkuIn(Schema):
    product_id: int
    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^\S+$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    list_price: Money
    cost: Money = Decimal("0")
    barcodes: list[Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S+$")]] = Field(
        default_factory=list, max_length=50
    )
    spec: str = Field("", max_length=100)
    unit: str = Field("pc", min_length=1, max_length=16)
    pack_size: int = Field(1, ge=1, le=1_000_000)
    tax_rate: TaxRate = Decimal("0.13")
    batch_tracked: bool = False
    shelf_life_days: int | None = Field(None, ge=1, le=100_000)
    age_restricted: bool = False
    blocked_channels: list[ChannelName] = Field(default_factory=list)


class SkuPatch(Schema):
    """Only the fields sent change. Prices change through POST /skus/{id}/price."""

    model_config = ConfigDict(extra="forbid")

    product_id: int | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    spec: str | None = Field(None, max_length=100)
    unit: str | None = Field(None, min_length=1, max_length=16)
    pack_size: int | None = Field(None, ge=1, le=1_000_000)
    cost: Money | None = None
    tax_rate: TaxRate | None = None
    batch_tracked: bool | None = None
    shelf_life_days: int | None = Field(None, ge=1, le=100_000)
    age_restricted: bool | None = None
    blocked_channels: list[ChannelName] | None = None
    is_active: bool | None = None


class SkuOut(Schema):
    id: int
    code: str
    name: str
    spec: str
    unit: str
    pack_size: int
    list_price: Decimal
    cost: Decimal
    tax_rate: Decimal
    batch_tracked: bool
    shelf_life_days: int | None
    age_restricted: bool
    blocked_channels: list[str]
    is_active: bool
    product_id: int
    product_code: str
    category_id: int
    series_id: int | None
    barcodes: list[str]

    @staticmethod
    def resolve_product_code(obj: Sku) -> str:
        return obj.product.code

    @staticmethod
    def resolve_category_id(obj: Sku) -> int:
        return obj.product.category_id

    @staticmethod
    def resolve_series_id(obj: Sku) -> int | None:
        return obj.product.series_id

    @staticmethod
    def resolve_barcodes(obj: Sku) -> list[str]:
        return [b.code for b in obj.barcodes.all()]


class SkuFilter(Schema):
    q: str = Field("", max_length=200, description="Barcode, code prefix or part of the name.")
    category: int | None = Field(None, description="A category id; its subtree is included.")
    series: int | None = None
    active: bool | None = None
    channel: ChannelName | None = Field(None, description="Only SKUs sellable on this channel.")
    offset: int = Field(0, ge=0, le=OFFSET_MAX)
    limit: int = Field(50, ge=1, le=200)


class SkuPage(Schema):
    items: list[SkuOut]
    total: int
    offset: int
    limit: int


class BarcodeIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S+$")]


class PriceChangeIn(Schema):
    price: Money
    reason: str = Field(max_length=1000, description="Why the price changes; required.")
    store_id: int | None = Field(None, description="Change one store's price, not the list price.")
    channel: ChannelOrAll = Field("", description="Change the price on one channel only.")


class PriceChangeOut(Schema):
    sku_id: int
    sku_code: str
    store_id: int | None
    channel: str
    old_price: Decimal
    new_price: Decimal
    effective_at: dt.datetime
    price_list_id: int | None


class PriceQuery(Schema):
    store_id: int | None = None
    channel: ChannelOrAll = "pos"
    at: AwareDatetime | None = Field(None, description="When (default: now).")


class EffectivePriceOut(Schema):
    sku_id: int
    store_id: int | None
    channel: str
    at: dt.datetime
    price: Decimal
    list_price: Decimal


class PriceHistoryOut(Schema):
    at: dt.datetime
    actor: str | None
    store_id: int | None
    channel: str
    price_list_id: int | None
    old_price: Decimal | None
    new_price: Decimal | None
    reason: str

    # Built from the price.change audit entries (see sku_price_history).
    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None

    @staticmethod
    def resolve_channel(obj) -> str:
        return (obj.after or {}).get("channel", "")

    @staticmethod
    def resolve_price_list_id(obj) -> int | None:
        return (obj.after or {}).get("price_list_id")

    @staticmethod
    def resolve_old_price(obj) -> str | None:
        return (obj.before or {}).get("price")

    @staticmethod
    def resolve_new_price(obj) -> str | None:
        return (obj.after or {}).get("price")


class PriceListIn(Schema):
    code: Code
    name: Name
    store_id: int | None = None
    channel: ChannelOrAll = ""
    valid_from: AwareDatetime | None = None
    valid_to: AwareDatetime | None = None
    is_active: bool = True


class PriceListOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    store_id: int | None
    channel: str
    valid_from: dt.datetime | None
    valid_to: dt.datetime | None
    is_active: bool


class PriceListItemIn(Schema):
    price: Money
    reason: str = Field("", max_length=1000)
