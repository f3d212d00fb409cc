"""Inventory data: stock levels and moves, batches, costs, reservations and stock documents."""

from storeos.inventory.models.documents import (
    ScrapLine,
    ScrapRequest,
    StockCount,
    StockCountLine,
    StockCountUnknownCode,
    Transfer,
    TransferLine,
)
from storeos.inventory.models.policies import StockPolicy
from storeos.inventory.models.stock import (
    AvailabilityState,
    Batch,
    ChannelBuffer,
    ExpiryAlert,
    ExpiryWindow,
    MoveKind,
    Reservation,
    ReservationLine,
    SkuCost,
    StockLevel,
    StockMove,
)

__all__ = [
    "AvailabilityState",
    "Batch",
    "ChannelBuffer",
    "ExpiryAlert",
    "ExpiryWindow",
    "MoveKind",
    "Reservation",
    "ReservationLine",
    "ScrapLine",
    "ScrapRequest",
    "SkuCost",
    "StockCount",
    "StockCountLine",
    "StockCountUnknownCode",
    "StockLevel",
    "StockMove",
    "StockPolicy",
    "Transfer",
    "TransferLine",
]
