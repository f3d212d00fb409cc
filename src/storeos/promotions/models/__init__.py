"""Promotions data: promotions and their uses, coupons and code batches, shelf-label updates."""

from storeos.promotions.models.coupons import (
    CodeBatch,
    Coupon,
    CouponKind,
    CouponStatus,
    CouponTemplate,
)
from storeos.promotions.models.promotions import (
    LINE_KINDS,
    ORDER_KINDS,
    LabelUpdate,
    Promotion,
    PromotionKind,
    PromotionStatus,
    PromotionUse,
)

__all__ = [
    "LINE_KINDS",
    "ORDER_KINDS",
    "CodeBatch",
    "Coupon",
    "CouponKind",
    "CouponStatus",
    "CouponTemplate",
    "LabelUpdate",
    "Promotion",
    "PromotionKind",
    "PromotionStatus",
    "PromotionUse",
]
