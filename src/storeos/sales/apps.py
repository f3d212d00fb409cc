from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "storeos.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from storeos.core.outbox import subscribe
        from storeos.sales.refunds import payment_refund_event_handle

        # A WeChat or Alipay refund settles when the provider says so, after the return.
        subscribe("payment_refund.succeeded", payment_refund_event_handle)
        subscribe("payment_refund.failed", payment_refund_event_handle)
