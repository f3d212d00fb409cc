"""Validation of a promotion's rule and scope JSON, per kind (the shapes are in models.Promotion).

Create and update services call `promotion_rule_validate(kind, rule, scope)` before saving; the
engine trusts what is stored, so whatever passes here must price.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from storeos.promotions.errors import (
    AmountInvalid,
    BundleSkuMissing,
    DatesReversed,
    PercentInvalid,
    PromotionInvalid,
    ScopeInvalid,
    SkuMissing,
)
from storeos.promotions.models import PromotionKind

SCOPE_KEYS = frozenset({"categories", "series", "skus", "exclude_skus", "exclude_categories"})


def promotion_rule_validate(kind, rule, scope, *, starts_at=None, ends_at=None) -> None:
    """Refuse a rule or scope the engine could not price, with a clear code. Nothing is saved."""
    if kind not in PromotionKind.values:
        raise PromotionInvalid(_("Unknown promotion kind."), details={"kind": kind})
    if not isinstance(rule, dict):
        raise PromotionInvalid(_("The rule must be an object."), details={"field": "rule"})
    scope_validate(scope)
    if starts_at is not None and ends_at is not None:
        promotion_dates_validate(starts_at=starts_at, ends_at=ends_at)
    _CHECKS[kind](rule)


def promotion_dates_validate(*, starts_at, ends_at) -> None:
    if ends_at <= starts_at:
        raise DatesReversed(
            _("A promotion must end after it starts."),
            details={"starts_at": str(starts_at), "ends_at": str(ends_at)},
        )


def scope_validate(scope) -> None:
    if scope in (None, {}):
        return
    if not isinstance(scope, dict) or set(scope) - SCOPE_KEYS:
        raise ScopeInvalid(
            _("The scope may list only categories, series, SKUs and exclusions."),
            details={"field": "scope"},
        )
    for key, ids in scope.items():
        if not isinstance(ids, list) or not all(_is_id(i) for i in ids):
            raise ScopeInvalid(_("A scope lists ids."), details={"field": key})


# ---------------------------------------------------------------------------------- per kind


def _percent(value, field: str) -> Decimal:
    number = _decimal(value, field, PercentInvalid)
    if number <= 0 or number > 100:
        raise PercentInvalid(
            _("A percentage must be above 0 and at most 100."), details={"field": field}
        )
    return number


def _amount(value, field: str, *, allow_zero: bool = False) -> Decimal:
    number = _decimal(value, field, AmountInvalid)
    if number < 0 or (number == 0 and not allow_zero) or number != number.quantize(Decimal("0.01")):
        raise AmountInvalid(
            _("An amount must be positive, in yuan and cents."), details={"field": field}
        )
    return number


def _decimal(value, field: str, error) -> Decimal:
    if isinstance(value, bool | float) or value is None:
        raise error(_("Not a number."), details={"field": field})
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise error(_("Not a number."), details={"field": field}) from None
    if not number.is_finite():
        raise error(_("Not a number."), details={"field": field})
    return number


def _count(value, field: str) -> int:
    if not _is_id(value):
        raise PromotionInvalid(
            _("A count must be a whole number of 1 or more."), details={"field": field}
        )
    return value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _skus_exist(ids: list[int], error, field: str) -> None:
    from storeos.catalog.models import Sku

    found = set(Sku.objects.filter(pk__in=list(ids)).values_list("pk", flat=True))
    missing = sorted(set(ids) - found)
    if missing:
        raise error(_("No such SKU."), details={"field": field, "sku_ids": missing})


def _percent_off(rule):
    _percent(rule.get("percent"), "percent")


def _amount_off(rule):
    _amount(rule.get("amount"), "amount")


def _fixed_price(rule):
    _amount(rule.get("price"), "price", allow_zero=True)


def _tier_price(rule):
    prices, percents = rule.get("prices"), rule.get("percents")
    if (prices is None) == (percents is None):
        raise PromotionInvalid(
            _("Give tier prices or tier percentages."), details={"field": "rule"}
        )
    table = prices if prices is not None else percents
    if not isinstance(table, dict) or not table:
        raise PromotionInvalid(_("List at least one tier."), details={"field": "rule"})
    for tier, value in table.items():
        if prices is not None:
            _amount(value, f"prices.{tier}", allow_zero=True)
        else:
            _percent(value, f"percents.{tier}")


def _spend_save(rule):
    if "tiers" in rule:
        tiers = rule["tiers"]
        if not isinstance(tiers, list) or not tiers:
            raise PromotionInvalid(_("List at least one tier."), details={"field": "tiers"})
        for threshold, off in tiers:
            if _amount(off, "tiers.off") > _amount(threshold, "tiers.spend"):
                raise AmountInvalid(_("A tier cannot take off more than its spend."))
    else:
        if _amount(rule.get("off"), "off") > _amount(rule.get("every"), "every"):
            raise AmountInvalid(_("A tier cannot take off more than its spend."))


def _buy_x_get_y(rule):
    _count(rule.get("buy"), "buy")
    _count(rule.get("get"), "get")
    _percent(rule.get("percent", "100"), "percent")
    if rule.get("get_sku") is not None:
        if not _is_id(rule["get_sku"]):
            raise SkuMissing(_("No such SKU."), details={"field": "get_sku"})
        _skus_exist([rule["get_sku"]], SkuMissing, "get_sku")


def _nth_item(rule):
    if _count(rule.get("nth"), "nth") < 2:
        raise PromotionInvalid(
            _("The discounted item is the 2nd or later."), details={"field": "nth"}
        )
    _percent(rule.get("percent"), "percent")


def _bundle(rule):
    skus = rule.get("skus")
    if not isinstance(skus, list) or len(skus) < 2 or not all(_is_id(s) for s in skus):
        raise BundleSkuMissing(_("A bundle lists two or more SKUs."), details={"field": "skus"})
    if len(set(skus)) != len(skus):
        raise PromotionInvalid(_("A bundle lists each SKU once."), details={"field": "skus"})
    _amount(rule.get("price"), "price")
    _skus_exist(skus, BundleSkuMissing, "skus")


def _gift(rule):
    if not _is_id(rule.get("sku")):
        raise SkuMissing(_("No such SKU."), details={"field": "sku"})
    _count(rule.get("quantity", 1), "quantity")
    _amount(rule.get("min_amount", "0"), "min_amount", allow_zero=True)
    _skus_exist([rule["sku"]], SkuMissing, "sku")


def _points_multiplier(rule):
    number = _decimal(rule.get("multiplier"), "multiplier", PromotionInvalid)
    if number <= 1 or number > 100:
        raise PromotionInvalid(
            _("A multiplier is above 1 and at most 100."), details={"field": "rule"}
        )


_CHECKS = {
    PromotionKind.PERCENT_OFF: _percent_off,
    PromotionKind.AMOUNT_OFF: _amount_off,
    PromotionKind.FIXED_PRICE: _fixed_price,
    PromotionKind.TIER_PRICE: _tier_price,
    PromotionKind.SPEND_SAVE: _spend_save,
    PromotionKind.BUY_X_GET_Y: _buy_x_get_y,
    PromotionKind.NTH_ITEM: _nth_item,
    PromotionKind.BUNDLE: _bundle,
    PromotionKind.GIFT: _gift,
    PromotionKind.POINTS_MULTIPLIER: _points_multiplier,
}
