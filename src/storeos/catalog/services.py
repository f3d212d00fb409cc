"""Writes for the catalog: categories, series, products, SKUs and barcodes.

Price changes live in `storeos.catalog.pricing` (re-exported here) so every price moves through
one audited path.
"""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.catalog.models import Barcode, Category, Product, Series, Sku
from storeos.catalog.pricing import (  # noqa: F401  (re-exported: one import for callers)
    clean_amount,
    price_change,
    price_list_create,
    price_list_item_remove,
    price_list_item_set,
)
from storeos.core.audit import audit_record
from storeos.core.errors import Conflict, NotFound, ValidationFailed
from storeos.stores.services import clean_channels, creating_unique, refuse_nul

SKU_UPDATABLE = frozenset(
    {
        "product",
        "name",
        "spec",
        "unit",
        "pack_size",
        "cost",
        "tax_rate",
        "batch_tracked",
        "shelf_life_days",
        "age_restricted",
        "blocked_channels",
        "is_active",
    }
)


def _clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = refuse_nul((value or "").strip(), field=field)
    if required and not value:
        raise ValidationFailed(
            f"The {field} is required.", code=f"{field}_required", details={"field": field}
        )
    if len(value) > max_length:
        raise ValidationFailed(
            f"The {field} has at most {max_length} characters.",
            code="text_too_long",
            details={"field": field, "max_length": max_length},
        )
    return value


def _clean_code(code: str, *, max_length: int = 32) -> str:
    code = _clean_text(code, field="code", max_length=max_length)
    if any(ch.isspace() for ch in code):
        raise ValidationFailed("A code may not contain spaces.", code="code_invalid")
    return code


def _clean_tax_rate(value) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed("The tax rate must be a number.", code="tax_rate_invalid") from exc
    if not rate.is_finite() or not (0 <= rate < 1) or rate != rate.quantize(Decimal("0.0001")):
        raise ValidationFailed(
            "The tax rate is a fraction from 0 up to (not including) 1, e.g. 0.13.",
            code="tax_rate_invalid",
        )
    return rate


