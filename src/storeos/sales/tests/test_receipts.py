import datetime as dt
import re
import shutil
import subprocess
import tempfile
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from storeos.core import clock
from storeos.loyalty.tests.conftest import member, programme  # noqa: F401 (fixtures)
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.receipts import qr_code_svg, receipt_data, receipt_token
from storeos.sales.tests.conftest import make_sku, user_with_role
from storeos.stores.models import Location, Store

pytestmark = pytest.mark.urls("storeos.sales.tests.receipts_urls")

SOLD_AT = dt.datetime(2024, 5, 20, 6, 5, 9, tzinfo=dt.UTC)  # 14:05:09 in Shanghai


@pytest.fixture
def chinese_store(store):
    store.name = "乐高授权专卖店上海静安店"
    store.city = "上海市"
    store.address = "静安区南京西路1618号"
    store.save(update_fields=["name", "city", "address"])
    return store


@pytest.fixture
def cash_sale(chinese_store, cashier, bricks, figure, member):  # noqa: F811
    with clock.frozen(SOLD_AT):
        return checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=chinese_store,
            lines=[CartLine(bricks, 1), CartLine(figure, 2)],
            payments=[Tender("cash", Decimal("138.80"), tendered=Decimal("200.00"))],
            member_id=member.pk,
        )


def staff(user, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def receipt_url(order) -> str:
    return reverse("sales_reports:receipt", kwargs={"order_uuid": order.uuid})


def pdf_url(order) -> str:
    return reverse("sales_reports:receipt_pdf", kwargs={"order_uuid": order.uuid})


def test_receipt_data_is_what_the_customer_paid_in_the_stores_time(cash_sale):
    receipt = receipt_data(order=cash_sale, base_url="https://shop.example/")

    assert receipt.store_name == "乐高授权专卖店上海静安店"
    assert receipt.store_address == "上海市静安区南京西路1618号"
    assert receipt.order_number == cash_sale.number
    assert receipt.issued_at.strftime("%Y-%m-%d %H:%M:%S") == "2024-05-20 14:05:09"
    assert receipt.cashier == "cashier"
    assert [(ln.code, ln.quantity, ln.unit_price, ln.line_total) for ln in receipt.lines] == [
        ("BRICKS", 1, Decimal("99.00"), Decimal("99.00")),
        ("FIGURE", 2, Decimal("19.90"), Decimal("39.80")),
    ]
    assert (receipt.item_count, receipt.subtotal, receipt.total) == (
        3,
        Decimal("138.80"),
        Decimal("138.80"),
    )
    assert [(p.amount, p.tendered, p.change) for p in receipt.payments] == [
        (Decimal("138.80"), Decimal("200.00"), Decimal("61.20"))
    ]
    assert receipt.change_total == Decimal("61.20")
    assert receipt.member == "****" + f"{cash_sale.member_id:08d}"[-4:]
    assert receipt.e_receipt_url.startswith("https://shop.example/r/")
    assert receipt.status_note == ""


def test_savings_are_explained_once_per_promotion_across_lines(cash_sale):
    # As the promotions engine records them: each line's share of a discount, with its label.
    bricks_line, figure_line = cash_sale.lines.order_by("line_no")
    bricks_line.adjustments = [{"source": "promotion", "label": "满100减10", "amount": "7.13"}]
    figure_line.adjustments = [
        {"source": "promotion", "label": "满100减10", "amount": "2.87"},
        {"source": "member", "label": "会员价", "amount": "2.00"},
    ]
    bricks_line.save(update_fields=["adjustments"])
    figure_line.save(update_fields=["adjustments"])

    receipt = receipt_data(order=cash_sale)

    assert [(s.label, s.amount) for s in receipt.savings] == [
        ("满100减10", Decimal("10.00")),
        ("会员价", Decimal("2.00")),
    ]
    assert [s.label for s in receipt.lines[1].savings] == ["满100减10", "会员价"]


def test_an_age_checked_sale_says_so(store, cashier, cigarettes):
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(cigarettes, 1)],
        payments=[Tender("card", Decimal("25.00"), reference="TERM-00012345")],
        age_confirmed=True,
    )

    receipt = receipt_data(order=order)
    page = staff(cashier, "en").get(receipt_url(order)).content.decode()

    assert receipt.age_checked and receipt.age_checked_by == "cashier"
    assert "customer's age checked by cashier" in page
    assert "…2345" in page and "TERM-00012345" not in page


