"""The one pricing function every channel's checkout calls.

It charges the list or price-list price in force, and the promotions engine
(`storeos.promotions.engine`) takes off the promotions, the member's price and the coupons,
filling each line's discount and its explanation. Every channel calls this one function.
Prices are tax-inclusive, as on Chinese retail shelves: tax is the part of the line total that
the rate accounts for.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from storeos.catalog.models import Sku
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
    # [{"source": "promotion" | "coupon" | "member" | "gift", "id": promotion id, coupon code or
    #   tier code, "kind": promotion kind, "label": …, "amount": "…"}]
    adjustments: list[dict] = field(default_factory=list)
    # A free gift the engine added (not asked for by the customer): taken from stock, free.
    is_gift: bool = False

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
    # The cart's lines in the order given, then any free gift lines the engine added.
    lines: list[PricedLine]
    # Order-level explanations: spend-and-save and coupons (also allocated to the lines' own
    # adjustments), gifts and points multipliers.
    adjustments: list[dict] = field(default_factory=list)
    # Coupon codes the price includes (checkout redeems them).
    coupon_codes: list[str] = field(default_factory=list)
    points_multiplier: Decimal = Decimal("1")

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
    coupon_codes: list[str] | tuple = (),
) -> PricedCart:
    """Price a cart for a store and channel; the server's prices, never the client's. The
    promotions engine applies the promotions, the member's price and the coupons."""
    from storeos.promotions.engine import cart_price

    return cart_price(
        store=store,
        channel=channel,
        items=items,
        member_id=member_id,
        at=at,
        coupon_codes=coupon_codes,
    )


def price_order(**arguments) -> PricedCart:
    """`price_cart` for an order being recorded: its explanations are written in the chain's
    language (LANGUAGE_CODE) whatever the till's, so receipts and reports read the same."""
    with translation.override(settings.LANGUAGE_CODE):
        return price_cart(**arguments)


def price_cart_listed(
    *, store: Store, channel: str, items: list[CartItem], at: dt.datetime
) -> PricedCart:
    """The cart at the list or price-list price in force at `at`, with no promotion, member
    price or coupon: what an offline till charges (sales.checkout)."""
    from storeos.catalog.selectors import prices_for

    prices = prices_for(skus=[item.sku for item in items], store=store, channel=channel, at=at)
    return PricedCart(
        lines=[
            PricedLine(sku=item.sku, quantity=item.quantity, unit_price=prices[item.sku.pk])
            for item in items
        ]
    )
