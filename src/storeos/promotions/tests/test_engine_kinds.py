"""The pricing engine, kind by kind: what each promotion takes off and how it explains it."""

import datetime as dt
from decimal import Decimal

from storeos.promotions.tests.conftest import AT
from storeos.sales.pricing import CartItem, price_cart

D = Decimal


def price(store, catalogue, *lines, member=None, at=AT, channel="pos", codes=()):
    return price_cart(
        store=store,
        channel=channel,
        items=[CartItem(sku=catalogue.sku(code), quantity=qty) for code, qty in lines],
        member_id=getattr(member, "pk", None),
        at=at,
        coupon_codes=list(codes),
    )


def amounts(cart):
    return [line.discount for line in cart.lines]


def test_percent_off_rounds_half_up_per_line_and_explains_itself(store, catalogue, promo):
    p = promo("percent_off", {"percent": "15"}, scope={"skus": [catalogue.sku("GUM").pk]})

    cart = price(store, catalogue, ("GUM", 1), ("MUG", 1))

    # 33.33 × 15 % = 4.9995 → 5.00
    assert amounts(cart) == [D("5.00"), D("0")]
    assert cart.lines[0].adjustments == [
        {
            "source": "promotion",
            "id": p.pk,
            "kind": "percent_off",
            "label": p.label,
            "amount": "5.00",
        }
    ]
    assert cart.total == D("38.33")


def test_amount_off_each_unit_never_below_zero(store, catalogue, promo):
    promo("amount_off", {"amount": "5.00"}, scope={"skus": [catalogue.sku("CANDY").pk]})

    cart = price(store, catalogue, ("CANDY", 3))

    assert (cart.lines[0].discount, cart.total) == (D("9.99"), D("0.00"))


def test_fixed_price_charges_the_price_and_never_raises_one(store, catalogue, promo):
    promo("fixed_price", {"price": "79.00"}, scope={"skus": [catalogue.sku("CAR").pk]})
    promo("fixed_price", {"price": "99.00"}, scope={"skus": [catalogue.sku("MUG").pk]})

    cart = price(store, catalogue, ("CAR", 2), ("MUG", 1))

    assert amounts(cart) == [D("42.00"), D("0")]


def test_tier_price_by_price_or_percentage_for_the_members_tier_only(
    store, catalogue, promo, member_at
):
    promo("tier_price", {"prices": {"gold": "80.00"}}, scope={"skus": [catalogue.sku("CAR").pk]})
    promo("tier_price", {"percents": {"silver": "10"}}, scope={"skus": [catalogue.sku("SET").pk]})

    gold = price(store, catalogue, ("CAR", 1), ("SET", 1), member=member_at("gold"))
    silver = price(store, catalogue, ("CAR", 1), ("SET", 1), member=member_at("silver"))
    nobody = price(store, catalogue, ("CAR", 1), ("SET", 1))

    # Gold: 20.00 off the car beats the 5 % member price (5.00); the set takes the member price.
    assert amounts(gold) == [D("20.00"), D("10.00")]
    # Silver: 2 % member price on the car (2.00); 10 % on the set (20.00) beats 2 % (4.00).
    assert amounts(silver) == [D("2.00"), D("20.00")]
    assert amounts(nobody) == [D("0"), D("0")]


def test_spend_save_every_300_take_50_repeats_and_is_allocated_by_line_total(
    store, catalogue, promo
):
    p = promo("spend_save", {"every": "300", "off": "50"})

    cart = price(store, catalogue, ("SET", 3), ("DOLL", 1))

    # 630.00 → two hundreds of 300 → 100.00, split 600 : 30.
    assert amounts(cart) == [D("95.24"), D("4.76")]
    assert cart.total == D("530.00")
    assert cart.adjustments == [
        {
            "source": "promotion",
            "id": p.pk,
            "kind": "spend_save",
            "label": p.label,
            "amount": "100.00",
        }
    ]


def test_spend_save_counts_the_prices_after_line_discounts(store, catalogue, promo):
    promo("percent_off", {"percent": "50"}, scope={"skus": [catalogue.sku("SET").pk]})
    promo("spend_save", {"tiers": [["200", "20"], ["500", "60"]]})

    cart = price(store, catalogue, ("SET", 3))

    # 600.00 − 300.00 = 300.00 reaches only the 200 tier.
    assert cart.total == D("280.00")


