"""Receipts explain every cent a promotion, a spend-and-save, a coupon or a free gift took off."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from storeos.core import clock
from storeos.promotions.coupons import coupon_issue
from storeos.promotions.models import (
    CouponKind,
    CouponStatus,
    CouponTemplate,
    Promotion,
    PromotionKind,
    PromotionStatus,
)
from storeos.sales import checkout as checkout_module
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.pricing import PricedCart, PricedLine
from storeos.sales.receipts import receipt_data, receipt_token
from storeos.sales.tests.conftest import make_sku

pytestmark = pytest.mark.urls("storeos.sales.tests.receipts_urls")


def _adj(source, label, amount, **more):
    return {"source": source, "label": label, "amount": amount, **more}


@pytest.fixture
def keyring(category, floor):
    return make_sku(category, "KEYRING", "15.00", stock=5, location=floor)


@pytest.fixture
def coupon(db):
    template = CouponTemplate.objects.create(
        code="TEN-OFF",
        name="¥10 券",
        kind=CouponKind.AMOUNT_OFF,
        value=Decimal("10.00"),
        min_spend=Decimal("50.00"),
        valid_days=30,
        created_at=clock.now(),
    )
    return coupon_issue(template=template, member_id=None, source="batch")


@pytest.fixture
def promotions(db):
    now = clock.now()
    running = {
        "status": PromotionStatus.ACTIVE,
        "starts_at": now - dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=30),
        "created_at": now,
        "updated_at": now,
    }
    return {
        kind: Promotion.objects.create(code=kind, name=label, label=label, kind=kind, **running)
        for kind, label in [
            (PromotionKind.PERCENT_OFF, "九折"),
            (PromotionKind.SPEND_SAVE, "满100减5"),
            (PromotionKind.GIFT, "满额赠钥匙扣"),
        ]
    }


@pytest.fixture
def promoted_sale(store, cashier, bricks, figure, keyring, coupon, promotions, monkeypatch):
    """A sale as the promotions engine prices it: 10% off the bricks, 满100减5 over both lines,
    a ¥10 coupon and a free key ring (a gift line after the customer's own)."""

    def engine_price(*, store, channel, items, member_id=None, at=None, coupon_codes=()):
        bricks_line = PricedLine(
            sku=bricks,
            quantity=1,
            unit_price=Decimal("99.00"),
            discount=Decimal("18.37"),
            adjustments=[
                _adj(
                    "promotion", "九折", "9.90", id=promotions["percent_off"].pk, kind="percent_off"
                ),
                _adj(
                    "promotion",
                    "满100减5",
                    "3.46",
                    id=promotions["spend_save"].pk,
                    kind="spend_save",
                ),
                _adj("coupon", "¥10 券", "5.01", id=coupon.code),
            ],
        )
        figure_line = PricedLine(
            sku=figure,
            quantity=2,
            unit_price=Decimal("19.90"),
            discount=Decimal("6.53"),
            adjustments=[
                _adj(
                    "promotion",
                    "满100减5",
                    "1.54",
                    id=promotions["spend_save"].pk,
                    kind="spend_save",
                ),
                _adj("coupon", "¥10 券", "4.99", id=coupon.code),
            ],
        )
        gift_line = PricedLine(
            sku=keyring,
            quantity=1,
            unit_price=Decimal("0.00"),
            adjustments=[_adj("gift", "满额赠钥匙扣", "0", id=promotions["gift"].pk, kind="gift")],
            is_gift=True,
        )
        return PricedCart(
            lines=[bricks_line, figure_line, gift_line],
            adjustments=[
                _adj("promotion", "满100减5", "5.00", id=promotions["spend_save"].pk),
                _adj("coupon", "¥10 券", "10.00", id=coupon.code),
            ],
            coupon_codes=list(coupon_codes),
        )

    monkeypatch.setattr(checkout_module, "price_cart", engine_price)
    return checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1), CartLine(figure, 2)],
        payments=[Tender("cash", Decimal("113.90"), tendered=Decimal("120.00"))],
        coupon_codes=[coupon.code],
    )


