"""Tills racing for a promotion's last uses, last budget or a member's last use: exactly as many
orders get it as the limit allows, the others are refused whole, and the counters never pass
their limits.

Real threads on their own connections against PostgreSQL (row locks across transactions); on
SQLite these are skipped (test_uses.py covers the same refusals one at a time).
"""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction

from storeos.core import clock
from storeos.promotions.models import Promotion, PromotionUse
from storeos.promotions.tests.test_uses import adj, order_make
from storeos.promotions.uses import order_paid_record_promotions
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import Order
from storeos.sales.pricing import CartItem, price_cart
from storeos.testing.concurrency import race as threads_race

RACERS = 10
AT = dt.datetime(2026, 6, 3, 2, 0, tzinfo=dt.UTC)
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent transactions"
)
pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def race(submit, racers=RACERS) -> tuple[list, list]:
    return threads_race(submit, racers)


def paid(store, floor, lines, **kwargs):
    """An order written and counted in one transaction, as checkout does."""

    def submit(_n):
        with transaction.atomic():
            order, order_lines = order_make(store, floor, lines, **kwargs)
            order_paid_record_promotions(order, order_lines)
        return order

    return submit


def assert_counters_match_uses(promotion) -> Promotion:
    promotion = Promotion.objects.get(pk=promotion.pk)
    uses = PromotionUse.objects.filter(promotion=promotion)
    assert promotion.used_count == uses.count()
    assert promotion.discount_used == sum((u.discount for u in uses), Decimal(0))
    return promotion


def test_ten_tills_racing_for_three_uses_three_orders_get_it(store, floor, catalogue, promo):
    twenty = promo("percent_off", {"percent": "20"}, total_uses=3)
    car = catalogue.sku("CAR")

    results, errors = race(paid(store, floor, [(car, 1, [adj(twenty, "20.00")])]))

    assert len(results) == 3
    assert sorted(e.code for e in errors) == ["promotion_limit_reached"] * (RACERS - 3)
    assert Order.objects.count() == 3
    promotion = assert_counters_match_uses(twenty)
    assert (promotion.used_count, promotion.discount_used) == (3, Decimal("60.00"))


def test_ten_tills_racing_for_the_budget_never_spend_past_it(store, floor, catalogue, promo):
    # ¥50 of budget, ¥20 an order: two orders fit, the third would pass it.
    twenty = promo("percent_off", {"percent": "20"}, budget=Decimal("50.00"))
    car = catalogue.sku("CAR")

    results, errors = race(paid(store, floor, [(car, 1, [adj(twenty, "20.00")])]))

    assert len(results) == 2
    assert sorted(e.code for e in errors) == ["promotion_budget_exhausted"] * (RACERS - 2)
    assert Order.objects.count() == 2
    promotion = assert_counters_match_uses(twenty)
    assert promotion.discount_used == Decimal("40.00") <= promotion.budget


def test_one_member_at_ten_tills_gets_it_only_as_often_as_allowed(store, floor, catalogue, promo):
    twice = promo("percent_off", {"percent": "20"}, per_member_uses=2)
    car = catalogue.sku("CAR")

    results, errors = race(paid(store, floor, [(car, 1, [adj(twice, "20.00")])], member_id=42))

    assert len(results) == 2
    assert sorted(e.code for e in errors) == ["promotion_limit_reached"] * (RACERS - 2)
    assert PromotionUse.objects.filter(promotion=twice, member_id=42).count() == 2
    assert Order.objects.count() == 2
    assert assert_counters_match_uses(twice).used_count == 2


def test_checkouts_racing_for_the_last_uses_through_the_engine(store, floor, catalogue, promo):
    twenty = promo("percent_off", {"percent": "20"}, total_uses=3)
    car = catalogue.sku("CAR")
    with clock.frozen(AT):
        try:
            priced = price_cart(store=store, channel="pos", items=[CartItem(car, 1)], at=AT)
        except NotImplementedError:
            pytest.skip("the promotions engine does not price carts yet")
    if priced.discount_total != Decimal("20.00"):
        pytest.skip("the pricing engine does not apply percent_off yet")

    results, errors = race(
        lambda n: checkout(
            actor=None,
            order_id=uuid.uuid4(),
            store=store,
            lines=[CartLine(car, 1)],
            payments=[Tender("cash", Decimal("80.00"))],
        )
    )

    # The racers that lost were priced with the promotion and refused at payment; a till
    # re-pricing now no longer sees it.
    assert len(results) == 3
    assert {e.code for e in errors} <= {"promotion_limit_reached", "payment_mismatch"}
    assert Order.objects.count() == 3
    assert all(order.total == Decimal("80.00") for order in results)
    assert assert_counters_match_uses(twenty).used_count == 3
