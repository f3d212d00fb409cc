"""Stores, users with roles and their API clients for the stores tests."""

import pytest

from storeos.accounts.models import Role
from storeos.stores.tests.factories import api_client, make_region, make_store, make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow and every test here makes users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def region(db):
    return make_region()


@pytest.fixture
def store(region):
    return make_store("SH01", region, name="Shanghai Xintiandi")


@pytest.fixture
def other_store(region):
    return make_store("HZ01", region, name="Hangzhou Hubin")


@pytest.fixture
def admin(db):
    return make_user("admin.li", Role.ADMIN)


@pytest.fixture
def manager(store):
    return make_user("manager.chen", Role.STORE_MANAGER, store)


@pytest.fixture
def cashier(store):
    return make_user("cashier.wang", Role.CASHIER, store)


@pytest.fixture
def admin_api(admin):
    return api_client(admin)


@pytest.fixture
def manager_api(manager):
    return api_client(manager)


@pytest.fixture
def cashier_api(cashier):
    return api_client(cashier)
