"""A programme with LEGO-style tiers and members, for loyalty tests (sales fixtures too)."""

from decimal import Decimal

import pytest

from storeos.loyalty.members import member_create
from storeos.loyalty.models import Programme, Tier
from storeos.sales.tests.conftest import (  # noqa: F401 (fixtures shared with sales tests)
    bricks,
    category,
    figure,
    floor,
    store,
)


@pytest.fixture
def programme(db):
    programme = Programme.objects.create(code="LEGO", name="LEGO VIP")
    for rank, (code, name, upgrade, keep, discount, multiplier) in enumerate(
        [
            ("bronze", "Bronze", 0, 0, "0", "1"),
            ("silver", "Silver", 1000, 600, "0.02", "1.2"),
            ("gold", "Gold", 3000, 2000, "0.05", "1.5"),
            ("diamond", "Diamond", 8000, 6000, "0.08", "2"),
        ]
    ):
        Tier.objects.create(
            programme=programme,
            code=code,
            name=name,
            rank=rank,
            upgrade_threshold=upgrade,
            retention_threshold=keep,
            discount_rate=Decimal(discount),
            points_multiplier=Decimal(multiplier),
        )
    return programme


@pytest.fixture
def member(programme):
    return member_create(phone="13800138000", name="张三", marketing_consent=True)


@pytest.fixture
def other_member(programme):
    return member_create(phone="13900139000", name="李四")
