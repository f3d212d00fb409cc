"""People and places the accounts tests act with."""

import pytest

from storeos.accounts.models import Role, RoleGrant, User
from storeos.stores.models import Region, Store

PASSWORD = "kettle-harbour-91"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; these tests hash many passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def region(db) -> Region:
    return Region.objects.create(code="EAST", name="East China")


@pytest.fixture
def store(region) -> Store:
    return Store.objects.create(code="SH01", name="Shanghai Xintiandi", region=region)


@pytest.fixture
def other_store(region) -> Store:
    return Store.objects.create(code="HZ01", name="Hangzhou Hubin", region=region)


@pytest.fixture
def make_user(db):
    def make(username: str, *, role: str | None = None, store: Store | None = None, **extra):
        user = User.objects.create_user(username=username, password=PASSWORD, **extra)
        if role:
            RoleGrant.objects.create(user=user, role=role, store=store)
        return user

    return make


@pytest.fixture
def chain_admin(make_user) -> User:
    return make_user("admin.li", role=Role.ADMIN)


@pytest.fixture
def cashier(make_user, store) -> User:
    return make_user("cashier.wang", role=Role.CASHIER, store=store)


@pytest.fixture
def analyst(make_user) -> User:
    return make_user("analyst.zhao", role=Role.HQ_ANALYST)
