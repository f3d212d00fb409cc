"""Pricing scenarios where several combinations are valid: the best for the customer, and
the tie-breaks. The row format is in the package docstring."""

from storeos.promotions.tests.scenarios.rules import TIERS_200_500_1000

ROWS = [
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
]
