from decimal import Decimal

import pytest

from storeos.core.money import allocate, to_money


def test_allocation_sums_exactly_to_the_total():
    parts = allocate(Decimal("10.00"), [Decimal("1"), Decimal("1"), Decimal("1")])
    assert parts == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    assert sum(parts) == Decimal("10.00")


def test_floats_are_refused_as_money():
    with pytest.raises(TypeError):
        to_money(0.1)
