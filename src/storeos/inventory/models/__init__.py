"""Inventory data: stock levels and moves, batches, costs, reservations and stock documents."""

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
    "SkuCost",
    "StockLevel",
    "StockMove",
]
