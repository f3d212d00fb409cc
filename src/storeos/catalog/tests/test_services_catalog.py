"""Adding and changing categories, products, SKUs and barcodes."""

from decimal import Decimal

import pytest

from storeos.catalog.models import Barcode, Sku
from storeos.catalog.services import (
    barcode_add,
    barcode_remove,
    category_create,
    sku_create,
    sku_update,
)
from storeos.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from storeos.core.models import AuditEntry


def test_a_category_path_lists_its_ancestors(toys, bricks):
    # when
    technic = category_create(actor=None, code="TECHNIC-CAT", name="Technic", parent=bricks)

    # then
    assert toys.path == f"/{toys.pk}/"
    assert technic.path == f"/{toys.pk}/{bricks.pk}/{technic.pk}/"


def test_a_new_sku_keeps_its_barcodes_and_is_audited(admin, product):
    # when
    sku = sku_create(
        actor=admin,
        product=product,
        code="LEGO-42115-B",
        name="Sián, gift box",
        list_price="3199.00",
        barcodes=["5702016999999", "SOS-0001"],
        blocked_channels=["delivery"],
    )

    # then
    assert sku.list_price == Decimal("3199.00")
    assert sorted(b.code for b in sku.barcodes.all()) == ["5702016999999", "SOS-0001"]
    assert not sku.sellable_on("delivery")
    entry = AuditEntry.objects.get(action="sku.create", object_id=str(sku.pk))
    assert entry.actor == admin
    assert entry.after["barcodes"] == ["5702016999999", "SOS-0001"]


def test_a_barcode_in_use_refuses_the_whole_sku(admin, sku):
    # given
    skus_before = Sku.objects.count()

    # when
    with pytest.raises(Conflict) as refused:
        sku_create(
            actor=admin,
            product=sku.product,
            code="NEW-1",
            name="New",
            list_price=Decimal("10"),
            barcodes=["NEW-BARCODE", "5702016616217"],
        )

    # then
    assert refused.value.code == "barcode_taken"
    assert refused.value.details["sku_code"] == "LEGO-42115"
    assert Sku.objects.count() == skus_before
    assert not Barcode.objects.filter(code="NEW-BARCODE").exists()


def test_a_sku_code_is_used_once(admin, sku):
    with pytest.raises(Conflict) as refused:
        sku_create(
            actor=admin, product=sku.product, code="LEGO-42115", name="x", list_price=Decimal(1)
        )
    assert refused.value.code == "sku_code_taken"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"list_price": Decimal("-0.01")}, "price_invalid"),
        ({"list_price": "abc"}, "price_invalid"),
        ({"list_price": Decimal("1.005")}, "price_invalid"),
        ({"list_price": 9.99}, "price_invalid"),
        ({"cost": Decimal("-1")}, "cost_invalid"),
        ({"tax_rate": Decimal("1.5")}, "tax_rate_invalid"),
        ({"pack_size": 0}, "pack_size_invalid"),
        ({"blocked_channels": ["telegraph"]}, "channel_invalid"),
        ({"barcodes": ["A1", "A1"]}, "barcode_repeated"),
        ({"name": "  "}, "name_required"),
    ],
)
def test_bad_sku_input_is_refused_and_nothing_saved(admin, product, kwargs, code):
    args = {"product": product, "code": "BAD-1", "name": "Bad", "list_price": Decimal("5")}
    with pytest.raises(ValidationFailed) as refused:
        sku_create(actor=admin, **(args | kwargs))
    assert refused.value.code == code
    assert refused.value.status == 422
    assert not Sku.objects.filter(code="BAD-1").exists()


def test_a_cashier_cannot_add_to_the_catalog(cashier, product):
    with pytest.raises(PermissionDenied) as refused:
        sku_create(actor=cashier, product=product, code="C-1", name="C", list_price=Decimal(1))
    assert refused.value.code == "permission_denied"


def test_a_sku_update_records_before_and_after(admin, sku):
    # when
    sku_update(actor=admin, sku=sku, name="Sián FKP 37", cost=Decimal("1750.00"), unit="box")

    # then
    sku.refresh_from_db()
    assert (sku.name, sku.cost, sku.unit) == ("Sián FKP 37", Decimal("1750.00"), "box")
    entry = AuditEntry.objects.get(action="sku.update")
    assert entry.before == {"cost": "1800.00", "name": "Lamborghini Sián FKP 37", "unit": "pc"}
    assert entry.after == {"cost": "1750.00", "name": "Sián FKP 37", "unit": "box"}


def test_an_update_that_changes_nothing_writes_no_audit_row(admin, sku):
    sku_update(actor=admin, sku=sku, name=sku.name)

    assert not AuditEntry.objects.filter(action="sku.update").exists()


def test_the_list_price_is_not_changed_by_a_sku_update(admin, sku):
    with pytest.raises(ValidationFailed) as refused:
        sku_update(actor=admin, sku=sku, list_price=Decimal("1"))

    assert refused.value.code == "use_price_change"
    sku.refresh_from_db()
    assert sku.list_price == Decimal("2999.00")


def test_barcodes_are_added_and_removed(admin, sku):
    # when
    barcode_add(actor=admin, sku=sku, code="690000000001")
    barcode_remove(actor=admin, sku=sku, code="5702016616217")

    # then
    assert [b.code for b in sku.barcodes.all()] == ["690000000001"]
    assert AuditEntry.objects.filter(action__startswith="sku.barcode").count() == 2


def test_a_barcode_belongs_to_one_sku(admin, sku, product):
    # given
    other = sku_create(actor=admin, product=product, code="O-1", name="O", list_price=Decimal(1))

    # when / then
    with pytest.raises(Conflict) as refused:
        barcode_add(actor=admin, sku=other, code="5702016616217")
    assert refused.value.code == "barcode_taken"
    with pytest.raises(NotFound):
        barcode_remove(actor=admin, sku=other, code="5702016616217")
    assert Barcode.objects.get(code="5702016616217").sku == sku
