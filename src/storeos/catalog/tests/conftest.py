"""A small catalog, stores, and users with roles (and their API clients) for the catalog tests."""

from decimal import Decimal

import pytest

from storeos.accounts.models import Role
from storeos.catalog.services import category_create, product_create, series_create, sku_create
from storeos.stores.tests.conftest import (  # noqa: F401  (shared fixtures)
    _fast_password_hashing,
    admin,
    admin_api,
    cashier,
    cashier_api,
    manager,
    manager_api,
    other_store,
    region,
    store,
)
from storeos.stores.tests.factories import api_client, make_user


@pytest.fixture
def marketing(db):
    return make_user("marketing.sun", Role.MARKETING)


@pytest.fixture
def marketing_api(marketing):
    return api_client(marketing)


@pytest.fixture
def toys(db):
    return category_create(actor=None, code="TOYS", name="Toys")


@pytest.fixture
def bricks(toys):
    return category_create(actor=None, code="BRICKS", name="Building bricks", parent=toys)


@pytest.fixture
def technic_series(db):
    return series_create(actor=None, code="TECHNIC", name="Technic", brand="LEGO")


@pytest.fixture
def product(bricks, technic_series):
    return product_create(
        actor=None, code="P-42115", name="Lamborghini Sián", category=bricks, series=technic_series
    )


@pytest.fixture
def sku(product):
    return sku_create(
        actor=None,
        product=product,
        code="LEGO-42115",
        name="Lamborghini Sián FKP 37",
        list_price=Decimal("2999.00"),
        cost=Decimal("1800.00"),
        barcodes=["5702016616217"],
    )
