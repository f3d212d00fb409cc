"""Stock counts: open a count for a location, record what is there (by hand or a scan file),
report the variance and post it as count-variance moves.

Posting makes the count the truth: each line's level becomes the counted quantity, measured
against on hand re-read at posting (sales while the count was open are already on the level).
A line nobody counted is posted as zero: a count covers its whole scope.

Scanners do not read lot codes, so units of a batch-tracked SKU counted without a batch are
spread over its batches latest-expiry first (missing units are taken to be the ones that expire
first, since sales pick FEFO); a surplus goes to the batch expiring first. A surplus of a
batch-tracked SKU with no batch on record cannot be placed and must be counted by batch.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from storeos.accounts.permissions import Perm, require
from storeos.catalog.models import Barcode, Category, Sku
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.errors import ValidationFailed
from storeos.inventory.errors import (
    BatchInvalid,
    BatchRequired,
    DocumentStatusConflict,
    QuantityInvalid,
    ScanLineInvalid,
)
from storeos.inventory.models import (
    Batch,
    MoveKind,
    SkuCost,
    StockCount,
    StockCountLine,
    StockCountUnknownCode,
    StockLevel,
)
from storeos.inventory.rfid import sgtin96_decode
from storeos.inventory.stock import Reference, stock_adjust
from storeos.stores.models import Location

CENTS = Decimal("0.01")
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class VarianceRow:
    line_id: int
    sku_id: int
    sku_code: str
    batch_id: int | None
    lot_code: str
    expected: int
    counted: int
    difference: int
    unit_cost: Decimal
    value: Decimal
    # counted came from units scanned without a batch, spread over this SKU's batches
    allocated: bool = False
    # nobody counted this line: it posts as zero
    uncounted: bool = False


@dataclass(frozen=True)
class UnknownCodeRow:
    code: str
    quantity: int


@dataclass
class VarianceReport:
    count_id: int
    status: str
    rows: list[VarianceRow] = field(default_factory=list)
    unknown_codes: list[UnknownCodeRow] = field(default_factory=list)
    expected_units: int = 0
    counted_units: int = 0
    difference_units: int = 0
    shortage_value: Decimal = Decimal("0.00")
    surplus_value: Decimal = Decimal("0.00")
    net_value: Decimal = Decimal("0.00")


@dataclass
class UploadResult:
    lines_read: int = 0
    units_counted: int = 0
    unknown_units: int = 0
    # (line number, code) for SKUs the count does not cover; they are not recorded
    out_of_scope: list[tuple[int, str]] = field(default_factory=list)


def _on_hand_at(location: Location, sku_ids: list[int]) -> dict[tuple[int, int | None], int]:
    return {
        (sku_id, batch_id): on_hand
        for sku_id, batch_id, on_hand in StockLevel.objects.filter(
            location=location, sku_id__in=sorted(set(sku_ids))
        ).values_list("sku_id", "batch_id", "on_hand")
    }


def _costs(skus: list[Sku]) -> dict[int, Decimal]:
    """Moving-average cost per SKU in one query, the catalog cost before any receipt."""
    averages = dict(
        SkuCost.objects.filter(sku_id__in=sorted({s.pk for s in skus})).values_list(
            "sku_id", "average_cost"
        )
    )
    return {s.pk: averages.get(s.pk, Decimal(s.cost)) for s in skus}


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


def _lock_open(count: StockCount) -> StockCount:
    """Lock the count row while it is open, so a posting waits for a recording (and the
    other way round) and nothing is recorded on a posted count."""
    locked = StockCount.objects.select_for_update().filter(pk=count.pk).first()
    if locked is None or locked.status != StockCount.Status.OPEN:
        status = locked.status if locked else None
        code = "count_already_posted" if status == StockCount.Status.POSTED else "count_not_open"
        raise DocumentStatusConflict(
            f"Count {count.pk} is {status}; it can no longer change.",
            code=code,
            details={"count": count.pk, "status": status},
        )
    return locked


@transaction.atomic
def count_open(
    *,
    actor,
    location: Location,
    scope: str,
    category: Category | None = None,
    skus: list[Sku] | None = None,
    note: str = "",
) -> StockCount:
    """Open a count and snapshot what the system expects to be there."""
    require(actor, Perm.INVENTORY_MOVE, location.store_id)
    if scope not in StockCount.Scope.values:
        raise ValidationFailed(f"Unknown count scope {scope!r}.", code="count_scope_invalid")
    if (scope == StockCount.Scope.CATEGORY) != (category is not None):
        raise ValidationFailed(
            "A category count names one category; other counts name none.",
            code="count_scope_invalid",
        )
    if scope == StockCount.Scope.LIST and not skus:
        raise ValidationFailed("A list count needs at least one SKU.", code="count_scope_invalid")
    if scope != StockCount.Scope.LIST and skus:
        raise ValidationFailed("Only a list count takes SKUs.", code="count_scope_invalid")
    count = StockCount.objects.create(
        location=location,
        scope=scope,
        category=category,
        opened_by=actor,
        opened_at=clock.now(),
        note=note[:255],
    )
    levels = StockLevel.objects.filter(location=location, on_hand__gt=0)
    if scope == StockCount.Scope.CATEGORY:
        levels = levels.filter(sku__product__category__path__startswith=category.path)
    elif scope == StockCount.Scope.LIST:
        levels = levels.filter(sku_id__in=sorted({s.pk for s in skus}))
    lines = [
        StockCountLine(count=count, sku_id=sku_id, batch_id=batch_id, expected=on_hand)
        for sku_id, batch_id, on_hand in levels.order_by("sku_id", "batch_id").values_list(
            "sku_id", "batch_id", "on_hand"
        )
    ]
    if scope == StockCount.Scope.LIST:
        # A listed SKU with nothing on record still gets a line: finding some is the point.
        stocked = {line.sku_id for line in lines}
        lines += [
            StockCountLine(count=count, sku=s, batch=None, expected=0)
            for s in sorted({s.pk: s for s in skus}.values(), key=lambda s: s.pk)
            if s.pk not in stocked
        ]
    StockCountLine.objects.bulk_create(lines)
    return count


def _in_scope(count: StockCount, sku: Sku) -> bool:
    if count.scope == StockCount.Scope.ALL:
        return True
    if count.scope == StockCount.Scope.CATEGORY:
        return sku.product.category.path.startswith(count.category.path)
    return count.lines.filter(sku=sku).exists()


def _line_for(count: StockCount, sku: Sku, batch: Batch | None) -> StockCountLine:
    """The count's line for (SKU, batch); a line found during the count expects what is on
    record now."""
    line = StockCountLine.objects.filter(count=count, sku=sku, batch=batch).first()
    if line is None:
        on_hand = (
            StockLevel.objects.filter(location=count.location, sku=sku, batch=batch)
            .values_list("on_hand", flat=True)
            .first()
        )
        line = StockCountLine.objects.create(
            count=count, sku=sku, batch=batch, expected=on_hand or 0
        )
    return line


@transaction.atomic
def count_record(
    *, actor, count: StockCount, sku: Sku, counted: int, batch: Batch | None = None
) -> StockCountLine:
    """Record by hand how many units of a SKU (and batch) are there; replaces an earlier figure."""
    require(actor, Perm.INVENTORY_MOVE, count.location.store_id)
    count = _lock_open(count)
    if not isinstance(counted, int) or isinstance(counted, bool) or counted < 0:
        raise QuantityInvalid(
            "A counted quantity must be a whole number, zero or more.",
            details={"counted": counted},
        )
    if batch is not None and (batch.sku_id != sku.pk or not sku.batch_tracked):
        raise BatchInvalid("That batch does not belong to this SKU.", details={"sku": sku.code})
    if not _in_scope(count, sku):
        raise ValidationFailed(
            f"{sku.code} is not part of this count.",
            code="sku_out_of_scope",
            details={"sku": sku.code},
        )
    line = _line_for(count, sku, batch)
    line.counted = counted
    line.save(update_fields=["counted"])
    return line


def _parse_scan(text: str) -> list[tuple[int, str, int]]:
    """(line number, code, quantity) for each non-blank line; the first bad line refuses all."""
    parsed = []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) > 2 or not parts[0]:
            raise ScanLineInvalid(
                f"Line {number}: expected a code or 'code,quantity', got {line!r}.",
                details={"line": number, "text": line[:100]},
            )
        quantity = 1
        if len(parts) == 2:
            if not parts[1].isdigit() or not parts[1].isascii():
                raise ScanLineInvalid(
                    f"Line {number}: {parts[1]!r} is not a whole number of units.",
                    details={"line": number, "text": line[:100]},
                )
            quantity = int(parts[1])
        if len(parts[0]) > 128:
            raise ScanLineInvalid(f"Line {number}: the code is too long.", details={"line": number})
        parsed.append((number, parts[0], quantity))
    return parsed


def _tags_to_gtins(parsed: list[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
    """Replace RFID tag codes by the barcode they encode, one unit per tag however many times
    the reader reported it; other lines pass through."""
    seen: set[tuple[str, int]] = set()
    result = []
    for number, code, quantity in parsed:
        tag = sgtin96_decode(code)
        if tag is None:
            result.append((number, code, quantity))
            continue
        if (tag.gtin14, tag.serial) in seen:
            continue
        seen.add((tag.gtin14, tag.serial))
        result.append((number, tag.ean13 or tag.gtin14, 1))
    return result


def _resolve_codes(codes: list[str]) -> dict[str, Sku]:
    """Scanned code → SKU: catalog barcodes first, then SKU codes."""
    codes = sorted(set(codes))
    found: dict[str, Sku] = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start : start + LOOKUP_CHUNK]
        for barcode in Barcode.objects.filter(code__in=chunk).select_related(
            "sku__product__category"
        ):
            found[barcode.code] = barcode.sku
        rest = [code for code in chunk if code not in found]
        for sku in Sku.objects.filter(code__in=rest).select_related("product__category"):
            found[sku.code] = sku
    return found


@transaction.atomic
def count_upload(*, actor, count: StockCount, text: str) -> UploadResult:
    """Add a scan file's units to the count: one code per line (one unit each) or
    `code,qty`. Several files add up (front of store, back room). Unknown codes are kept for
    the variance report; SKUs outside the count's scope are listed back and not recorded."""
    require(actor, Perm.INVENTORY_MOVE, count.location.store_id)
    count = _lock_open(count)
    parsed = _tags_to_gtins(_parse_scan(text or ""))
    skus = _resolve_codes([code for _, code, _ in parsed])
    result = UploadResult(lines_read=len(parsed))
    units: dict[int, int] = defaultdict(int)
    by_id: dict[int, Sku] = {}
    unknown: dict[str, int] = defaultdict(int)
    in_scope: dict[int, bool] = {}
    for number, code, quantity in parsed:
        sku = skus.get(code)
        if sku is not None and sku.pk not in in_scope:
            in_scope[sku.pk] = _in_scope(count, sku)
        if sku is None:
            unknown[code] += quantity
            result.unknown_units += quantity
        elif not in_scope[sku.pk]:
            result.out_of_scope.append((number, code))
        else:
            units[sku.pk] += quantity
            by_id[sku.pk] = sku
            result.units_counted += quantity
    for sku_id in sorted(units):
        line = _line_for(count, by_id[sku_id], None)
        StockCountLine.objects.filter(pk=line.pk).update(
            counted=Coalesce(F("counted"), Value(0)) + units[sku_id]
        )
    for code in sorted(unknown):
        if not unknown[code]:
            continue
        row, created = StockCountUnknownCode.objects.get_or_create(
            count=count, code=code, defaults={"quantity": unknown[code]}
        )
        if not created:
            StockCountUnknownCode.objects.filter(pk=row.pk).update(
                quantity=F("quantity") + unknown[code]
            )
    return result


