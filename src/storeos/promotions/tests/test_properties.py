"""Properties of the pricing engine over random carts and a fixed set of promotions.

The promotion set mixes every line kind, stackable chains, a spend-and-save over everything and
one over food, a gift, an exclusive promotion and a points multiplier; hypothesis draws carts of
1–6 lines (any SKU of the catalogue, 1–4 each), with or without a gold member (whose 5 % member
discount competes) and with or without an unclaimed ¥5 coupon. For every cart:

1. 0 ≤ discount ≤ the undiscounted total (subtotal), and no line total is negative;
2. the line totals sum exactly to the order total, and each line's discount is exactly what its
   adjustments explain;
3. the same cart prices the same (determinism), and any permutation of its lines has the same
   total;
4. adding an item lowers the total by no more than that item's own promotions explain:

       total(cart + item) ≥ total(cart) − A

   where A is the sum of the adjustment amounts, on every line of the priced `cart + item`,
   whose source is a promotion, coupon or member discount whose reach includes the added SKU:
   a promotion's reach is its scope (empty: everything) plus the SKUs its rule names (a
   bundle's SKUs, a buy-X-get-Y's get SKU); a coupon's is its template's scope; the member
   discount reaches everything. A promotion that cannot touch the added SKU cannot make the
   cart cheaper.

Examples are bounded (max_examples=60, deadline=None); the promotions are created once per test
function and the examples run inside its transaction (pricing writes nothing).
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeos.catalog.models import Sku
from storeos.promotions.models import Promotion
from storeos.promotions.tests.conftest import (
    AT,
    CATALOGUE,
    coupon_make,
    member_at_tier,
    promotion_make,
)
from storeos.sales.pricing import CartItem, price_cart

CODES = [code for code, *_ in CATALOGUE]
ZERO = Decimal("0")
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

lines_strategy = st.lists(
    st.tuples(st.sampled_from(CODES), st.integers(min_value=1, max_value=4)),
    min_size=1,
    max_size=6,
)


@dataclass
class World:
    store: object
    catalogue: object
    member_id: int
    coupon_code: str
    promotions: list[Promotion]

    def price(self, lines, *, member: bool, coupon: bool):
        return price_cart(
            store=self.store,
            channel="pos",
            items=[CartItem(sku=self.catalogue.sku(code), quantity=q) for code, q in lines],
            member_id=self.member_id if member else None,
            at=AT,
            coupon_codes=[self.coupon_code] if coupon else [],
        )


def promotion_set(cat) -> list[Promotion]:
    sku = {code: s.pk for code, s in cat.skus.items()}
    cats = {key: c.pk for key, c in cat.categories.items()}
    return [
        promotion_make("percent_off", {"percent": "10"}, scope={"categories": [cats["toys"]]}),
        promotion_make(
            "percent_off",
            {"percent": "15"},
            scope={"categories": [cats["lego"]]},
            stackable=True,
            priority=10,
            stacking_group="a",
        ),
        promotion_make(
            "amount_off",
            {"amount": "5.00"},
            scope={"skus": [sku["TRUCK"], sku["CAR"]]},
            stackable=True,
            priority=5,
            stacking_group="b",
        ),
        promotion_make("fixed_price", {"price": "25.00"}, scope={"skus": [sku["DOLL"]]}),
        promotion_make("nth_item", {"nth": 2, "percent": "50"}, scope={"skus": [sku["MUG"]]}),
        promotion_make(
            "buy_x_get_y",
            {"buy": 2, "get": 1, "get_sku": None, "percent": "100"},
            scope={"skus": [sku["CANDY"]]},
        ),
        promotion_make(
            "buy_x_get_y",
            {"buy": 1, "get": 1, "get_sku": sku["GUM"], "percent": "50"},
            scope={"skus": [sku["SET"]]},
        ),
        promotion_make("bundle", {"skus": [sku["CAR"], sku["TRUCK"]], "price": "120.00"}),
        promotion_make("spend_save", {"tiers": [["200", "20"], ["500", "60"]]}),
        promotion_make(
            "spend_save",
            {"every": "30", "off": "3"},
            scope={"categories": [cats["food"]]},
            stackable=True,
            stacking_group="food",
        ),
        promotion_make("gift", {"sku": sku["GIFT"], "quantity": 1, "min_amount": "300.00"}),
        promotion_make(
            "percent_off", {"percent": "25"}, scope={"skus": [sku["FIG"]]}, exclusive=True
        ),
        promotion_make("points_multiplier", {"multiplier": "2"}),
    ]


@pytest.fixture
def world(catalogue, store, programme):
    promotions = promotion_set(catalogue)
    member = member_at_tier("gold")
    coupon = coupon_make({"value": Decimal("5")})
    return World(store, catalogue, member.pk, coupon.code, promotions)


def reach(source: str, ident: str, world: World, sku: Sku) -> bool:
    """Whether the promotion, coupon or member discount behind an adjustment reaches `sku`."""
    if source == "member":
        return True
    if source == "coupon":
        return scope_includes({}, sku)  # the property's coupon has no scope
    if source != "promotion":
        return False
    promotion = next((p for p in world.promotions if str(p.pk) == ident), None)
    if promotion is None:
        return False
    named = set(promotion.rule.get("skus", [])) | {promotion.rule.get("get_sku")}
    return sku.pk in named or scope_includes(promotion.scope, sku)


def scope_includes(scope: dict, sku: Sku) -> bool:
    if not scope:
        return True
    category_path = sku.product.category.path
    in_categories = any(f"/{c}/" in category_path for c in scope.get("categories", []))
    included = (
        in_categories
        or sku.pk in scope.get("skus", [])
        or sku.product.series_id in scope.get("series", [])
    )
    if not any(scope.get(key) for key in ("categories", "skus", "series")):
        included = True
    excluded = sku.pk in scope.get("exclude_skus", []) or any(
        f"/{c}/" in category_path for c in scope.get("exclude_categories", [])
    )
    return included and not excluded


def adjustment_sources(cart):
    for line in cart.lines:
        for adjustment in line.adjustments:
            yield str(adjustment["source"]), str(adjustment["id"]), Decimal(adjustment["amount"])


def snapshot(cart):
    return (
        cart.total,
        [(line.sku.pk, line.quantity, line.discount, line.is_gift) for line in cart.lines],
        cart.points_multiplier,
        list(cart.coupon_codes),
    )


@SETTINGS
@given(lines=lines_strategy, member=st.booleans(), coupon=st.booleans())
def test_discounts_stay_within_the_cart_and_lines_add_up(world, lines, member, coupon):
    cart = world.price(lines, member=member, coupon=coupon)

    assert ZERO <= cart.discount_total <= cart.subtotal
    assert cart.total >= ZERO
    assert all(line.line_total >= ZERO and line.discount >= ZERO for line in cart.lines)
    assert sum((line.line_total for line in cart.lines), ZERO) == cart.total
    for line in cart.lines:
        explained = sum((Decimal(a["amount"]) for a in line.adjustments), ZERO)
        assert explained == line.discount
        assert line.discount == line.discount.quantize(Decimal("0.01"))


@SETTINGS
@given(data=st.data(), lines=lines_strategy, member=st.booleans(), coupon=st.booleans())
def test_the_same_cart_prices_the_same_in_any_line_order(world, data, lines, member, coupon):
    first = world.price(lines, member=member, coupon=coupon)
    again = world.price(lines, member=member, coupon=coupon)
    permuted = data.draw(st.permutations(lines))
    shuffled = world.price(permuted, member=member, coupon=coupon)

    assert snapshot(again) == snapshot(first)
    assert shuffled.total == first.total
    assert shuffled.points_multiplier == first.points_multiplier


@SETTINGS
@given(
    lines=lines_strategy,
    added=st.tuples(st.sampled_from(CODES), st.integers(min_value=1, max_value=3)),
    member=st.booleans(),
    coupon=st.booleans(),
)
def test_adding_an_item_lowers_the_total_only_by_its_own_promotions(
    world, lines, added, member, coupon
):
    small = world.price(lines, member=member, coupon=coupon)
    big = world.price([*lines, added], member=member, coupon=coupon)

    sku = world.catalogue.sku(added[0])
    explained = sum(
        (
            amount
            for source, ident, amount in adjustment_sources(big)
            if reach(source, ident, world, sku)
        ),
        ZERO,
    )
    assert big.total >= small.total - explained