def test_the_receipt_page_shows_lines_totals_and_change_in_chinese(cash_sale, cashier):
    response = staff(cashier).get(receipt_url(cash_sale))
    page = response.content.decode()

    assert response.status_code == 200
    assert "@page { size: 80mm auto; margin: 3mm; }" in page
    assert "乐高授权专卖店上海静安店" in page and cash_sale.number in page
    assert "2024-05-20 14:05:09" in page
    for shown in ("BRICKS", "FIGURE", "99.00", "39.80", "¥138.80", "200.00", "61.20"):
        assert shown in page
    assert "找零" in page and "合计" in page and "收银员" in page
    assert "****" + f"{cash_sale.member_id:08d}"[-4:] in page
    assert "<svg" in page  # the QR code to the e-receipt


def test_the_pdf_is_80mm_wide_and_prints_chinese_as_text(cash_sale, cashier, tmp_path):
    assert shutil.which("pdftotext"), "pdftotext is missing: run `make system-deps` (poppler-utils)"

    response = staff(cashier).get(pdf_url(cash_sale))
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()

    assert response["Content-Type"] == "application/pdf"
    assert "乐高授权专卖店上海静安店" in text.decode()  # the CJK font is there: not empty boxes
    assert cash_sale.number in text.decode()
    assert "找零" in text.decode() and "61.20" in text.decode()
    assert re.search(r"Page size:\s+226\.77\d* x", info)  # 80 mm in points
    assert re.search(r"Pages:\s+1\n", info)


def test_the_e_receipt_opens_by_its_token_without_signing_in(cash_sale):
    token = receipt_token(order=cash_sale)

    response = Client().get(reverse("sales_reports:e_receipt", kwargs={"token": token}))
    page = response.content.decode()
    pdf = Client().get(reverse("sales_reports:e_receipt_pdf", kwargs={"token": token}))

    assert response.status_code == 200
    assert cash_sale.number in page and "138.80" in page
    assert qr_code_svg(f"http://testserver/r/{token}") in page  # a QR code linking to itself
    assert response["Cache-Control"] == "private, no-store"
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_tampered_or_made_up_token_finds_nothing(cash_sale):
    token = receipt_token(order=cash_sale)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    other_order = uuid.uuid4().hex + token[token.index(":") :]

    for bad in (tampered, other_order, cash_sale.uuid.hex, "nonsense"):
        assert Client().get(f"/r/{bad}").status_code == 404
        assert Client().get(f"/r/{bad}.pdf").status_code == 404


def test_another_stores_staff_get_not_found(cash_sale, category):
    elsewhere = Store.objects.create(code="S2", name="Store two", region=cash_sale.store.region)
    Location.objects.create(
        code="S2-SHELF", name="Shelf", kind=Location.Kind.STORE_SHELF, store=elsewhere
    )
    other_cashier = user_with_role("store_manager", elsewhere, "manager-s2")

    assert staff(other_cashier).get(receipt_url(cash_sale)).status_code == 404
    assert staff(other_cashier).get(pdf_url(cash_sale)).status_code == 404
    unknown = reverse("sales_reports:receipt", kwargs={"order_uuid": uuid.uuid4()})
    assert staff(other_cashier).get(unknown).status_code == 404


def test_staff_receipts_need_a_sign_in_and_the_right_to_see_sales(cash_sale):
    warehouse = user_with_role("warehouse", cash_sale.store, "stock-keeper")

    anonymous = Client().get(receipt_url(cash_sale))

    assert anonymous.status_code == 302 and "/login" in anonymous.url
    assert staff(warehouse).get(receipt_url(cash_sale)).status_code == 403


def test_a_chain_wide_analyst_may_reprint_any_stores_receipt(cash_sale):
    analyst = user_with_role("hq_analyst", None, "analyst")

    assert staff(analyst).get(receipt_url(cash_sale)).status_code == 200


def test_a_long_receipt_stays_on_one_page(store, cashier, category, floor):
    skus = [make_sku(category, f"SKU{i:02d}", "5.00", stock=5, location=floor) for i in range(40)]
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(sku, 1) for sku in skus],
        payments=[Tender("card", Decimal("200.00"))],
    )

    pdf = staff(cashier).get(pdf_url(order)).content

    assert _pdf_pages(pdf) == 1


def _pdf_pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, check=True).stdout
    pages = next(line for line in info.decode().splitlines() if line.startswith("Pages:"))
    return int(pages.split()[1])
