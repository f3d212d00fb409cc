"""Pricing scenarios for rounding, scopes, conditions (channels, stores, dates, weekdays,
hours, members) and limits. The row format is in the package docstring."""

ROWS = [
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
]
