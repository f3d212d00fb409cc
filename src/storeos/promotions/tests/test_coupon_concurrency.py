"""Tills racing for one coupon: exactly one order gets it, the others are refused with
`coupon_used` and leave nothing behind (no order, no stock taken). Members racing to claim one
code or past a per-member limit: exactly one wins.

The races run real threads on their own connections against PostgreSQL (row locks across
transactions); on SQLite they are skipped.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection

from storeos.core import clock
from storeos.core.channels import Channel
from storeos.inventory.models import StockLevel
from storeos.loyalty.members import member_create
from storeos.loyalty.tests.conftest import member  # noqa: F401 (fixture)
from storeos.promotions.coupons import code_batch_create, coupon_claim
from storeos.promotions.models import Coupon, CouponStatus, CouponTemplate
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import Order
from storeos.sales.pricing import CartItem, price_cart
from storeos.sales.tests.conftest import bricks, category, user_with_role  # noqa: F401
from storeos.testing.concurrency import race as threads_race

RACERS = 8
AT = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent transactions"
)
pytestmark = needs_postgres


@pytest.fixture
def frozen():
    with clock.frozen(AT):
        yield AT


def race(submit, racers=RACERS) -> tuple[list, list]:
    return threads_race(submit, racers)


def template_make(**fields) -> CouponTemplate:
    return CouponTemplate.objects.create(
        code=fields.pop("code", "RACE10"),
        name="¥10 off",
        kind="amount_off",
        value=10,
        valid_from=AT - dt.timedelta(days=30),
        valid_until=AT + dt.timedelta(days=30),
        created_at=AT - dt.timedelta(days=30),
        **fields,
    )


def priced_total(store, sku, code: str, member_id=None):
    """What one of `sku` costs with the coupon, as the till shows it before the customer pays."""
    return price_cart(
        store=store,
        channel=Channel.POS,
        items=[CartItem(sku, 1)],
        member_id=member_id,
        at=AT,
        coupon_codes=[code],
    ).total


def sell_with(cashier, store, sku, code: str, order_id=None, member_id=None, paid=None) -> Order:
    """Check out one of `sku` with the coupon, paying `paid` (by default the price right now)."""
    if paid is None:
        paid = priced_total(store, sku, code, member_id)
    return checkout(
        actor=cashier,
        order_id=order_id or uuid.uuid4(),
        store=store,
        lines=[CartLine(sku, 1)],
        payments=[Tender("cash", paid)],
        member_id=member_id,
        coupon_codes=[code],
    )


def on_hand(sku) -> int:
    return sum(StockLevel.objects.filter(sku=sku).values_list("on_hand", flat=True))


@pytest.mark.django_db(transaction=True)
def test_eight_tills_scanning_one_coupon_sell_exactly_one_order(store, bricks, frozen):  # noqa: F811
    cashier = user_with_role("cashier", store, "till")
    coupon = Coupon.objects.create(
        code="RACECODE23456789",
        template=template_make(),
        source="batch",
        issued_at=AT,
        valid_from=AT - dt.timedelta(days=1),
        valid_until=AT + dt.timedelta(days=1),
    )

    results, errors = race(lambda n: sell_with(cashier, store, bricks, coupon.code))

    assert len(results) == 1
    assert sorted(e.code for e in errors) == ["coupon_used"] * (RACERS - 1)
    assert list(Order.objects.values_list("uuid", flat=True)) == [results[0].uuid]
    assert on_hand(bricks) == 9
    coupon.refresh_from_db()
    assert (coupon.status, coupon.order_uuid) == (CouponStatus.USED, results[0].uuid)


@pytest.mark.django_db(transaction=True)
def test_one_order_sent_eight_times_uses_its_coupon_once(store, bricks, frozen):  # noqa: F811
    cashier = user_with_role("cashier", store, "till")
    coupon = Coupon.objects.create(
        code="SAMEORDER2345678",
        template=template_make(),
        source="batch",
        issued_at=AT,
        valid_from=AT - dt.timedelta(days=1),
        valid_until=AT + dt.timedelta(days=1),
    )
    order_id = uuid.uuid4()
    # The till priced the cart once; its retries send the same request, never re-priced.
    paid = priced_total(store, bricks, coupon.code)

    results, errors = race(
        lambda n: sell_with(cashier, store, bricks, coupon.code, order_id, paid=paid)
    )

    assert errors == []
    assert {o.uuid for o in results} == {order_id}
    assert Order.objects.count() == 1
    assert on_hand(bricks) == 9
    assert Coupon.objects.get(pk=coupon.pk).order_uuid == order_id


@pytest.mark.django_db(transaction=True)
def test_eight_members_claiming_one_code_one_gets_it(programme, frozen):
    members = [member_create(phone=f"1380013{n:04d}") for n in range(RACERS)]
    code = code_batch_create(actor=None, template=template_make(), quantity=1).coupons.get().code

    results, errors = race(lambda n: coupon_claim(member_id=members[n].pk, code=code))

    assert len(results) == 1
    assert sorted(e.code for e in errors) == ["coupon_claimed"] * (RACERS - 1)
    assert Coupon.objects.get(code=code).member_id == results[0].member_id


@pytest.mark.django_db(transaction=True)
def test_one_member_claiming_eight_times_gets_only_the_limit(member, frozen):  # noqa: F811
    template = template_make(per_member_limit=2)

    results, errors = race(lambda n: coupon_claim(member_id=member.pk, template=template))

    assert len(results) == 2
    assert sorted(e.code for e in errors) == ["coupon_limit_reached"] * (RACERS - 2)
    template.refresh_from_db()
    assert template.issued_count == Coupon.objects.filter(member=member).count() == 2
