"""The in-process cache of approved promotions, compiled for the engine and indexed by what
they apply to (SKU, category sub-tree, series, everything).

Every pricing call asks the database one cheap question (how many promotions, the latest change,
the highest id, which are approved) and rebuilds the cache when the answer changed, so a promotion
saved by another process is seen by the next cart. Saves in this process also drop the cache at
once (a test that rolls back and re-creates a promotion at the same frozen instant would
otherwise look unchanged).
"""

import datetime as dt
import threading
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models.signals import post_delete, post_save

from storeos.core.money import quantize
from storeos.promotions.models import Promotion, PromotionKind, PromotionStatus

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Scope:
    """A promotion's goods, as sets: a SKU is in when nothing excludes it and it is listed, in a
    listed series, or in a listed category or below it (everything when nothing is listed)."""

    everything: bool
    skus: frozenset[int] = frozenset()
    series: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()
    category_paths: tuple[str, ...] = ()
    exclude_skus: frozenset[int] = frozenset()
    exclude_category_ids: frozenset[int] = frozenset()
    exclude_category_paths: tuple[str, ...] = ()

    @property
    def excludes(self) -> bool:
        return bool(self.exclude_skus or self.exclude_category_ids)

    def holds(self, sku) -> bool:
        """`sku` is a SkuFacts."""
        if sku.id in self.exclude_skus or sku.category_id in self.exclude_category_ids:
            return False
        if self.exclude_category_paths and sku.path.startswith(self.exclude_category_paths):
            return False
        if self.everything:
            return True
        return (
            sku.id in self.skus
            or (sku.series_id is not None and sku.series_id in self.series)
            or sku.category_id in self.category_ids
            or bool(self.category_paths and sku.path and sku.path.startswith(self.category_paths))
        )


@dataclass(frozen=True, slots=True)
class SkuFacts:
    id: int
    category_id: int | None
    path: str
    series_id: int | None


@dataclass(slots=True)
class Compiled:
    """One approved promotion, parsed once: rule values as Decimals, conditions as sets."""

    id: int
    code: str
    kind: str
    label: str
    rule: dict
    scope: Scope
    starts_at: dt.datetime
    ends_at: dt.datetime
    channels: frozenset[str]
    store_ids: frozenset[int]
    weekdays: frozenset[int]
    hours: tuple[int, int] | None
    tier_codes: frozenset[str]
    tag_codes: frozenset[str]
    members_only: bool
    new_members_days: int
    min_quantity: int
    min_amount: Decimal
    total_uses: int
    per_member_uses: int
    budget: Decimal
    priority: int
    stacking_group: str
    stackable: bool
    exclusive: bool
    # The tie-break rank: higher priority first, then the lower id.
    rank: tuple = field(default=())

    @property
    def limited(self) -> bool:
        return bool(self.total_uses or self.budget)


@dataclass
class Catalogue:
    version: tuple
    promotions: dict[int, Compiled]
    everything: list[Compiled]
    by_sku: dict[int, list[Compiled]]
    by_series: dict[int, list[Compiled]]
    by_category_id: dict[int, list[Compiled]]
    by_category_path: dict[str, list[Compiled]]
    # Category id → path of every category (for SKUs whose product is loaded without one).
    category_paths: dict[int, str]
    # Whether any promotion looks at categories or series (else SKU facts need no lookup).
    needs_categories: bool

    def for_sku(self, sku: SkuFacts, *, everything: bool = True) -> list[Compiled]:
        """The promotions whose scope may hold `sku` (the scope itself still decides); with
        `everything=False`, only those that name it, its series or its categories."""
        found = list(self.everything) if everything else []
        found += self.by_sku.get(sku.id, ())
        if sku.series_id is not None:
            found += self.by_series.get(sku.series_id, ())
        if sku.category_id is not None:
            found += self.by_category_id.get(sku.category_id, ())
        if sku.path and self.by_category_path:
            parts = sku.path.strip("/").split("/")
            for depth in range(1, len(parts) + 1):
                found += self.by_category_path.get("/" + "/".join(parts[:depth]) + "/", ())
        return found


_lock = threading.Lock()
_cached: dict[str, Catalogue] = {}
_generation = [0]


def catalogue_current() -> Catalogue:
    """The approved promotions as of now: one version query, a rebuild only when it changed."""
    version = (_generation[0], connection.alias, *_version_read())
    cached = _cached.get(connection.alias)
    if cached is not None and cached.version == version:
        return cached
    catalogue = _build(version)
    with _lock:
        _cached[connection.alias] = catalogue
    return catalogue


def catalogue_forget(**_ignored) -> None:
    """Drop the cache (a promotion was saved or deleted in this process)."""
    _generation[0] += 1
    _cached.clear()


post_save.connect(catalogue_forget, sender=Promotion, dispatch_uid="promotions_catalogue_save")
post_delete.connect(catalogue_forget, sender=Promotion, dispatch_uid="promotions_catalogue_del")


def _version_read() -> tuple:
    table = Promotion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(updated_at), MAX(id),"
            f" SUM(CASE WHEN status = %s THEN id ELSE 0 END) FROM {table}",
            [PromotionStatus.ACTIVE.value],
        )
        return tuple(cursor.fetchone())


def category_paths_read() -> dict[int, str]:
    from storeos.catalog.models import Category

    return dict(Category.objects.values_list("pk", "path"))


