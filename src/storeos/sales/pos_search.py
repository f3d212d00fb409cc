"""What the till asks the catalog while a cashier scans or types: a scanned code, a short search.

Both answers are built for the POS screen: at most twenty active SKUs the till may sell, each with
the price the store charges at the till now. A search costs at most four queries however large the
catalog is (a barcode, the SKUs by code, by name when there is room, then their prices through the
same price resolution checkout uses), so the screen stays fast with tens of thousands of SKUs and
never shows a price checkout would not charge.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Cast

from storeos.accounts.permissions import Perm, require
from storeos.catalog.models import Barcode, Sku
from storeos.catalog.selectors import prices_for
from storeos.core.channels import Channel
from storeos.core.errors import NotFound
from storeos.stores.models import Store
from storeos.stores.services import refuse_nul

SEARCH_LIMIT = 20
MIN_QUERY = 2
MAX_QUERY = 64
_FIELDS = ("pk", "code", "name", "spec", "unit", "list_price", "age_restricted")


@dataclass(frozen=True)
class PosItem:
    """A SKU as the till shows and caches it."""

    sku_id: int
    code: str
    name: str
    spec: str
    unit: str
    price: Decimal
    age_restricted: bool
    barcode: str

    def as_json(self) -> dict:
        return {
            "sku_id": self.sku_id,
            "code": self.code,
            "name": self.name,
            "spec": self.spec,
            "unit": self.unit,
            "price": f"{self.price:.2f}",
            "age_restricted": self.age_restricted,
            "barcode": self.barcode,
        }


def _sellable_at_till():
    # `blocked_channels` is a JSON list; its text form holds each channel quoted (SQLite has no
    # JSON "contains"), and no channel name is a quoted part of another.
    return (
        Sku.objects.filter(is_active=True)
        .annotate(blocked_text=Cast("blocked_channels", TextField()))
        .exclude(blocked_text__contains=f'"{Channel.POS.value}"')
    )


def _first_barcode():
    return Subquery(
        Barcode.objects.filter(sku_id=OuterRef("pk")).order_by("code").values("code")[:1]
    )


def _priced(rows: list, *, store: Store) -> list[PosItem]:
    """Attach the till price to each row: one query for all of them."""
    if not rows:
        return []
    skus = [Sku(pk=row["pk"], list_price=row["list_price"]) for row in rows]
    prices = prices_for(skus=skus, store=store, channel=Channel.POS)
    return [
        PosItem(
            sku_id=row["pk"],
            code=row["code"],
            name=row["name"],
            spec=row["spec"],
            unit=row["unit"],
            price=prices[row["pk"]],
            age_restricted=row["age_restricted"],
            barcode=row["barcode"] or "",
        )
        for row in rows
    ]


def _clean(text: str, *, field: str) -> str:
    return refuse_nul((text or "").strip(), field=field)[:MAX_QUERY]


def pos_sku_search(*, user, store: Store, q: str, limit: int = SEARCH_LIMIT) -> list[PosItem]:
    """SKUs for the till matching `q`: exact barcode or code first, then code prefix, then name.

    Fewer than two characters find nothing (a single letter matches half the catalog). The code
    matches come from indexes; the name scan only runs when they leave room on the page, and
    walks the catalog in code order so it stops at the page's end.
    """
    require(user, Perm.SALES_CHECKOUT, store)
    q = _clean(q, field="q")
    if len(q) < MIN_QUERY:
        return []
    limit = max(1, min(limit, SEARCH_LIMIT))
    # Each arm is an index lookup (PostgreSQL combines them), so the code matches never scan;
    # hence the barcode's SKU ids are fetched first rather than joined in.
    scanned_ids = list(Barcode.objects.filter(code=q).values_list("sku_id", flat=True)[:limit])
    exact = Q(pk__in=scanned_ids) | Q(code__in=[q, q.upper()])
    # SKU codes are mostly upper-case; a cashier types them in either case.
    code_prefix = Q(code__startswith=q) | Q(code__startswith=q.upper())
    rows = list(
        _sellable_at_till()
        .filter(exact | code_prefix)
        .annotate(
            barcode=_first_barcode(),
            rank=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        .order_by("rank", "code")
        .values(*_FIELDS, "barcode", "rank")[:limit]
    )
    scanned = rows and rows[0]["rank"] == 0 and q.isdigit()
    if len(rows) < limit and not scanned:
        # A scanned barcode names one item; otherwise names fill the rest of the page.
        rows += (
            _sellable_at_till()
            .filter(name__icontains=q)
            .exclude(pk__in=[row["pk"] for row in rows])
            .annotate(barcode=_first_barcode())
            .order_by("code")
            .values(*_FIELDS, "barcode")[: limit - len(rows)]
        )
    return _priced(rows, store=store)


def pos_sku_by_code(*, user, store: Store, code: str) -> PosItem:
    """The SKU a scanned barcode (or a typed SKU code) names; NotFound (barcode_not_found)."""
    require(user, Perm.SALES_CHECKOUT, store)
    code = _clean(code, field="code")
    scanned_ids = list(Barcode.objects.filter(code=code).values_list("sku_id", flat=True)[:1])
    matches = Q(pk__in=scanned_ids) | Q(code__in=[code, code.upper()])
    rows = list(
        _sellable_at_till()
        .filter(matches)
        .annotate(barcode=Value(code, output_field=TextField()))
        .order_by("code")
        .values(*_FIELDS, "barcode")[:1]
    )
    if not rows:
        raise NotFound(
            f"No SKU sold at the till has code {code}.",
            code="barcode_not_found",
            details={"code": code},
        )
    item = _priced(rows, store=store)[0]
    if item.code.upper() == code.upper() and item.barcode == code:
        # Typed by SKU code, not scanned: keep the real barcode out of it.
        item = replace(item, barcode="")
    return item
