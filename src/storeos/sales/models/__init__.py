"""Sales data: orders and their lines, payments and refunds, returns, cash shifts."""

from storeos.sales.models.orders import (
    Fulfilment,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from storeos.sales.models.shifts import Shift

__all__ = [
    "Fulfilment",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "Shift",
]

# QR payments and provider refunds (payments.py).
from storeos.sales.models.payments import (
    IntentStatus,
    PaymentIntent,
    ProviderRefund,
    RefundStatus,
)

__all__ += ["IntentStatus", "PaymentIntent", "ProviderRefund", "RefundStatus"]

# Returns, exchanges and their refunds (returns.py).
from storeos.sales.models.returns import (  # noqa: E402 (appended after the payments block)
    Disposition,
    Refund,
    ReturnKind,
    ReturnLine,
    ReturnPolicy,
    ReturnRefundStatus,
    SalesReturn,
)

__all__ += [
    "Disposition",
    "Refund",
    "ReturnKind",
    "ReturnLine",
    "ReturnPolicy",
    "ReturnRefundStatus",
    "SalesReturn",
]
