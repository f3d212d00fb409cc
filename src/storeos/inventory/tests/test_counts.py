import datetime as dt
from decimal import Decimal

import pytest

from storeos.catalog.models import Barcode, Category
from storeos.core import clock
from storeos.core.errors import PermissionDenied
from storeos.core.models import AuditEntry
from storeos.inventory.counts import (
    count_open,
    count_post,
    count_record,
    count_upload,
    count_variance,
)
from storeos.inventory.errors import DocumentStatusConflict, QuantityInvalid, ScanLineInvalid
from storeos.inventory.models import (
    MoveKind,
    StockCount,
    StockCountLine,
    StockCountUnknownCode,
    StockLevel,
    StockMove,
)
from storeos.inventory.selectors import levels_mismatching_moves, stock_card
from storeos.inventory.stock import stock_issue, stock_receive
from storeos.inventory.tests.conftest import make_sku

TODAY = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)


def on_hand(location, sku):
    return sum(
        StockLevel.objects.filter(location=location, sku=sku).values_list("on_hand", flat=True)
    )


def snapshot():
    return (
        sorted(
            StockLevel.objects.values_list(
                "location_id", "sku_id", "batch_id", "on_hand", "reserved"
            )
        ),
        StockMove.objects.count(),
        sorted(StockCount.objects.values_list("pk", "status")),
        sorted(
            StockCountLine.objects.values_list("pk", "expected", "counted", "posted_difference")
        ),
        sorted(StockCountUnknownCode.objects.values_list("code", "quantity")),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def skus(shelf, category):
    """Three SKUs on the shelf: 5 × SET-1 (barcoded), 3 × SET-2, 2 × SET-3."""
    made = [make_sku(category, code) for code in ("SET-1", "SET-2", "SET-3")]
    Barcode.objects.create(sku=made[0], code="6900000000011")
    for sku, quantity in zip(made, (5, 3, 2), strict=True):
        stock_receive(
            actor=None, location=shelf, sku=sku, quantity=quantity, unit_cost=Decimal("40")
        )
    return made


SCAN_FILE = """\
6900000000011
6900000000011

SET-2,3
NOPE-1
 NOPE-1 , 2
"""


def test_a_scan_file_counts_barcodes_and_code_qty_lines_and_keeps_unknown_codes(clerk, shelf, skus):
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.ALL)

    result = count_upload(actor=clerk, count=count, text=SCAN_FILE)

    assert (result.lines_read, result.units_counted, result.unknown_units) == (5, 5, 3)
    report = count_variance(count=count)
    rows = {row.sku_code: row for row in report.rows}
    assert (rows["SET-1"].expected, rows["SET-1"].counted, rows["SET-1"].difference) == (5, 2, -3)
    assert rows["SET-1"].value == Decimal("-120.00")  # 3 missing × 40 moving-average cost
    assert rows["SET-2"].difference == 0
    assert (rows["SET-3"].counted, rows["SET-3"].uncounted) == (0, True)
    assert [(u.code, u.quantity) for u in report.unknown_codes] == [("NOPE-1", 3)]
    assert (report.expected_units, report.counted_units, report.difference_units) == (10, 5, -5)
    assert report.net_value == Decimal("-200.00")


def test_posting_the_variance_moves_stock_and_the_stock_card_still_reconciles(
    clerk, manager, shelf, skus
):
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.ALL)
    count_upload(actor=clerk, count=count, text=SCAN_FILE)
    count_record(actor=clerk, count=count, sku=skus[2], counted=4)  # found two more by hand

    report = count_post(actor=manager, count=count)

    count.refresh_from_db()
    assert (count.status, count.posted_by) == (StockCount.Status.POSTED, manager)
    assert [on_hand(shelf, s) for s in skus] == [2, 3, 4]
    moves = StockMove.objects.filter(kind=MoveKind.COUNT_VARIANCE).order_by("sku_id")
    assert [(m.sku.code, m.quantity, m.reference_type, m.reference_id) for m in moves] == [
        ("SET-1", -3, "count", str(count.pk)),
        ("SET-3", 2, "count", str(count.pk)),
    ]
    for sku in skus:
        assert stock_card(location=shelf, sku=sku)[-1].balance == on_hand(shelf, sku)
    assert levels_mismatching_moves() == []
    assert report.net_value == Decimal("-40.00")
    entry = AuditEntry.objects.get(action="inventory.count_post")
    assert (entry.actor, entry.object_id, entry.after["difference_units"]) == (
        manager,
        str(count.pk),
        -1,
    )
    assert count_variance(count=count).net_value == Decimal("-40.00")  # the posted figures


