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
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.receipts import receipt_data, receipt_token
from storeos.sales.tests.conftest import make_sku

pytestmark = pytest.mark.urls("storeos.sales.tests.receipts_urls")


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
def promotions(bricks, keyring):
    """10% off the bricks, 满100减5 over the basket, and a key ring free over ¥100."""
    now = clock.now()
    running = {
        "status": PromotionStatus.ACTIVE,
        "starts_at": now - dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=30),
        "created_at": now,
        "updated_at": now,
    }
    return {
        kind: Promotion.objects.create(
            code=kind, name=label, label=label, kind=kind, rule=rule, scope=scope, **running
        )
        for kind, label, rule, scope in [
            (PromotionKind.PERCENT_OFF, "九折", {"percent": "10"}, {"skus": [bricks.pk]}),
            (PromotionKind.SPEND_SAVE, "满100减5", {"tiers": [["100", "5"]]}, {}),
            (
                PromotionKind.GIFT,
                "满额赠钥匙扣",
                {"sku": keyring.pk, "quantity": 1, "min_amount": "100.00"},
                {},
            ),
        ]
    }


@pytest.fixture
def promoted_sale(store, cashier, bricks, figure, keyring, coupon, promotions):
    """A sale the promotions engine prices: the bricks 10% off (99.00 → 89.10), 满100减5 over
    both lines (128.90 → 123.90), a ¥10 coupon (→ 113.90) and a free key ring after the
    customer's own lines."""
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
        ("满额赠钥匙扣", Decimal("15.00")),  # the key ring's price, given away
    ]
    assert sum(s.amount for s in receipt.savings) == receipt.discount_total == Decimal("39.90")
    assert receipt.total == Decimal("113.90")
    for line in receipt.lines:
        assert sum((s.amount for s in line.savings), Decimal(0)) == line.discount
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.USED and coupon.order_uuid == promoted_sale.uuid
    assert receipt.coupons == ["…" + coupon.code[-4:]]


def test_a_free_gift_is_marked_as_a_gift_and_costs_nothing(promoted_sale):
    receipt = receipt_data(order=promoted_sale)

    # 满100减5 and the coupon are shared by line value: bricks 89.10 − 3.46 − 6.91 = 78.73,
    # figures 39.80 − 1.54 − 3.09 = 35.17.
    assert [(line.code, line.is_gift, line.line_total) for line in receipt.lines] == [
        ("BRICKS", False, Decimal("78.73")),
        ("FIGURE", False, Decimal("35.17")),
        ("KEYRING", True, Decimal("0.00")),
    ]
    assert [(s.label, s.amount) for s in receipt.lines[2].savings] == [
        ("满额赠钥匙扣", Decimal("15.00"))
    ]
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
    assert "You saved ¥39.90 in total" in page
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
    assert "You saved ¥39.90 in total" in page
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
