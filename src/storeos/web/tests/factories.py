"""Test data for the page tests, made through the services the pages rely on."""

from decimal import Decimal

from django.test import Client

from storeos.accounts.services import role_grant, user_create
from storeos.catalog.services import category_create, product_create, sku_create
from storeos.stores.services import region_create, store_create

PASSWORD = "shelf-stacker-2024"


def make_store(code: str = "SH001", name: str = "Shanghai Jing'an", region=None):
    if region is None:
        region = region_create(actor=None, code=f"R-{code}", name="East")
    return store_create(actor=None, code=code, name=name, region=region, city="Shanghai")


def make_user(username: str, role: str | None = None, store=None, **names):
    user = user_create(actor=None, username=username, password=PASSWORD, **names)
    if role:
        role_grant(actor=None, user=user, role=role, store=store)
    return user


def make_catalog():
    """Two categories, three SKUs: enough to search, filter and chart."""
    toys = category_create(actor=None, code="TOYS", name="Building sets")
    drinks = category_create(actor=None, code="DRINKS", name="Liquor")
    technic = product_create(actor=None, code="P-42115", name="Lamborghini Sián", category=toys)
    city = product_create(actor=None, code="P-60337", name="Express Passenger Train", category=toys)
    baijiu = product_create(actor=None, code="P-MT53", name="Moutai Flying Fairy", category=drinks)
    skus = {
        "technic": sku_create(
            actor=None,
            product=technic,
            code="LEGO-42115",
            name="Lamborghini Sián FKP 37",
            list_price=Decimal("2999.00"),
            barcodes=["5702016616217"],
            spec="3696 pcs",
        ),
        "train": sku_create(
            actor=None,
            product=city,
            code="LEGO-60337",
            name="Express Passenger Train",
            list_price=Decimal("899.00"),
        ),
        "moutai": sku_create(
            actor=None,
            product=baijiu,
            code="MT-53-500",
            name="Moutai 53% 500ml",
            list_price=Decimal("1499.00"),
            age_restricted=True,
        ),
    }
    return {"categories": {"toys": toys, "drinks": drinks}, "skus": skus}


def signed_in(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client
