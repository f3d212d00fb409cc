import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.promotions.models import PromotionKind, PromotionStatus
from storeos.promotions.simulation import promotion_simulate
from storeos.promotions.tests.conftest import promotion_make
from storeos.promotions.tests.test_labels import engine_prices_promotions
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.tests.conftest import user_with_role

pytestmark = pytest.mark.skipif(
    not engine_prices_promotions(), reason="the promotions engine is not in yet"
)
NOW = dt.datetime(2031, 5, 1, 2, 0, tzinfo=dt.UTC)


def paid(store, cashier, *lines, days_ago: int):
    with clock.frozen(NOW - dt.timedelta(days=days_ago)):
        cart = [CartLine(sku=sku, quantity=quantity) for sku, quantity in lines]
        total = sum((sku.list_price * quantity for sku, quantity in lines), Decimal("0"))
        return checkout(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            lines=cart,
            payments=[Tender(method="cash", amount=total, tendered=total)],
        )


def test_a_draft_10_percent_off_the_car_would_have_cost_its_share_of_the_car_orders(
    store, catalogue
):
    # Given three recent orders (two with cars) and one too old to count
    cashier = user_with_role("cashier", store)
    car, doll = catalogue.sku("CAR"), catalogue.sku("DOLL")
    paid(store, cashier, (car, 1), days_ago=3)
    paid(store, cashier, (car, 2), (doll, 1), days_ago=10)
    paid(store, cashier, (doll, 1), days_ago=12)
    paid(store, cashier, (car, 1), days_ago=45)
    draft = promotion_make(
        PromotionKind.PERCENT_OFF,
        {"percent": "10"},
        scope={"skus": [car.pk]},
        status=PromotionStatus.DRAFT,
    )
    manager = user_with_role("store_manager", store)

    with clock.frozen(NOW):
        report = promotion_simulate(user=manager, promotion=draft, days=30)

    assert (report.orders_examined, report.orders_touched) == (3, 2)
    assert report.discount_cost == Decimal("30.00")
    assert report.average_discount == Decimal("15.00")
    assert report.by_store[store.pk].discount_cost == Decimal("30.00")
