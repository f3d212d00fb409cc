"""The engine's cache of promotions and its cost in queries; rule validation."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from storeos.promotions.models import Promotion, PromotionStatus
from storeos.promotions.rules import promotion_rule_validate
from storeos.promotions.tests.conftest import AT
from storeos.promotions.tests.test_engine_kinds import price

D = Decimal


def test_a_cart_with_no_promotion_and_no_member_costs_the_price_query_and_the_version_check(
    store, catalogue
):
    price(store, catalogue, ("CAR", 1))

    with CaptureQueriesContext(connection) as queries:
        cart = price(store, catalogue, ("CAR", 1), ("MUG", 2), ("GUM", 1))

    assert cart.total == D("153.33")
    assert len(queries) == 2


def test_with_promotions_cached_a_cart_costs_no_more_queries(store, catalogue, promo):
    promo("percent_off", {"percent": "10"}, scope={"categories": [catalogue.categories["toys"].pk]})
    promo("spend_save", {"every": "100", "off": "10"})
    price(store, catalogue, ("CAR", 1))

    with CaptureQueriesContext(connection) as queries:
        cart = price(store, catalogue, ("CAR", 1), ("MUG", 2), ("DOLL", 1))

    assert cart.total == D("127.00")  # 150 − 13 (10 % on toys) − 10
    assert len(queries) == 2


def test_a_promotion_changed_elsewhere_is_seen_by_the_next_cart(store, catalogue, promo):
    p = promo("percent_off", {"percent": "10"})
    assert price(store, catalogue, ("CAR", 1)).total == D("90.00")

    # A bulk update (no save signal), as another process would: the version check sees it.
    Promotion.objects.filter(pk=p.pk).update(status=PromotionStatus.PAUSED)
    assert price(store, catalogue, ("CAR", 1)).total == D("100.00")

    Promotion.objects.filter(pk=p.pk).update(
        status=PromotionStatus.ACTIVE, rule={"percent": "20"}, updated_at=AT
    )
    assert price(store, catalogue, ("CAR", 1)).total == D("80.00")


@pytest.mark.parametrize(
    "kind, rule, scope, code",
    [
        ("percent_off", {"percent": "120"}, {}, "percent_invalid"),
        ("percent_off", {"percent": "0"}, {}, "percent_invalid"),
        ("amount_off", {"amount": "-1"}, {}, "amount_invalid"),
        ("nth_item", {"nth": 1, "percent": "50"}, {}, "promotion_invalid"),
        ("bundle", {"skus": [999999, 999998], "price": "10.00"}, {}, "bundle_sku_missing"),
        ("spend_save", {"every": "100", "off": "150"}, {}, "amount_invalid"),
        ("gift", {"sku": 999999, "min_amount": "10"}, {}, "sku_missing"),
        ("percent_off", {"percent": "10"}, {"brands": [1]}, "scope_invalid"),
        ("no_such_kind", {}, {}, "promotion_invalid"),
    ],
)
def test_a_rule_the_engine_could_not_price_is_refused(db, kind, rule, scope, code):
    from storeos.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        promotion_rule_validate(kind, rule, scope)

    assert refused.value.code == code


def test_reversed_dates_are_refused(db):
    from storeos.promotions.errors import DatesReversed

    with pytest.raises(DatesReversed) as refused:
        promotion_rule_validate("percent_off", {"percent": "10"}, {}, starts_at=AT, ends_at=AT)

    assert refused.value.code == "dates_reversed"


def test_a_good_rule_of_every_kind_passes(catalogue):
    car, truck = catalogue.sku("CAR").pk, catalogue.sku("TRUCK").pk
    for kind, rule in [
        ("percent_off", {"percent": "100"}),
        ("amount_off", {"amount": "5.00"}),
        ("fixed_price", {"price": "0"}),
        ("tier_price", {"prices": {"gold": "89.00"}}),
        ("tier_price", {"percents": {"gold": "10"}}),
        ("spend_save", {"tiers": [["200", "20"], ["500", "60"]]}),
        ("spend_save", {"every": "300", "off": "50"}),
        ("buy_x_get_y", {"buy": 2, "get": 1, "get_sku": truck, "percent": "100"}),
        ("nth_item", {"nth": 2, "percent": "50"}),
        ("bundle", {"skus": [car, truck], "price": "120.00"}),
        ("gift", {"sku": car, "quantity": 1, "min_amount": "300.00"}),
        ("points_multiplier", {"multiplier": "2"}),
    ]:
        promotion_rule_validate(kind, rule, {"skus": [car]})