def test_each_promotion_and_the_coupon_is_one_saving_and_they_add_up_to_the_discount(
    promoted_sale, coupon
):
    receipt = receipt_data(order=promoted_sale)

    assert [(s.label, s.amount) for s in receipt.savings] == [
        ("九折", Decimal("9.90")),
        ("满100减5", Decimal("5.00")),
        ("¥10 券", Decimal("10.00")),
    ]
    assert sum(s.amount for s in receipt.savings) == receipt.discount_total == Decimal("24.90")
    assert receipt.total == Decimal("113.90")
    for line in receipt.lines:
        assert sum((s.amount for s in line.savings), Decimal(0)) == line.discount
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.USED and coupon.order_uuid == promoted_sale.uuid
    assert receipt.coupons == ["…" + coupon.code[-4:]]


def test_a_free_gift_is_marked_as_a_gift_and_saves_nothing_on_paper(promoted_sale):
    receipt = receipt_data(order=promoted_sale)

    assert [(line.code, line.is_gift, line.line_total) for line in receipt.lines] == [
        ("BRICKS", False, Decimal("80.63")),
        ("FIGURE", False, Decimal("33.27")),
        ("KEYRING", True, Decimal("0.00")),
    ]
    assert receipt.lines[2].savings == []
    assert receipt.item_count == 4


def test_the_printed_receipt_lists_the_savings_the_gift_and_the_total_saved(promoted_sale, cashier):
    client = Client()
    client.force_login(cashier)
    client.cookies["django_language"] = "en"

    page = client.get(
        reverse("sales_reports:receipt", kwargs={"order_uuid": promoted_sale.uuid})
    ).content.decode()

    assert "[Gift]" in page and "KEYRING" in page
    assert "九折" in page and "-9.90" in page
    assert "满100减5" in page and "-5.00" in page
    assert "¥10 券" in page and "-10.00" in page
    assert "You saved ¥24.90 in total" in page
    code = promoted_sale.coupon_codes[0]
    assert "…" + code[-4:] in page and code not in page


def test_the_e_receipt_shows_the_same_savings_to_the_customer(promoted_sale):
    client = Client()
    client.cookies["django_language"] = "en"
    token = receipt_token(order=promoted_sale)

    response = client.get(reverse("sales_reports:e_receipt", kwargs={"token": token}))
    page = response.content.decode()

    assert response.status_code == 200
    assert "满100减5" in page and "¥10 券" in page
    assert "You saved ¥24.90 in total" in page
    assert "[Gift]" in page


def test_a_discount_without_explanations_still_shows_as_a_saving(store, cashier, bricks):
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("cash", Decimal("99.00"))],
    )
    # An order from before promotions were explained line by line.
    line = order.lines.get()
    line.discount, line.line_total, line.adjustments = Decimal("9.00"), Decimal("90.00"), []
    line.save(update_fields=["discount", "line_total", "adjustments"])
    order.discount_total, order.total = Decimal("9.00"), Decimal("90.00")
    order.save(update_fields=["discount_total", "total"])

    with translation.override("en"):
        receipt = receipt_data(order=order)

    assert [(s.label, s.amount) for s in receipt.lines[0].savings] == [
        ("Discount", Decimal("9.00"))
    ]
    assert [(s.label, s.amount) for s in receipt.savings] == [("Discount", Decimal("9.00"))]


def test_a_sale_without_discounts_prints_no_savings(store, cashier, bricks):
    client = Client()
    client.force_login(cashier)
    client.cookies["django_language"] = "en"
    order = checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(bricks, 1)],
        payments=[Tender("cash", Decimal("99.00"))],
    )

    page = client.get(
        reverse("sales_reports:receipt", kwargs={"order_uuid": order.uuid})
    ).content.decode()

    assert receipt_data(order=order).savings == []
    assert "You saved" not in page and "[Gift]" not in page
