"""The pricing scenario table: carts with exact expected totals, worked out by hand from the
stacking policy in docs/promotions.md (the arithmetic is in the comment above each row).

Data only; test_scenarios.py builds each row and prices it through sales.pricing.price_cart.

Catalogue (conftest.py): CAR 100.00 (lego, CITY), SET 200.00 (lego, CITY), TRUCK 50.00
(technic ⊂ lego ⊂ toys, TECHNIC), DOLL 30.00 (toys), FIG 19.90 (toys), CANDY 3.33, GUM 33.33,
MUG 10.00, GIFT 20.00 (food). Tier member discounts: bronze 0, silver 2 %, gold 5 %, diamond 8 %.
Priced at AT = Wednesday 2026-06-03 10:00 Asia/Shanghai on "pos" unless a row says otherwise.

A row:
  id            the test id
  lines         [(sku code, quantity)] in cart order
  member        None or the member's tier code
  channel, at   "pos" / AT unless given ("YYYY-MM-DDTHH:MM", Shanghai wall clock)
  promotions    [{"key", "kind", "rule", **Promotion fields}]; in rules and scopes SKUs are codes,
                categories the keys toys/lego/technic/food, series CITY/TECHNIC; store_ids
                "this" / "other"
  uses          earlier paid uses: [{"promo": key, "who": "member" | "other" | None,
                "discount": "…"}]
  coupons       [{"key", "template": {CouponTemplate fields}, "state": "available" (default) |
                "used" | "expired" | "unknown" | "other_member" | "unclaimed"}, with
                optionally "code": the code it is given (to fix which sorts first)]
  total         the order total, to the cent
  discounts     (optional) each cart line's discount, in cart order
  sources       (optional) each cart line's adjustment sources (promotion / coupon keys,
                "member")
  gifts         (optional) [(sku code, quantity)] free lines the engine adds; none otherwise
  points_multiplier (optional)
  coupons_applied  (optional) the coupon keys the price includes
  error         (optional) the refusal code instead of a price
"""

TIERS_200_500_1000 = {"tiers": [["200", "20"], ["500", "60"], ["1000", "150"]]}

