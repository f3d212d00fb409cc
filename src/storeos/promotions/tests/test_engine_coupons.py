"""Coupons in the engine: last, on the prices after promotions, refused with a clear code."""

import datetime as dt
from decimal import Decimal

import pytest

from storeos.core.errors import DomainError
from storeos.promotions.models import Coupon, CouponKind, CouponStatus
from storeos.promotions.tests.conftest import AT
from storeos.promotions.tests.test_engine_kinds import amounts, price

D = Decimal


def test_an_amount_off_coupon_applies_after_promotions_and_is_allocated(
    store, catalogue, promo, coupon
):
    promo("percent_off", {"percent": "10"}, scope={"skus": [catalogue.sku("SET").pk]})
    ticket = coupon({"value": D("30"), "min_spend": D("200")})

    cart = price(store, catalogue, ("SET", 1), ("MUG", 2), codes=[ticket.code.lower()])

    # 180 + 20 = 200 after the promotion reaches the minimum; 30 split 180 : 20 → 27 / 3.
    assert amounts(cart) == [D("47.00"), D("3.00")]
    assert cart.coupon_codes == [ticket.code]
    assert cart.adjustments[-1] == {
        "source": "coupon",
        "id": ticket.code,
        "kind": "amount_off",
        "label": ticket.template.name,
        "amount": "30.00",
    }


def test_a_percent_coupon_counts_only_its_scope(store, catalogue, coupon):
    ticket = coupon(
        {
            "kind": CouponKind.PERCENT_OFF,
            "value": D("10"),
            "scope": {"skus": [catalogue.sku("GUM").pk]},
        }
    )

    cart = price(store, catalogue, ("GUM", 1), ("MUG", 1), codes=[ticket.code])

    assert amounts(cart) == [D("3.33"), D("0")]


def test_a_free_item_coupon_takes_one_unit_off_and_needs_the_item(store, catalogue, coupon):
    ticket = coupon(
        {"kind": CouponKind.FREE_ITEM, "value": D("0"), "free_sku": catalogue.sku("MUG")}
    )

    cart = price(store, catalogue, ("CAR", 1), ("MUG", 3), codes=[ticket.code])

    assert amounts(cart) == [D("0"), D("10.00")]
    with pytest.raises(DomainError) as refused:
        price(store, catalogue, ("CAR", 1), codes=[ticket.code])
    assert refused.value.code == "coupon_item_missing"


def test_free_shipping_is_recorded_with_no_price_effect(store, catalogue, coupon):
    ticket = coupon({"kind": CouponKind.FREE_SHIPPING, "value": D("0")})

    cart = price(store, catalogue, ("CAR", 1), codes=[ticket.code])

    assert cart.total == D("100.00")
    assert cart.adjustments == [
        {
            "source": "coupon",
            "id": ticket.code,
            "kind": "free_shipping",
            "label": ticket.template.name,
            "amount": "0.00",
            "free_shipping": True,
        }
    ]


def test_two_coupons_only_when_both_stack(store, catalogue, coupon):
    one, two = coupon({"stackable": True}), coupon({"stackable": True})
    single = coupon()

    cart = price(store, catalogue, ("CAR", 1), codes=[one.code, two.code])

    assert cart.total == D("80.00")
    with pytest.raises(DomainError) as refused:
        price(store, catalogue, ("CAR", 1), codes=[one.code, single.code])
    assert refused.value.code == "coupon_not_stackable"


def test_an_exclusive_promotion_that_wins_drops_the_coupon(store, catalogue, promo, coupon):
    promo("percent_off", {"percent": "50"}, exclusive=True)
    ticket = coupon({"value": D("10")})

    cart = price(store, catalogue, ("CAR", 1), codes=[ticket.code])

    assert (cart.total, cart.coupon_codes) == (D("50.00"), [])


@pytest.mark.parametrize(
    "case, code",
    [
        ("unknown", "coupon_not_found"),
        ("used", "coupon_used"),
        ("expired", "coupon_expired"),
        ("not_yet", "coupon_expired"),
        ("someone_elses", "coupon_not_yours"),
        ("below_minimum", "coupon_min_spend_not_met"),
    ],
)
def test_unusable_coupons_are_refused_with_a_clear_code_and_nothing_changes(
    case, code, store, catalogue, coupon, member_at
):
    owner, me = member_at("bronze"), member_at("bronze")
    ticket = coupon({"min_spend": D("500") if case == "below_minimum" else D("0")}, member=owner)
    if case == "used":
        Coupon.objects.filter(pk=ticket.pk).update(status=CouponStatus.USED, used_at=AT)
    if case == "expired":
        Coupon.objects.filter(pk=ticket.pk).update(
            valid_from=AT - dt.timedelta(days=2), valid_until=AT
        )
    if case == "not_yet":
        Coupon.objects.filter(pk=ticket.pk).update(
            valid_from=AT + dt.timedelta(seconds=1), valid_until=AT + dt.timedelta(days=2)
        )
    buyer = me if case == "someone_elses" else owner
    typed = "NOSUCHCODE" if case == "unknown" else ticket.code
    before = list(Coupon.objects.values_list("code", "status", "used_at"))

    with pytest.raises(DomainError) as refused:
        price(store, catalogue, ("CAR", 1), member=buyer, codes=[typed])

    assert refused.value.code == code
    assert list(Coupon.objects.values_list("code", "status", "used_at")) == before


def test_an_unclaimed_batch_coupon_may_be_used_by_anyone(store, catalogue, coupon, member_at):
    ticket = coupon({"value": D("5")}, source="batch")

    assert price(store, catalogue, ("CAR", 1), codes=[ticket.code]).total == D("95.00")
    assert price(
        store, catalogue, ("CAR", 1), member=member_at("gold"), codes=[ticket.code]
    ).total == D("90.00")
