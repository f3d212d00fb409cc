"""Reads of the stock picture: levels, the stock card and reconciliation."""

from dataclasses import dataclass

from django.db.models import Sum

from storeos.catalog.models import Sku
from storeos.inventory.models import StockLevel, StockMove
from storeos.stores.models import Location


@dataclass(frozen=True)
class CardRow:
    move: StockMove
    balance: int


def stock_card(*, location: Location, sku: Sku) -> list[CardRow]:
    """Every move of a SKU at a location, oldest first, with the running on-hand balance."""
    balance = 0
    rows = []
    for move in (
        StockMove.objects.filter(location=location, sku=sku)
        .select_related("batch", "actor")
        .order_by("id")
    ):
        balance += move.quantity
        rows.append(CardRow(move=move, balance=balance))
    return rows


def levels_mismatching_moves() -> list[dict]:
    """(location, SKU, batch) whose on-hand level differs from the sum of its moves."""
    moved = {
        (r["location_id"], r["sku_id"], r["batch_id"]): r["total"]
        for r in StockMove.objects.values("location_id", "sku_id", "batch_id").annotate(
            total=Sum("quantity")
        )
    }
    mismatches = []
    for level in StockLevel.objects.values("location_id", "sku_id", "batch_id", "on_hand"):
        key = (level["location_id"], level["sku_id"], level["batch_id"])
        expected = moved.pop(key, 0)
        if expected != level["on_hand"]:
            mismatches.append({"key": key, "level": level["on_hand"], "moves": expected})
    mismatches.extend(
        {"key": key, "level": 0, "moves": total} for key, total in moved.items() if total
    )
    return mismatches
