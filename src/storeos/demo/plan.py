"""What a demo chain consists of, as plain data: built without the database, written by seed.py."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TAX_RATE = Decimal("0.13")
CENT = Decimal("0.01")


def cents(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str


@dataclass(frozen=True)
class ZoneSpec:
    code: str
    name: str
    area_m2: Decimal


@dataclass(frozen=True)
class StoreSpec:
    code: str
    name: str
    region: str
    city: str
    address: str
    selling_area_m2: Decimal
    opened_on: dt.date
    zones: tuple[ZoneSpec, ...]


@dataclass(frozen=True)
class WarehouseSpec:
    code: str
    name: str
    kind: str  # Location.Kind value: regional_warehouse or central_warehouse
    region: str | None


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class SeriesSpec:
    code: str
    name: str
    brand: str = ""


@dataclass(frozen=True)
class ProductSpec:
    code: str
    name: str
    category: str
    series: str | None
    description: str = ""


@dataclass(frozen=True)
class SkuSpec:
    product: str
    code: str
    name: str
    list_price: Decimal
    cost: Decimal
    barcodes: tuple[str, ...]
    spec: str = ""
    unit: str = "pc"
    pack_size: int = 1
    tax_rate: Decimal = TAX_RATE
    batch_tracked: bool = False
    shelf_life_days: int | None = None
    age_restricted: bool = False
    blocked_channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriceListSpec:
    """A price list; `days` bounds its validity from the day it is seeded (None: open-ended)."""

    code: str
    name: str
    store: str | None
    channel: str
    items: tuple[tuple[str, Decimal], ...]
    days: int | None = None


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    store: str | None  # a store code, or None for every store
    label: str


@dataclass(frozen=True)
class StockProfile:
    """How a chain's stock behaves, for stock_plan.py: what sells, what only a warehouse keeps,
    and the lots that tell the expiry story on the first store's shelf."""

    # Units a day an average store sells of a SKU, given the SKU and its category code.
    demand: Callable[[SkuSpec, str], float]
    # SKUs no store carries: ordered in from the central warehouse for a customer.
    warehouse_only: Callable[[SkuSpec, str], bool]
    # Units a customer typically takes of a SKU in one go (a handful of bricks, a few cans).
    basket: Callable[[SkuSpec, str], int] = lambda sku, category: 1
    # How many slow SKUs (besides `dormant_skus`) sold nothing in the whole history.
    dormant: int = 6
    dormant_skus: tuple[str, ...] = ()
    # (SKU code, days left) and (SKU code, days since it expired), on the first store's shelf.
    near_expiry_lots: tuple[tuple[str, int], ...] = ()
    expired_lots: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Plan:
    scenario: str
    chain_name: str
    store_prefix: str
    regions: tuple[RegionSpec, ...]
    stores: tuple[StoreSpec, ...]
    warehouses: tuple[WarehouseSpec, ...]
    categories: tuple[CategorySpec, ...]
    series: tuple[SeriesSpec, ...]
    products: tuple[ProductSpec, ...]
    skus: tuple[SkuSpec, ...]
    price_lists: tuple[PriceListSpec, ...]
    users: tuple[UserSpec, ...] = field(default=())
    stock: StockProfile | None = None


def cost_from_price(price: Decimal, rng, low: float = 0.45, high: float = 0.60) -> Decimal:
    """A purchase cost between `low` and `high` of the price (a chain's typical margin band)."""
    share = Decimal(rng.randint(round(low * 1000), round(high * 1000))) / 1000
    return cents(price * share)


def discounted(price: Decimal, share: Decimal) -> Decimal:
    """A promotional price: `share` of the list price, ending in 9 yuan as shelf prices do."""
    target = price * share
    if target >= 20:
        whole = int(target)
        whole -= (whole % 10 + 1) % 10  # round down to the nearest …9
        return cents(max(whole, 1))
    return cents(target)
