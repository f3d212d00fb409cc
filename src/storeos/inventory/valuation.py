"""Moving-average cost per SKU: updated on receipt, read by every outgoing move."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery, Sum

from storeos.catalog.models import Sku
from storeos.inventory.models import SkuCost, StockLevel

COST_PLACES = Decimal("0.0001")


def cost_current(*, sku: Sku) -> Decimal:
    """The SKU's moving-average cost, or its catalog cost before anything was received."""
    average = SkuCost.objects.filter(sku=sku).values_list("average_cost", flat=True).first()
    return average if average is not None else Decimal(sku.cost)


def average_cost_subquery(sku_field: str = "sku") -> Subquery:
    """The moving-average cost of the row's SKU, for annotating a level or line query."""
    return Subquery(SkuCost.objects.filter(sku=OuterRef(sku_field)).values("average_cost")[:1])


def cost_receive(*, sku: Sku, quantity: int, unit_cost: Decimal) -> Decimal:
    """Blend a receipt into the average: (old average × units on hand + cost × quantity) / total.

    Caller runs inside the receipt's transaction, before the level grows. The SkuCost row is
    locked so two receipts of one SKU blend one after the other.
    """
    state, _ = SkuCost.objects.get_or_create(sku=sku, defaults={"average_cost": sku.cost})
    state = SkuCost.objects.select_for_update().get(pk=state.pk)
    on_hand = StockLevel.objects.filter(sku=sku).aggregate(n=Sum("on_hand"))["n"] or 0
    if on_hand <= 0:
        average = Decimal(unit_cost)
    else:
        average = (state.average_cost * on_hand + Decimal(unit_cost) * quantity) / (
            on_hand + quantity
        )
    state.average_cost = average.quantize(COST_PLACES, rounding=ROUND_HALF_UP)
    state.save(update_fields=["average_cost"])
    return state.average_cost