def test_a_count_posted_twice_is_refused_and_changes_nothing(clerk, manager, shelf, skus):
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.ALL)
    count_record(actor=clerk, count=count, sku=skus[0], counted=1)
    count_post(actor=manager, count=count)
    before = snapshot()

    with pytest.raises(DocumentStatusConflict) as refused:
        count_post(actor=manager, count=count)

    assert refused.value.code == "count_already_posted"
    assert refused.value.status == 409
    assert snapshot() == before


def test_only_a_store_manager_posts_a_count(clerk, shelf, skus):
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.ALL)
    count_record(actor=clerk, count=count, sku=skus[0], counted=1)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        count_post(actor=clerk, count=count)

    assert snapshot() == before


@pytest.mark.parametrize("counted", [-1, 1.5, None])
def test_a_negative_or_broken_counted_quantity_is_refused(clerk, shelf, skus, counted):
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.ALL)
    before = snapshot()

    with pytest.raises(QuantityInvalid) as refused:
        count_record(actor=clerk, count=count, sku=skus[0], counted=counted)

    assert refused.value.code == "quantity_invalid"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("text", "bad_line"),
    [("SET-1\nSET-2,-4\n", 2), ("SET-1\n\nSET-2,x\n", 3), ("SET-1,2,3\n", 1), (",4\n", 1)],
)
def test_a_malformed_scan_line_names_its_line_and_saves_nothing(clerk, shelf, skus, text, bad_line):
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.ALL)
    before = snapshot()

    with pytest.raises(ScanLineInvalid) as refused:
        count_upload(actor=clerk, count=count, text=text + "NOPE-9\n")

    assert refused.value.code == "scan_line_invalid"
    assert refused.value.details["line"] == bad_line
    assert snapshot() == before


def test_posting_measures_against_on_hand_at_posting_time(clerk, manager, shelf, skus):
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.LIST, skus=[skus[0]])
    stock_issue(actor=None, location=shelf, sku=skus[0], quantity=1)  # sold while counting
    count_record(actor=clerk, count=count, sku=skus[0], counted=4)

    report = count_post(actor=manager, count=count)

    assert [(r.expected, r.counted, r.difference) for r in report.rows] == [(4, 4, 0)]
    assert not StockMove.objects.filter(kind=MoveKind.COUNT_VARIANCE).exists()
    assert on_hand(shelf, skus[0]) == 4


def test_a_category_count_covers_only_its_category(clerk, shelf, skus, category):
    toys = Category.objects.create(code="TOYS", name="Toys", path="/9/")
    bear = make_sku(toys, "BEAR-1")
    stock_receive(actor=None, location=shelf, sku=bear, quantity=1, unit_cost=Decimal("10"))
    count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.CATEGORY, category=toys)

    result = count_upload(actor=clerk, count=count, text="BEAR-1\nSET-1\n")

    assert result.out_of_scope == [(2, "SET-1")]
    assert [(r.sku_code, r.counted) for r in count_variance(count=count).rows] == [("BEAR-1", 1)]
    with pytest.raises(Exception) as refused:
        count_record(actor=clerk, count=count, sku=skus[0], counted=1)
    assert refused.value.code == "sku_out_of_scope"


def test_scanned_units_of_a_batch_tracked_sku_fill_the_latest_batches_first(
    clerk, manager, shelf, wine
):
    with clock.frozen(TODAY):
        for lot, expiry, quantity in [
            ("LATE", dt.date(2028, 1, 1), 5),
            ("SOON", dt.date(2026, 9, 1), 2),
        ]:
            stock_receive(
                actor=None,
                location=shelf,
                sku=wine,
                quantity=quantity,
                unit_cost=Decimal("80"),
                lot_code=lot,
                expiry_date=expiry,
            )
        count = count_open(actor=clerk, location=shelf, scope=StockCount.Scope.ALL)
        count_upload(actor=clerk, count=count, text="WINE-1,6\n")

        count_post(actor=manager, count=count)

    levels = StockLevel.objects.filter(location=shelf, sku=wine, batch__isnull=False)
    assert sorted((lv.batch.lot_code, lv.on_hand) for lv in levels) == [("LATE", 5), ("SOON", 1)]
    assert levels_mismatching_moves() == []
