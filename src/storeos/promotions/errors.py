"""Promotion and coupon refusals: each carries a stable code (docs/promotions.md)."""

from storeos.core.errors import Conflict, DomainError, NotFound, ValidationFailed

# ----------------------------------------------------------------- a promotion's own definition


class PromotionInvalid(ValidationFailed):
    code = "promotion_invalid"


class PercentInvalid(PromotionInvalid):
    code = "percent_invalid"


class AmountInvalid(PromotionInvalid):
    code = "amount_invalid"


class DatesReversed(PromotionInvalid):
    code = "dates_reversed"


class BundleSkuMissing(PromotionInvalid):
    code = "bundle_sku_missing"


class SkuMissing(PromotionInvalid):
    code = "sku_missing"


class ScopeInvalid(PromotionInvalid):
    code = "scope_invalid"


# ------------------------------------------------------------------------ coupons at the till


class CouponNotFound(NotFound):
    code = "coupon_not_found"


class CouponUsed(Conflict):
    code = "coupon_used"


class CouponExpired(DomainError):
    code = "coupon_expired"


class CouponNotYours(DomainError):
    code = "coupon_not_yours"
    status = 403


class CouponMinSpendNotMet(DomainError):
    code = "coupon_min_spend_not_met"


class CouponNotStackable(DomainError):
    code = "coupon_not_stackable"


class CouponItemMissing(DomainError):
    code = "coupon_item_missing"


class CouponVoid(Conflict):
    code = "coupon_void"
