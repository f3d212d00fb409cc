"""The pricing scenario table: carts with exact expected totals, worked out by hand from the
stacking policy in docs/promotions.md (the arithmetic is in the comment above each row).

Data only, one module per theme; test_scenarios.py builds each row and prices it through
sales.pricing.price_cart.

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

from storeos.promotions.tests.scenarios import best, conditions, coupons, kinds, stacking

SCENARIOS = kinds.ROWS + stacking.ROWS + coupons.ROWS + conditions.ROWS + best.ROWS
