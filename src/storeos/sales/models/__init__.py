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
