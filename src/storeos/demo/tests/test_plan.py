"""The demo plans as pure data: shapes, prices, barcodes and determinism, without a database."""

import random
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.password_validation import validate_password

from storeos.core.channels import ONLINE_CHANNELS
from storeos.demo.barcodes import Ean13Issuer, ean13_check_digit, is_valid_ean13
from storeos.demo.lego import build_lego_plan
from storeos.demo.liquor import build_liquor_plan
from storeos.demo.plan import discounted
from storeos.demo.staff import DEMO_PASSWORD, demo_staff, till_staff

PLANS = {"lego": build_lego_plan, "liquor": build_liquor_plan}


def test_ean13_check_digit_matches_known_codes():
    # Published examples of valid EAN-13s.
    assert ean13_check_digit("400638133393") == "1"
    assert ean13_check_digit("690123456789") == "2"
    assert is_valid_ean13("4006381333931")
    assert not is_valid_ean13("4006381333932")
    assert not is_valid_ean13("400638133393")


def test_issuer_gives_unique_valid_codes_under_its_prefix():
    issuer = Ean13Issuer("6921580", random.Random(1))
    codes = [issuer.issue() for _ in range(5000)]
    assert len(set(codes)) == len(codes)
    assert all(is_valid_ean13(c) and c.startswith("6921580") for c in codes)


def test_discounted_prices_end_in_nine_and_stay_below_the_list_price():
    assert discounted(Decimal("399"), Decimal("0.95")) == Decimal("379.00")
    assert discounted(Decimal("2999"), Decimal("0.85")) == Decimal("2549.00")
    assert discounted(Decimal("18"), Decimal("0.9")) == Decimal("16.20")


def test_lego_plan_has_three_stores_in_two_cities_and_two_warehouses():
    plan = build_lego_plan(42)

    assert len(plan.stores) == 3
    assert Counter(s.city for s in plan.stores) == {"上海": 2, "杭州": 1}
    assert sorted(w.kind for w in plan.warehouses) == ["central_warehouse", "regional_warehouse"]
    regional = next(w for w in plan.warehouses if w.kind == "regional_warehouse")
    assert regional.region in {r.code for r in plan.regions}
    for store in plan.stores:
        zone_codes = {z.code for z in store.zones}
        assert {"ENTRY", "BUILD", "TILL"} <= zone_codes
        assert any(code.startswith("W-") for code in zone_codes)
        assert sum(z.area_m2 for z in store.zones) <= store.selling_area_m2


def test_lego_plan_has_about_300_skus_across_series_with_a_price_ladder():
    plan = build_lego_plan(42)
    product_series = {p.code: p.series for p in plan.products}
    series_used = {product_series[s.product] for s in plan.skus} - {None}
    set_prices = [s.list_price for s in plan.skus if s.code.isdigit()]

    assert 280 <= len(plan.skus) <= 320
    assert len(series_used) >= 8
    assert {"MINIF", "PART"} <= series_used
    assert min(set_prices) == Decimal("49") and max(set_prices) == Decimal("2999")
    assert any(s.unit == "bag" and "盲袋" in s.name for s in plan.skus)
    single_elements = [
        s for s in plan.skus if product_series[s.product] == "PART" and s.list_price < 5
    ]
    assert len(single_elements) >= 50 and {s.unit for s in single_elements} == {"pc"}


