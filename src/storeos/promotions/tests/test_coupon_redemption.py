"""Coupons used at the till (claim online, use in store), once only, and given back on returns."""

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest

from storeos.core import clock
from storeos.core.channels import Channel
from storeos.inventory.models import StockLevel
from storeos.loyalty.tests.conftest import member, other_member  # noqa: F401 (fixtures)
from storeos.promotions.coupon_redemption import order_paid_redeem
from storeos.promotions.coupons import code_batch_create, coupon_claim, wallet
from storeos.promotions.models import Coupon, CouponStatus
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import Order
from storeos.sales.pricing import CartItem, price_cart
from storeos.sales.returns import return_create
from storeos.sales.tests.conftest import (  # noqa: F401 (fixtures)
    bricks,
    category,
    figure,
    user_with_role,
)

# 01:00 UTC is 09:00 in Shanghai on 1 June 2026.
MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
# What the till asks for a ¥99 set with a ¥10 coupon (refused sales are paid this, unpriced).
PAID = Decimal("89.00")


@pytest.fixture
def cashier(store):
    return user_with_role("cashier", store, "till")


@pytest.fixture
def marketing(db):
    return user_with_role("marketing", None, "marketing")


def sell(
    cashier,
    store,
    lines,
    *,
    member=None,  # noqa: F811
    codes=(),
    order_id=None,
    total=None,
    at=MORNING,
) -> Order:
    """A till sale paid in cash, for the total the server prices (coupons included)."""
    member_id = getattr(member, "pk", None)
    with clock.frozen(at):
        total = (
            total
            or price_cart(
                store=store,
                channel=Channel.POS,
                items=[CartItem(ln.sku, ln.quantity) for ln in lines],
                member_id=member_id,
                at=at,
                coupon_codes=list(codes),
            ).total
        )
        return checkout(
            actor=cashier,
            order_id=order_id or uuid.uuid4(),
            store=store,
            lines=lines,
            payments=[Tender("cash", total)],
            member_id=member_id,
            coupon_codes=list(codes),
        )


def give_back(cashier, order, lines, at=MORNING):
    with clock.frozen(at):
        return return_create(
            actor=cashier, return_id=uuid.uuid4(), order=order, lines=lines, reason="changed mind"
        )


def on_hand(sku) -> int:
    return sum(StockLevel.objects.filter(sku=sku).values_list("on_hand", flat=True))


def claimed(template, member):  # noqa: F811
    with clock.frozen(MORNING - dt.timedelta(days=1)):
        return coupon_claim(member_id=member.pk, template=template)


def batch_code(marketing, template) -> str:
    with clock.frozen(MORNING - dt.timedelta(days=1)):
        batch = code_batch_create(actor=marketing, template=template, quantity=1)
    return batch.coupons.get().code


# --- Redeeming ---------------------------------------------------------------------------------


def test_claim_online_use_in_store(coupon_template, member, store, cashier, bricks):  # noqa: F811
    coupon = claimed(coupon_template(), member)  # online, the day before

    order = sell(cashier, store, [CartLine(bricks, 1)], member=member, codes=[coupon.code])

    assert (order.total, order.discount_total) == (Decimal("89.00"), Decimal("10.00"))
    coupon.refresh_from_db()
    assert (coupon.status, coupon.used_at, coupon.order_uuid) == ("used", MORNING, order.uuid)
    assert order.coupon_codes == [coupon.code]
    mine = wallet(member.pk, MORNING)
    assert ([c.code for c in mine.used], mine.available) == ([coupon.code], [])


