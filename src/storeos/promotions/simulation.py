"""Simulation: what a draft promotion would have cost on the last N days of real baskets.

Each paid order's basket (SKUs, quantities, member, channel, store) is priced twice by the engine
at the moment it was paid: as things were, and with the draft treated as running. The difference
is what the promotion would have given away. Orders the draft cannot reach (another store or
channel, no SKU in its scope) are counted without pricing them.
"""

import copy
import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from storeos.accounts.permissions import Perm, require, store_ids_with
from storeos.core import clock
from storeos.core.errors import ValidationFailed
from storeos.core.money import ZERO
from storeos.promotions.labels import sku_ids_in_scope
from storeos.promotions.models import Promotion, PromotionKind, PromotionStatus

PAID_STATES = ("paid", "ready_for_pickup", "shipped", "completed")
MAX_DAYS = 366
# The draft's id while simulated: no real promotion has it.
SIMULATED_ID = -1


@dataclass
class StoreImpact:
    store_id: int
    orders_examined: int = 0
    orders_touched: int = 0
    discount_cost: Decimal = ZERO

    @property
    def average_discount(self) -> Decimal:
        if not self.orders_touched:
            return ZERO
        return (self.discount_cost / self.orders_touched).quantize(Decimal("0.01"))


@dataclass
class Simulation:
    days: int
    orders_examined: int = 0
    orders_touched: int = 0
    discount_cost: Decimal = ZERO
    by_store: dict[int, StoreImpact] = field(default_factory=dict)

    @property
    def average_discount(self) -> Decimal:
        if not self.orders_touched:
            return ZERO
        return (self.discount_cost / self.orders_touched).quantize(Decimal("0.01"))


def catalogue_with(catalogue, promotions: list[Promotion]):
    """A copy of the engine's catalogue with `promotions` in it as if approved and running."""
    from storeos.promotions import catalogue as engine_catalogue

    extended = dataclasses.replace(
        catalogue,
        promotions=dict(catalogue.promotions),
        everything=list(catalogue.everything),
        by_sku={k: list(v) for k, v in catalogue.by_sku.items()},
        by_series={k: list(v) for k, v in catalogue.by_series.items()},
        by_category_id={k: list(v) for k, v in catalogue.by_category_id.items()},
        by_category_path={k: list(v) for k, v in catalogue.by_category_path.items()},
        category_paths=catalogue.category_paths or engine_catalogue.category_paths_read(),
    )
    for promotion in promotions:
        compiled = engine_catalogue.promotion_compile(promotion, extended.category_paths)
        engine_catalogue._index(extended, compiled)
    return extended


def _as_running(promotion: Promotion) -> Promotion:
    """The draft as the engine should see it: approved, running at any time, never used."""
    running = copy.copy(promotion)
    running.pk = running.id = promotion.pk or SIMULATED_ID
    running.status = PromotionStatus.ACTIVE
    running.starts_at = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    running.ends_at = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
    running.used_count, running.discount_used = 0, ZERO
    return running


def _reachable(promotion: Promotion, order, in_scope: set[int], sku_ids: list[int]) -> bool:
    if promotion.channels and order.channel not in promotion.channels:
        return False
    if promotion.store_ids and order.store_id not in {int(s) for s in promotion.store_ids}:
        return False
    return promotion.kind == PromotionKind.GIFT or bool(in_scope & set(sku_ids))


def _orders(days: int, store_ids, now: dt.datetime):
    from storeos.sales.models import Order, OrderLine

    orders = Order.objects.filter(
        status__in=PAID_STATES, paid_at__gte=now - dt.timedelta(days=days), paid_at__lt=now
    ).select_related("store")
    if store_ids is not None:
        orders = orders.filter(store_id__in=sorted(store_ids))
    orders = list(orders.order_by("paid_at", "pk"))
    lines = defaultdict(list)
    rows = (
        OrderLine.objects.filter(order_id__in=[o.pk for o in orders])
        .select_related("sku__product")
        .order_by("order_id", "line_no")
    )
    for line in rows:
        if line.unit_price > 0 or line.discount == 0:  # a free gift line was not asked for
            lines[line.order_id].append(line)
    return orders, lines


def promotion_simulate(
    *, user, promotion: Promotion, days: int = 30, store_ids: list[int] | None = None
) -> Simulation:
    """Re-price the paid orders of the last `days` days with `promotion` added."""
    from storeos.promotions.engine import cart_price
    from storeos.sales.pricing import CartItem

    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(
            f"Simulate between 1 and {MAX_DAYS} days.", code="simulation_days_invalid"
        )
    visible = store_ids_with(user, Perm.PROMOTIONS_VIEW)
    if visible is not None:
        for store_id in store_ids or []:
            require(user, Perm.PROMOTIONS_VIEW, store_id)
        store_ids = sorted(set(store_ids) if store_ids else visible)
    running = _as_running(promotion)
    result = Simulation(days=days)
    orders, lines = _orders(days, store_ids, clock.now())
    skus = {line.sku_id: line.sku for order_lines in lines.values() for line in order_lines}
    in_scope = sku_ids_in_scope(promotion.scope, list(skus.values()))
    for order in orders:
        impact = result.by_store.setdefault(order.store_id, StoreImpact(store_id=order.store_id))
        impact.orders_examined += 1
        result.orders_examined += 1
        basket = lines.get(order.pk, [])
        if not basket or not _reachable(running, order, in_scope, [x.sku_id for x in basket]):
            continue
        items = [CartItem(sku=line.sku, quantity=line.quantity) for line in basket]
        common = {
            "store": order.store,
            "channel": order.channel,
            "items": items,
            "member_id": order.member_id,
            "at": order.paid_at,
        }
        before = cart_price(**common)
        after = cart_price(**common, extra_promotions=[running])
        cost = after.discount_total - before.discount_total
        if cost == 0 and after.total == before.total:
            continue
        impact.orders_touched += 1
        impact.discount_cost += cost
        result.orders_touched += 1
        result.discount_cost += cost
    return result