def test_costs_are_45_to_60_percent_of_price_and_tax_is_13_percent_for_lego():
    plan = build_lego_plan(42)

    for sku in plan.skus:
        assert sku.tax_rate == Decimal("0.13")
        assert Decimal("0.44") <= sku.cost / sku.list_price <= Decimal("0.61"), sku.code


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_every_barcode_is_a_valid_unique_ean13_and_codes_are_unique(scenario):
    plan = PLANS[scenario](42)
    barcodes = [b for s in plan.skus for b in s.barcodes]

    assert all(is_valid_ean13(b) for b in barcodes)
    assert len(set(barcodes)) == len(barcodes)
    assert len({s.code for s in plan.skus}) == len(plan.skus)
    assert len({p.code for p in plan.products}) == len(plan.products)
    assert {s.product for s in plan.skus} == {p.code for p in plan.products}


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_codes_stay_unique_whatever_the_seed(scenario):
    # Set numbers are drawn per theme; two themes' ranges overlap and a minifigure wave has a
    # number of its own (seeds 10 and 13 once drew the same number twice).
    for seed in range(120):
        plan = PLANS[scenario](seed)
        assert len({p.code for p in plan.products}) == len(plan.products), seed
        assert len({s.code for s in plan.skus}) == len(plan.skus), seed


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_plan_references_resolve_and_codes_fit_the_model_limits(scenario):
    plan = PLANS[scenario](42)
    categories = {c.code for c in plan.categories}
    series = {s.code for s in plan.series}
    stores = {s.code for s in plan.stores}
    skus = {s.code for s in plan.skus}

    assert all(c.parent is None or c.parent in categories for c in plan.categories)
    assert all(p.category in categories for p in plan.products)
    assert all(p.series is None or p.series in series for p in plan.products)
    assert all(pl.store is None or pl.store in stores for pl in plan.price_lists)
    assert all(code in skus for pl in plan.price_lists for code, _ in pl.items)
    assert all(len(s.code) <= 40 and " " not in s.code for s in plan.skus)
    assert all(len(code) <= 32 for code in categories | series | stores)
    assert all(len(s.name) <= 200 and len(s.spec) <= 100 for s in plan.skus)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_each_plan_has_a_store_price_list_and_an_online_mall_list(scenario):
    plan = PLANS[scenario](42)
    list_prices = {s.code: s.list_price for s in plan.skus}

    assert any(pl.store == plan.stores[0].code and pl.days for pl in plan.price_lists)
    assert any(pl.channel == "online_mall" and pl.store is None for pl in plan.price_lists)
    for price_list in plan.price_lists:
        assert all(Decimal(0) < price < list_prices[code] for code, price in price_list.items)


@pytest.mark.parametrize("scenario", sorted(PLANS))
def test_same_seed_same_plan_other_seed_other_plan(scenario):
    build = PLANS[scenario]

    assert build(7) == build(7)
    assert build(7).skus != build(8).skus


def test_liquor_tobacco_is_age_restricted_and_never_sold_online():
    plan = build_liquor_plan(7)
    product_category = {p.code: p.category for p in plan.products}
    tobacco = [s for s in plan.skus if product_category[s.product] == "TOBACCO"]

    assert len(tobacco) >= 20
    assert {s.unit for s in tobacco} == {"pack", "carton"}
    for sku in tobacco:
        assert sku.age_restricted
        assert set(sku.blocked_channels) == set(ONLINE_CHANNELS)
    online = next(pl for pl in plan.price_lists if pl.channel == "online_mall")
    assert not {code for code, _ in online.items} & {s.code for s in tobacco}


def test_liquor_wine_and_beer_are_batch_tracked_with_a_shelf_life():
    plan = build_liquor_plan(7)
    top = {c.code: c.parent or c.code for c in plan.categories}
    by_top = {p.code: top[p.category] for p in plan.products}

    for sku in plan.skus:
        kind = by_top[sku.product]
        if kind in {"WINE", "BEER", "BAIJIU"}:
            assert sku.batch_tracked and sku.age_restricted, sku.code
        if kind == "WINE":
            assert sku.shelf_life_days == 3650
        if kind == "BEER":
            assert sku.shelf_life_days in {180, 365}
        if kind == "TEA":
            assert not sku.age_restricted
    assert {"BAIJIU", "WINE", "BEER", "TOBACCO", "TEA", "GIFT"} <= set(by_top.values())


def test_demo_staff_cover_every_role_and_give_every_store_a_cashier_and_an_associate():
    stores = ["LG-SH01", "LG-SH02", "LG-HZ01"]
    staff = demo_staff(stores)

    assert [u.username for u in staff[:6]] == [
        "admin",
        "hq",
        "marketing",
        "manager",
        "cashier",
        "warehouse",
    ]
    assert {u.role for u in staff} == {
        "admin",
        "hq_analyst",
        "marketing",
        "store_manager",
        "cashier",
        "warehouse",
    }
    assert {u.store for u in staff if u.role == "store_manager"} == {"LG-SH01"}
    assert till_staff(stores) == {
        "LG-SH01": ("cashier", "associate"),
        "LG-SH02": ("cashier2", "associate2"),
        "LG-HZ01": ("cashier3", "associate3"),
    }
    by_name = {u.username: u for u in staff}
    for store, (cashier, associate) in till_staff(stores).items():
        assert by_name[cashier].store == by_name[associate].store == store
        assert by_name[cashier].role == by_name[associate].role == "cashier"
    assert all(u.store is None for u in staff if u.role not in {"store_manager", "cashier"})
    assert len({u.username for u in staff}) == len(staff) == 11


def test_demo_password_passes_django_validators_for_every_demo_user():
    from storeos.accounts.models import User

    for spec in demo_staff(["LG-SH01", "LG-SH02", "LG-HZ01"]):
        user = User(username=spec.username, email=f"{spec.username}@example.com")
        validate_password(DEMO_PASSWORD, user=user)
