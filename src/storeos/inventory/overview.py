"""Reads behind the stock-room pages: the stock overview, stock card, documents and alerts,
each limited to the locations the asking user may see (another store's rows are "not found")."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from storeos.accounts.permissions import Perm, store_ids_with
from storeos.catalog.models import Barcode, Category, Sku
from storeos.core import clock
from storeos.inventory import selectors
from storeos.inventory.expiry import DEFAULT_WINDOW_DAYS, category_windows
from storeos.inventory.models import (
    Batch,
    ExpiryAlert,
    MoveKind,
    ScrapRequest,
    StockCount,
    StockLevel,
    StockMove,
    StockPolicy,
    Transfer,
)
from storeos.stores.models import Location, Store

MAX_PAGE = 200


@dataclass(frozen=True)
class OverviewFilters:
    q: str = ""
    category_id: int | None = None
    series_id: int | None = None
    low_stock: bool = False
    near_expiry: bool = False
    # SKUs on hand that sold nothing over this many days
    slow_days: int | None = None


@dataclass(frozen=True)
class OverviewRow:
    sku: Sku
    on_hand: int
    reserved: int
    available: int
    min_qty: int | None
    max_qty: int | None
    nearest_expiry: dt.date | None
    days_left: int | None
    low: bool
    near_expiry: bool


@dataclass(frozen=True)
class CardLine:
    move: StockMove
    balance: int
    # the page of the document the move belongs to, when the UI has one
    document_kind: str
    document_id: int | None


@dataclass(frozen=True)
class AlertRow:
    alert: ExpiryAlert
    days_left: int


def _visible_store_ids(user, perm: Perm = Perm.INVENTORY_VIEW) -> set[int] | None:
    return store_ids_with(user, perm)


def _visible(locations: QuerySet, user, perm: Perm = Perm.INVENTORY_VIEW) -> QuerySet:
    ids = _visible_store_ids(user, perm)
    if ids is None:
        return locations
    return locations.filter(store_id__in=sorted(ids))


def stock_locations(*, user, store: Store | None = None) -> list[Location]:
    """Locations whose stock `user` sees: of `store` when given, else all of them (chain-wide
    users also see the warehouses)."""
    locations = _visible(Location.objects.select_related("store"), user)
    if store is not None:
        locations = locations.filter(store=store)
    return list(locations.order_by("code"))


def move_locations(*, user, store: Store | None = None) -> list[Location]:
    """Active locations `user` may move stock out of (transfers, counts, scrap)."""
    locations = _visible(
        Location.objects.filter(is_active=True).select_related("store"), user, Perm.INVENTORY_MOVE
    )
    if store is not None:
        locations = locations.filter(store=store)
    return list(locations.order_by("code"))


def transfer_destinations() -> list[Location]:
    """Every active location: stock may go to any store or warehouse of the chain."""
    return list(Location.objects.filter(is_active=True).select_related("store").order_by("code"))


def _today(locations: list[Location]) -> dt.date:
    stores = {loc.store.time_zone for loc in locations if loc.store_id}
    return clock.today(stores.pop() if len(stores) == 1 else None)


def store_today(store: Store | None) -> dt.date:
    """Today on the store's wall clock (the chain's when working chain-wide)."""
    return clock.today(store.time_zone if store else None)


def _per_sku(queryset: QuerySet, expression) -> Coalesce:
    """Sum of `expression` over `queryset` rows of the outer SKU (0 when there are none)."""
    total = queryset.filter(sku=OuterRef("pk")).values("sku").annotate(n=Sum(expression))
    return Coalesce(Subquery(total.values("n")[:1]), Value(0), output_field=IntegerField())


def _near_expiry_sku_ids(location_ids: list[int], today: dt.date) -> list[int]:
    """SKUs with stock of a batch inside its category's near-expiry window (or expired)."""
    windows = category_windows()
    longest = max(windows.values(), default=DEFAULT_WINDOW_DAYS)
    rows = StockLevel.objects.filter(
        location_id__in=location_ids,
        batch__isnull=False,
        on_hand__gt=0,
        batch__expiry_date__lte=today + dt.timedelta(days=longest),
    ).values_list("sku_id", "sku__product__category_id", "batch__expiry_date")
    return sorted(
        {
            sku_id
            for sku_id, category_id, expiry in rows
            if expiry <= today + dt.timedelta(days=windows.get(category_id, DEFAULT_WINDOW_DAYS))
        }
    )


