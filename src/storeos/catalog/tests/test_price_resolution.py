"""Which price a customer pays: precedence of price lists and their validity windows."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from storeos.catalog.models import PriceList, PriceListItem
from storeos.catalog.selectors import price_for, prices_for
from storeos.catalog.services import sku_create
from storeos.core import clock

T0 = dt.datetime(2026, 5, 1, 0, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _list(code, sku, price, *, store=None, channel="", valid_from=None, valid_to=None, **kw):
    price_list = PriceList.objects.create(
        code=code,
        name=code,
        store=store,
        channel=channel,
        valid_from=valid_from,
        valid_to=valid_to,
        **kw,
    )
    PriceListItem.objects.create(price_list=price_list, sku=sku, price=Decimal(price))
    return price_list


def test_without_price_lists_the_list_price_applies(sku, store):
    assert price_for(sku=sku, store=store, channel="pos") == Decimal("2999.00")


def test_the_most_specific_price_list_wins(sku, store, other_store):
    # given: one list at each level of specificity
    _list("ALL", sku, "2900")
    _list("MALL", sku, "2800", channel="online_mall")
    _list("STORE", sku, "2700", store=store)
    _list("STORE-POS", sku, "2600", store=store, channel="pos")

    # then
    assert price_for(sku=sku, store=store, channel="pos") == Decimal("2600")
    assert price_for(sku=sku, store=store, channel="online_mall") == Decimal("2700")
    assert price_for(sku=sku, store=other_store, channel="online_mall") == Decimal("2800")
    assert price_for(sku=sku, store=other_store, channel="pos") == Decimal("2900")
    assert price_for(sku=sku, store=None, channel="delivery") == Decimal("2900")


def test_among_equally_specific_lists_the_latest_start_wins(sku, store):
    # given
    _list("OPEN", sku, "2900", store=store)
    _list("EARLY", sku, "2800", store=store, valid_from=T0)
    _list("LATE", sku, "2700", store=store, valid_from=T0 + 2 * DAY)

    # then
    with clock.frozen(T0 + DAY):
        assert price_for(sku=sku, store=store) == Decimal("2800")
    with clock.frozen(T0 + 3 * DAY):
        assert price_for(sku=sku, store=store) == Decimal("2700")
    assert price_for(sku=sku, store=store, at=T0 - DAY) == Decimal("2900")


def test_a_price_list_applies_only_inside_its_window(sku, store):
    # given: a one-week promotion, start included, end excluded
    _list("WEEK", sku, "1999", valid_from=T0, valid_to=T0 + 7 * DAY)

    # then
    with clock.frozen(T0 - dt.timedelta(seconds=1)):
        assert price_for(sku=sku, store=store) == Decimal("2999.00")
    with clock.frozen(T0):
        assert price_for(sku=sku, store=store) == Decimal("1999")
    with clock.frozen(T0 + 7 * DAY - dt.timedelta(seconds=1)):
        assert price_for(sku=sku, store=store) == Decimal("1999")
    with clock.frozen(T0 + 7 * DAY):
        assert price_for(sku=sku, store=store) == Decimal("2999.00")


def test_an_inactive_price_list_is_ignored(sku, store):
    _list("OFF", sku, "1", store=store, is_active=False)

    assert price_for(sku=sku, store=store) == Decimal("2999.00")


def test_prices_for_many_skus_take_one_query(sku, product, store):
    # given
    others = [
        sku_create(actor=None, product=product, code=f"B-{i}", name="b", list_price=Decimal(i))
        for i in range(1, 6)
    ]
    _list("STORE", others[0], "0.50", store=store)
    _list("POS", sku, "2500", channel="pos")

    # when
    with CaptureQueriesContext(connection) as queries:
        prices = prices_for(skus=[sku, *others], store=store, channel="pos", at=T0)

    # then
    assert len(queries) == 1
    assert prices[sku.pk] == Decimal("2500")
    assert prices[others[0].pk] == Decimal("0.50")
    assert prices[others[4].pk] == Decimal("5")
