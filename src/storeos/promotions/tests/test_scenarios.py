"""Every row of the scenario table (scenarios.py), priced through sales.pricing.price_cart.

Each row's promotions, earlier uses, member and coupons are created from its symbolic data (SKU
codes, category keys, series keys), then the cart is priced and what a customer would notice is
checked: the total to the cent, each line's discount and which promotions or coupons explain it,
free gift lines, the points multiplier, or the refusal code (and that nothing changed).
"""

import datetime as dt
from decimal import Decimal

import pytest

from storeos.core.errors import DomainError
from storeos.promotions.models import Coupon, CouponStatus, Promotion
from storeos.promotions.tests.conftest import (
    AT,
    SHANGHAI,
    coupon_make,
    member_at_tier,
    promotion_make,
    promotion_use_make,
)
from storeos.promotions.tests.scenarios import SCENARIOS
from storeos.sales.pricing import CartItem, price_cart

SKU_RULE_KEYS = ("get_sku", "sku")


def local_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def scope_resolve(scope: dict, catalogue) -> dict:
    ids = {
        "categories": lambda key: catalogue.categories[key].pk,
        "exclude_categories": lambda key: catalogue.categories[key].pk,
        "series": lambda key: catalogue.series[key].pk,
        "skus": lambda code: catalogue.sku(code).pk,
        "exclude_skus": lambda code: catalogue.sku(code).pk,
    }
    return {key: [ids[key](v) for v in values] for key, values in scope.items()}


def rule_resolve(rule: dict, catalogue) -> dict:
    rule = dict(rule)
    for key in SKU_RULE_KEYS:
        if isinstance(rule.get(key), str):
            rule[key] = catalogue.sku(rule[key]).pk
    if "skus" in rule:
        rule["skus"] = [catalogue.sku(code).pk for code in rule["skus"]]
    return rule


def promotion_build(spec: dict, catalogue, store) -> Promotion:
    fields = dict(spec)
    fields.pop("key")
    kind, rule = fields.pop("kind"), fields.pop("rule")
    if "scope" in fields:
        fields["scope"] = scope_resolve(fields["scope"], catalogue)
    for key in ("starts_at", "ends_at"):
        if key in fields:
            fields[key] = local_time(fields[key])
    if "store_ids" in fields:
        fields["store_ids"] = [
            store.pk if s == "this" else store.pk + 1000 for s in fields["store_ids"]
        ]
    for key in ("min_amount", "budget"):
        if key in fields:
            fields[key] = Decimal(fields[key])
    return promotion_make(kind, rule_resolve(rule, catalogue), **fields)


def coupon_build(spec: dict, catalogue, member, other) -> str:
    template = dict(spec["template"])
    template["value"] = Decimal(template.get("value", "10"))
    if "min_spend" in template:
        template["min_spend"] = Decimal(template["min_spend"])
    if "free_sku" in template:
        template["free_sku"] = catalogue.sku(template["free_sku"])
    if "scope" in template:
        template["scope"] = scope_resolve(template["scope"], catalogue)
    state = spec.get("state", "available")
    if state == "unknown":
        return "NOSUCHCOUPON2345"
    owner = {"other_member": other, "unclaimed": None}.get(state, member)
    coupon = coupon_make(template, member=owner)
    if spec.get("code"):
        Coupon.objects.filter(pk=coupon.pk).update(code=spec["code"])
        coupon.code = spec["code"]
    if state == "used":
        Coupon.objects.filter(pk=coupon.pk).update(
            status=CouponStatus.USED, used_at=AT - dt.timedelta(days=1)
        )
    elif state == "expired":
        Coupon.objects.filter(pk=coupon.pk).update(
            valid_from=AT - dt.timedelta(days=30), valid_until=AT - dt.timedelta(days=1)
        )
    return coupon.code


