"""The one pricing function every channel's checkout calls.

Today it charges the list or price-list price in force; the promotions engine replaces the body
of `price_cart` (and fills each line's discount and its explanation) without any caller changing.
Prices are tax-inclusive, as on Chinese retail shelves: tax is the part of the line total that
the rate accounts for.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from storeos.catalog.models import Sku
from storeos.catalog.selectors import prices_for
from storeos.core.money import ZERO, quantize
from storeos.stores.models import Store


@dataclass(frozen=True)
class CartItem:
    sku: Sku
    quantity: int


@dataclass
class PricedLine:
    sku: Sku
    quantity: int
    unit_price: Decimal
    discount: Decimal = ZERO
    # [{"source": "promotion" | "coupon" | "member", "id": …, "label": …, "amount": "…"}]
    adjustments: list[dict] = field(default_factory=list)

    @property
    def gross(self) -> Decimal:
        return quantize(self.unit_price * self.quantity)

    @property
    def line_total(self) -> Decimal:
        return self.gross - self.discount

    @property
    def tax_amount(self) -> Decimal:
        rate = Decimal(self.sku.tax_rate)
        return quantize(self.line_total * rate / (1 + rate))


@dataclass
class PricedCart:
    lines: list[PricedLine]
    # Order-level explanations (spend-and-save, coupons) once promotions exist.
    adjustments: list[dict] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.gross for line in self.lines), ZERO)

    @property
    def discount_total(self) -> Decimal:
        return sum((line.discount for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount_total

    @property
    def tax_total(self) -> Decimal:
        return sum((line.tax_amount for line in self.lines), ZERO)


def price_cart(
    *,
    store: Store,
    channel: str,
    items: list[CartItem],
    member_id: int | None = None,
    at: dt.datetime | None = None,
) -> PricedCart:
    """Price a cart for a store and channel; the server's prices, never the client's."""
    prices = prices_for(skus=[item.sku for item in items], store=store, channel=channel, at=at)
    return PricedCart(
        lines=[
            PricedLine(sku=item.sku, quantity=item.quantity, unit_price=prices[item.sku.pk])
            for item in items
        ]
    )
