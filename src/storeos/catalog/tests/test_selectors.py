"""Finding SKUs: by barcode, code, name and category, page by page, fast at chain size."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from storeos.catalog.models import Barcode, Sku
from storeos.catalog.selectors import category_tree, sku_by_barcode, sku_get, sku_search
from storeos.catalog.services import category_create, product_create, sku_create
from storeos.core.errors import NotFound, PermissionDenied
from storeos.stores.tests.factories import make_user


@pytest.fixture
def shelf(product, toys):
    """Three more SKUs: one in a sibling category, one blocked online, one inactive."""
    dolls = category_create(actor=None, code="DOLLS", name="Dolls", parent=toys)
    doll = product_create(actor=None, code="P-DOLL", name="Doll", category=dolls)
    return {
        "doll": sku_create(
            actor=None, product=doll, code="DOLL-01", name="Porcelain doll", list_price=Decimal(99)
        ),
        "train": sku_create(
            actor=None,
            product=product,
            code="LEGO-60337",
            name="Express Passenger Train",
            list_price=Decimal("899"),
            barcodes=["5702017161938"],
            blocked_channels=["delivery"],
        ),
        "old": sku_create(
            actor=None,
            product=product,
            code="LEGO-10000",
            name="Retired set",
            list_price=Decimal(1),
        ),
    }


def _codes(result):
    items, _ = result
    return [s.code for s in items]


def test_search_finds_a_sku_by_exact_barcode(admin, sku, shelf):
    assert _codes(sku_search(user=admin, q="5702017161938")) == ["LEGO-60337"]
    assert _codes(sku_search(user=admin, q="570201716193")) == []


def test_search_finds_skus_by_code_prefix_in_any_case(admin, sku, shelf):
    assert _codes(sku_search(user=admin, q="LEGO-4")) == ["LEGO-42115"]
    assert _codes(sku_search(user=admin, q="lego-6")) == ["LEGO-60337"]


def test_search_finds_skus_by_part_of_the_name(admin, sku, shelf):
    assert _codes(sku_search(user=admin, q="passenger")) == ["LEGO-60337"]


def test_a_category_includes_its_subtree(admin, sku, shelf, toys, bricks):
    assert len(_codes(sku_search(user=admin, category_id=toys.pk))) == 4
    assert "DOLL-01" not in _codes(sku_search(user=admin, category_id=bricks.pk))


def test_filters_by_series_activity_and_channel(admin, sku, shelf, technic_series):
    # given
    Sku.objects.filter(code="LEGO-10000").update(is_active=False)

    # then
    assert _codes(sku_search(user=admin, series_id=technic_series.pk, active=True)) == [
        "LEGO-42115",
        "LEGO-60337",
    ]
    assert "LEGO-60337" not in _codes(sku_search(user=admin, channel="delivery"))
    assert "LEGO-60337" in _codes(sku_search(user=admin, channel="online_mall"))


def test_pages_report_the_total(admin, sku, shelf):
    # when
    first, total = sku_search(user=admin, limit=3)
    second, total_again = sku_search(user=admin, offset=3, limit=3)

    # then
    assert total == total_again == 4
    assert [s.code for s in first] == ["DOLL-01", "LEGO-10000", "LEGO-42115"]
    assert [s.code for s in second] == ["LEGO-60337"]


def test_a_user_without_catalog_access_cannot_search(db, sku):
    nobody = make_user("visitor")

    with pytest.raises(PermissionDenied):
        sku_search(user=nobody)


def test_unknown_skus_and_barcodes_are_not_found(sku):
    with pytest.raises(NotFound) as missing_sku:
        sku_get(sku_id=999_999)
    with pytest.raises(NotFound) as missing_barcode:
        sku_by_barcode(code="0000000000000")

    assert missing_sku.value.code == "sku_not_found"
    assert missing_barcode.value.code == "barcode_not_found"
    assert sku_by_barcode(code="5702016616217") == sku


def test_the_category_tree_nests_children(toys, bricks):
    (root,) = category_tree()

    assert root.category == toys
    assert [child.category for child in root.children] == [bricks]


def test_search_reads_one_page_however_many_skus_there_are(admin, product):
    # given: 20,000 SKUs with a barcode each
    Sku.objects.bulk_create(
        Sku(product=product, code=f"BULK-{i:05d}", name=f"Bulk item {i}", list_price=Decimal(10))
        for i in range(20_000)
    )
    ids = dict(Sku.objects.filter(code__startswith="BULK-").values_list("code", "pk"))
    Barcode.objects.bulk_create(
        Barcode(sku_id=pk, code=f"69{int(code[5:]):011d}") for code, pk in ids.items()
    )

    # when
    with CaptureQueriesContext(connection) as queries:
        by_barcode = sku_search(user=admin, q="6900000012345")
        by_name = sku_search(user=admin, q="item 1999", limit=200)
        everything = sku_search(user=admin, limit=200)

    # then: a count, a page and its barcodes per search, however many SKUs match
    assert _codes(by_barcode) == ["BULK-12345"]
    assert by_name[1] == 11  # "item 1999" and "item 19990".."19999"
    assert everything[1] == 20_000
    assert len(everything[0]) == 200
    assert len(queries) <= 3 * 3 + 3  # plus the permission look-up