def test_buy_two_get_one_free_of_the_same_sku(store, catalogue, promo):
    promo(
        "buy_x_get_y",
        {"buy": 2, "get": 1, "percent": "100"},
        scope={"skus": [catalogue.sku("DOLL").pk]},
    )

    five = price(store, catalogue, ("DOLL", 5))
    six = price(store, catalogue, ("DOLL", 6))

    assert (five.total, six.total) == (D("120.00"), D("120.00"))


def test_buy_a_car_get_a_figure_at_half_price(store, catalogue, promo):
    promo(
        "buy_x_get_y",
        {"buy": 1, "get": 1, "get_sku": catalogue.sku("FIG").pk, "percent": "50"},
        scope={"skus": [catalogue.sku("CAR").pk]},
    )

    cart = price(store, catalogue, ("CAR", 1), ("FIG", 3))

    # One car buys one half-price figure: 19.90 × 50 % = 9.95.
    assert amounts(cart) == [D("0"), D("9.95")]


def test_second_item_at_half_price_counts_units_per_sku(store, catalogue, promo):
    promo("nth_item", {"nth": 2, "percent": "50"})

    cart = price(store, catalogue, ("MUG", 3), ("DOLL", 1), ("MUG", 1))

    # Four mugs on two lines: two at half price = 10.00, spread 30 : 10 → 7.50 / 2.50.
    assert amounts(cart) == [D("7.50"), D("0"), D("2.50")]


def test_bundle_price_repeats_for_complete_sets_and_is_split_by_price(store, catalogue, promo):
    car, truck = catalogue.sku("CAR"), catalogue.sku("TRUCK")
    promo("bundle", {"skus": [car.pk, truck.pk], "price": "120.00"})

    cart = price(store, catalogue, ("CAR", 2), ("TRUCK", 3))

    # Two sets: 2 × (150 − 120) = 60.00, split 100 : 50.
    assert amounts(cart) == [D("40.00"), D("20.00")]
    assert cart.total == D("290.00")


def test_a_bundle_missing_one_of_its_skus_gives_nothing(store, catalogue, promo):
    promo("bundle", {"skus": [catalogue.sku("CAR").pk, catalogue.sku("TRUCK").pk], "price": "1"})

    assert price(store, catalogue, ("CAR", 2)).total == D("200.00")


def test_a_gift_line_is_added_free_once_the_spend_after_discounts_is_reached(
    store, catalogue, promo
):
    gift = catalogue.sku("GIFT")
    p = promo("gift", {"sku": gift.pk, "quantity": 1, "min_amount": "300.00"})
    promo("percent_off", {"percent": "10"}, scope={"skus": [catalogue.sku("SET").pk]})

    short = price(store, catalogue, ("SET", 1), ("CAR", 1))  # 180 + 100 = 280 after discount
    enough = price(store, catalogue, ("SET", 2))  # 360

    assert len(short.lines) == 1 + 1
    last = enough.lines[-1]
    assert (last.sku, last.is_gift, last.unit_price, last.discount, last.line_total) == (
        gift,
        True,
        D("20.00"),
        D("20.00"),
        D("0.00"),
    )
    assert last.adjustments[0]["source"] == "gift" and last.adjustments[0]["id"] == p.pk
    assert enough.total == D("360.00")


def test_points_multiplier_changes_no_price_and_the_largest_wins(store, catalogue, promo):
    promo("points_multiplier", {"multiplier": "2"})
    p3 = promo("points_multiplier", {"multiplier": "3"}, scope={"skus": [catalogue.sku("CAR").pk]})

    cart = price(store, catalogue, ("CAR", 1))

    assert (cart.total, cart.points_multiplier) == (D("100.00"), D("3"))
    assert cart.adjustments == [
        {
            "source": "promotion",
            "id": p3.pk,
            "kind": "points_multiplier",
            "multiplier": "3",
            "label": p3.label,
            "amount": "0.00",
        }
    ]


def test_category_scope_covers_the_sub_tree_and_exclusions_win(store, catalogue, promo):
    toys, technic = catalogue.categories["toys"], catalogue.categories["technic"]
    promo(
        "percent_off",
        {"percent": "10"},
        scope={
            "categories": [toys.pk],
            "exclude_categories": [technic.pk],
            "exclude_skus": [catalogue.sku("DOLL").pk],
        },
    )

    cart = price(store, catalogue, ("CAR", 1), ("TRUCK", 1), ("DOLL", 1), ("FIG", 1), ("MUG", 1))

    # CAR (lego, under toys) and FIG; not TRUCK (technic excluded), DOLL (excluded), MUG (food).
    assert amounts(cart) == [D("10.00"), D("0"), D("0"), D("1.99"), D("0")]


