import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from storeos.inventory.counts import count_open
from storeos.inventory.models import StockCount, StockCountLine, StockLevel
from storeos.inventory.tests.page_data import FAST_HASHERS, stock_room
from storeos.web.tests.factories import signed_in


@pytest.fixture
def room(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS  # signing in is not under test here
    return stock_room()


def _form_key(body: str) -> str:
    return re.search(r'name="form_key" value="([0-9a-f]+)"', body).group(1)


def _list_count(room) -> StockCount:
    skus = room["skus"]
    return count_open(
        actor=room["manager"],
        location=room["shelf"],
        scope="list",
        skus=[skus["technic"], skus["train"]],
    )


def _upload(client, count, text: str):
    detail = client.get(reverse("inventory:count_detail", args=[count.pk])).content.decode()
    scan = SimpleUploadedFile("scan.txt", text.encode(), content_type="text/plain")
    return client.post(
        reverse("inventory:count_upload", args=[count.pk]),
        {"form_key": _form_key(detail), "scan_file": scan},
    )


def test_open_a_count_in_chinese(room):
    client = signed_in(room["manager"], language="zh-hans")

    form = client.get(reverse("inventory:count_open")).content.decode()
    page = client.get(reverse("inventory:count_open")).content.decode()
    response = client.post(
        reverse("inventory:count_open"),
        {
            "form_key": _form_key(page),
            "location": room["shelf"].pk,
            "scope": "category",
            "category": room["categories"]["toys"].pk,
        },
    )
    count = StockCount.objects.get()
    detail = client.get(response.url).content.decode()

    assert "开始盘点" in form and "盘点范围" in form
    assert response.url == reverse("inventory:count_detail", args=[count.pk])
    assert count.scope == "category" and count.lines.count() == 2
    assert "差异报告" in detail and "上传扫描文件" in detail and "过账" in detail


def test_a_list_count_needs_known_codes(room):
    client = signed_in(room["manager"], language="zh-hans")
    page = client.get(reverse("inventory:count_open")).content.decode()

    response = client.post(
        reverse("inventory:count_open"),
        {"form_key": _form_key(page), "location": room["shelf"].pk, "scope": "list", "skus": "X"},
    )

    assert response.status_code == 400 and "没有编码或条码为 X 的 SKU" in response.content.decode()
    assert StockCount.objects.count() == 0


def test_upload_a_scan_file_and_see_the_variance_with_the_unknown_code(room):
    count = _list_count(room)
    client = signed_in(room["manager"])

    response = _upload(client, count, "5702016616217\n5702016616217,7\nLEGO-60337,5\nGHOST-1,2\n")
    body = client.get(response.url).content.decode()

    assert response.status_code == 302
    assert "Read 4 lines: 13 units counted, 2 units with unknown codes." in body
    technic = body.split('data-sku="LEGO-42115"')[1].split("</tr>")[0]
    assert ">10<" in technic and ">8<" in technic and "−2" not in technic and "-2" in technic
    assert 'id="unknown-codes"' in body and "GHOST-1" in body
    assert '<dd data-total="difference">-2</dd>' in body
    assert '<dd data-total="value">¥-3600.00</dd>' in body


def test_a_bad_scan_file_is_refused_in_chinese_and_records_nothing(room):
    count = _list_count(room)
    client = signed_in(room["manager"], language="zh-hans")

    response = _upload(client, count, "LEGO-42115\nLEGO-60337,many\n")

    assert response.status_code == 422
    assert "扫描文件第 2 行" in response.content.decode()
    assert not StockCountLine.objects.filter(count=count, counted__isnull=False).exists()


def test_record_by_hand_then_post_as_a_manager(room):
    count = _list_count(room)
    client = signed_in(room["manager"])
    technic = room["skus"]["technic"]

    recorded = client.post(
        reverse("inventory:count_record", args=[count.pk]), {"code": "LEGO-42115", "counted": 9}
    )
    client.post(
        reverse("inventory:count_record", args=[count.pk]), {"code": "LEGO-60337", "counted": 5}
    )
    posted = client.post(reverse("inventory:count_post", args=[count.pk]))
    count.refresh_from_db()
    level = StockLevel.objects.get(location=room["shelf"], sku=technic)
    card = client.get(
        reverse("inventory:stock_card", args=[room["shelf"].pk, technic.pk])
    ).content.decode()

    assert recorded.status_code == 302 and posted.status_code == 302
    assert count.status == "posted" and level.on_hand == 9
    assert 'data-kind="count_variance"' in card and f"Count #{count.pk}" in card


def test_posting_twice_says_it_is_already_posted(room):
    count = _list_count(room)
    client = signed_in(room["manager"], language="zh-hans")
    client.post(reverse("inventory:count_post", args=[count.pk]))

    again = client.post(reverse("inventory:count_post", args=[count.pk]))

    assert again.status_code == 409 and "该盘点已过账" in again.content.decode()


def test_stock_room_staff_count_but_do_not_see_the_post_button(room):
    count = _list_count(room)
    client = signed_in(room["clerk"])

    body = client.get(reverse("inventory:count_detail", args=[count.pk])).content.decode()
    refused = client.post(reverse("inventory:count_post", args=[count.pk]))
    count.refresh_from_db()

    assert 'id="upload-form"' in body and 'id="post-count"' not in body
    assert refused.status_code == 403 and count.status == "open"


def test_hand_entry_with_bad_input_changes_nothing(room):
    count = _list_count(room)
    client = signed_in(room["manager"], language="zh-hans")
    url = reverse("inventory:count_record", args=[count.pk])

    unknown = client.post(url, {"code": "NOPE", "counted": 3})
    negative = client.post(url, {"code": "LEGO-42115", "counted": -1})
    out_of_scope = client.post(url, {"code": "WINE-750", "counted": 1})

    assert unknown.status_code == 400 and "没有此编码或条码的 SKU" in unknown.content.decode()
    assert negative.status_code == 400
    assert out_of_scope.status_code == 422 and "不在本次盘点范围内" in out_of_scope.content.decode()
    assert not StockCountLine.objects.filter(count=count, counted__isnull=False).exists()


def test_another_stores_count_is_not_found(room):
    count = _list_count(room)
    client = signed_in(room["other_manager"])

    assert client.get(reverse("inventory:count_detail", args=[count.pk])).status_code == 404
    assert client.post(reverse("inventory:count_post", args=[count.pk])).status_code == 404
    count.refresh_from_db()
    assert count.status == "open"