def _search(skus: QuerySet, q: str) -> QuerySet:
    return skus.filter(
        Q(code__startswith=q)
        | Q(code__startswith=q.upper())
        | Q(name__icontains=q)
        | Q(pk__in=Barcode.objects.filter(code=q).values("sku_id"))
    )


def stock_overview(
    *,
    user,
    locations: list[Location],
    filters: OverviewFilters,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[OverviewRow], int]:
    """One page of SKUs stocked (or with a policy) at `locations`, summed over them, and how
    many match. Available leaves out reserved units and expired batches; min / max are the
    locations' policies added up."""
    visible = {loc.pk for loc in stock_locations(user=user)}
    location_ids = sorted(loc.pk for loc in locations if loc.pk in visible)
    today = _today(locations)
    levels = StockLevel.objects.filter(location_id__in=location_ids)
    sellable = levels.filter(Q(batch__isnull=True) | Q(batch__expiry_date__gte=today))
    policies = StockPolicy.objects.filter(location_id__in=location_ids)
    policy = policies.filter(sku=OuterRef("pk")).values("sku")
    skus = Sku.objects.filter(
        Exists(levels.filter(sku=OuterRef("pk"))) | Exists(policies.filter(sku=OuterRef("pk")))
    ).annotate(
        on_hand=_per_sku(levels, "on_hand"),
        reserved=_per_sku(levels, "reserved"),
        available=_per_sku(sellable, F("on_hand") - F("reserved")),
        min_qty=Subquery(policy.annotate(n=Sum("min_qty")).values("n")[:1]),
        max_qty=Subquery(policy.annotate(n=Sum("max_qty")).values("n")[:1]),
        nearest_expiry=Subquery(
            levels.filter(sku=OuterRef("pk"), batch__isnull=False, on_hand__gt=0)
            .order_by("batch__expiry_date")
            .values("batch__expiry_date")[:1]
        ),
    )
    q = (filters.q or "").strip().replace("\x00", "")
    if q:
        skus = _search(skus, q)
    if filters.category_id is not None:
        category = Category.objects.filter(pk=filters.category_id).only("path").first()
        if category is None:
            return [], 0
        skus = skus.filter(product__category__path__startswith=category.path)
    if filters.series_id is not None:
        skus = skus.filter(product__series_id=filters.series_id)
    if filters.low_stock:
        skus = skus.filter(min_qty__isnull=False, available__lte=F("min_qty"))
    near = set(_near_expiry_sku_ids(location_ids, today))
    if filters.near_expiry:
        skus = skus.filter(pk__in=sorted(near))
    if filters.slow_days:
        since = clock.now() - dt.timedelta(days=filters.slow_days)
        sold = StockMove.objects.filter(
            sku=OuterRef("pk"), location_id__in=location_ids, kind=MoveKind.SALE, at__gte=since
        )
        skus = skus.filter(on_hand__gt=0).exclude(Exists(sold))
    total = skus.count()
    limit = max(1, min(limit, MAX_PAGE))
    page = skus.select_related("product__category", "product__series").order_by("code")
    rows = []
    for sku in page[max(0, offset) : max(0, offset) + limit]:
        days_left = (sku.nearest_expiry - today).days if sku.nearest_expiry else None
        rows.append(
            OverviewRow(
                sku=sku,
                on_hand=sku.on_hand,
                reserved=sku.reserved,
                available=sku.available,
                min_qty=sku.min_qty,
                max_qty=sku.max_qty,
                nearest_expiry=sku.nearest_expiry,
                days_left=days_left,
                low=sku.min_qty is not None and sku.available <= sku.min_qty,
                near_expiry=sku.pk in near,
            )
        )
    return rows, total


def _document_ids(moves: list[StockMove]) -> dict[tuple[str, str], int]:
    """(reference type, reference id) → id of the transfer, count or scrap request page."""
    numbers = sorted({m.reference_id for m in moves if m.reference_type == "transfer"})
    found = {
        ("transfer", number): pk
        for number, pk in Transfer.objects.filter(number__in=numbers).values_list("number", "pk")
    }
    for move in moves:
        if move.reference_type in ("count", "scrap") and move.reference_id.isdigit():
            found[(move.reference_type, move.reference_id)] = int(move.reference_id)
    return found


def stock_card_page(
    *, user, location_id: int, sku: Sku, offset: int = 0, limit: int = 100
) -> tuple[Location, list[CardLine], int]:
    """The stock card of a SKU at a location, newest move first, one page of it, with the
    running balance after each move; 404 for a location the user may not see."""
    location = selectors.location_for_stock(user=user, location_id=location_id)
    rows = selectors.stock_card_for(user=user, location_id=location.pk, sku=sku)
    rows.reverse()
    shown = rows[max(0, offset) : max(0, offset) + max(1, min(limit, MAX_PAGE))]
    documents = _document_ids([row.move for row in shown])
    lines = [
        CardLine(
            move=row.move,
            balance=row.balance,
            document_kind=row.move.reference_type,
            document_id=documents.get((row.move.reference_type, row.move.reference_id)),
        )
        for row in shown
    ]
    return location, lines, len(rows)


