from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "storeos.promotions"
    label = "promotions"
    verbose_name = _("Promotions and coupons")

    def ready(self) -> None:
        from storeos.core.outbox import subscribe
        from storeos.promotions import labels
        from storeos.promotions.coupon_redemption import order_paid_redeem, order_returned_restore
        from storeos.promotions.uses import order_paid_record_promotions, order_returned_give_back
        from storeos.sales.hooks import register_paid_hook, register_return_hook

        # Inside the sale's and the return's transaction: coupons used and given back, promotion
        # uses counted against their limits and budgets (and the budget given back).
        register_paid_hook(order_paid_redeem)
        register_return_hook(order_returned_restore)
        register_paid_hook(order_paid_record_promotions)
        register_return_hook(order_returned_give_back)
        # Shelf labels follow price changes and promotions starting, pausing and ending.
        subscribe("catalog.price_changed", labels.price_changed_handle)
        subscribe("promotion.approved", labels.promotion_approved_handle)
        subscribe("promotion.paused", labels.promotion_ended_handle)
        subscribe("promotion.ended", labels.promotion_ended_handle)