def _effective_counts(
    sku: Sku, lines: list[StockCountLine], expected: dict[int, int]
) -> dict[int, tuple[int, bool, bool]]:
    """line id → (counted, allocated, uncounted) for one SKU's lines (see the module doc)."""
    loose = next((ln for ln in lines if ln.batch_id is None), None)
    batched = [ln for ln in lines if ln.batch_id is not None]
    result: dict[int, tuple[int, bool, bool]] = {
        ln.pk: (ln.counted or 0, False, ln.counted is None) for ln in lines
    }
    if not sku.batch_tracked or loose is None or loose.counted is None or not batched:
        return result
    spare = loose.counted
    own = min(spare, expected[loose.pk])
    result[loose.pk] = (own, False, False)
    spare -= own
    open_lines = [ln for ln in batched if ln.counted is None]
    for line in sorted(open_lines, key=lambda ln: (ln.batch.expiry_date, ln.pk), reverse=True):
        take = min(spare, expected[line.pk])
        result[line.pk] = (take, True, False)
        spare -= take
    if spare:
        first = min(batched, key=lambda ln: (ln.batch.expiry_date, ln.pk))
        counted, _, _ = result[first.pk]
        result[first.pk] = (counted + spare, True, False)
    return result


def _variance_rows(count: StockCount, *, live: bool) -> list[VarianceRow]:
    lines = list(
        count.lines.select_related("sku", "batch").order_by(
            "sku_id", F("batch_id").asc(nulls_first=True), "pk"
        )
    )
    costs: dict[int, Decimal] = {}
    if live:
        on_hand = _on_hand_at(count.location, [ln.sku_id for ln in lines])
        expected = {ln.pk: on_hand.get((ln.sku_id, ln.batch_id), 0) for ln in lines}
        costs = _costs([ln.sku for ln in lines])
    else:
        expected = {ln.pk: ln.expected for ln in lines}
    per_sku: dict[int, list[StockCountLine]] = defaultdict(list)
    for line in lines:
        per_sku[line.sku_id].append(line)
    effective: dict[int, tuple[int, bool, bool]] = {}
    for sku_lines in per_sku.values():
        if live:
            effective.update(_effective_counts(sku_lines[0].sku, sku_lines, expected))
        else:
            effective.update(
                {
                    ln.pk: (ln.expected + (ln.posted_difference or 0), False, ln.counted is None)
                    for ln in sku_lines
                }
            )
    rows = []
    for line in lines:
        counted, allocated, uncounted = effective[line.pk]
        unit_cost = costs[line.sku_id] if live else (line.unit_cost or Decimal("0"))
        difference = counted - expected[line.pk]
        rows.append(
            VarianceRow(
                line_id=line.pk,
                sku_id=line.sku_id,
                sku_code=line.sku.code,
                batch_id=line.batch_id,
                lot_code=line.batch.lot_code if line.batch else "",
                expected=expected[line.pk],
                counted=counted,
                difference=difference,
                unit_cost=unit_cost,
                value=_money(difference * unit_cost),
                allocated=allocated,
                uncounted=uncounted,
            )
        )
    return rows


