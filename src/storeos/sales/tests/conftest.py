"""A store with a shop floor, stocked SKUs and a cashier, for sales tests."""

from decimal import Decimal

import pytest

from storeos.accounts.models import RoleGrant, User
from storeos.catalog.models import Category, Product, Sku
from storeos.core.channels import Channel
from storeos.inventory.stock import stock_receive
from storeos.stores.models import Location, Region, Store


@pytest.fixture
def store(db):
    region = Region.objects.create(code="EAST", name="East")
    return Store.objects.create(code="S1", name="Store one", region=region)


@pytest.fixture
def floor(store):
    return Location.objects.create(
        code="S1-SHELF",
        name="Shelf",
        kind=Location.Kind.STORE_SHELF,
        store=store,
        sellable=True,
        channels=[c.value for c in Channel],
    )


@pytest.fixture
def category(db):
    return Category.objects.create(code="TOYS", name="Toys", path="/1/")


def make_sku(category, code, price, *, stock=0, location=None, **flags) -> Sku:
    product = Product.objects.create(code=f"P-{code}", name=code, category=category)
    sku = Sku.objects.create(
        product=product,
        code=code,
        name=code,
        list_price=Decimal(price),
        cost=Decimal(price) / 2,
        **flags,
    )
    if stock:
        stock_receive(
            actor=None, location=location, sku=sku, quantity=stock, unit_cost=Decimal(price) / 2
        )
    return sku


@pytest.fixture
def bricks(category, floor):
    return make_sku(category, "BRICKS", "99.00", stock=10, location=floor)


@pytest.fixture
def figure(category, floor):
    return make_sku(category, "FIGURE", "19.90", stock=10, location=floor)


@pytest.fixture
def cigarettes(category, floor):
    return make_sku(
        category,
        "CIGS",
        "25.00",
        stock=10,
        location=floor,
        age_restricted=True,
        blocked_channels=["online_mall", "mini_program", "delivery"],
    )


def user_with_role(role: str, store=None, username: str | None = None) -> User:
    user = User.objects.create_user(username=username or f"{role}-{User.objects.count()}")
    RoleGrant.objects.create(user=user, role=role, store=store)
    return user


@pytest.fixture
def cashier(store):
    return user_with_role("cashier", store, "cashier")
