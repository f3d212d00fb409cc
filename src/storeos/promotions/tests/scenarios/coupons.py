"""Pricing scenarios for coupons, and more gifts with coupons. The row format is in the
package docstring."""

ROWS = [
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
