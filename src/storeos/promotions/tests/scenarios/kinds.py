"""Pricing scenarios: every promotion kind on its own. The row format is in the package
docstring."""

from storeos.promotions.tests.scenarios.rules import TIERS_200_500_1000

ROWS = [
    # ------------------------------------------------------------------ every kind on its own
    # 2 × 100.00 = 200.00; 20 % → 40.00 off → 160.00
    dict(
        id="percent_off",
        lines=[("CAR", 2)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "20"}, scope={"skus": ["CAR"]})
        ],
        total="160.00",
        discounts=["40.00"],
        sources=[["p"]],
    ),
    # 3 × 50.00 = 150.00; ¥5 off each item → 15.00 off → 135.00
    dict(
        id="amount_off_each_item",
        lines=[("TRUCK", 3)],
        promotions=[
            dict(key="p", kind="amount_off", rule={"amount": "5.00"}, scope={"skus": ["TRUCK"]})
        ],
        total="135.00",
        discounts=["15.00"],
        sources=[["p"]],
    ),
    # ¥5 off each ¥3.33 item: never below zero → 2 × 3.33 = 6.66 off → 0.00
    dict(
        id="amount_off_capped_at_the_price",
        lines=[("CANDY", 2)],
        promotions=[
            dict(key="p", kind="amount_off", rule={"amount": "5.00"}, scope={"skus": ["CANDY"]})
        ],
        total="0.00",
        discounts=["6.66"],
    ),
    # DOLL at ¥19.90 instead of 30.00: (30.00 − 19.90) × 2 = 20.20 off → 60.00 − 20.20 = 39.80
    dict(
        id="fixed_price",
        lines=[("DOLL", 2)],
        promotions=[
            dict(key="p", kind="fixed_price", rule={"price": "19.90"}, scope={"skus": ["DOLL"]})
        ],
        total="39.80",
        discounts=["20.20"],
        sources=[["p"]],
    ),
    # a "fixed price" of 120.00 above the list price 100.00 gives nothing → 100.00
    dict(
        id="fixed_price_above_list_gives_nothing",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="p", kind="fixed_price", rule={"price": "120.00"}, scope={"skus": ["CAR"]})
        ],
        total="100.00",
        discounts=["0.00"],
        sources=[[]],
    ),
    # gold: tier price 89.00 (11.00 off) beats the gold member discount 5 % (5.00) → 89.00
    dict(
        id="tier_price_beats_member_discount",
        lines=[("CAR", 1)],
        member="gold",
        promotions=[
            dict(
                key="p",
                kind="tier_price",
                rule={"prices": {"gold": "89.00"}},
                scope={"skus": ["CAR"]},
            )
        ],
        total="89.00",
        discounts=["11.00"],
        sources=[["p"]],
    ),
    # gold: tier price 97.00 (3.00 off) loses to the member discount 5 % (5.00) → 95.00
    dict(
        id="member_discount_beats_tier_price",
        lines=[("CAR", 1)],
        member="gold",
        promotions=[
            dict(
                key="p",
                kind="tier_price",
                rule={"prices": {"gold": "97.00"}},
                scope={"skus": ["CAR"]},
            )
        ],
        total="95.00",
        discounts=["5.00"],
        sources=[["member"]],
    ),
    # diamond: tier percent 10 % beats member 8 % on each line:
    # CAR 10.00 (vs 8.00), MUG 1.00 (vs 0.80) → 110.00 − 11.00 = 99.00
    dict(
        id="tier_percent_beats_member_discount",
        lines=[("CAR", 1), ("MUG", 1)],
        member="diamond",
        promotions=[dict(key="p", kind="tier_price", rule={"percents": {"diamond": "10"}})],
        total="99.00",
        discounts=["10.00", "1.00"],
        sources=[["p"], ["p"]],
    ),
    # silver member, the tier price is for gold only: silver discount 2 % → 98.00
    dict(
        id="tier_price_for_another_tier",
        lines=[("CAR", 1)],
        member="silver",
        promotions=[
            dict(
                key="p",
                kind="tier_price",
                rule={"prices": {"gold": "89.00"}},
                scope={"skus": ["CAR"]},
            )
        ],
        total="98.00",
        discounts=["2.00"],
        sources=[["member"]],
    ),
    # gold, no promotion: CAR 5 % = 5.00, FIG 19.90 × 5 % = 0.995 → 1.00; 119.90 − 6.00 = 113.90
    dict(
        id="member_discount_alone",
        lines=[("CAR", 1), ("FIG", 1)],
        member="gold",
        promotions=[],
        total="113.90",
        discounts=["5.00", "1.00"],
        sources=[["member"], ["member"]],
    ),
    # gold: 10 % on CAR (10.00) beats member 5.00; MUG keeps the member 0.50 → 110 − 10.50 = 99.50
    dict(
        id="best_of_promotion_and_member_per_line",
        lines=[("CAR", 1), ("MUG", 1)],
        member="gold",
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "10"}, scope={"skus": ["CAR"]})
        ],
        total="99.50",
        discounts=["10.00", "0.50"],
        sources=[["p"], ["member"]],
    ),
    # 3 × 200.00 = 600.00 reaches the 500 tier → 60.00 off → 540.00
    dict(
        id="spend_save_tiers_middle",
        lines=[("SET", 3)],
        promotions=[dict(key="s", kind="spend_save", rule=TIERS_200_500_1000)],
        total="540.00",
        discounts=["60.00"],
        sources=[["s"]],
    ),
    # 5 × 200.00 = 1000.00 reaches the 1000 tier → 150.00 off → 850.00
    dict(
        id="spend_save_tiers_top",
        lines=[("SET", 5)],
        promotions=[dict(key="s", kind="spend_save", rule=TIERS_200_500_1000)],
        total="850.00",
        discounts=["150.00"],
    ),
    # 100.00 reaches no tier → 100.00
    dict(
        id="spend_save_below_the_first_tier",
        lines=[("CAR", 1)],
        promotions=[dict(key="s", kind="spend_save", rule=TIERS_200_500_1000)],
        total="100.00",
        discounts=["0.00"],
        sources=[[]],
    ),
    # 7 × 100.00 = 700.00; every 300 take 50: 2 × 50.00 = 100.00 off → 600.00
    dict(
        id="spend_save_repeating",
        lines=[("CAR", 7)],
        promotions=[dict(key="s", kind="spend_save", rule={"every": "300", "off": "50"})],
        total="600.00",
        discounts=["100.00"],
    ),
    # 100 + 50 + 30 + 19.90 = 199.90; every 100 take 10 → 10.00 off → 189.90; allocated by line
    # totals in cents: 1000 × (100, 50, 30, 19.90)/199.90 = 500.25, 250.13, 150.08, 99.55 →
    # floors 500 + 250 + 150 + 99 = 999, the last cent to the largest remainder (FIG .55)
    dict(
        id="spend_save_allocated_over_lines",
        lines=[("CAR", 1), ("TRUCK", 1), ("DOLL", 1), ("FIG", 1)],
        promotions=[dict(key="s", kind="spend_save", rule={"every": "100", "off": "10"})],
        total="189.90",
        discounts=["5.00", "2.50", "1.50", "1.00"],
        sources=[["s"], ["s"], ["s"], ["s"]],
    ),
    # three lines of 33.33 = 99.99 ≥ 90 → 10.00 off → 89.99; 1000 cents / 3 = 333.33 each →
    # 333 × 3 = 999, the leftover cent to the earliest line on the tie → 3.34, 3.33, 3.33
    dict(
        id="spend_save_ten_over_three_lines_of_33_33",
        lines=[("GUM", 1), ("GUM", 1), ("GUM", 1)],
        promotions=[dict(key="s", kind="spend_save", rule={"tiers": [["90", "10"]]})],
        total="89.99",
        discounts=["3.34", "3.33", "3.33"],
    ),
    # buy 2 get 1 free, same SKU: 3 × 10.00 → one free → 20.00
    dict(
        id="buy_x_get_y_same_sku_free",
        lines=[("MUG", 3)],
        promotions=[
            dict(
                key="b",
                kind="buy_x_get_y",
                rule={"buy": 2, "get": 1, "get_sku": None, "percent": "100"},
                scope={"skus": ["MUG"]},
            )
        ],
        total="20.00",
        discounts=["10.00"],
        sources=[["b"]],
    ),
    # buy 2 get 1 free on 7 MUGs: two whole sets of 3 (the 7th is a plain sale) → 20.00 off → 50.00
    dict(
        id="buy_x_get_y_same_sku_two_sets",
        lines=[("MUG", 7)],
        promotions=[
            dict(
                key="b",
                kind="buy_x_get_y",
                rule={"buy": 2, "get": 1, "get_sku": None, "percent": "100"},
                scope={"skus": ["MUG"]},
            )
        ],
        total="50.00",
        discounts=["20.00"],
    ),
    # buy 2 CAR get a MUG free: 200.00 + 10.00, the MUG free → 200.00 (the discount on the MUG)
    dict(
        id="buy_x_get_y_other_sku_free",
        lines=[("CAR", 2), ("MUG", 1)],
        promotions=[
            dict(
                key="b",
                kind="buy_x_get_y",
                rule={"buy": 2, "get": 1, "get_sku": "MUG", "percent": "100"},
                scope={"skus": ["CAR"]},
            )
        ],
        total="200.00",
        discounts=["0.00", "10.00"],
        sources=[[], ["b"]],
    ),
    # buy 1 TRUCK get a DOLL at half price: 2 sets → 2 × 15.00 = 30.00 off the DOLLs;
    # 100.00 + 60.00 − 30.00 = 130.00
    dict(
        id="buy_x_get_y_other_sku_half",
        lines=[("TRUCK", 2), ("DOLL", 2)],
        promotions=[
            dict(
                key="b",
                kind="buy_x_get_y",
                rule={"buy": 1, "get": 1, "get_sku": "DOLL", "percent": "50"},
                scope={"skus": ["TRUCK"]},
            )
        ],
        total="130.00",
        discounts=["0.00", "30.00"],
        sources=[[], ["b"]],
    ),
    # buy 2 CAR get a MUG free, 4 CARs but only one MUG: one whole set → 10.00 off → 400.00
    dict(
        id="buy_x_get_y_other_sku_limited_by_the_get_item",
        lines=[("CAR", 4), ("MUG", 1)],
        promotions=[
            dict(
                key="b",
                kind="buy_x_get_y",
                rule={"buy": 2, "get": 1, "get_sku": "MUG", "percent": "100"},
                scope={"skus": ["CAR"]},
            )
        ],
        total="400.00",
        discounts=["0.00", "10.00"],
    ),
    # second at half price: MUG × 2 → 5.00 off → 15.00
    dict(
        id="nth_item_second_half_price",
        lines=[("MUG", 2)],
        promotions=[
            dict(
                key="n", kind="nth_item", rule={"nth": 2, "percent": "50"}, scope={"skus": ["MUG"]}
            )
        ],
        total="15.00",
        discounts=["5.00"],
        sources=[["n"]],
    ),
    # every 2nd at half price: MUG × 5 → units 2 and 4 → 2 × 5.00 = 10.00 off → 40.00
    dict(
        id="nth_item_repeats_every_nth",
        lines=[("MUG", 5)],
        promotions=[
            dict(
                key="n", kind="nth_item", rule={"nth": 2, "percent": "50"}, scope={"skus": ["MUG"]}
            )
        ],
        total="40.00",
        discounts=["10.00"],
    ),
    # CAR + TRUCK (150.00) as a bundle for 120.00 → 30.00 off → 120.00
    dict(
        id="bundle_one_set",
        lines=[("CAR", 1), ("TRUCK", 1)],
        promotions=[
            dict(key="u", kind="bundle", rule={"skus": ["CAR", "TRUCK"], "price": "120.00"})
        ],
        total="120.00",
        sources=[["u"], ["u"]],
    ),
    # 2 CAR + 3 TRUCK: two whole sets → 2 × 30.00 = 60.00 off; 200 + 150 − 60 = 290.00
    dict(
        id="bundle_two_sets",
        lines=[("CAR", 2), ("TRUCK", 3)],
        promotions=[
            dict(key="u", kind="bundle", rule={"skus": ["CAR", "TRUCK"], "price": "120.00"})
        ],
        total="290.00",
    ),
    # CAR alone is no set → 200.00
    dict(
        id="bundle_incomplete",
        lines=[("CAR", 2)],
        promotions=[
            dict(key="u", kind="bundle", rule={"skus": ["CAR", "TRUCK"], "price": "120.00"})
        ],
        total="200.00",
        discounts=["0.00"],
    ),
    # 3 × 100.00 = 300.00 ≥ 300 → a free GIFT line (line total 0); the order stays 300.00
    dict(
        id="gift_with_purchase",
        lines=[("CAR", 3)],
        promotions=[
            dict(key="g", kind="gift", rule={"sku": "GIFT", "quantity": 1, "min_amount": "300.00"})
        ],
        total="300.00",
        gifts=[("GIFT", 1)],
    ),
    # 10 % on CAR first: 300.00 − 30.00 = 270.00 < 300 → no gift → 270.00
    dict(
        id="gift_threshold_after_line_discounts",
        lines=[("CAR", 3)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "10"}, scope={"skus": ["CAR"]}),
            dict(key="g", kind="gift", rule={"sku": "GIFT", "quantity": 1, "min_amount": "300.00"}),
        ],
        total="270.00",
        gifts=[],
    ),
    # points × 2 changes no price → 100.00, multiplier 2
    dict(
        id="points_multiplier",
        lines=[("CAR", 1)],
        promotions=[dict(key="m", kind="points_multiplier", rule={"multiplier": "2"})],
        total="100.00",
        discounts=["0.00"],
        points_multiplier="2",
    ),
]
