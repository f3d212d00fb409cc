"""Reads of the catalog: SKU search and lookup, categories, price lists and price history."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from storeos.accounts.permissions import Perm, store_ids_with
from storeos.catalog.models import Barcode, Category, PriceList, Product, Series, Sku
from storeos.catalog.price_resolution import price_for, prices_for  # noqa: F401  (re-exported)
from storeos.core.errors import NotFound, PermissionDenied
from storeos.core.models import AuditEntry
from storeos.stores.services import refuse_nul

MAX_PAGE = 200


def require_catalog_view(user) -> set[int] | None:
    """Refuse users without catalog access; return the stores they see (None = every store).

    The catalog itself is chain-wide: a grant in any one store is enough to read it.
    """
    if user is None:
        return None
    visible = store_ids_with(user, Perm.CATALOG_VIEW)
    if visible == set():
        raise PermissionDenied("You do not have permission to see the catalog.")
    return visible


def _with_details(skus: QuerySet[Sku]) -> QuerySet[Sku]:
    return skus.select_related("product__category", "product__series").prefetch_related(
        Prefetch("barcodes", queryset=Barcode.objects.order_by("code"))
    )


def _not_blocked_on(channel: str) -> Q:
    # `blocked_channels` is a JSON list and SQLite has no JSON "contains"; its text form holds
    # each channel quoted, and no channel name is a quoted part of another.
    return ~Q(blocked_channels_text__contains=f'"{channel}"')


def sku_search(
    *,
    user,
    q: str = "",
    category_id: int | None = None,
    series_id: int | None = None,
    active: bool | None = None,
    channel: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Sku], int]:
    """One page of SKUs matching the filters, and how many match in all.

    `q` finds a SKU by exact barcode, by code prefix or by a piece of its name (any case). A
    category includes its whole subtree.
    """
    require_catalog_view(user)
    skus = Sku.objects.all()
    q = refuse_nul((q or "").strip(), field="q")
    if q:
        skus = skus.filter(
            Q(code__startswith=q)
            | Q(code__startswith=q.upper())
            | Q(name__icontains=q)
            | Q(pk__in=Barcode.objects.filter(code=q).values("sku_id"))
        )
    if category_id is not None:
        category = Category.objects.filter(pk=category_id).only("path").first()
        if category is None:
            return [], 0
        skus = skus.filter(product__category__path__startswith=category.path)
    if series_id is not None:
        skus = skus.filter(product__series_id=series_id)
    if active is not None:
        skus = skus.filter(is_active=active)
    if channel:
        skus = skus.annotate(blocked_channels_text=Cast("blocked_channels", TextField())).filter(
            _not_blocked_on(channel)
        )
    total = skus.count()
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    page = list(_with_details(skus).order_by("code")[offset : offset + limit])
    return page, total


def _sku_not_found(sku_id) -> NotFound:
    return NotFound(
        f"SKU {sku_id} was not found.", code="sku_not_found", details={"sku_id": sku_id}
    )


def sku_get(*, sku_id: int, user=None) -> Sku:
    """The SKU with its product, category, series and barcodes; NotFound (sku_not_found)."""
    require_catalog_view(user)
    sku = _with_details(Sku.objects).filter(pk=sku_id).first()
    if sku is None:
        raise _sku_not_found(sku_id)
    return sku


def skus_for_lines(
    *, sku_ids: list[int], barcodes: list[str], user=None
) -> tuple[dict[int, Sku], dict[str, Sku]]:
    """The SKUs a basket names, by id and by barcode, in at most two queries (no details).

    Raises NotFound (sku_not_found / barcode_not_found) for the first id or code that is unknown.
    """
    require_catalog_view(user)
    by_id = {sku.pk: sku for sku in Sku.objects.filter(pk__in=sorted(set(sku_ids)))}
    for sku_id in sku_ids:
        if sku_id not in by_id:
            raise _sku_not_found(sku_id)
    codes = sorted({refuse_nul((code or "").strip(), field="barcode") for code in barcodes})
    by_code = {}
    if codes:
        for barcode in Barcode.objects.filter(code__in=codes).select_related("sku"):
            by_code[barcode.code] = barcode.sku
    for code in codes:
        if code not in by_code:
            raise NotFound(
                f"No SKU has barcode {code}.", code="barcode_not_found", details={"barcode": code}
            )
    return by_id, by_code


def sku_by_barcode(*, code: str, user=None) -> Sku:
    """The SKU a scanned barcode belongs to; NotFound (barcode_not_found) for an unknown code."""
    require_catalog_view(user)
    code = refuse_nul((code or "").strip(), field="barcode")
    sku = _with_details(Sku.objects).filter(barcodes__code=code).first()
    if sku is None:
        raise NotFound(
            f"No SKU has barcode {code}.", code="barcode_not_found", details={"barcode": code}
        )
    return sku


def sku_price_history(*, user, sku: Sku, limit: int = 200) -> list[AuditEntry]:
    """The SKU's price changes, newest first: chain-wide ones, and the stores `user` sees."""
    visible = require_catalog_view(user)
    entries = AuditEntry.objects.filter(
        action="price.change", object_type=Sku._meta.label_lower, object_id=str(sku.pk)
    ).select_related("actor")
    if visible is not None:
        entries = entries.filter(Q(store_id__isnull=True) | Q(store_id__in=sorted(visible)))
    return list(entries.order_by("-at", "-id")[:limit])