def test_series_scope(store, catalogue, promo):
    promo("amount_off", {"amount": "1.00"}, scope={"series": [catalogue.series["TECHNIC"].pk]})

    assert amounts(price(store, catalogue, ("TRUCK", 2), ("CAR", 1))) == [D("2.00"), D("0")]


def test_conditions_channel_store_weekday_hours_and_dates(store, catalogue, promo):
    car = catalogue.sku("CAR").pk
    promo("amount_off", {"amount": "1.00"}, scope={"skus": [car]}, channels=["online_mall"])
    promo("amount_off", {"amount": "2.00"}, scope={"skus": [car]}, store_ids=[store.pk + 1])
    promo("amount_off", {"amount": "3.00"}, scope={"skus": [car]}, weekdays=[5, 6])
    promo("amount_off", {"amount": "4.00"}, scope={"skus": [car]}, hours=[18, 22])
    promo(
        "amount_off",
        {"amount": "5.00"},
        scope={"skus": [car]},
        starts_at=AT + dt.timedelta(hours=12),
        ends_at=AT + dt.timedelta(days=1),
    )
    promo("amount_off", {"amount": "0.50"}, scope={"skus": [car]}, weekdays=[2], hours=[9, 11])

    # A Wednesday at 10:00 in Shanghai, at the till of this store: only the last one holds.
    assert price(store, catalogue, ("CAR", 1)).total == D("99.50")
    # At 19:00 the evening one holds.
    assert price(store, catalogue, ("CAR", 1), at=AT.replace(hour=19)).total == D("96.00")


def test_member_conditions_tiers_tags_new_members_and_members_only(
    store, catalogue, promo, member_at
):
    from storeos.loyalty.models import MemberTag, TagDefinition

    car = catalogue.sku("CAR").pk
    fan = TagDefinition.objects.create(code="fan", name="Fan", kind="manual")
    promo("amount_off", {"amount": "1.00"}, scope={"skus": [car]}, members_only=True)
    promo("amount_off", {"amount": "2.00"}, scope={"skus": [car]}, tier_codes=["diamond"])
    promo("amount_off", {"amount": "3.00"}, scope={"skus": [car]}, tag_codes=["fan"])
    promo("amount_off", {"amount": "4.00"}, scope={"skus": [car]}, new_members_days=7)
    bronze = member_at("bronze")  # joined 10 days ago, no tags

    assert price(store, catalogue, ("CAR", 1)).total == D("100.00")
    assert price(store, catalogue, ("CAR", 1), member=bronze).total == D("99.00")
    MemberTag.objects.create(member=bronze, tag=fan, earned_at=AT)
    assert price(store, catalogue, ("CAR", 1), member=bronze).total == D("97.00")


def test_min_quantity_and_min_amount_count_the_goods_in_scope(store, catalogue, promo):
    promo(
        "percent_off", {"percent": "10"}, scope={"skus": [catalogue.sku("MUG").pk]}, min_quantity=3
    )
    promo(
        "amount_off",
        {"amount": "1.00"},
        scope={"skus": [catalogue.sku("DOLL").pk]},
        min_amount="60",
    )

    few = price(store, catalogue, ("MUG", 2), ("DOLL", 1), ("CAR", 5))
    enough = price(store, catalogue, ("MUG", 3), ("DOLL", 2))

    assert amounts(few) == [D("0"), D("0"), D("0")]
    assert amounts(enough) == [D("3.00"), D("2.00")]


def test_a_checkout_takes_the_gift_from_stock_at_no_charge(store, catalogue, promo):
    import uuid

    from storeos.core import clock
    from storeos.inventory.models import StockLevel
    from storeos.sales.checkout import CartLine, Tender, checkout

    gift = catalogue.sku("GIFT")
    promo("gift", {"sku": gift.pk, "quantity": 2, "min_amount": "100.00"})

    with clock.frozen(AT):
        order = checkout(
            actor=None,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(sku=catalogue.sku("CAR"), quantity=1)],
            payments=[Tender("cash", D("100.00"))],
        )

    gift_line = order.lines.get(sku=gift)
    assert (order.total, gift_line.quantity, gift_line.line_total) == (D("100.00"), 2, D("0.00"))
    assert StockLevel.objects.get(sku=gift).on_hand == 48
