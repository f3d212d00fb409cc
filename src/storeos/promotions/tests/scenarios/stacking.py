"""Pricing scenarios for stacking: line promotions, spend-and-save on the prices after them,
coupons, exclusivity. The row format is in the package docstring."""

from storeos.promotions.tests.scenarios.rules import TIERS_200_500_1000

ROWS = [
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
]