@dataclass
class CategoryNode:
    category: Category
    children: list["CategoryNode"] = field(default_factory=list)


def category_list(*, user=None) -> QuerySet[Category]:
    require_catalog_view(user)
    return Category.objects.order_by("path")


def category_get(*, category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound(
            f"Category {category_id} was not found.",
            code="category_not_found",
            details={"category_id": category_id},
        )
    return category


def category_tree(*, user=None) -> list[CategoryNode]:
    """The category forest in one query; children ordered by code."""
    nodes = {c.pk: CategoryNode(c) for c in category_list(user=user)}
    roots: list[CategoryNode] = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id)
        (parent.children if parent else roots).append(node)
    for node in [*nodes.values()]:
        node.children.sort(key=lambda n: n.category.code)
    roots.sort(key=lambda n: n.category.code)
    return roots


def series_list(*, user=None) -> QuerySet[Series]:
    require_catalog_view(user)
    return Series.objects.order_by("code")


def series_get(*, series_id: int) -> Series:
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        raise NotFound(
            f"Series {series_id} was not found.",
            code="series_not_found",
            details={"series_id": series_id},
        )
    return series


def product_list(
    *, user=None, category_id: int | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[Product], int]:
    require_catalog_view(user)
    products = Product.objects.select_related("category", "series").order_by("code")
    if category_id is not None:
        category = category_get(category_id=category_id)
        products = products.filter(category__path__startswith=category.path)
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    return list(products[offset : offset + limit]), products.count()


def product_get(*, product_id: int) -> Product:
    product = Product.objects.select_related("category", "series").filter(pk=product_id).first()
    if product is None:
        raise NotFound(
            f"Product {product_id} was not found.",
            code="product_not_found",
            details={"product_id": product_id},
        )
    return product


def price_list_list(*, user) -> QuerySet[PriceList]:
    """Chain-wide price lists, and the store lists of the stores `user` sees."""
    visible = require_catalog_view(user)
    lists = PriceList.objects.select_related("store").order_by("code")
    if visible is not None:
        lists = lists.filter(Q(store__isnull=True) | Q(store_id__in=sorted(visible)))
    return lists


def price_list_get(*, user, price_list_id: int) -> PriceList:
    price_list = price_list_list(user=user).filter(pk=price_list_id).first()
    if price_list is None:
        raise NotFound(
            f"Price list {price_list_id} was not found.",
            code="price_list_not_found",
            details={"price_list_id": price_list_id},
        )
    return price_list