def _build(version: tuple) -> Catalogue:
    rows = list(Promotion.objects.filter(status=PromotionStatus.ACTIVE).order_by("-priority", "id"))
    paths = category_paths_read() if rows else {}
    catalogue = Catalogue(
        version=version,
        promotions={},
        everything=[],
        by_sku={},
        by_series={},
        by_category_id={},
        by_category_path={},
        category_paths=paths,
        needs_categories=False,
    )
    for row in rows:
        try:
            compiled = promotion_compile(row, paths)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue  # a stored rule the validator would refuse: it cannot price anything
        _index(catalogue, compiled)
    return catalogue


def promotion_compile(row: Promotion, paths: dict[int, str]) -> Compiled:
    """A promotion row as the engine uses it (also for simulating a draft)."""
    scope = scope_compile(row.scope or {}, paths)
    if row.kind == PromotionKind.BUNDLE:
        scope = Scope(everything=False, skus=frozenset(int(s) for s in row.rule["skus"]))
    hours = tuple(int(h) for h in row.hours) if row.hours else None
    compiled = Compiled(
        id=row.pk,
        code=row.code,
        kind=row.kind,
        label=row.label or row.name,
        rule=rule_compile(row.kind, row.rule),
        scope=scope,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        channels=frozenset(row.channels or ()),
        store_ids=frozenset(int(s) for s in row.store_ids or ()),
        weekdays=frozenset(int(d) for d in row.weekdays or ()),
        hours=hours if hours and len(hours) == 2 else None,
        tier_codes=frozenset(row.tier_codes or ()),
        tag_codes=frozenset(row.tag_codes or ()),
        members_only=row.members_only,
        new_members_days=row.new_members_days,
        min_quantity=row.min_quantity,
        min_amount=Decimal(row.min_amount),
        total_uses=row.total_uses,
        per_member_uses=row.per_member_uses,
        budget=Decimal(row.budget),
        priority=row.priority,
        stacking_group=row.stacking_group,
        stackable=row.stackable,
        exclusive=row.exclusive,
    )
    compiled.rank = (-row.priority, row.pk)
    return compiled


def scope_compile(scope: dict, paths: dict[int, str]) -> Scope:
    def ids(key):
        return frozenset(int(i) for i in scope.get(key) or ())

    categories, excluded = ids("categories"), ids("exclude_categories")
    return Scope(
        everything=not (scope.get("skus") or scope.get("series") or categories),
        skus=ids("skus"),
        series=ids("series"),
        category_ids=categories,
        category_paths=tuple(sorted(paths[c] for c in categories if paths.get(c))),
        exclude_skus=ids("exclude_skus"),
        exclude_category_ids=excluded,
        exclude_category_paths=tuple(sorted(paths[c] for c in excluded if paths.get(c))),
    )


def rule_compile(kind: str, rule: dict) -> dict:
    """The rule with every amount as a Decimal and every percentage as a fraction."""

    def d(value) -> Decimal:
        return Decimal(str(value))

    def m(value) -> Decimal:
        return quantize(Decimal(str(value)))

    if kind == PromotionKind.PERCENT_OFF:
        return {"rate": d(rule["percent"]) / HUNDRED}
    if kind == PromotionKind.AMOUNT_OFF:
        return {"amount": m(rule["amount"])}
    if kind == PromotionKind.FIXED_PRICE:
        return {"price": m(rule["price"])}
    if kind == PromotionKind.TIER_PRICE:
        return {
            "prices": {k: m(v) for k, v in (rule.get("prices") or {}).items()},
            "rates": {k: d(v) / HUNDRED for k, v in (rule.get("percents") or {}).items()},
        }
    if kind == PromotionKind.SPEND_SAVE:
        if "tiers" in rule:
            tiers = sorted((m(a), m(b)) for a, b in rule["tiers"])
            return {"tiers": tiers, "every": None, "off": None}
        return {"tiers": [], "every": m(rule["every"]), "off": m(rule["off"])}
    if kind == PromotionKind.BUY_X_GET_Y:
        get_sku = rule.get("get_sku")
        return {
            "buy": int(rule["buy"]),
            "get": int(rule["get"]),
            "get_sku": int(get_sku) if get_sku else None,
            "rate": d(rule.get("percent", "100")) / HUNDRED,
        }
    if kind == PromotionKind.NTH_ITEM:
        return {"nth": int(rule["nth"]), "rate": d(rule["percent"]) / HUNDRED}
    if kind == PromotionKind.BUNDLE:
        return {"skus": tuple(int(s) for s in rule["skus"]), "price": m(rule["price"])}
    if kind == PromotionKind.GIFT:
        return {
            "sku": int(rule["sku"]),
            "quantity": int(rule.get("quantity", 1)),
            "min_amount": m(rule.get("min_amount", "0")),
        }
    if kind == PromotionKind.POINTS_MULTIPLIER:
        return {"multiplier": d(rule["multiplier"])}
    raise ValueError(kind)


def _index(catalogue: Catalogue, p: Compiled) -> None:
    catalogue.promotions[p.id] = p
    scope = p.scope
    if scope.exclude_category_ids:
        catalogue.needs_categories = True
    if scope.everything:
        catalogue.everything.append(p)
        return
    for sku_id in scope.skus:
        catalogue.by_sku.setdefault(sku_id, []).append(p)
    for series_id in scope.series:
        catalogue.needs_categories = True
        catalogue.by_series.setdefault(series_id, []).append(p)
    for category_id in scope.category_ids:
        catalogue.needs_categories = True
        path = catalogue.category_paths.get(category_id)
        if path:
            catalogue.by_category_path.setdefault(path, []).append(p)
        else:
            catalogue.by_category_id.setdefault(category_id, []).append(p)
