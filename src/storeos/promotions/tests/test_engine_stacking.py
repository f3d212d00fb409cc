"""How the engine combines promotions (docs/promotions.md): one line discount unless stackable,
stacking groups, exclusive promotions, limits and budgets, and the same cart giving the same
result whatever the order of its lines."""

from decimal import Decimal

from storeos.promotions.tests.conftest import promotion_use_make
from storeos.promotions.tests.test_engine_kinds import amounts, price

D = Decimal


def test_a_line_takes_only_its_best_discount(store, catalogue, promo):
    car = catalogue.sku("CAR").pk
    promo("percent_off", {"percent": "10"}, scope={"skus": [car]})
    best = promo("amount_off", {"amount": "15.00"}, scope={"skus": [car]})

    cart = price(store, catalogue, ("CAR", 1))

    assert [a["id"] for a in cart.lines[0].adjustments] == [best.pk]
    assert cart.total == D("85.00")


def test_stackable_promotions_combine_in_priority_order_on_what_is_left(store, catalogue, promo):
    car = catalogue.sku("CAR").pk
    first = promo(
        "amount_off", {"amount": "10.00"}, scope={"skus": [car]}, stackable=True, priority=5
    )
    second = promo("percent_off", {"percent": "10"}, scope={"skus": [car]}, stackable=True)

    cart = price(store, catalogue, ("CAR", 1))

    # 100 − 10 = 90, then 10 % of 90 = 9.
    assert [(a["id"], a["amount"]) for a in cart.lines[0].adjustments] == [
        (first.pk, "10.00"),
        (second.pk, "9.00"),
    ]
    assert cart.total == D("81.00")


def test_a_non_stackable_promotion_that_gives_more_beats_the_stack(store, catalogue, promo):
    car = catalogue.sku("CAR").pk
    promo("amount_off", {"amount": "10.00"}, scope={"skus": [car]}, stackable=True)
    promo("percent_off", {"percent": "10"}, scope={"skus": [car]}, stackable=True)
    promo("fixed_price", {"price": "75.00"}, scope={"skus": [car]})

    assert price(store, catalogue, ("CAR", 1)).total == D("75.00")


def test_stackable_promotions_of_one_stacking_group_do_not_combine(store, catalogue, promo):
    car = catalogue.sku("CAR").pk
    promo(
        "amount_off", {"amount": "10.00"}, scope={"skus": [car]}, stackable=True, stacking_group="x"
    )
    promo(
        "amount_off", {"amount": "8.00"}, scope={"skus": [car]}, stackable=True, stacking_group="x"
    )
    promo(
        "amount_off", {"amount": "1.00"}, scope={"skus": [car]}, stackable=True, stacking_group="y"
    )

    assert price(store, catalogue, ("CAR", 1)).total == D("89.00")


def test_the_member_price_is_one_candidate_and_does_not_stack(store, catalogue, promo, member_at):
    promo(
        "percent_off", {"percent": "3"}, scope={"skus": [catalogue.sku("CAR").pk]}, stackable=True
    )
    gold = member_at("gold")

    cart = price(store, catalogue, ("CAR", 1), ("SET", 1), member=gold)

    # Gold's 5 % beats the 3 % on the car; the set has only the member price.
    assert [[a["source"] for a in line.adjustments] for line in cart.lines] == [
        ["member"],
        ["member"],
    ]
    assert cart.total == D("285.00")


def test_equal_discounts_go_to_the_higher_priority_then_the_lower_id(store, catalogue, promo):
    car = catalogue.sku("CAR").pk
    promo("amount_off", {"amount": "10.00"}, scope={"skus": [car]})
    low_id = promo("amount_off", {"amount": "10.00"}, scope={"skus": [car]}, priority=1)
    promo("amount_off", {"amount": "10.00"}, scope={"skus": [car]}, priority=1)

    cart = price(store, catalogue, ("CAR", 1))

    assert cart.lines[0].adjustments[0]["id"] == low_id.pk


def test_a_bundle_wins_over_line_discounts_only_when_it_gives_more(store, catalogue, promo):
    car, truck = catalogue.sku("CAR").pk, catalogue.sku("TRUCK").pk
    promo("bundle", {"skus": [car, truck], "price": "130.00"})
    promo("percent_off", {"percent": "25"}, scope={"skus": [car]})

    # Bundle: 20.00 over both lines; 25 % on the car alone: 25.00 (+ truck full price).
    assert price(store, catalogue, ("CAR", 1), ("TRUCK", 1)).total == D("125.00")
    # Two trucks: the bundle takes one set (20.00) but blocks the 25 % on the car line.
    assert price(store, catalogue, ("CAR", 1), ("TRUCK", 2)).total == D("175.00")


def test_only_one_spend_save_unless_all_are_stackable_in_different_groups(store, catalogue, promo):
    promo("spend_save", {"every": "100", "off": "10"})
    promo("spend_save", {"tiers": [["300", "40"]]})

    assert price(store, catalogue, ("SET", 2)).total == D("360.00")

    promo("spend_save", {"every": "100", "off": "5"}, stackable=True, stacking_group="a")
    promo("spend_save", {"every": "100", "off": "4"}, stackable=True, stacking_group="b")
    # Still 40.00 alone beats 5 × 4 = 20 then 4 × 3.8 … (stacked 20.00 + 12.00 = 32.00).
    assert price(store, catalogue, ("SET", 2)).total == D("360.00")


