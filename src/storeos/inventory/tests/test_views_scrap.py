import datetime as dt
import re

import pytest
from django.urls import reverse

from storeos.core import clock
from storeos.inventory.expiry import expiry_scan
from storeos.inventory.models import Batch, ExpiryAlert, ScrapRequest, StockLevel
from storeos.inventory.scrap import scrap_request
from storeos.inventory.tests.page_data import FAST_HASHERS, stock_room
from storeos.web.tests.factories import signed_in


@pytest.fixture
def room(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS  # signing in is not under test here
    return stock_room()


def _form_key(body: str) -> str:
    return re.search(r'name="form_key" value="([0-9a-f]+)"', body).group(1)


def _request_post(client, room, **fields):
    page = client.get(reverse("inventory:scrap_create")).content.decode()
    data = {
        "form_key": _form_key(page),
        "location": room["shelf"].pk,
        "code": "WINE-750",
        "lot_code": "L-NEAR",
        "quantity": 2,
        "reason": "damaged",
        "note": "",
        **fields,
    }
    return client.post(reverse("inventory:scrap_create"), data)


def _pending(room) -> ScrapRequest:
    return scrap_request(
        actor=room["clerk"],
        location=room["shelf"],
        reason="damaged",
        lines=[(room["skus"]["technic"], 1)],
    )


def test_request_scrap_of_a_batch_in_chinese(room):
    client = signed_in(room["clerk"], language="zh-hans")

    form = client.get(reverse("inventory:scrap_create")).content.decode()
    response = _request_post(client, room)
    scrap = ScrapRequest.objects.get()
    detail = client.get(response.url).content.decode()

    assert "申请报损" in form and "批号" in form and "破损" in form
    assert scrap.status == "pending" and scrap.lines.get().batch.lot_code == "L-NEAR"
    assert "待审批" in detail and 'id="scrap-decision"' not in detail


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lot_code": ""}, "该 SKU 按批次管理"),
        ({"lot_code": "L-NONE"}, "该 SKU 没有这个批号的批次"),
        ({"quantity": 7}, "库存不足"),
        ({"quantity": 0}, "确保该值大于或等于"),
    ],
)
def test_bad_scrap_input_shows_a_translated_error_and_creates_nothing(room, fields, message):
    client = signed_in(room["clerk"], language="zh-hans")

    response = _request_post(client, room, **fields)

    assert response.status_code in (400, 409, 422)
    assert message in response.content.decode()
    assert ScrapRequest.objects.count() == 0


def test_the_requester_cannot_decide_their_own_request(room):
    scrap = scrap_request(
        actor=room["manager"],
        location=room["shelf"],
        reason="damaged",
        lines=[(room["skus"]["technic"], 1)],
    )
    client = signed_in(room["manager"], language="zh-hans")

    detail = client.get(reverse("inventory:scrap_detail", args=[scrap.pk])).content.decode()
    refused = client.post(reverse("inventory:scrap_approve", args=[scrap.pk]))
    scrap.refresh_from_db()

    assert 'id="scrap-decision"' not in detail
    assert refused.status_code == 403 and "不能审批自己的申请" in refused.content.decode()
    assert scrap.status == "pending"


def test_another_manager_approves_and_the_loss_is_reported(room):
    scrap = _pending(room)
    client = signed_in(room["deputy"])

    detail = client.get(reverse("inventory:scrap_detail", args=[scrap.pk])).content.decode()
    approved = client.post(reverse("inventory:scrap_approve", args=[scrap.pk]), {"note": "ok"})
    scrap.refresh_from_db()
    level = StockLevel.objects.get(location=room["shelf"], sku=room["skus"]["technic"])
    report = client.get(reverse("inventory:loss_report")).content.decode()

    assert 'id="scrap-decision"' in detail
    assert approved.status_code == 302 and scrap.status == "approved" and level.on_hand == 9
    assert "¥1800.00" in report and "Damaged" in report


def test_a_rejection_needs_a_note(room):
    scrap = _pending(room)
    client = signed_in(room["deputy"], language="zh-hans")

    refused = client.post(reverse("inventory:scrap_reject", args=[scrap.pk]), {"note": ""})
    scrap.refresh_from_db()

    assert refused.status_code == 422 and "请写明原因" in refused.content.decode()
    assert scrap.status == "pending"


def test_pending_requests_come_first_and_cashiers_cannot_request(room):
    first = _pending(room)
    scrap_request_second = _pending(room)
    client = signed_in(room["deputy"])
    client.post(reverse("inventory:scrap_approve", args=[scrap_request_second.pk]))

    listing = signed_in(room["cashier"]).get(reverse("inventory:scrap_list")).content.decode()

    assert listing.index(f">#{first.pk}<") < listing.index(f">#{scrap_request_second.pk}<")
    assert reverse("inventory:scrap_create") not in listing
    assert signed_in(room["cashier"]).get(reverse("inventory:scrap_create")).status_code == 403


def test_another_stores_scrap_request_is_not_found(room):
    scrap = _pending(room)
    client = signed_in(room["other_manager"])

    assert client.get(reverse("inventory:scrap_detail", args=[scrap.pk])).status_code == 404
    assert client.post(reverse("inventory:scrap_approve", args=[scrap.pk])).status_code == 404


def test_loss_report_refuses_a_backwards_period(room):
    client = signed_in(room["manager"], language="zh-hans")

    body = client.get(
        reverse("inventory:loss_report"), {"date_from": "2026-03-01", "date_to": "2026-02-01"}
    ).content.decode()

    assert "结束日期早于开始日期" in body and 'id="loss-table"' not in body


def test_near_expiry_alerts_show_days_left_and_can_be_acknowledged(room):
    expiry_scan()
    alert = ExpiryAlert.objects.get()
    client = signed_in(room["manager"], language="zh-hans")

    body = client.get(reverse("inventory:alert_list")).content.decode()
    cashier = signed_in(room["cashier"]).get(reverse("inventory:alert_list")).content.decode()
    acknowledged = client.post(reverse("inventory:alert_acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    after = client.get(reverse("inventory:alert_list")).content.decode()

    near = Batch.objects.get(lot_code="L-NEAR")
    assert "临期预警" in body and "L-NEAR" in body and ">20<" in body
    assert near.expiry_date == clock.today() + dt.timedelta(days=20)
    assert acknowledged.status_code == 302 and alert.acknowledged_at is not None
    assert f'data-alert="{alert.pk}"' not in after
    assert "L-NEAR" in cashier and "acknowledge" not in cashier.split('id="alert-table"')[1]
