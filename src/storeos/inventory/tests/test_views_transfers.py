import re

import pytest
from django.urls import reverse

from storeos.inventory.models import StockLevel, Transfer
from storeos.inventory.tests.page_data import FAST_HASHERS, stock_room
from storeos.inventory.transfers import transfer_create, transfer_ship
from storeos.web.tests.factories import signed_in


@pytest.fixture
def room(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS  # signing in is not under test here
    return stock_room()


def _form_key(body: str) -> str:
    return re.search(r'name="form_key" value="([0-9a-f]+)"', body).group(1)


def _new_transfer_post(client, room, lines: str, to=None) -> tuple:
    page = client.get(reverse("inventory:transfer_create")).content.decode()
    data = {
        "form_key": _form_key(page),
        "from_location": room["shelf"].pk,
        "to_location": (to or room["back"]).pk,
        "lines": lines,
        "note": "",
    }
    return client.post(reverse("inventory:transfer_create"), data), data


def _draft(room, to=None, quantity=2) -> Transfer:
    return transfer_create(
        actor=room["manager"],
        from_location=room["shelf"],
        to_location=to or room["back"],
        lines=[(room["skus"]["technic"], quantity)],
    )


def _on_hand(location, sku) -> int:
    return sum(
        StockLevel.objects.filter(location=location, sku=sku).values_list("on_hand", flat=True)
    )


def test_transfer_pages_are_in_chinese(room):
    client = signed_in(room["manager"], language="zh-hans")
    transfer = _draft(room)

    listing = client.get(reverse("inventory:transfer_list")).content.decode()
    form = client.get(reverse("inventory:transfer_create")).content.decode()
    detail = client.get(reverse("inventory:transfer_detail", args=[transfer.pk])).content.decode()

    assert transfer.number in listing and "新建调拨" in listing and "草稿" in listing
    assert "调出" in form and "调入" in form
    assert "发货" in detail and "取消调拨" in detail


def test_create_a_transfer_by_code_and_barcode_then_ship_it(room):
    client = signed_in(room["manager"])

    response, _ = _new_transfer_post(client, room, "LEGO-42115, 2\n6901234567892 1\n")
    transfer = Transfer.objects.get()

    assert response.status_code == 302
    assert response.url == reverse("inventory:transfer_detail", args=[transfer.pk])
    assert transfer.status == "draft" and transfer.lines.count() == 2

    shipped = client.post(reverse("inventory:transfer_ship", args=[transfer.pk]))
    transfer.refresh_from_db()

    assert shipped.status_code == 302 and transfer.status == "shipped"
    assert _on_hand(room["shelf"], room["skus"]["technic"]) == 8


def test_a_resent_create_form_makes_one_transfer(room):
    client = signed_in(room["manager"])

    first, data = _new_transfer_post(client, room, "LEGO-42115, 2")
    again = client.post(reverse("inventory:transfer_create"), data)

    assert Transfer.objects.count() == 1
    assert first.url == again.url


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("NOPE-1, 2", "没有编码或条码为 NOPE-1 的 SKU"),
        ("LEGO-42115, two", "第 1 行"),
        ("LEGO-42115, 11", "库存不足"),
    ],
)
def test_bad_transfer_input_shows_a_translated_error_and_creates_nothing(room, lines, message):
    client = signed_in(room["manager"], language="zh-hans")

    response, _ = _new_transfer_post(client, room, lines)

    assert response.status_code in (400, 409)
    assert message in response.content.decode()
    assert Transfer.objects.count() == 0


def test_a_cashier_sees_the_transfer_but_no_actions_and_cannot_ship(room):
    transfer = _draft(room)
    client = signed_in(room["cashier"])

    detail = client.get(reverse("inventory:transfer_detail", args=[transfer.pk])).content.decode()
    listing = client.get(reverse("inventory:transfer_list")).content.decode()
    ship = client.post(reverse("inventory:transfer_ship", args=[transfer.pk]))
    transfer.refresh_from_db()

    assert transfer.number in detail
    assert 'id="transfer-actions"' not in detail and "receive-form" not in detail
    assert reverse("inventory:transfer_create") not in listing
    assert ship.status_code == 403 and transfer.status == "draft"


def test_another_stores_transfer_is_not_found(room):
    transfer = _draft(room)
    client = signed_in(room["other_manager"])

    assert client.get(reverse("inventory:transfer_detail", args=[transfer.pk])).status_code == 404
    assert client.post(reverse("inventory:transfer_ship", args=[transfer.pk])).status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "draft"


def test_the_receiving_store_receives_part_with_a_reason(room):
    transfer = _draft(room, to=room["other_shelf"], quantity=3)
    transfer_ship(actor=room["manager"], transfer=transfer)
    line = transfer.lines.get()
    client = signed_in(room["other_manager"], language="zh-hans")
    url = reverse("inventory:transfer_receive", args=[transfer.pk])

    detail = client.get(reverse("inventory:transfer_detail", args=[transfer.pk])).content.decode()
    refused = client.post(url, {f"received_{line.pk}": 2, f"reason_{line.pk}": ""})
    transfer.refresh_from_db()
    status_after_refusal = transfer.status
    accepted = client.post(url, {f"received_{line.pk}": 2, f"reason_{line.pk}": "Box crushed"})
    transfer.refresh_from_db()
    after = client.get(reverse("inventory:transfer_detail", args=[transfer.pk])).content.decode()

    assert 'id="receive-form"' in detail and 'id="transfer-actions"' not in detail
    assert refused.status_code == 422 and "差异原因" in refused.content.decode()
    assert status_after_refusal == "shipped"
    assert accepted.status_code == 302 and transfer.status == "partially_received"
    assert _on_hand(room["other_shelf"], room["skus"]["technic"]) == 2
    assert "Box crushed" in after and "部分收货" in after


def test_a_shipped_transfer_cannot_be_cancelled(room):
    transfer = _draft(room)
    transfer_ship(actor=room["manager"], transfer=transfer)
    client = signed_in(room["manager"], language="zh-hans")

    response = client.post(reverse("inventory:transfer_cancel", args=[transfer.pk]))
    transfer.refresh_from_db()

    assert response.status_code == 409 and transfer.status == "shipped"
    assert "已发货或已取消" in response.content.decode()