def sku_for_code(code: str) -> Sku | None:
    """The SKU a scanned or typed code names: a barcode first, then a SKU code."""
    code = (code or "").strip().replace("\x00", "")
    if not code:
        return None
    barcode = Barcode.objects.filter(code=code).select_related("sku").first()
    if barcode is not None:
        return barcode.sku
    return Sku.objects.filter(code__in=sorted({code, code.upper()})).first()


def batch_for_lot(*, sku: Sku, lot_code: str) -> Batch | None:
    return Batch.objects.filter(sku=sku, lot_code=(lot_code or "").strip()).first()


def _page(queryset: QuerySet, offset: int, limit: int) -> tuple[list, int]:
    limit = max(1, min(limit, MAX_PAGE))
    return list(queryset[max(0, offset) : max(0, offset) + limit]), queryset.count()


def _transfers(user) -> QuerySet:
    visible = Location.objects.filter(pk__in=[loc.pk for loc in stock_locations(user=user)])
    return Transfer.objects.filter(
        Q(from_location__in=visible) | Q(to_location__in=visible)
    ).select_related("from_location__store", "to_location__store", "created_by")


def transfer_list(
    *,
    user,
    locations: list[Location],
    status: str = "",
    direction: str = "",
    q: str = "",
    offset: int = 0,
    limit: int = 25,
) -> tuple[list[Transfer], int]:
    """Transfers into or out of `locations` (`direction` "in" / "out" for one way), newest first."""
    ids = [loc.pk for loc in locations]
    transfers = _transfers(user)
    if direction == "out":
        transfers = transfers.filter(from_location_id__in=ids)
    elif direction == "in":
        transfers = transfers.filter(to_location_id__in=ids)
    else:
        transfers = transfers.filter(Q(from_location_id__in=ids) | Q(to_location_id__in=ids))
    if status:
        transfers = transfers.filter(status=status)
    q = (q or "").strip().replace("\x00", "")
    if q:
        transfers = transfers.filter(number__icontains=q)
    return _page(transfers.order_by("-created_at", "-pk"), offset, limit)


def transfer_lines(*, transfer: Transfer) -> list:
    return list(transfer.lines.select_related("sku", "batch").order_by("sku__code", "pk"))


def _counts(user) -> QuerySet:
    return StockCount.objects.filter(
        location_id__in=[loc.pk for loc in stock_locations(user=user)]
    ).select_related("location__store", "category", "opened_by", "posted_by")


def count_list(
    *, user, locations: list[Location], status: str = "", offset: int = 0, limit: int = 25
) -> tuple[list[StockCount], int]:
    counts = _counts(user).filter(location_id__in=[loc.pk for loc in locations])
    if status:
        counts = counts.filter(status=status)
    return _page(counts.order_by("-opened_at", "-pk"), offset, limit)


def _scraps(user) -> QuerySet:
    return ScrapRequest.objects.filter(
        location_id__in=[loc.pk for loc in stock_locations(user=user)]
    ).select_related("location__store", "requested_by", "decided_by")


def scrap_list(
    *, user, locations: list[Location], status: str = "", offset: int = 0, limit: int = 25
) -> tuple[list[ScrapRequest], int]:
    """Scrap requests at `locations`: pending first (they wait for a manager), newest first."""
    scraps = _scraps(user).filter(location_id__in=[loc.pk for loc in locations])
    if status:
        scraps = scraps.filter(status=status)
    pending_first = Case(
        When(status=ScrapRequest.Status.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    ordered = scraps.annotate(pending_rank=pending_first).order_by(
        "pending_rank", "-requested_at", "-pk"
    )
    return _page(ordered.prefetch_related("lines__sku", "lines__batch"), offset, limit)


def alert_rows(*, user, locations: list[Location], open_only: bool = True) -> list[AlertRow]:
    """Near-expiry alerts at `locations`, the batch expiring first on top, with days left."""
    ids = {loc.pk for loc in locations}
    today = _today(locations)
    return [
        AlertRow(alert=alert, days_left=(alert.batch.expiry_date - today).days)
        for alert in selectors.alert_list(user=user, open_only=open_only)
        if alert.location_id in ids
    ]
