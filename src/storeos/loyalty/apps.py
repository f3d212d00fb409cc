from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "storeos.loyalty"
    label = "loyalty"
    verbose_name = _("Membership and loyalty")

    def ready(self) -> None:
        from storeos.loyalty.earning import order_paid_earn
        from storeos.loyalty.membership import membership_order_paid, membership_order_returned
        from storeos.loyalty.points_payment import points_tender_register
        from storeos.loyalty.referrals import referral_order_paid
        from storeos.loyalty.reversals import order_returned_reverse
        from storeos.sales.hooks import register_paid_hook, register_return_hook

        # Inside the paid order's transaction, in this order: points and growth first, so a
        # paid plan bought in the order does not raise that order's own points.
        register_paid_hook(order_paid_earn)
        register_paid_hook(membership_order_paid)
        register_paid_hook(referral_order_paid)
        # Points as a tender, and what a return takes back.
        points_tender_register()
        register_return_hook(order_returned_reverse)
        register_return_hook(membership_order_returned)