def _clean_positive_int(value, *, field: str, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationFailed(
            f"The {field} must be a whole number of at least 1.",
            code=f"{field}_invalid",
            details={"field": field},
        )
    return value


def _clean_barcodes(barcodes: Iterable[str]) -> list[str]:
    cleaned = [_clean_text(b, field="barcode", max_length=64) for b in barcodes]
    if any(ch.isspace() for b in cleaned for ch in b):
        raise ValidationFailed("A barcode may not contain spaces.", code="barcode_invalid")
    repeated = sorted({b for b in cleaned if cleaned.count(b) > 1})
    if repeated:
        raise ValidationFailed(
            "The same barcode is listed twice.",
            code="barcode_repeated",
            details={"barcodes": repeated},
        )
    return cleaned


def _barcode_taken(code: str) -> Conflict:
    owner = Barcode.objects.filter(code=code).values_list("sku__code", flat=True).first()
    return Conflict(
        f"Barcode {code} already belongs to SKU {owner}." if owner else f"Barcode {code} is taken.",
        code="barcode_taken",
        details={"barcode": code, "sku_code": owner},
    )


def _sku_conflict(code: str, barcodes: list[str]) -> Conflict | None:
    if Sku.objects.filter(code=code).exists():
        return Conflict(
            f"SKU {code} already exists.", code="sku_code_taken", details={"sku_code": code}
        )
    taken = (
        Barcode.objects.filter(code__in=barcodes)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return _barcode_taken(taken) if taken else None


def _sku_snapshot(sku: Sku, fields: Iterable[str]) -> dict[str, Any]:
    snapshot = {}
    for field in fields:
        value = sku.product_id if field == "product" else getattr(sku, field)
        snapshot[field] = str(value) if isinstance(value, Decimal) else value
    return snapshot


def category_create(*, actor, code: str, name: str, parent: Category | None = None) -> Category:
    """Add a category under `parent` (or at the top); its path makes subtree searches cheap."""
    require_unless_system(actor, Perm.CATALOG_EDIT)
    code = _clean_code(code)
    name = _clean_text(name, field="name", max_length=100)
    with creating_unique(
        exists=Category.objects.filter(code=code).exists(),
        conflict=Conflict(f"Category {code} already exists.", code="category_code_taken"),
    ):
        category = Category.objects.create(code=code, name=name, parent=parent)
        # The path needs the new primary key, hence the second write.
        category.path = f"{parent.path if parent else '/'}{category.pk}/"
        category.save(update_fields=["path"])
        audit_record(
            actor=actor,
            action="category.create",
            obj=category,
            after={"code": code, "name": name, "parent_id": category.parent_id},
        )
    return category


def series_create(*, actor, code: str, name: str, brand: str = "") -> Series:
    require_unless_system(actor, Perm.CATALOG_EDIT)
    code = _clean_code(code)
    name = _clean_text(name, field="name", max_length=100)
    brand = _clean_text(brand, field="brand", max_length=100, required=False)
    with creating_unique(
        exists=Series.objects.filter(code=code).exists(),
        conflict=Conflict(f"Series {code} already exists.", code="series_code_taken"),
    ):
        series = Series.objects.create(code=code, name=name, brand=brand)
        audit_record(
            actor=actor,
            action="series.create",
            obj=series,
            after={"code": code, "name": name, "brand": brand},
        )
    return series


def product_create(
    *,
    actor,
    code: str,
    name: str,
    category: Category,
    series: Series | None = None,
    description: str = "",
) -> Product:
    require_unless_system(actor, Perm.CATALOG_EDIT)
    code = _clean_code(code)
    name = _clean_text(name, field="name", max_length=200)
    with creating_unique(
        exists=Product.objects.filter(code=code).exists(),
        conflict=Conflict(f"Product {code} already exists.", code="product_code_taken"),
    ):
        product = Product.objects.create(
            code=code,
            name=name,
            category=category,
            series=series,
            description=refuse_nul((description or "").strip(), field="description"),
        )
        audit_record(
            actor=actor,
            action="product.create",
            obj=product,
            after={
                "code": code,
                "name": name,
                "category_id": category.pk,
                "series_id": getattr(series, "pk", None),
            },
        )
    return product


def sku_create(
    *,
    actor,
    product: Product,
    code: str,
    name: str,
    list_price: Decimal,
    cost: Decimal = Decimal(0),
    barcodes: Iterable[str] = (),
    spec: str = "",
    unit: str = "pc",
    pack_size: int = 1,
    tax_rate: Decimal = Decimal("0.13"),
    batch_tracked: bool = False,
    shelf_life_days: int | None = None,
    age_restricted: bool = False,
    blocked_channels: Iterable[str] = (),
) -> Sku:
    """Add a SKU with its barcodes. A barcode or code already in use refuses the whole SKU."""
    require_unless_system(actor, Perm.CATALOG_EDIT)
    fields = {
        "code": _clean_code(code, max_length=40),
        "name": _clean_text(name, field="name", max_length=200),
        "list_price": clean_amount(list_price, code="price_invalid", label="price"),
        "cost": clean_amount(cost, code="cost_invalid", label="cost"),
        "spec": _clean_text(spec, field="spec", max_length=100, required=False),
        "unit": _clean_text(unit, field="unit", max_length=16),
        "pack_size": _clean_positive_int(pack_size, field="pack_size"),
        "tax_rate": _clean_tax_rate(tax_rate),
        "batch_tracked": bool(batch_tracked),
        "shelf_life_days": _clean_positive_int(
            shelf_life_days, field="shelf_life_days", allow_none=True
        ),
        "age_restricted": bool(age_restricted),
        "blocked_channels": clean_channels(blocked_channels),
    }
    codes = _clean_barcodes(barcodes)
    conflict = _sku_conflict(fields["code"], codes)
    if conflict:
        raise conflict
    try:
        with transaction.atomic():
            sku = Sku.objects.create(product=product, **fields)
            Barcode.objects.bulk_create([Barcode(sku=sku, code=code) for code in codes])
            audit_record(
                actor=actor,
                action="sku.create",
                obj=sku,
                after=_sku_snapshot(sku, ["code", "name", "list_price", "cost", "product"])
                | {"barcodes": codes},
            )
    except IntegrityError as exc:
        # A concurrent writer took the code or a barcode between the check and the insert.
        raise _sku_conflict(fields["code"], codes) or Conflict(
            "The SKU could not be saved.", code="sku_conflict"
        ) from exc
    return sku


def sku_update(*, actor, sku: Sku, **changes) -> Sku:
    """Change a SKU's details. Prices change through `price_change` only (audited with a reason)."""
    require_unless_system(actor, Perm.CATALOG_EDIT)
    if "list_price" in changes:
        raise ValidationFailed(
            "Change a price with a price change (it records who, why and when).",
            code="use_price_change",
        )
    unknown = sorted(set(changes) - SKU_UPDATABLE)
    if unknown:
        raise ValidationFailed(
            f"These SKU fields cannot be changed here: {', '.join(unknown)}.",
            code="field_not_updatable",
            details={"fields": unknown},
        )
    cleaners = {
        "name": lambda v: _clean_text(v, field="name", max_length=200),
        "spec": lambda v: _clean_text(v, field="spec", max_length=100, required=False),
        "unit": lambda v: _clean_text(v, field="unit", max_length=16),
        "pack_size": lambda v: _clean_positive_int(v, field="pack_size"),
        "cost": lambda v: clean_amount(v, code="cost_invalid", label="cost"),
        "tax_rate": _clean_tax_rate,
        "shelf_life_days": lambda v: _clean_positive_int(
            v, field="shelf_life_days", allow_none=True
        ),
        "blocked_channels": clean_channels,
        "batch_tracked": bool,
        "age_restricted": bool,
        "is_active": bool,
    }
    changes = {f: cleaners[f](v) if f in cleaners else v for f, v in changes.items()}
    with transaction.atomic():
        sku = Sku.objects.select_for_update().get(pk=sku.pk)
        changed = sorted(f for f, v in changes.items() if getattr(sku, f) != v)
        if not changed:
            return sku
        before = _sku_snapshot(sku, changed)
        for field in changed:
            setattr(sku, field, changes[field])
        sku.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="sku.update",
            obj=sku,
            before=before,
            after=_sku_snapshot(sku, changed),
        )
    return sku


def barcode_add(*, actor, sku: Sku, code: str) -> Barcode:
    require_unless_system(actor, Perm.CATALOG_EDIT)
    (code,) = _clean_barcodes([code])
    with creating_unique(
        exists=Barcode.objects.filter(code=code).exists(), conflict=_barcode_taken(code)
    ):
        barcode = Barcode.objects.create(sku=sku, code=code)
        audit_record(actor=actor, action="sku.barcode_add", obj=sku, after={"barcode": code})
    return barcode


@transaction.atomic
def barcode_remove(*, actor, sku: Sku, code: str) -> None:
    require_unless_system(actor, Perm.CATALOG_EDIT)
    code = refuse_nul(code, field="barcode")
    deleted, _ = Barcode.objects.filter(sku=sku, code=code).delete()
    if not deleted:
        raise NotFound(
            f"SKU {sku.code} has no barcode {code}.",
            code="barcode_not_found",
            details={"barcode": code},
        )
    audit_record(actor=actor, action="sku.barcode_remove", obj=sku, before={"barcode": code})