def test_exclusive_promotion_is_kept_only_when_cheaper_and_combines_with_nothing(
    store, catalogue, promo, member_at
):
    car = catalogue.sku("CAR").pk
    promo("amount_off", {"amount": "10.00"}, scope={"skus": [car]})
    promo("spend_save", {"every": "100", "off": "10"})
    exclusive = promo("percent_off", {"percent": "30"}, scope={"skus": [car]}, exclusive=True)

    cart = price(store, catalogue, ("CAR", 1), ("MUG", 1), member=member_at("gold"))

    # Without: 10 off the car (beats gold's 5), 0.50 member price on the mug, then 10 off per
    # 100 of 99.50 → nothing: 99.50. Alone, the exclusive: 30 off → 80.00. Exclusive wins.
    assert cart.total == D("80.00")
    assert [a["id"] for line in cart.lines for a in line.adjustments] == [exclusive.pk]


def test_an_exclusive_promotion_that_saves_less_is_left_out(store, catalogue, promo):
    car = catalogue.sku("CAR").pk
    shared = promo("amount_off", {"amount": "10.00"}, scope={"skus": [car]})
    promo("amount_off", {"amount": "10.00"}, scope={"skus": [car]}, exclusive=True, priority=9)

    cart = price(store, catalogue, ("CAR", 1))

    # A tie: the cart without the exclusive one is kept.
    assert [a["id"] for a in cart.lines[0].adjustments] == [shared.pk]
    assert cart.total == D("90.00")


def test_total_uses_and_per_member_uses_running_out_remove_the_promotion(
    store, catalogue, promo, member_at
):
    car = catalogue.sku("CAR").pk
    member = member_at("bronze")
    total = promo("amount_off", {"amount": "10.00"}, scope={"skus": [car]}, total_uses=1)
    mine = promo("amount_off", {"amount": "5.00"}, scope={"skus": [car]}, per_member_uses=1)

    assert price(store, catalogue, ("CAR", 1), member=member).total == D("90.00")
    promotion_use_make(total, None, "10.00")
    assert price(store, catalogue, ("CAR", 1), member=member).total == D("95.00")
    promotion_use_make(mine, member.pk, "5.00")
    assert price(store, catalogue, ("CAR", 1), member=member).total == D("100.00")
    # Somebody else still has their use of the per-member one.
    assert price(store, catalogue, ("CAR", 1), member=member_at("bronze")).total == D("95.00")


def test_a_promotion_whose_discount_would_overdraw_its_budget_does_not_take_part(
    store, catalogue, promo
):
    car = catalogue.sku("CAR").pk
    limited = promo("percent_off", {"percent": "20"}, scope={"skus": [car]}, budget="50.00")
    promo("percent_off", {"percent": "5"}, scope={"skus": [car]})

    assert price(store, catalogue, ("CAR", 2)).total == D("160.00")  # 40 ≤ 50
    promotion_use_make(limited, None, "20.00")  # 30 left
    assert price(store, catalogue, ("CAR", 2)).total == D("190.00")  # 40 > 30: the 5 % instead
    assert price(store, catalogue, ("CAR", 1)).total == D("80.00")  # 20 ≤ 30


def test_the_same_cart_in_any_line_order_gives_the_same_total(store, catalogue, promo):
    car, truck, doll = (catalogue.sku(c).pk for c in ("CAR", "TRUCK", "DOLL"))
    promo("bundle", {"skus": [car, truck], "price": "120.00"})
    promo("percent_off", {"percent": "15"}, scope={"skus": [car, doll]}, stackable=True)
    promo("amount_off", {"amount": "3.00"}, scope={"skus": [doll]}, stackable=True)
    promo("nth_item", {"nth": 2, "percent": "50"}, scope={"skus": [doll]})
    promo("spend_save", {"every": "100", "off": "7"})
    lines = [("CAR", 2), ("TRUCK", 1), ("DOLL", 3), ("GUM", 1)]

    forward = price(store, catalogue, *lines)
    again = price(store, catalogue, *lines)
    backward = price(store, catalogue, *reversed(lines))

    assert forward.total == again.total == backward.total
    assert amounts(forward) == amounts(again)
    assert amounts(forward) == list(reversed(amounts(backward)))


def test_every_line_explains_its_discount_to_the_cent_and_no_line_goes_negative(
    store, catalogue, promo
):
    promo("percent_off", {"percent": "33"}, stackable=True)
    promo("amount_off", {"amount": "1.11"}, stackable=True)
    promo("spend_save", {"every": "7", "off": "3"})
    lines = [("CANDY", 7), ("GUM", 3), ("FIG", 1), ("MUG", 2)]

    cart = price(store, catalogue, *lines)

    for line in cart.lines:
        assert sum(D(a["amount"]) for a in line.adjustments) == line.discount
        assert D("0") <= line.line_total <= line.gross
    assert sum(line.line_total for line in cart.lines) == cart.total
    assert cart.discount_total <= cart.subtotal
