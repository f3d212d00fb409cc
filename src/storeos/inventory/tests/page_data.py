"""A small stock room for the page tests, made through the services the pages rely on."""

import datetime as dt
from decimal import Decimal

from storeos.catalog.services import product_create, series_create, sku_create
from storeos.core import clock
from storeos.inventory.policies import policy_set
from storeos.inventory.services import receipt_post
from storeos.stores.models import Location
from storeos.web.tests.factories import make_catalog, make_store, make_user

# Argon2 takes about a second per user on a busy machine; page tests make several users each.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def stock_room() -> dict:
    """Two stores; store one has LEGO sets and a batch-tracked wine (one lot near expiry)."""
    store = make_store("SH001", "Jing'an")
    other = make_store("BJ001", "Sanlitun")
    catalog = make_catalog()
    skus = catalog["skus"]
    great_wall = series_create(actor=None, code="GREATWALL", name="Great Wall", brand="COFCO")
    wine_product = product_create(
        actor=None,
        code="P-WINE",
        name="Great Wall Cabernet",
        category=catalog["categories"]["drinks"],
        series=great_wall,
    )
    skus["wine"] = sku_create(
        actor=None,
        product=wine_product,
        code="WINE-750",
        name="Great Wall Cabernet 750ml",
        list_price=Decimal("168.00"),
        barcodes=["6901234567892"],
        batch_tracked=True,
    )
    shelf = Location.objects.get(code="SH001-SHELF")
    back = Location.objects.get(code="SH001-BACK")
    other_shelf = Location.objects.get(code="BJ001-SHELF")
    today = clock.today()
    receipt_post(
        actor=None, location=shelf, sku=skus["technic"], quantity=10, unit_cost=Decimal("1800")
    )
    receipt_post(
        actor=None, location=shelf, sku=skus["train"], quantity=5, unit_cost=Decimal("500")
    )
    receipt_post(
        actor=None,
        location=shelf,
        sku=skus["wine"],
        quantity=6,
        unit_cost=Decimal("60"),
        lot_code="L-NEAR",
        expiry_date=today + dt.timedelta(days=20),
    )
    receipt_post(
        actor=None,
        location=shelf,
        sku=skus["wine"],
        quantity=12,
        unit_cost=Decimal("60"),
        lot_code="L-LATE",
        expiry_date=today + dt.timedelta(days=400),
    )
    receipt_post(
        actor=None, location=other_shelf, sku=skus["train"], quantity=3, unit_cost=Decimal("500")
    )
    admin = make_user("root", role="admin")
    policy_set(actor=admin, location=shelf, sku=skus["train"], min_qty=6, max_qty=20)
    return {
        "admin": admin,
        "series": great_wall,
        "store": store,
        "other": other,
        "skus": skus,
        "categories": catalog["categories"],
        "shelf": shelf,
        "back": back,
        "other_shelf": other_shelf,
        "manager": make_user("lina", role="store_manager", store=store, first_name="Lina"),
        "deputy": make_user("wang", role="store_manager", store=store, first_name="Wang"),
        "clerk": make_user("zhou", role="warehouse", store=store),
        "cashier": make_user("chen", role="cashier", store=store),
        "other_manager": make_user("li", role="store_manager", store=other),
    }
