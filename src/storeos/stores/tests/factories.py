"""People, places and API clients the stores and catalog tests act with."""

from django.test import Client

from storeos.accounts.models import RoleGrant, User
from storeos.accounts.services import api_token_issue
from storeos.stores.models import Region, Store
from storeos.stores.services import region_create, store_create

PASSWORD = "lantern-orchard-47"


def make_user(username: str, role: str | None = None, store: Store | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    if role:
        RoleGrant.objects.create(user=user, role=role, store=store)
    return user


def make_region(code: str = "EAST", name: str = "East China") -> Region:
    return region_create(actor=None, code=code, name=name)


def make_store(code: str, region: Region, name: str | None = None, **extra) -> Store:
    return store_create(actor=None, code=code, name=name or f"Store {code}", region=region, **extra)


def api_client(user: User) -> Client:
    """A test client that sends `user`'s freshly issued bearer token with every request."""
    _, secret = api_token_issue(actor=None, user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
