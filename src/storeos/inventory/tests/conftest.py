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


@pytest.fixture
def bearer(store):
    """A function giving Authorization headers for a new user with a role (in `store` or all)."""
    from storeos.accounts.models import RoleGrant, User
    from storeos.accounts.services import api_token_issue

    def make(role: str, *, chain_wide: bool = False) -> dict[str, str]:
        user = User.objects.create_user(username=f"{role}-{User.objects.count()}", password="x")
        RoleGrant.objects.create(user=user, role=role, store=None if chain_wide else store)
        _, secret = api_token_issue(actor=None, user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


def make_user(username: str, role: str, store=None):
    from storeos.accounts.models import RoleGrant, User

    user = User.objects.create_user(username=username, password="pw-not-used-1")
    RoleGrant.objects.create(user=user, role=role, store=store)
    return user


@pytest.fixture
def clerk(store):
    """Stock-room staff of store one: moves stock, cannot approve."""
    return make_user("clerk", "warehouse", store)


@pytest.fixture
def manager(store):
    return make_user("manager", "store_manager", store)


@pytest.fixture
def deputy(store):
    """A second store manager of store one (approves what the manager requested)."""
    return make_user("deputy", "store_manager", store)


@pytest.fixture
def store2(store):
    return Store.objects.create(code="S2", name="Store two", region=store.region)


@pytest.fixture
def shelf2(store2):
    return Location.objects.create(
        code="S2-SHELF",
        name="Shelf",
        kind=Location.Kind.STORE_SHELF,
        store=store2,
        sellable=True,
        channels=[c.value for c in Channel],
    )


@pytest.fixture
def manager2(store2):
    return make_user("manager2", "store_manager", store2)


@pytest.fixture
def logistics(db):
    """Chain-wide warehouse staff: ships and receives between any locations."""
    return make_user("logistics", "warehouse")
