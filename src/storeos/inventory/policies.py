"""Stock policies (min / max / safety stock per SKU and location) and the lists they drive:
what is running low, and what sits on the shelf without selling."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Q, Sum

from storeos.accounts.permissions import Perm, require
from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.inventory.errors import PolicyInvalid
from storeos.inventory.models import MoveKind, SkuCost, StockLevel, StockMove, StockPolicy
from storeos.inventory.transfers import inbound_units
from storeos.stores.models import Location

CENTS = Decimal("0.01")
POLICY_FIELDS = ("min_qty", "max_qty", "safety_stock")


@dataclass(frozen=True)
class LowStockRow:
    sku_id: int
    sku_code: str
    on_hand: int
    reserved: int
    available: int
    in_transit: int
    min_qty: int
    max_qty: int
    safety_stock: int
    # units to bring in to reach max, counting what is already on its way
    suggested: int


@dataclass(frozen=True)
class SlowMovingRow:
    sku_id: int
    sku_code: str
    on_hand: int
    units_sold: int
    unit_cost: Decimal
    value: Decimal
    # on hand ÷ average daily units sold; None when nothing sold (no end in sight)
    days_of_inventory: Decimal | None


def _whole(value, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PolicyInvalid(
            f"{name} must be a whole number, zero or more.", details={"field": name, "value": value}
        )
    return value


@transaction.atomic
def policy_set(
    *, actor, location: Location, sku: Sku, min_qty: int, max_qty: int, safety_stock: int = 0
) -> StockPolicy:
    """Create or change the policy for a SKU at a location (audited)."""
    require(actor, Perm.INVENTORY_POLICY, location.store_id)
    values = {
        "min_qty": _whole(min_qty, "min_qty"),
        "max_qty": _whole(max_qty, "max_qty"),
        "safety_stock": _whole(safety_stock, "safety_stock"),
    }
    if min_qty > max_qty:
        raise PolicyInvalid(
            "The minimum cannot be above the maximum.",
            code="policy_min_above_max",
            details={"min_qty": min_qty, "max_qty": max_qty},
        )
    if safety_stock > max_qty:
        raise PolicyInvalid(
            "Safety stock cannot be above the maximum.",
            code="policy_safety_above_max",
            details={"safety_stock": safety_stock, "max_qty": max_qty},
        )
    policy = StockPolicy.objects.select_for_update().filter(location=location, sku=sku).first()
    before = {name: getattr(policy, name) for name in POLICY_FIELDS} if policy else None
    if policy is None:
        policy = StockPolicy(location=location, sku=sku)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.updated_at = clock.now()
    policy.updated_by = actor if getattr(actor, "pk", None) else None
    policy.save()
    audit_record(
        actor=actor,
        action="inventory.policy_set",
        obj=policy,
        store_id=location.store_id,
        before=before,
        after={"location": location.code, "sku": sku.code, **values},
    )
    return policy


def _sellable_levels(location: Location):
    """Levels at a location that could be sold: expired batches are stock, but not supply."""
    tz = location.store.time_zone if location.store_id else None
    return StockLevel.objects.filter(location=location).filter(
        Q(batch__isnull=True) | Q(batch__expiry_date__gte=clock.today(tz))
    )


def low_stock(*, location: Location, user=None) -> list[LowStockRow]:
    """SKUs with a policy here whose available units (on hand − reserved) are at or below the
    minimum, with the units that would bring them back to the maximum."""
    if user is not None:
        require(user, Perm.INVENTORY_VIEW, location.store_id)
    policies = list(StockPolicy.objects.filter(location=location).select_related("sku"))
    sku_ids = sorted(p.sku_id for p in policies)
    stock = {
        row["sku_id"]: row
        for row in _sellable_levels(location)
        .filter(sku_id__in=sku_ids)
        .values("sku_id")
        .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
    }
    coming = inbound_units(location=location, sku_ids=sku_ids)
    rows = []
    for policy in policies:
        on_hand = stock.get(policy.sku_id, {}).get("on_hand") or 0
        reserved = stock.get(policy.sku_id, {}).get("reserved") or 0
        available = on_hand - reserved
        if available > policy.min_qty:
            continue
        in_transit = coming.get(policy.sku_id, 0)
        rows.append(
            LowStockRow(
                sku_id=policy.sku_id,
                sku_code=policy.sku.code,
                on_hand=on_hand,
                reserved=reserved,
                available=available,
                in_transit=in_transit,
                min_qty=policy.min_qty,
                max_qty=policy.max_qty,
                safety_stock=policy.safety_stock,
                suggested=max(policy.max_qty - available - in_transit, 0),
            )
        )
    # The emptiest shelves first.
    return sorted(rows, key=lambda r: (r.available - r.min_qty, r.sku_code))


def slow_moving(
    *, location: Location, days: int = 30, max_units: int = 0, user=None
) -> list[SlowMovingRow]:
    """SKUs with stock on hand that sold at most `max_units` here in the last `days` days,
    with the value tied up in them (on hand × moving-average cost), largest first."""
    if user is not None:
        require(user, Perm.INVENTORY_VIEW, location.store_id)
    if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
        raise PolicyInvalid("The window must be at least one day.", code="window_invalid")
    if not isinstance(max_units, int) or isinstance(max_units, bool) or max_units < 0:
        raise PolicyInvalid("max_units must be zero or more.", code="window_invalid")
    on_hand = dict(
        StockLevel.objects.filter(location=location, on_hand__gt=0)
        .values("sku_id")
        .annotate(n=Sum("on_hand"))
        .values_list("sku_id", "n")
    )
    sku_ids = sorted(on_hand)
    since = clock.now() - dt.timedelta(days=days)
    sold = dict(
        StockMove.objects.filter(
            location=location, sku_id__in=sku_ids, kind=MoveKind.SALE, at__gte=since
        )
        .values("sku_id")
        .annotate(n=Sum(-F("quantity")))
        .values_list("sku_id", "n")
    )
    skus = {s.pk: s for s in Sku.objects.filter(pk__in=sku_ids).only("pk", "code", "cost")}
    averages = dict(
        SkuCost.objects.filter(sku_id__in=sku_ids).values_list("sku_id", "average_cost")
    )
    rows = []
    for sku_id in sku_ids:
        units_sold = sold.get(sku_id) or 0
        if units_sold > max_units:
            continue
        cost = averages.get(sku_id, Decimal(skus[sku_id].cost))
        doi = None
        if units_sold > 0:
            doi = (Decimal(on_hand[sku_id]) * days / units_sold).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
        rows.append(
            SlowMovingRow(
                sku_id=sku_id,
                sku_code=skus[sku_id].code,
                on_hand=on_hand[sku_id],
                units_sold=units_sold,
                unit_cost=cost,
                value=(on_hand[sku_id] * cost).quantize(CENTS, rounding=ROUND_HALF_UP),
                days_of_inventory=doi,
            )
        )
    return sorted(rows, key=lambda r: (-r.value, r.sku_code))
