from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storeos.core.money import allocate, quantize, to_money


def test_allocation_sums_exactly_to_the_total():
    parts = allocate(Decimal("10.00"), [Decimal("1"), Decimal("1"), Decimal("1")])
    assert parts == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    assert sum(parts) == Decimal("10.00")


def test_floats_are_refused_as_money():
    with pytest.raises(TypeError):
        to_money(0.1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.345", "12.35"),
        ("12.344", "12.34"),
        ("-1.005", "-1.01"),
        (5, "5.00"),
        (Decimal("0.5"), "0.50"),
        ("  7.1 ", "7.10"),
    ],
)
def test_amounts_are_parsed_to_cents_rounding_half_up(raw, expected):
    assert to_money(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["abc", "", "NaN", "Infinity", Decimal("-Infinity")])
def test_things_that_are_not_amounts_are_refused(raw):
    with pytest.raises(ValueError):
        to_money(raw)


def test_quantize_rounds_half_up_like_a_receipt():
    assert quantize(Decimal("2.675")) == Decimal("2.68")
    assert quantize(Decimal("2.665")) == Decimal("2.67")


def test_a_discount_is_allocated_in_proportion_to_line_amounts():
    # given a 10.00 discount over lines worth 60 and 40
    parts = allocate(Decimal("10.00"), [Decimal("60"), Decimal("40")])
    # then the lines carry 6.00 and 4.00
    assert parts == [Decimal("6.00"), Decimal("4.00")]


def test_a_negative_total_is_allocated_with_the_same_shape():
    assert allocate(Decimal("-10.00"), [1, 1, 1]) == [
        Decimal("-3.34"),
        Decimal("-3.33"),
        Decimal("-3.33"),
    ]


def test_all_zero_weights_split_evenly():
    assert allocate(Decimal("1.00"), [0, 0, 0]) == [
        Decimal("0.34"),
        Decimal("0.33"),
        Decimal("0.33"),
    ]


def test_allocation_refuses_negative_weights_and_money_over_no_lines():
    with pytest.raises(ValueError):
        allocate(Decimal("1.00"), [1, -1])
    with pytest.raises(ValueError):
        allocate(Decimal("1.00"), [])
    assert allocate(Decimal("0"), []) == []


@given(
    cents=st.integers(min_value=-10_000_000, max_value=10_000_000),
    weights=st.lists(
        st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False),
        min_size=1,
        max_size=30,
    ),
)
def test_allocated_parts_sum_to_the_total_and_stay_within_a_cent_of_the_exact_share(cents, weights):
    total = Decimal(cents) / 100
    parts = allocate(total, weights)

    assert sum(parts) == total
    assert all(part == quantize(part) for part in parts)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / weight_sum if weight_sum else total / len(weights)
        assert abs(part - exact) < Decimal("0.01")
