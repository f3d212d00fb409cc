"""Member prices: the tier's discount (plus a paid plan's) on the till's price."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from storeos.catalog.models import Category
from storeos.core import clock
from storeos.loyalty.errors import MemberNotFound
from storeos.loyalty.models import (
    Member,
    MembershipPlan,
    MemberStatus,
    PointsEntry,
    Subscription,
    Tier,
)
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.pricing import CartItem, price_cart
from storeos.sales.tests.conftest import make_sku

NOW = dt.datetime(2026, 3, 11, 4, 0, tzinfo=dt.UTC)


def set_tier(member, code):
    Member.objects.filter(pk=member.pk).update(
        tier=Tier.objects.get(programme=member.programme, code=code)
    )


def price(store, member_id, *items):
    with clock.frozen(NOW):
        return price_cart(
            store=store,
            channel="pos",
            items=[CartItem(sku=sku, quantity=qty) for sku, qty in items],
            member_id=member_id,
        )


def test_gold_member_pays_the_member_price(member, store, bricks, figure):
    set_tier(member, "gold")

    cart = price(store, member.pk, (bricks, 1), (figure, 3))

    # 99.00 × 5% = 4.95; 59.70 × 5% = 2.985 → 2.99 (half-up).
    assert [line.discount for line in cart.lines] == [Decimal("4.95"), Decimal("2.99")]
    assert cart.total == Decimal("150.76")
    # Labels are written in the till's language (Chinese by default).
    assert cart.lines[0].adjustments == [
        {"source": "member", "id": "gold", "label": "Gold 会员价", "amount": "4.95"}
    ]


def test_entry_tier_has_no_member_price(member, store, bricks):
    cart = price(store, member.pk, (bricks, 1))

    assert cart.total == Decimal("99.00")
    assert cart.lines[0].adjustments == []


def test_excluded_categories_keep_their_price(programme, member, store, floor, bricks):
    set_tier(member, "gold")
    gift_cards = Category.objects.create(code="GIFTCARD", name="Gift cards", path="/9/")
    child = Category.objects.create(code="EGIFT", name="E-gift", parent=gift_cards, path="/9/12/")
    programme.excluded_categories.add(gift_cards)
    card = make_sku(child, "ECARD", "100.00")

    cart = price(store, member.pk, (bricks, 1), (card, 1))

    assert [line.discount for line in cart.lines] == [Decimal("4.95"), Decimal("0.00")]


def test_paid_membership_adds_its_discount(programme, member, store, bricks):
    set_tier(member, "silver")
    plan = MembershipPlan.objects.create(
        programme=programme,
        code="PLUS",
        name="Plus",
        sku=make_sku(Category.objects.create(code="PLANS", name="Plans", path="/8/"), "P", "9"),
        term_days=365,
        discount_rate=Decimal("0.03"),
    )
    Subscription.objects.create(
        member=member,
        plan=plan,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        order_uuid=uuid.uuid4(),
        created_at=NOW,
    )

    cart = price(store, member.pk, (bricks, 1))

    # 2% silver + 3% Plus: 99.00 × 5% = 4.95.
    assert cart.lines[0].discount == Decimal("4.95")


def test_unknown_or_merged_member_is_refused(member, other_member, store, bricks):
    Member.objects.filter(pk=other_member.pk).update(
        status=MemberStatus.MERGED, merged_into=member, phone_index=None
    )

    for member_id in (999999, other_member.pk):
        with pytest.raises(MemberNotFound) as refused:
            price(store, member_id, (bricks, 1))
        assert refused.value.code == "member_not_found"


def test_pricing_without_a_member_reads_nothing_of_loyalty(store, bricks):
    with CaptureQueriesContext(connection) as queries:
        price(store, None, (bricks, 1))

    assert not [q for q in queries if "loyalty_" in q["sql"]]


def test_checked_out_order_carries_the_member_price(member, store, bricks):
    set_tier(member, "gold")

    with clock.frozen(NOW):
        order = checkout(
            actor=None,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(sku=bricks, quantity=1)],
            payments=[Tender("cash", Decimal("94.05"))],
            member_id=member.pk,
        )

    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("99.00"),
        Decimal("4.95"),
        Decimal("94.05"),
    )
    assert order.lines.get().adjustments[0]["source"] == "member"
    # Points are earned on what was paid: 94.05 × 1.5 (gold) = 141.075 → 141.
    assert PointsEntry.objects.get(member=member).points == 141


def test_an_order_records_its_explanations_in_the_chains_language_whatever_the_tills(
    member, store, bricks
):
    # The cashier works in English; the receipt and the reports read the chain's language.
    set_tier(member, "gold")

    with clock.frozen(NOW), translation.override("en"):
        shown = price(store, member.pk, (bricks, 1))
        order = checkout(
            actor=None,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(sku=bricks, quantity=1)],
            payments=[Tender("cash", Decimal("94.05"))],
            member_id=member.pk,
        )

    assert shown.lines[0].adjustments[0]["label"] == "Gold member price"
    assert order.lines.get().adjustments[0]["label"] == "Gold 会员价"