def test_a_code_scanned_a_second_time_is_refused_and_sells_nothing(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    coupon = claimed(coupon_template(), member)
    first = sell(cashier, store, [CartLine(bricks, 1)], member=member, codes=[coupon.code])

    with pytest.raises(Exception) as refused:
        sell(cashier, store, [CartLine(bricks, 1)], member=member, codes=[coupon.code], total=PAID)

    assert (refused.value.code, refused.value.status) == ("coupon_used", 409)
    assert list(Order.objects.values_list("uuid", flat=True)) == [first.uuid]
    assert on_hand(bricks) == 9
    assert Coupon.objects.get(pk=coupon.pk).order_uuid == first.uuid


def test_the_same_order_sent_again_uses_the_coupon_once(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    coupon = claimed(coupon_template(), member)
    order_id = uuid.uuid4()
    first = sell(
        cashier, store, [CartLine(bricks, 1)], member=member, codes=[coupon.code], order_id=order_id
    )

    # The till's network failed: it sends the very same order again, with the same payment.
    again = sell(
        cashier,
        store,
        [CartLine(bricks, 1)],
        member=member,
        codes=[coupon.code],
        order_id=order_id,
        total=first.total,
    )
    with clock.frozen(MORNING + dt.timedelta(minutes=5)):
        order_paid_redeem(first, [])  # the hook itself, replayed

    assert again.pk == first.pk
    coupon.refresh_from_db()
    assert (coupon.used_at, coupon.order_uuid) == (MORNING, first.uuid)
    assert on_hand(bricks) == 9


def test_a_coupon_another_order_used_first_is_refused_by_the_redemption_itself(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    # Both orders were priced while the coupon was free; the other one was paid first.
    coupon = claimed(coupon_template(), member)
    first = sell(cashier, store, [CartLine(bricks, 1)], member=member, codes=[coupon.code])
    late = SimpleNamespace(
        uuid=uuid.uuid4(), member_id=member.pk, coupon_codes=[coupon.code], paid_at=MORNING
    )

    with pytest.raises(Exception) as refused:
        order_paid_redeem(late, [])

    assert (refused.value.code, refused.value.status) == ("coupon_used", 409)
    assert Coupon.objects.get(pk=coupon.pk).order_uuid == first.uuid


def test_an_unclaimed_batch_code_used_by_a_member_lands_in_their_wallet(
    coupon_template,
    marketing,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    code = batch_code(marketing, coupon_template())

    sell(cashier, store, [CartLine(bricks, 1)], member=member, codes=[code.lower()])

    coupon = Coupon.objects.get(code=code)
    assert (coupon.member_id, coupon.claimed_at, coupon.status) == (member.pk, MORNING, "used")
    assert [c.code for c in wallet(member.pk, MORNING).used] == [code]


def test_a_batch_code_used_without_a_member_stays_unowned(
    coupon_template,
    marketing,
    store,
    cashier,
    bricks,  # noqa: F811
):
    code = batch_code(marketing, coupon_template())

    order = sell(cashier, store, [CartLine(bricks, 1)], codes=[code])

    coupon = Coupon.objects.get(code=code)
    assert (coupon.member_id, coupon.status, coupon.order_uuid) == (None, "used", order.uuid)


def test_another_members_coupon_is_refused(
    coupon_template,
    member,  # noqa: F811
    other_member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    coupon = claimed(coupon_template(), member)

    with pytest.raises(Exception) as refused:
        sell(
            cashier,
            store,
            [CartLine(bricks, 1)],
            member=other_member,
            codes=[coupon.code],
            total=PAID,
        )

    assert refused.value.code == "coupon_not_yours"
    assert Order.objects.count() == 0
    assert Coupon.objects.get(pk=coupon.pk).status == CouponStatus.AVAILABLE


def test_a_wallet_coupon_needs_its_member_on_the_order(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    coupon = claimed(coupon_template(), member)

    with pytest.raises(Exception) as refused:
        sell(cashier, store, [CartLine(bricks, 1)], codes=[coupon.code], total=PAID)

    assert refused.value.code == "coupon_not_yours"
    assert (Order.objects.count(), on_hand(bricks)) == (0, 10)


def test_an_expired_coupon_is_refused(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    template = coupon_template(valid_until=MORNING - dt.timedelta(hours=1))
    with clock.frozen(MORNING - dt.timedelta(days=1)):
        coupon = coupon_claim(member_id=member.pk, template=template)

    with pytest.raises(Exception) as refused:
        sell(cashier, store, [CartLine(bricks, 1)], member=member, codes=[coupon.code], total=PAID)

    assert refused.value.code == "coupon_expired"
    assert (Order.objects.count(), on_hand(bricks)) == (0, 10)
    assert Coupon.objects.get(pk=coupon.pk).used_at is None


def test_an_unknown_code_is_refused(store, cashier, bricks):  # noqa: F811
    with pytest.raises(Exception) as refused:
        sell(cashier, store, [CartLine(bricks, 1)], codes=["NOSUCHCODE"], total=PAID)

    assert refused.value.code == "coupon_not_found"
    assert Order.objects.count() == 0


# --- Returns -----------------------------------------------------------------------------------


def test_returning_the_whole_order_puts_the_coupon_back_in_the_wallet(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
    figure,  # noqa: F811
):
    coupon = claimed(coupon_template(), member)
    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1), CartLine(figure, 2)],
        member=member,
        codes=[coupon.code],
    )
    line_1, line_2 = order.lines.order_by("line_no")

    give_back(cashier, order, [(line_1, 1, "restock"), (line_2, 2, "restock")])

    coupon.refresh_from_db()
    assert (coupon.status, coupon.used_at, coupon.order_uuid) == ("available", None, None)
    assert [c.code for c in wallet(member.pk, MORNING).available] == [coupon.code]


def test_a_partial_return_keeps_the_coupon_used(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
    figure,  # noqa: F811
):
    coupon = claimed(coupon_template(), member)
    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1), CartLine(figure, 2)],
        member=member,
        codes=[coupon.code],
    )
    line_1, line_2 = order.lines.order_by("line_no")

    give_back(cashier, order, [(line_1, 1, "restock"), (line_2, 1, "restock")])

    assert Coupon.objects.get(pk=coupon.pk).status == CouponStatus.USED
    # The last unit comes back later: now everything is back, so is the coupon.
    give_back(cashier, order, [(line_2, 1, "restock")])
    assert Coupon.objects.get(pk=coupon.pk).status == CouponStatus.AVAILABLE


def test_returning_every_line_in_the_coupons_scope_gives_it_back(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
    figure,  # noqa: F811
):
    coupon = claimed(coupon_template(scope={"skus": [bricks.pk]}), member)
    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1), CartLine(figure, 2)],
        member=member,
        codes=[coupon.code],
    )
    bricks_line = order.lines.get(line_no=1)

    give_back(cashier, order, [(bricks_line, 1, "restock")])

    assert Coupon.objects.get(pk=coupon.pk).status == CouponStatus.AVAILABLE


def test_a_template_that_does_not_return_on_refund_keeps_the_coupon_used(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    coupon = claimed(coupon_template(return_on_refund=False), member)
    order = sell(cashier, store, [CartLine(bricks, 1)], member=member, codes=[coupon.code])

    give_back(cashier, order, [(order.lines.get(), 1, "restock")])

    coupon.refresh_from_db()
    assert (coupon.status, coupon.order_uuid) == ("used", order.uuid)


def test_a_coupon_past_its_date_at_the_return_stays_used(
    coupon_template,
    member,  # noqa: F811
    store,
    cashier,
    bricks,  # noqa: F811
):
    coupon = claimed(coupon_template(valid_until=MORNING + dt.timedelta(days=1)), member)
    order = sell(cashier, store, [CartLine(bricks, 1)], member=member, codes=[coupon.code])

    give_back(
        cashier, order, [(order.lines.get(), 1, "restock")], at=MORNING + dt.timedelta(days=2)
    )

    assert Coupon.objects.get(pk=coupon.pk).status == CouponStatus.USED
    assert Order.objects.get(pk=order.pk).refunded_total == Decimal(order.total)