def _report(count: StockCount, rows: list[VarianceRow]) -> VarianceReport:
    report = VarianceReport(count_id=count.pk, status=count.status, rows=rows)
    report.unknown_codes = [
        UnknownCodeRow(code=code, quantity=quantity)
        for code, quantity in count.unknown_codes.order_by("code").values_list("code", "quantity")
    ]
    for row in rows:
        report.expected_units += row.expected
        report.counted_units += row.counted
        report.difference_units += row.difference
        if row.value < 0:
            report.shortage_value += row.value
        else:
            report.surplus_value += row.value
    report.net_value = report.shortage_value + report.surplus_value
    return report


def count_variance(*, count: StockCount, user=None) -> VarianceReport:
    """Expected against counted per line, valued at moving-average cost, with unknown codes.

    For an open count, expected is on hand now (what posting would measure against); for a
    posted count, the figures that were posted.
    """
    if user is not None:
        require(user, Perm.INVENTORY_VIEW, count.location.store_id)
    count.refresh_from_db(fields=["status"])
    return _report(count, _variance_rows(count, live=count.status == StockCount.Status.OPEN))


@transaction.atomic
def count_post(*, actor, count: StockCount) -> VarianceReport:
    """Make the count the stock: one count-variance move per line that differs. Needs a store
    manager (INVENTORY_APPROVE); all lines or none."""
    require(actor, Perm.INVENTORY_APPROVE, count.location.store_id)
    count = _lock_open(count)
    rows = _variance_rows(count, live=True)
    for row in rows:
        if row.batch_id is None and row.difference > 0:
            sku = Sku.objects.get(pk=row.sku_id)
            if sku.batch_tracked:
                raise BatchRequired(
                    f"{sku.code} is batch-tracked and has no batch on record here: count it "
                    "by batch before posting.",
                    code="count_batch_required",
                    details={"sku": sku.code},
                )
    lines = {line.pk: line for line in count.lines.select_related("sku", "batch")}
    reference = Reference("count", str(count.pk))
    for row in rows:  # already in (SKU, batch) order: levels are locked in a stable order
        line = lines[row.line_id]
        if row.difference:
            stock_adjust(
                actor=actor,
                location=count.location,
                sku=line.sku,
                delta=row.difference,
                batch=line.batch,
                kind=MoveKind.COUNT_VARIANCE,
                reference=reference,
                note=f"count {count.pk}",
            )
        line.expected = row.expected
        line.posted_difference = row.difference
        line.unit_cost = row.unit_cost
        if row.allocated:  # keep what was posted to the batch, not "nobody counted it"
            line.counted = row.counted
    StockCountLine.objects.bulk_update(
        list(lines.values()), ["expected", "counted", "posted_difference", "unit_cost"]
    )
    count.status = StockCount.Status.POSTED
    count.posted_by = actor
    count.posted_at = clock.now()
    count.save(update_fields=["status", "posted_by", "posted_at"])
    report = _report(count, rows)
    audit_record(
        actor=actor,
        action="inventory.count_post",
        obj=count,
        store_id=count.location.store_id,
        before={"status": StockCount.Status.OPEN},
        after={
            "status": StockCount.Status.POSTED,
            "location": count.location.code,
            "lines_changed": sum(1 for row in rows if row.difference),
            "difference_units": report.difference_units,
            "net_value": str(report.net_value),
            "unknown_codes": len(report.unknown_codes),
        },
    )
    return report


@transaction.atomic
def count_cancel(*, actor, count: StockCount) -> StockCount:
    """Abandon an open count; nothing was posted, so stock is untouched."""
    require(actor, Perm.INVENTORY_MOVE, count.location.store_id)
    count = _lock_open(count)
    count.status = StockCount.Status.CANCELLED
    count.save(update_fields=["status"])
    return count