class World:
    """A row's data in the database, and the keys → (source, id) the adjustments use."""

    def __init__(self, row, catalogue, store):
        self.member = member_at_tier(row["member"]) if row.get("member") else None
        self.other = None
        self.keys: dict[str, tuple[str, str]] = {}
        if self.member is not None:
            self.keys["member"] = ("member", self.member.tier.code)
        promotions = {}
        for spec in row.get("promotions", []):
            promotions[spec["key"]] = promotion_build(spec, catalogue, store)
            self.keys[spec["key"]] = ("promotion", str(promotions[spec["key"]].pk))
        for use in row.get("uses", []):
            who = {"member": lambda: self.member.pk, "other": lambda: self.other_member().pk}
            member_id = who[use["who"]]() if use["who"] else None
            promotion_use_make(promotions[use["promo"]], member_id, use["discount"])
        self.coupon_codes = {}
        for spec in row.get("coupons", []):
            needs_other = spec.get("state") == "other_member"
            code = coupon_build(
                spec, catalogue, self.member, self.other_member() if needs_other else None
            )
            self.coupon_codes[spec["key"]] = code
            self.keys[spec["key"]] = ("coupon", code)

    def other_member(self):
        if self.other is None:
            self.other = member_at_tier("bronze")
        return self.other

    def sources(self, line) -> set[tuple[str, str]]:
        return {(a["source"], str(a["id"])) for a in line.adjustments}


def state_snapshot():
    return (
        list(Coupon.objects.order_by("pk").values_list("code", "status", "used_at")),
        list(Promotion.objects.order_by("pk").values_list("pk", "used_count", "discount_used")),
    )


@pytest.mark.parametrize("row", SCENARIOS, ids=[row["id"] for row in SCENARIOS])
def test_scenario(row, catalogue, store, programme):
    # Given the row's promotions, member, earlier uses and coupons
    world = World(row, catalogue, store)
    items = [CartItem(sku=catalogue.sku(code), quantity=qty) for code, qty in row["lines"]]
    at = local_time(row["at"]) if row.get("at") else AT
    price = {
        "store": store,
        "channel": row.get("channel", "pos"),
        "items": items,
        "member_id": world.member.pk if world.member else None,
        "at": at,
        "coupon_codes": list(world.coupon_codes.values()),
    }

    if "error" in row:
        before = state_snapshot()
        # When the cart is priced with a coupon that cannot be used
        with pytest.raises(DomainError) as refused:
            price_cart(**price)
        # Then it is refused with the row's code, and nothing changed
        assert refused.value.code == row["error"]
        assert state_snapshot() == before
        return

    # When the cart is priced
    cart = price_cart(**price)

    # Then the total is exact and the lines add up to it
    assert cart.total == Decimal(row["total"])
    assert sum((line.line_total for line in cart.lines), Decimal("0")) == cart.total
    assert all(line.line_total >= 0 for line in cart.lines)
    for line in cart.lines:
        explained = sum((Decimal(a["amount"]) for a in line.adjustments), Decimal("0"))
        assert explained == line.discount, f"{line.sku.code}: {line.adjustments}"
    asked = cart.lines[: len(items)]
    assert [(line.sku.code, line.quantity) for line in asked] == list(row["lines"])
    if "discounts" in row:
        assert [line.discount for line in asked] == [Decimal(d) for d in row["discounts"]]
    if "sources" in row:
        expected = [{world.keys[key] for key in keys} for keys in row["sources"]]
        assert [world.sources(line) for line in asked] == expected
    gifts = cart.lines[len(items) :]
    assert [(line.sku.code, line.quantity) for line in gifts] == list(row.get("gifts", []))
    assert all(line.is_gift and line.line_total == 0 for line in gifts)
    assert not any(line.is_gift for line in asked)
    if "points_multiplier" in row:
        assert cart.points_multiplier == Decimal(row["points_multiplier"])
    if "coupons_applied" in row:
        codes = {world.coupon_codes[key] for key in row["coupons_applied"]}
        assert set(cart.coupon_codes) == codes