SCENARIOS = [
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
    # ------------------------------------------------------------------------------ stacking
    # one line discount, the best: 10 % = 2 × 10.00 = 20.00 vs ¥15 each = 30.00 → 170.00
    dict(
        id="best_of_two_on_a_line",
        lines=[("CAR", 2)],
        promotions=[
            dict(key="p1", kind="percent_off", rule={"percent": "10"}),
            dict(key="p2", kind="amount_off", rule={"amount": "15.00"}),
        ],
        total="170.00",
        discounts=["30.00"],
        sources=[["p2"]],
    ),
    # stackable, priority 10 then 5: 100 − 10 % = 90.00, then − 5.00 = 85.00 (15.00 off)
    dict(
        id="stackable_chain_percent_first",
        lines=[("CAR", 1)],
        promotions=[
            dict(
                key="p1",
                kind="percent_off",
                rule={"percent": "10"},
                stackable=True,
                priority=10,
                stacking_group="a",
            ),
            dict(
                key="p2",
                kind="amount_off",
                rule={"amount": "5.00"},
                stackable=True,
                priority=5,
                stacking_group="b",
            ),
        ],
        total="85.00",
        discounts=["15.00"],
        sources=[["p1", "p2"]],
    ),
    # the amount first (priority 10): 100 − 5 = 95.00, then 10 % of 95.00 = 9.50 → 85.50
    # (14.50 beats either alone: 10.00 or 5.00)
    dict(
        id="stackable_chain_amount_first",
        lines=[("CAR", 1)],
        promotions=[
            dict(
                key="p1",
                kind="percent_off",
                rule={"percent": "10"},
                stackable=True,
                priority=5,
                stacking_group="a",
            ),
            dict(
                key="p2",
                kind="amount_off",
                rule={"amount": "5.00"},
                stackable=True,
                priority=10,
                stacking_group="b",
            ),
        ],
        total="85.50",
        discounts=["14.50"],
        sources=[["p1", "p2"]],
    ),
    # FIG 19.90: 15 % = 2.985 → 2.99 → 16.91; 15 % of 16.91 = 2.5365 → 2.54 → 14.37
    dict(
        id="stackable_chain_rounds_each_step",
        lines=[("FIG", 1)],
        promotions=[
            dict(
                key="p1",
                kind="percent_off",
                rule={"percent": "15"},
                stackable=True,
                priority=10,
                stacking_group="a",
            ),
            dict(
                key="p2",
                kind="percent_off",
                rule={"percent": "15"},
                stackable=True,
                priority=5,
                stacking_group="b",
            ),
        ],
        total="14.37",
        discounts=["5.53"],
    ),
    # same stacking group: no combining; the best alone: 10.00 vs 5.00 → 90.00
    dict(
        id="same_stacking_group_does_not_combine",
        lines=[("CAR", 1)],
        promotions=[
            dict(
                key="p1",
                kind="percent_off",
                rule={"percent": "10"},
                stackable=True,
                priority=10,
                stacking_group="g",
            ),
            dict(
                key="p2",
                kind="amount_off",
                rule={"amount": "5.00"},
                stackable=True,
                priority=5,
                stacking_group="g",
            ),
        ],
        total="90.00",
        discounts=["10.00"],
        sources=[["p1"]],
    ),
    # stackable pair 10 % + ¥5 = 15.00 vs a non-stackable ¥20 alone = 20.00 → 80.00
    dict(
        id="non_stackable_beats_a_stacked_pair",
        lines=[("CAR", 1)],
        promotions=[
            dict(
                key="p1",
                kind="percent_off",
                rule={"percent": "10"},
                stackable=True,
                priority=10,
                stacking_group="a",
            ),
            dict(
                key="p2",
                kind="amount_off",
                rule={"amount": "5.00"},
                stackable=True,
                priority=5,
                stacking_group="b",
            ),
            dict(key="p3", kind="amount_off", rule={"amount": "20.00"}),
        ],
        total="80.00",
        discounts=["20.00"],
        sources=[["p3"]],
    ),
    # gold: stacked 4 % (4.00) + ¥2 = 6.00 beats the member discount 5.00 (not stackable) → 94.00
    dict(
        id="stacked_pair_beats_member_discount",
        lines=[("CAR", 1)],
        member="gold",
        promotions=[
            dict(
                key="p1",
                kind="percent_off",
                rule={"percent": "4"},
                stackable=True,
                priority=10,
                stacking_group="a",
            ),
            dict(
                key="p2",
                kind="amount_off",
                rule={"amount": "2.00"},
                stackable=True,
                priority=5,
                stacking_group="b",
            ),
        ],
        total="94.00",
        discounts=["6.00"],
        sources=[["p1", "p2"]],
    ),
    # a bundle (30.00 over CAR+TRUCK) vs 10 % on CAR (10.00): one line discount per line → bundle
    dict(
        id="bundle_beats_percent_on_a_shared_line",
        lines=[("CAR", 1), ("TRUCK", 1)],
        promotions=[
            dict(key="u", kind="bundle", rule={"skus": ["CAR", "TRUCK"], "price": "120.00"}),
            dict(key="p", kind="percent_off", rule={"percent": "10"}, scope={"skus": ["CAR"]}),
        ],
        total="120.00",
        sources=[["u"], ["u"]],
    ),
    # buy 2 get 1 free (10.00) vs 20 % on the MUG line (6.00) → 10.00 → 20.00
    dict(
        id="buy_x_get_y_beats_percent",
        lines=[("MUG", 3)],
        promotions=[
            dict(
                key="b",
                kind="buy_x_get_y",
                rule={"buy": 2, "get": 1, "get_sku": None, "percent": "100"},
                scope={"skus": ["MUG"]},
            ),
            dict(key="p", kind="percent_off", rule={"percent": "20"}, scope={"skus": ["MUG"]}),
        ],
        total="20.00",
        discounts=["10.00"],
        sources=[["b"]],
    ),
    # 5 % on CAR: 190.00 + MUG 10.00 = 200.00 ≥ 200 → 20.00 off, allocated 190:10 → 19.00, 1.00;
    # CAR 10.00 + 19.00 = 29.00, MUG 1.00 → 180.00
    dict(
        id="spend_save_on_prices_after_line_discounts",
        lines=[("CAR", 2), ("MUG", 1)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "5"}, scope={"skus": ["CAR"]}),
            dict(key="s", kind="spend_save", rule=TIERS_200_500_1000),
        ],
        total="180.00",
        discounts=["29.00", "1.00"],
        sources=[["p", "s"], ["s"]],
    ),
    # 15 % on CAR: 170.00 + 10.00 = 180.00 < 200 → no spend-and-save → 180.00
    dict(
        id="spend_save_missed_after_line_discounts",
        lines=[("CAR", 2), ("MUG", 1)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "15"}, scope={"skus": ["CAR"]}),
            dict(key="s", kind="spend_save", rule=TIERS_200_500_1000),
        ],
        total="180.00",
        discounts=["30.00", "0.00"],
        sources=[["p"], []],
    ),
    # gold: member 5 % → 285.00 ≥ 200 → 20.00 off → 265.00
    dict(
        id="spend_save_after_member_discount",
        lines=[("CAR", 3)],
        member="gold",
        promotions=[dict(key="s", kind="spend_save", rule=TIERS_200_500_1000)],
        total="265.00",
        discounts=["35.00"],
        sources=[["member", "s"]],
    ),
    # scope food: every 30 take 5 on GUM 99.99 → 3 × 5.00 = 15.00, all on GUM; CAR 100.00
    # → 199.99 − 15.00 = 184.99
    dict(
        id="spend_save_over_its_scope_only",
        lines=[("CAR", 1), ("GUM", 3)],
        promotions=[
            dict(
                key="s",
                kind="spend_save",
                rule={"every": "30", "off": "5"},
                scope={"categories": ["food"]},
            )
        ],
        total="184.99",
        discounts=["0.00", "15.00"],
        sources=[[], ["s"]],
    ),
    # two spend-and-saves, both stackable, different groups: 300.00 → every 100 take 10 = 30.00,
    # and 200 − 15 = 15.00 (300 or 270 both reach 200) → 45.00 off → 255.00
    dict(
        id="two_spend_saves_stackable",
        lines=[("CAR", 3)],
        promotions=[
            dict(
                key="s1",
                kind="spend_save",
                rule={"every": "100", "off": "10"},
                stackable=True,
                stacking_group="a",
            ),
            dict(
                key="s2",
                kind="spend_save",
                rule={"tiers": [["200", "15"]]},
                stackable=True,
                stacking_group="b",
            ),
        ],
        total="255.00",
        discounts=["45.00"],
        sources=[["s1", "s2"]],
    ),
    # not stackable: at most one, the better: 30.00 vs 15.00 → 270.00
    dict(
        id="two_spend_saves_not_stackable",
        lines=[("CAR", 3)],
        promotions=[
            dict(key="s1", kind="spend_save", rule={"every": "100", "off": "10"}),
            dict(key="s2", kind="spend_save", rule={"tiers": [["200", "15"]]}),
        ],
        total="270.00",
        sources=[["s1"]],
    ),
    # stackable but one stacking group: the better one alone → 270.00
    dict(
        id="two_spend_saves_same_group",
        lines=[("CAR", 3)],
        promotions=[
            dict(
                key="s1",
                kind="spend_save",
                rule={"every": "100", "off": "10"},
                stackable=True,
                stacking_group="g",
            ),
            dict(
                key="s2",
                kind="spend_save",
                rule={"tiers": [["200", "15"]]},
                stackable=True,
                stacking_group="g",
            ),
        ],
        total="270.00",
        sources=[["s1"]],
    ),
    # exclusive 25 % on CAR alone: 110 − 25 = 85.00; without it 10 % on all: 99.00 → 85.00
    dict(
        id="exclusive_wins_over_the_rest",
        lines=[("CAR", 1), ("MUG", 1)],
        promotions=[
            dict(
                key="x",
                kind="percent_off",
                rule={"percent": "25"},
                scope={"skus": ["CAR"]},
                exclusive=True,
            ),
            dict(key="p", kind="percent_off", rule={"percent": "10"}),
        ],
        total="85.00",
        discounts=["25.00", "0.00"],
        sources=[["x"], []],
    ),
    # exclusive 5 % on CAR alone: 105.00; without it 10 % on all: 99.00 → 99.00
    dict(
        id="exclusive_loses_to_the_rest",
        lines=[("CAR", 1), ("MUG", 1)],
        promotions=[
            dict(
                key="x",
                kind="percent_off",
                rule={"percent": "5"},
                scope={"skus": ["CAR"]},
                exclusive=True,
            ),
            dict(key="p", kind="percent_off", rule={"percent": "10"}),
        ],
        total="99.00",
        discounts=["10.00", "1.00"],
        sources=[["p"], ["p"]],
    ),
    # gold: exclusive 4 % (no member discount with it) = 96.00 vs member 5 % = 95.00 → 95.00
    dict(
        id="exclusive_does_not_combine_with_member_discount",
        lines=[("CAR", 1)],
        member="gold",
        promotions=[dict(key="x", kind="percent_off", rule={"percent": "4"}, exclusive=True)],
        total="95.00",
        sources=[["member"]],
    ),
    # exclusive 20 % = 80.00 vs (no exclusive) the ¥15 coupon = 85.00 → 80.00, coupon not used
    dict(
        id="exclusive_beats_a_coupon",
        lines=[("CAR", 1)],
        promotions=[dict(key="x", kind="percent_off", rule={"percent": "20"}, exclusive=True)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "15"})],
        total="80.00",
        sources=[["x"]],
        coupons_applied=[],
    ),
    # exclusive 20 % = 80.00 vs 10 % (90.00) then the ¥15 coupon = 75.00 → 75.00
    dict(
        id="promotion_and_coupon_beat_an_exclusive",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="x", kind="percent_off", rule={"percent": "20"}, exclusive=True),
            dict(key="p", kind="percent_off", rule={"percent": "10"}),
        ],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "15"})],
        total="75.00",
        discounts=["25.00"],
        sources=[["p", "c"]],
        coupons_applied=["c"],
    ),
    # ------------------------------------------------------------------------------- coupons
    # ¥20 coupon on 100.00 → 80.00
    dict(
        id="coupon_amount_off",
        lines=[("CAR", 1)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "20"})],
        total="80.00",
        discounts=["20.00"],
        sources=[["c"]],
        coupons_applied=["c"],
    ),
    # 10 % coupon on 110.00 → 11.00, allocated 100:10 → 10.00, 1.00 → 99.00
    dict(
        id="coupon_percent_off",
        lines=[("CAR", 1), ("MUG", 1)],
        coupons=[dict(key="c", template={"kind": "percent_off", "value": "10"})],
        total="99.00",
        discounts=["10.00", "1.00"],
        sources=[["c"], ["c"]],
    ),
    # gold member: member 5 % → 95.00, then the 10 % coupon on 95.00 = 9.50 → 85.50
    dict(
        id="coupon_after_member_discount",
        lines=[("CAR", 1)],
        member="gold",
        coupons=[dict(key="c", template={"kind": "percent_off", "value": "10"})],
        total="85.50",
        discounts=["14.50"],
        sources=[["member", "c"]],
    ),
    # 10 % promotion → 90.00, then the 10 % coupon on 90.00 = 9.00 → 81.00
    dict(
        id="coupon_after_promotions",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "10"})],
        coupons=[dict(key="c", template={"kind": "percent_off", "value": "10"})],
        total="81.00",
        discounts=["19.00"],
        sources=[["p", "c"]],
    ),
    # free MUG coupon: one of the two MUGs free → 100 + 20 − 10 = 110.00
    dict(
        id="coupon_free_item",
        lines=[("CAR", 1), ("MUG", 2)],
        coupons=[dict(key="c", template={"kind": "free_item", "value": "0", "free_sku": "MUG"})],
        total="110.00",
        discounts=["0.00", "10.00"],
        sources=[[], ["c"]],
    ),
    # free MUG coupon, no MUG in the cart → refused
    dict(
        id="coupon_free_item_missing",
        lines=[("CAR", 1)],
        coupons=[dict(key="c", template={"kind": "free_item", "value": "0", "free_sku": "MUG"})],
        error="coupon_item_missing",
    ),
    # ¥15 off from 100: 100.00 ≥ 100 → 85.00
    dict(
        id="coupon_min_spend_met",
        lines=[("CAR", 1)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "15", "min_spend": "100"})],
        total="85.00",
    ),
    # ¥15 off from 100: 50.00 < 100 → refused
    dict(
        id="coupon_min_spend_not_met",
        lines=[("TRUCK", 1)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "15", "min_spend": "100"})],
        error="coupon_min_spend_not_met",
    ),
    # the minimum counts after promotions: 100 − 10 % = 90.00 < 100 → refused
    dict(
        id="coupon_min_spend_counts_after_promotions",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "10"})],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "15", "min_spend": "100"})],
        error="coupon_min_spend_not_met",
    ),
    # the minimum counts the coupon's scope: food GUM 99.99 < 100 (the CAR does not count) → refused
    dict(
        id="coupon_min_spend_counts_its_scope",
        lines=[("CAR", 1), ("GUM", 3)],
        coupons=[
            dict(
                key="c",
                template={
                    "kind": "amount_off",
                    "value": "10",
                    "min_spend": "100",
                    "scope": {"categories": ["food"]},
                },
            )
        ],
        error="coupon_min_spend_not_met",
    ),
    # 10 % coupon on food only: GUM 99.99 × 10 % = 9.999 → 10.00; 199.99 − 10.00 = 189.99
    dict(
        id="coupon_scope_category",
        lines=[("CAR", 1), ("GUM", 3)],
        coupons=[
            dict(
                key="c",
                template={"kind": "percent_off", "value": "10", "scope": {"categories": ["food"]}},
            )
        ],
        total="189.99",
        discounts=["0.00", "10.00"],
        sources=[[], ["c"]],
    ),
    # ¥10 coupon over three lines of 33.33: 3.34, 3.33, 3.33 (as the spend-and-save row) → 89.99
    dict(
        id="coupon_ten_over_three_lines_of_33_33",
        lines=[("GUM", 1), ("GUM", 1), ("GUM", 1)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "10"})],
        total="89.99",
        discounts=["3.34", "3.33", "3.33"],
    ),
    # two coupons that both stack: 10.00 + 5.00 → 85.00
    dict(
        id="two_stackable_coupons",
        lines=[("CAR", 1)],
        coupons=[
            dict(key="c1", template={"kind": "amount_off", "value": "10", "stackable": True}),
            dict(key="c2", template={"kind": "amount_off", "value": "5", "stackable": True}),
        ],
        total="85.00",
        sources=[["c1", "c2"]],
        coupons_applied=["c1", "c2"],
    ),
    # two coupons, not both stackable → refused
    dict(
        id="two_coupons_not_stackable",
        lines=[("CAR", 1)],
        coupons=[
            dict(key="c1", template={"kind": "amount_off", "value": "10", "stackable": True}),
            dict(key="c2", template={"kind": "amount_off", "value": "5"}),
        ],
        error="coupon_not_stackable",
    ),
    # with spend-and-save: 300 → 270.00 (every 100 take 10), then the ¥20 coupon → 250.00
    dict(
        id="coupon_after_spend_save",
        lines=[("CAR", 3)],
        promotions=[dict(key="s", kind="spend_save", rule={"every": "100", "off": "10"})],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "20"})],
        total="250.00",
        sources=[["s", "c"]],
    ),
    dict(
        id="coupon_expired",
        lines=[("CAR", 1)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "20"}, state="expired")],
        error="coupon_expired",
    ),
    dict(
        id="coupon_used",
        lines=[("CAR", 1)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "20"}, state="used")],
        error="coupon_used",
    ),
    dict(
        id="coupon_unknown",
        lines=[("CAR", 1)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "20"}, state="unknown")],
        error="coupon_not_found",
    ),
    dict(
        id="coupon_of_another_member",
        lines=[("CAR", 1)],
        member="bronze",
        coupons=[
            dict(key="c", template={"kind": "amount_off", "value": "20"}, state="other_member")
        ],
        error="coupon_not_yours",
    ),
    # ------------------------------------------------------------------------------ rounding
    # 3 × 3.33 = 9.99; 15 % = 1.4985 → 1.50 → 8.49
    dict(
        id="rounding_three_at_3_33_fifteen_percent",
        lines=[("CANDY", 3)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "15"})],
        total="8.49",
        discounts=["1.50"],
    ),
    # 3 × 19.90 = 59.70; 15 % on the line = 8.955 → 8.96 (not 3 × 2.99) → 50.74
    dict(
        id="rounding_once_per_line_not_per_unit",
        lines=[("FIG", 3)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "15"})],
        total="50.74",
        discounts=["8.96"],
    ),
    # -------------------------------------------------------------------------------- scopes
    # 10 % on the toys sub-tree: CAR 10 + TRUCK 5 + DOLL 3 (MUG is food) → 190 − 18 = 172.00
    dict(
        id="scope_category_subtree",
        lines=[("CAR", 1), ("TRUCK", 1), ("DOLL", 1), ("MUG", 1)],
        promotions=[
            dict(
                key="p", kind="percent_off", rule={"percent": "10"}, scope={"categories": ["toys"]}
            )
        ],
        total="172.00",
        discounts=["10.00", "5.00", "3.00", "0.00"],
        sources=[["p"], ["p"], ["p"], []],
    ),
    # lego includes technic, not its parent toys: CAR 10 + TRUCK 5 → 180 − 15 = 165.00
    dict(
        id="scope_category_inner_node",
        lines=[("CAR", 1), ("TRUCK", 1), ("DOLL", 1)],
        promotions=[
            dict(
                key="p", kind="percent_off", rule={"percent": "10"}, scope={"categories": ["lego"]}
            )
        ],
        total="165.00",
        discounts=["10.00", "5.00", "0.00"],
    ),
    # series CITY: CAR 10 + SET 20 (TRUCK is TECHNIC) → 350 − 30 = 320.00
    dict(
        id="scope_series",
        lines=[("CAR", 1), ("SET", 1), ("TRUCK", 1)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "10"}, scope={"series": ["CITY"]})
        ],
        total="320.00",
        discounts=["10.00", "20.00", "0.00"],
    ),
    # toys except TRUCK: CAR 10.00 only → 150 − 10 = 140.00
    dict(
        id="scope_excluded_sku",
        lines=[("CAR", 1), ("TRUCK", 1)],
        promotions=[
            dict(
                key="p",
                kind="percent_off",
                rule={"percent": "10"},
                scope={"categories": ["toys"], "exclude_skus": ["TRUCK"]},
            )
        ],
        total="140.00",
        discounts=["10.00", "0.00"],
    ),
    # toys except the technic sub-tree: CAR 10 + DOLL 3 → 180 − 13 = 167.00
    dict(
        id="scope_excluded_category",
        lines=[("CAR", 1), ("TRUCK", 1), ("DOLL", 1)],
        promotions=[
            dict(
                key="p",
                kind="percent_off",
                rule={"percent": "10"},
                scope={"categories": ["toys"], "exclude_categories": ["technic"]},
            )
        ],
        total="167.00",
        discounts=["10.00", "0.00", "3.00"],
    ),
    # 50 % on FIG only: 19.90 × 50 % = 9.95; 29.90 − 9.95 = 19.95
    dict(
        id="scope_skus",
        lines=[("FIG", 1), ("MUG", 1)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "50"}, scope={"skus": ["FIG"]})
        ],
        total="19.95",
        discounts=["9.95", "0.00"],
    ),
    # ---------------------------------------------------------------------------- conditions
    # online only, priced at the till → 100.00
    dict(
        id="condition_channel_not_met",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "20"}, channels=["online_mall"])
        ],
        total="100.00",
        sources=[[]],
    ),
    # online only, priced online → 80.00
    dict(
        id="condition_channel_met",
        lines=[("CAR", 1)],
        channel="online_mall",
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "20"}, channels=["online_mall"])
        ],
        total="80.00",
    ),
    # Saturday and Sunday only, priced on a Wednesday → 100.00
    dict(
        id="condition_weekday_not_met",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, weekdays=[5, 6])],
        total="100.00",
    ),
    # Saturday and Sunday only, priced on Saturday 2026-06-06 → 80.00
    dict(
        id="condition_weekday_met",
        lines=[("CAR", 1)],
        at="2026-06-06T10:00",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, weekdays=[5, 6])],
        total="80.00",
    ),
    # Thursday only; Thursday 01:00 in Shanghai is still Wednesday in UTC → local day counts → 80.00
    dict(
        id="condition_weekday_is_the_stores_local_day",
        lines=[("CAR", 1)],
        at="2026-06-04T01:00",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, weekdays=[3])],
        total="80.00",
    ),
    # 18:00–22:00 only, priced at 10:00 → 100.00
    dict(
        id="condition_hours_not_met",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, hours=[18, 22])],
        total="100.00",
    ),
    # 18:00–22:00 local, priced at 21:30 local (13:30 UTC) → 80.00
    dict(
        id="condition_hours_met_in_local_time",
        lines=[("CAR", 1)],
        at="2026-06-03T21:30",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, hours=[18, 22])],
        total="80.00",
    ),
    # [18, 22) excludes 22:00 → 100.00
    dict(
        id="condition_hours_end_excluded",
        lines=[("CAR", 1)],
        at="2026-06-03T22:00",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, hours=[18, 22])],
        total="100.00",
    ),
    # gold only, a bronze member (no member discount) → 100.00
    dict(
        id="condition_tier_not_met",
        lines=[("CAR", 1)],
        member="bronze",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "10"}, tier_codes=["gold"])],
        total="100.00",
    ),
    # gold only, a gold member: 10 % (10.00) beats the member 5 % → 90.00
    dict(
        id="condition_tier_met",
        lines=[("CAR", 1)],
        member="gold",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "10"}, tier_codes=["gold"])],
        total="90.00",
        sources=[["p"]],
    ),
    # members only, nobody → 100.00
    dict(
        id="condition_members_only_without_member",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, members_only=True)],
        total="100.00",
    ),
    # members only, a bronze member → 80.00
    dict(
        id="condition_members_only_with_member",
        lines=[("CAR", 1)],
        member="bronze",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, members_only=True)],
        total="80.00",
    ),
    # joined within 30 days (members here joined 10 days ago): 20 % → 80.00
    dict(
        id="condition_new_member",
        lines=[("CAR", 1)],
        member="bronze",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, new_members_days=30)],
        total="80.00",
    ),
    # joined within 7 days: a member of 10 days does not qualify → 100.00
    dict(
        id="condition_new_member_too_old",
        lines=[("CAR", 1)],
        member="bronze",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, new_members_days=7)],
        total="100.00",
    ),
    # at least 3 food items: 2 MUGs (the CAR does not count) → nothing → 120.00
    dict(
        id="condition_min_quantity_not_met",
        lines=[("MUG", 2), ("CAR", 1)],
        promotions=[
            dict(
                key="p",
                kind="percent_off",
                rule={"percent": "10"},
                scope={"categories": ["food"]},
                min_quantity=3,
            )
        ],
        total="120.00",
    ),
    # 3 MUGs: 10 % of 30.00 = 3.00 → 27.00
    dict(
        id="condition_min_quantity_met",
        lines=[("MUG", 3)],
        promotions=[
            dict(
                key="p",
                kind="percent_off",
                rule={"percent": "10"},
                scope={"categories": ["food"]},
                min_quantity=3,
            )
        ],
        total="27.00",
    ),
    # at least ¥100 of food: GUM 99.99 (the CAR does not count) → nothing → 199.99
    dict(
        id="condition_min_amount_not_met",
        lines=[("GUM", 3), ("CAR", 1)],
        promotions=[
            dict(
                key="p",
                kind="percent_off",
                rule={"percent": "10"},
                scope={"categories": ["food"]},
                min_amount="100",
            )
        ],
        total="199.99",
    ),
    # GUM 99.99 + MUG 10.00 = 109.99 ≥ 100: 9.999 → 10.00 and 1.00 → 109.99 − 11.00 = 98.99
    dict(
        id="condition_min_amount_met",
        lines=[("GUM", 3), ("MUG", 1)],
        promotions=[
            dict(
                key="p",
                kind="percent_off",
                rule={"percent": "10"},
                scope={"categories": ["food"]},
                min_amount="100",
            )
        ],
        total="98.99",
        discounts=["10.00", "1.00"],
    ),
    # ended on 2026-01-01 → 100.00
    dict(
        id="condition_ended",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "20"}, ends_at="2026-01-01T00:00")
        ],
        total="100.00",
    ),
    # starts on 2026-07-01 → 100.00
    dict(
        id="condition_not_started",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="p", kind="percent_off", rule={"percent": "20"}, starts_at="2026-07-01T00:00")
        ],
        total="100.00",
    ),
    # a draft is not approved → 100.00
    dict(
        id="condition_draft_not_approved",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, status="draft")],
        total="100.00",
    ),
    # another store only → 100.00
    dict(
        id="condition_other_store",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, store_ids=["other"])],
        total="100.00",
    ),
    # this store → 80.00
    dict(
        id="condition_this_store",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, store_ids=["this"])],
        total="80.00",
    ),
    # -------------------------------------------------------------------------------- limits
    # once per member, and this member used it already → 100.00
    dict(
        id="limit_per_member_used_up",
        lines=[("CAR", 1)],
        member="bronze",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, per_member_uses=1)],
        uses=[dict(promo="p", who="member", discount="20.00")],
        total="100.00",
    ),
    # twice per member, used once → 80.00
    dict(
        id="limit_per_member_room_left",
        lines=[("CAR", 1)],
        member="bronze",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, per_member_uses=2)],
        uses=[dict(promo="p", who="member", discount="20.00")],
        total="80.00",
    ),
    # once per member, used by someone else → 80.00
    dict(
        id="limit_per_member_counts_only_this_member",
        lines=[("CAR", 1)],
        member="bronze",
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, per_member_uses=1)],
        uses=[dict(promo="p", who="other", discount="20.00")],
        total="80.00",
    ),
    # 2 uses in total, both taken → 100.00
    dict(
        id="limit_total_uses_used_up",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, total_uses=2)],
        uses=[
            dict(promo="p", who=None, discount="20.00"),
            dict(promo="p", who=None, discount="20.00"),
        ],
        total="100.00",
    ),
    # budget 100.00, 95.00 given: this cart's 20.00 would exceed the 5.00 left → not at all → 100.00
    dict(
        id="limit_budget_nearly_used",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, budget="100.00")],
        uses=[dict(promo="p", who=None, discount="95.00")],
        total="100.00",
    ),
    # budget 100.00, 80.00 given: 20.00 fits exactly → 80.00
    dict(
        id="limit_budget_exactly_enough",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="percent_off", rule={"percent": "20"}, budget="100.00")],
        uses=[dict(promo="p", who=None, discount="80.00")],
        total="80.00",
    ),
    # the best promotion (30 % = 30.00) has 20.00 of budget left → out; the next best 10 % → 90.00
    dict(
        id="limit_budget_falls_back_to_the_next_best",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="p1", kind="percent_off", rule={"percent": "30"}, budget="100.00"),
            dict(key="p2", kind="percent_off", rule={"percent": "10"}),
        ],
        uses=[dict(promo="p1", who=None, discount="80.00")],
        total="90.00",
        sources=[["p2"]],
    ),
    # ------------------------------------------------------ best combinations and tie-breaks
    # bundle 30.00 over CAR + TRUCK vs 25 % on CAR alone (25.00): the larger total → 120.00
    dict(
        id="bundle_beats_a_bigger_discount_on_one_of_its_lines",
        lines=[("CAR", 1), ("TRUCK", 1)],
        promotions=[
            dict(key="u", kind="bundle", rule={"skus": ["CAR", "TRUCK"], "price": "120.00"}),
            dict(key="p", kind="percent_off", rule={"percent": "25"}, scope={"skus": ["CAR"]}),
        ],
        total="120.00",
        sources=[["u"], ["u"]],
    ),
    # 35 % on CAR (35.00) vs the bundle (30.00) → CAR 65.00 + TRUCK 50.00 = 115.00
    dict(
        id="line_discount_beats_a_bundle",
        lines=[("CAR", 1), ("TRUCK", 1)],
        promotions=[
            dict(key="u", kind="bundle", rule={"skus": ["CAR", "TRUCK"], "price": "120.00"}),
            dict(key="p", kind="percent_off", rule={"percent": "35"}, scope={"skus": ["CAR"]}),
        ],
        total="115.00",
        discounts=["35.00", "0.00"],
        sources=[["p"], []],
    ),
    # 10 % and ¥10 both take 10.00: the higher priority (p2, 5) wins the tie → 90.00
    dict(
        id="tie_goes_to_the_higher_priority",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="p1", kind="percent_off", rule={"percent": "10"}, priority=0),
            dict(key="p2", kind="amount_off", rule={"amount": "10.00"}, priority=5),
        ],
        total="90.00",
        sources=[["p2"]],
    ),
    # equal discounts and priorities: the lower id (p1, created first) → 90.00
    dict(
        id="tie_goes_to_the_lower_id",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="p1", kind="amount_off", rule={"amount": "10.00"}),
            dict(key="p2", kind="percent_off", rule={"percent": "10"}),
        ],
        total="90.00",
        sources=[["p1"]],
    ),
    # three stackables, groups a/b/c, priorities 30/20/10: 100 → 90.00 → 81.00 → 76.00
    dict(
        id="three_stackables_in_priority_order",
        lines=[("CAR", 1)],
        promotions=[
            dict(
                key="p1",
                kind="percent_off",
                rule={"percent": "10"},
                stackable=True,
                priority=30,
                stacking_group="a",
            ),
            dict(
                key="p2",
                kind="percent_off",
                rule={"percent": "10"},
                stackable=True,
                priority=20,
                stacking_group="b",
            ),
            dict(
                key="p3",
                kind="amount_off",
                rule={"amount": "5.00"},
                stackable=True,
                priority=10,
                stacking_group="c",
            ),
        ],
        total="76.00",
        discounts=["24.00"],
        sources=[["p1", "p2", "p3"]],
    ),
    # p1 and p2 share group g: {p1, p3} = 10 + 5 and {p2, p3} = 10 + 5 tie → higher priority p1
    dict(
        id="same_group_pair_with_a_third_stackable",
        lines=[("CAR", 1)],
        promotions=[
            dict(
                key="p1",
                kind="percent_off",
                rule={"percent": "10"},
                stackable=True,
                priority=10,
                stacking_group="g",
            ),
            dict(
                key="p2",
                kind="percent_off",
                rule={"percent": "10"},
                stackable=True,
                priority=5,
                stacking_group="g",
            ),
            dict(
                key="p3",
                kind="amount_off",
                rule={"amount": "5.00"},
                stackable=True,
                priority=1,
                stacking_group="h",
            ),
        ],
        total="85.00",
        sources=[["p1", "p3"]],
    ),
    # exclusive 20 % (80.00) beats the rest (a points multiplier, 100.00): nothing else combines,
    # so no multiplier → 80.00, × 1
    dict(
        id="exclusive_drops_the_points_multiplier",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="x", kind="percent_off", rule={"percent": "20"}, exclusive=True),
            dict(key="m", kind="points_multiplier", rule={"multiplier": "2"}),
        ],
        total="80.00",
        points_multiplier="1",
    ),
    # exclusive 5 % (285.00) is cheaper than the rest (300.00 with a free gift) → 285.00, no gift
    dict(
        id="exclusive_drops_the_gift",
        lines=[("CAR", 3)],
        promotions=[
            dict(key="x", kind="percent_off", rule={"percent": "5"}, exclusive=True),
            dict(key="g", kind="gift", rule={"sku": "GIFT", "quantity": 1, "min_amount": "300.00"}),
        ],
        total="285.00",
        gifts=[],
    ),
    # a tier price needs a member → 100.00
    dict(
        id="tier_price_needs_a_member",
        lines=[("CAR", 1)],
        promotions=[dict(key="p", kind="tier_price", rule={"prices": {"gold": "89.00"}})],
        total="100.00",
    ),
    # silver 2 % of 19.90 = 0.398 → 0.40 → 19.50
    dict(
        id="member_discount_rounds_half_up",
        lines=[("FIG", 1)],
        member="silver",
        total="19.50",
        discounts=["0.40"],
    ),
    # at least 3 food items over two lines: 2 MUG + 1 CANDY → 10 %: 2.00 and 0.333 → 0.33;
    # 23.33 − 2.33 = 21.00
    dict(
        id="min_quantity_counts_every_line_in_scope",
        lines=[("MUG", 2), ("CANDY", 1)],
        promotions=[
            dict(
                key="p",
                kind="percent_off",
                rule={"percent": "10"},
                scope={"categories": ["food"]},
                min_quantity=3,
            )
        ],
        total="21.00",
        discounts=["2.00", "0.33"],
    ),
    # spend-and-save with a budget: 200 − 20 would take 20.00, only 10.00 left → not at all → 200.00
    dict(
        id="limit_budget_on_a_spend_save",
        lines=[("CAR", 2)],
        promotions=[dict(key="s", kind="spend_save", rule=TIERS_200_500_1000, budget="100.00")],
        uses=[dict(promo="s", who=None, discount="90.00")],
        total="200.00",
    ),
    # ------------------------------------------------------------------ more gifts and coupons
    # gift over food ≥ 30: GUM 33.33 → a GIFT; 133.33
    dict(
        id="gift_counts_its_scope",
        lines=[("CAR", 1), ("GUM", 1)],
        promotions=[
            dict(
                key="g",
                kind="gift",
                rule={"sku": "GIFT", "quantity": 1, "min_amount": "30.00"},
                scope={"categories": ["food"]},
            )
        ],
        total="133.33",
        gifts=[("GIFT", 1)],
    ),
    # gift over food ≥ 30: 500.00 of CARs, no food → no gift
    dict(
        id="gift_scope_not_met",
        lines=[("CAR", 5)],
        promotions=[
            dict(
                key="g",
                kind="gift",
                rule={"sku": "GIFT", "quantity": 1, "min_amount": "30.00"},
                scope={"categories": ["food"]},
            )
        ],
        total="500.00",
        gifts=[],
    ),
    # two gifts at once → one GIFT line of 2
    dict(
        id="gift_quantity_two",
        lines=[("CAR", 1)],
        promotions=[
            dict(key="g", kind="gift", rule={"sku": "GIFT", "quantity": 2, "min_amount": "100.00"})
        ],
        total="100.00",
        gifts=[("GIFT", 2)],
    ),
    # ¥150 coupon on 100.00: never more than the goods → 0.00
    dict(
        id="coupon_larger_than_the_cart",
        lines=[("CAR", 1)],
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "150"})],
        total="0.00",
        discounts=["100.00"],
    ),
    # 10 % coupon over three lines of 33.33: 10 % of 99.99 = 9.999 → 10.00 on the order,
    # allocated 3.34, 3.33, 3.33 (not 3 × 3.33 per line) → 89.99
    dict(
        id="coupon_percent_rounded_on_the_order_then_allocated",
        lines=[("GUM", 1), ("GUM", 1), ("GUM", 1)],
        coupons=[dict(key="c", template={"kind": "percent_off", "value": "10"})],
        total="89.99",
        discounts=["3.34", "3.33", "3.33"],
    ),
    # 300 → every 100 take 10 → 270.00 → 10 % coupon 27.00 → 243.00
    dict(
        id="coupon_percent_after_spend_save",
        lines=[("CAR", 3)],
        promotions=[dict(key="s", kind="spend_save", rule={"every": "100", "off": "10"})],
        coupons=[dict(key="c", template={"kind": "percent_off", "value": "10"})],
        total="243.00",
    ),
    # ¥10 coupon on toys except TRUCK: all on CAR → 150 − 10 = 140.00
    dict(
        id="coupon_scope_excluded_sku",
        lines=[("CAR", 1), ("TRUCK", 1)],
        coupons=[
            dict(
                key="c",
                template={
                    "kind": "amount_off",
                    "value": "10",
                    "scope": {"categories": ["toys"], "exclude_skus": ["TRUCK"]},
                },
            )
        ],
        total="140.00",
        discounts=["10.00", "0.00"],
    ),
    # an unclaimed (batch) coupon used by a member → 80.00
    dict(
        id="coupon_unclaimed_used_by_a_member",
        lines=[("CAR", 1)],
        member="bronze",
        coupons=[dict(key="c", template={"kind": "amount_off", "value": "20"}, state="unclaimed")],
        total="80.00",
        coupons_applied=["c"],
    ),
    # two stacking coupons: each one's minimum counts the goods after promotions (100.00), not
    # after the other coupon: ¥5 (min 100) and ¥10 both apply → 85.00, whichever code sorts first
    dict(
        id="stacked_coupons_minimum_counts_after_promotions_only",
        lines=[("CAR", 1)],
        coupons=[
            dict(
                key="c1",
                template={"kind": "amount_off", "value": "10", "stackable": True},
                code="AAAAAAAAAAAAAAAA",
            ),
            dict(
                key="c2",
                template={
                    "kind": "amount_off",
                    "value": "5",
                    "stackable": True,
                    "min_spend": "100",
                },
                code="ZZZZZZZZZZZZZZZZ",
            ),
        ],
        total="85.00",
        coupons_applied=["c1", "c2"],
    ),
]
