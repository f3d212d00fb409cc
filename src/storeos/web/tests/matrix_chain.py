"""A two-store chain for the permission matrix: one of every object a page or an operation names.

Store A is the one the store-bound roles work in; store B holds a twin of every store-scoped
object, so a walk with B's ids shows whether A's staff can reach across.
"""

import datetime as dt
import uuid
from decimal import Decimal

from storeos.accounts.models import Role
from storeos.catalog.pricing import price_list_create, price_list_item_set
from storeos.catalog.services import barcode_add
from storeos.core import clock
from storeos.inventory.counts import count_open
from storeos.inventory.reservations import ReserveLine
from storeos.inventory.scrap import scrap_request
from storeos.inventory.services import receipt_post, reservation_create
from storeos.inventory.transfers import transfer_create
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Programme, Tier
from storeos.promotions.coupons import code_batch_create
from storeos.promotions.labels import labels_refresh
from storeos.promotions.tests.conftest import coupon_template_make, promotion_make
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.online import online_order_create
from storeos.sales.receipts import receipt_token
from storeos.sales.returns import return_create
from storeos.sales.shifts import shift_open
from storeos.stores.models import Location
from storeos.web.tests.factories import PASSWORD, make_catalog, make_store, make_user

# Who walks the matrix: (label, role, works in store A only?). "anonymous" is nobody signed in.
ROLES = [
    ("admin", Role.ADMIN, False),
    ("hq_analyst", Role.HQ_ANALYST, False),
    ("marketing", Role.MARKETING, False),
    ("store_manager", Role.STORE_MANAGER, True),
    ("cashier", Role.CASHIER, True),
    ("warehouse", Role.WAREHOUSE, True),
]

PHONES = {"A": "13800138001", "B": "13900139002"}


def _store_objects(key: str, store, skus: dict, admin) -> dict:
    shelf = Location.objects.get(code=f"{store.code}-SHELF")
    back = Location.objects.get(code=f"{store.code}-BACK")
    for sku in skus.values():
        receipt_post(actor=None, location=shelf, sku=sku, quantity=20, unit_cost=Decimal("100"))
    member = member_create(phone=PHONES[key], name=f"Member {key}", home_store=store)
    order = checkout(
        actor=None,
        order_id=uuid.uuid4(),
        store=store,
        lines=[CartLine(skus["train"], 2)],
        payments=[Tender("cash", Decimal("1798.00"), tendered=Decimal("1800.00"))],
        member_id=member.pk,
    )
    online = online_order_create(
        actor=None,
        order_id=uuid.uuid4(),
        store=store,
        channel="online_mall",
        lines=[CartLine(skus["technic"], 1)],
    )
    sales_return = return_create(
        actor=None,
        return_id=uuid.uuid4(),
        order=order,
        lines=[(order.lines.first(), 1, "restock")],
        reason="changed mind",
    )
    price_list = price_list_create(actor=None, code=f"PL-{key}", name=f"Prices {key}", store=store)
    price_list_item_set(actor=None, price_list=price_list, sku=skus["train"], price=Decimal("850"))
    labels = labels_refresh(stores=[store], skus=[skus["train"]], reason="price_change")
    reference = f"HOLD-{key}"
    reservation_create(
        actor=None,
        reference=reference,
        channel="online_mall",
        lines=[ReserveLine(location=shelf, sku=skus["moutai"], quantity=1)],
    )
    return {
        "store": store,
        "store_id": store.pk,
        "location_id": shelf.pk,
        "to_location_id": back.pk,
        "member_id": member.pk,
        "phone": PHONES[key],
        "token": receipt_token(order=order),
        "order": order,
        "order_id": order.uuid,
        "online_order_id": online.uuid,
        "return_id": sales_return.uuid,
        "reference": reference,
        "transfer_id": transfer_create(
            actor=admin, from_location=shelf, to_location=back, lines=[(skus["train"], 1)]
        ).pk,
        "count_id": count_open(actor=admin, location=shelf, scope="all").pk,
        "request_id": scrap_request(
            actor=admin, location=shelf, reason="damaged", lines=[(skus["technic"], 1)]
        ).pk,
        "price_list_id": price_list.pk,
        "from_location_id": shelf.pk,
        "query": PHONES[key],  # a member lookup names the member's phone
        "ids": [label.pk for label in labels],  # label updates a device acknowledges
    }


def matrix_chain() -> dict:
    """Stores A and B, their objects, chain-wide objects and one user per role (of store A)."""
    programme = Programme.objects.create(code="VIP", name="VIP")
    Tier.objects.create(
        programme=programme,
        code="basic",
        name="Basic",
        rank=0,
        upgrade_threshold=0,
        retention_threshold=0,
        discount_rate=Decimal("0"),
        points_multiplier=Decimal("1"),
    )
    catalog = make_catalog()
    skus = catalog["skus"]
    barcode_add(actor=None, sku=skus["train"], code="5702017416700")
    admin = make_user("matrix-root", role=Role.ADMIN)
    stores = {"A": make_store("SA01", "Store A"), "B": make_store("SB01", "Store B")}
    per_store = {key: _store_objects(key, store, skus, admin) for key, store in stores.items()}
    template = coupon_template_make()
    promotion = promotion_make("percent_off", {"percent": "10"})
    users = {
        label: make_user(f"matrix-{label}", role=role, store=stores["A"] if store_bound else None)
        for label, role, store_bound in ROLES
    }
    till_b = make_user("matrix-cashier-b", role=Role.CASHIER, store=stores["B"])
    for key, actor in (("A", users["cashier"]), ("B", till_b)):
        per_store[key]["register"] = f"T-{key}"
        per_store[key]["shift_id"] = shift_open(
            actor=actor, store=stores[key], register=f"T-{key}", opening_float=Decimal("100")
        ).pk
    chain = {
        "sku_id": skus["train"].pk,
        # The barcode of `sku_id`, so an operation on one of its barcodes finds it.
        "code": skus["train"].barcodes.first().code,
        "barcode": skus["train"].barcodes.first().code,
        # The token operation signs in as a real user (its rule is "anyone with a password").
        "username": "matrix-admin",
        "password": PASSWORD,
        "category_id": catalog["categories"]["toys"].pk,
        "product_id": skus["train"].product_id,
        "region_id": stores["A"].region_id,
        "promotion_id": promotion.pk,
        "template_id": template.pk,
        "batch_id": code_batch_create(actor=None, template=template, quantity=2).pk,
        "method": "alipay",
        "reward_code": "none",
        # Not seeded (a QR provider is not set up in tests): every role meets the same 404.
        "intent_id": uuid.UUID(int=7),
        "token_id": 999999,
        "alert_id": 999999,
        "business_date": clock.today().isoformat(),
        "date_from": (clock.today() - dt.timedelta(days=30)).isoformat(),
        "date_to": clock.today().isoformat(),
    }
    return {"users": users, "stores": per_store, "chain": chain, "skus": skus}
