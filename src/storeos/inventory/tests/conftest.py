"""Shared fixtures: a store with a shelf and back room, plain and batch-tracked SKUs."""

from decimal import Decimal

import pytest

from storeos.catalog.models import Category, Product, Sku
from storeos.core.channels import Channel
from storeos.stores.models import Location, Region, Store


@pytest.fixture
def store(db):
    region = Region.objects.create(code="EAST", name="East")
    return Store.objects.create(code="S1", name="Store one", region=region)


@pytest.fixture
def shelf(store):
    return Location.objects.create(
        code="S1-SHELF",
        name="Shelf",
        kind=Location.Kind.STORE_SHELF,
        store=store,
        sellable=True,
        channels=[c.value for c in Channel],
    )


@pytest.fixture
def backroom(store):
    return Location.objects.create(
        code="S1-BACK", name="Back room", kind=Location.Kind.STORE_BACKROOM, store=store
    )


@pytest.fixture
def category(db):
    return Category.objects.create(code="BRICKS", name="Bricks", path="/1/")


def make_sku(category, code, *, batch_tracked=False, cost="50.00", price="99.00") -> Sku:
    product = Product.objects.create(code=f"P-{code}", name=code, category=category)
    return Sku.objects.create(
        product=product,
        code=code,
        name=code,
        list_price=Decimal(price),
        cost=Decimal(cost),
        batch_tracked=batch_tracked,
    )


@pytest.fixture
def sku(category):
    return make_sku(category, "SET-1")


@pytest.fixture
def wine(category):
    return make_sku(category, "WINE-1", batch_tracked=True, cost="80.00", price="198.00")
