"""A small seeded chain for the API fuzz: two stores, stocked SKUs, a member, a promotion and one
bearer token per role, so fuzzed requests can reach real rows as well as missing ones."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from storeos.accounts.models import Role, RoleGrant, User
from storeos.accounts.services import api_token_issue
from storeos.catalog.models import Barcode, Category, Product, Sku
from storeos.inventory.stock import stock_receive
from storeos.loyalty.tests.conftest import programme  # noqa: F401 (fixture)
from storeos.promotions.tests.conftest import coupon_template_make, promotion_make
from storeos.stores.models import Location, Region
from storeos.stores.services import store_create

# Roles that act in one store; the others act chain-wide.
STORE_ROLES = {Role.STORE_MANAGER, Role.CASHIER, Role.WAREHOUSE}


@dataclass
class FuzzChain:
    tokens: dict[str, str] = field(default_factory=dict)
    # Path parameter name → an id that exists, so some fuzzed calls land on real rows.
    known: dict[str, object] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fuzz_chain(programme) -> FuzzChain:  # noqa: F811
    region = Region.objects.create(code="EAST", name="East China")
    store = store_create(actor=None, code="SH01", name="Shanghai Xintiandi", region=region)
    store_create(actor=None, code="HZ01", name="Hangzhou Hubin", region=region)
    shelf = Location.objects.get(store=store, kind=Location.Kind.STORE_SHELF)
    category = Category.objects.create(code="TOYS", name="Toys", path="/1/")
    skus = []
    for code, price in (("BRICKS", "99.00"), ("FIGURE", "19.90")):
        product = Product.objects.create(code=f"P-{code}", name=code, category=category)
        sku = Sku.objects.create(
            product=product, code=code, name=code, list_price=Decimal(price), cost=Decimal("5")
        )
        stock_receive(actor=None, location=shelf, sku=sku, quantity=20, unit_cost=Decimal("5"))
        skus.append(sku)
    barcode = Barcode.objects.create(sku=skus[0], code="6901234567892")
    from storeos.loyalty.members import member_create

    member = member_create(phone="13800138000", name="张三", home_store=store)
    promotion = promotion_make("percent_off", {"percent": "10"})
    template = coupon_template_make()

    chain = FuzzChain()
    for role in Role.values:
        user = User.objects.create_user(username=f"fuzz.{role}")
        RoleGrant.objects.create(user=user, role=role, store=store if role in STORE_ROLES else None)
        _, secret = api_token_issue(actor=None, user=user, name="fuzz")
        chain.tokens[role] = secret
    chain.known = {
        "store_id": store.pk,
        "sku_id": skus[0].pk,
        "code": barcode.code,
        "member_id": member.pk,
        "promotion_id": promotion.pk,
        "template_id": template.pk,
    }
    return chain
