"""Fixtures for promotions tests: a small catalogue at known prices, approved promotions with
sensible defaults, coupons, members at a chosen tier and earlier uses of a promotion.

Stable helpers (other test modules import or request these):

- `catalogue` fixture → `Catalogue` with `.skus`, `.categories`, `.series` dicts keyed by the
  codes below, and `.sku(code)`; every SKU has 50 in stock on the store's shelf.
- `promo` fixture → `promo(kind, rule, **fields)`: an approved (status active) Promotion valid
  from 2020 to 2099 (also importable as the plain function `promotion_make`).
- `coupon_template` fixture → `coupon_template(**fields)`: an active CouponTemplate valid from
  2020 to 2099, amount off ¥10 by default (plain function `coupon_template_make`).
- `coupon` fixture → `coupon(template_kwargs, member=None)`: one available Coupon issued from a
  new template (plain function `coupon_make`).
- `member_at` fixture → `member_at(tier_code, phone=None)`: a new member moved to that tier,
  joined 10 days before `AT`.
- `promotion_use_make(promotion, member_id, discount)`: an earlier paid use of a promotion,
  counted in its `used_count` and `discount_used` as checkout would.
- `AT`: the instant scenarios are priced at (Wednesday 2026-06-03 10:00 in Shanghai).

Catalogue (category tree toys → lego → technic, and food; series CITY and TECHNIC):

    code    price   category  series
    CAR    100.00   lego      CITY
    SET    200.00   lego      CITY
    TRUCK   50.00   technic   TECHNIC
    DOLL    30.00   toys      -
    FIG     19.90   toys      -
    CANDY    3.33   food      -
    GUM     33.33   food      -
    MUG     10.00   food      -
    GIFT    20.00   food      -     (the free gift)
"""

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from storeos.catalog.models import Category, Product, Series, Sku
from storeos.core import clock
from storeos.inventory.stock import stock_receive
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, Tier
from storeos.loyalty.tests.conftest import programme  # noqa: F401 (fixture)
from storeos.promotions.coupons import coupon_issue
from storeos.promotions.models import (
    Coupon,
    CouponKind,
    CouponTemplate,
    Promotion,
    PromotionStatus,
    PromotionUse,
)
from storeos.sales.tests.conftest import floor, store  # noqa: F401 (fixtures)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday (weekday 2), 10:00 on the store's wall clock.
AT = dt.datetime(2026, 6, 3, 10, 0, tzinfo=SHANGHAI)
JOINED_AT = AT - dt.timedelta(days=10)
VALID_FROM = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
VALID_UNTIL = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)

# (code, price, category key, series key or None)
CATALOGUE = [
    ("CAR", "100.00", "lego", "CITY"),
    ("SET", "200.00", "lego", "CITY"),
    ("TRUCK", "50.00", "technic", "TECHNIC"),
    ("DOLL", "30.00", "toys", None),
    ("FIG", "19.90", "toys", None),
    ("CANDY", "3.33", "food", None),
    ("GUM", "33.33", "food", None),
    ("MUG", "10.00", "food", None),
    ("GIFT", "20.00", "food", None),
]
# category key → parent key
CATEGORY_TREE = {"toys": None, "lego": "toys", "technic": "lego", "food": None}
STOCK = 50

_counter = itertools.count(1)


@dataclass
class Catalogue:
    skus: dict[str, Sku] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    series: dict[str, Series] = field(default_factory=dict)

    def sku(self, code: str) -> Sku:
        return self.skus[code]


def category_make(code: str, parent: Category | None = None) -> Category:
    category = Category.objects.create(code=code, name=code, parent=parent)
    category.path = f"{parent.path if parent else '/'}{category.pk}/"
    category.save(update_fields=["path"])
    return category


def catalogue_make(location=None) -> Catalogue:
    cat = Catalogue()
    for key, parent in CATEGORY_TREE.items():
        cat.categories[key] = category_make(
            f"PC-{key.upper()}", cat.categories[parent] if parent else None
        )
    for key in ("CITY", "TECHNIC"):
        cat.series[key] = Series.objects.create(code=f"PS-{key}", name=key)
    for code, price, category_key, series_key in CATALOGUE:
        product = Product.objects.create(
            code=f"PP-{code}",
            name=code,
            category=cat.categories[category_key],
            series=cat.series[series_key] if series_key else None,
        )
        sku = Sku.objects.create(
            product=product,
            code=code,
            name=code,
            list_price=Decimal(price),
            cost=Decimal(price) / 2,
        )
        if location is not None:
            stock_receive(
                actor=None,
                location=location,
                sku=sku,
                quantity=STOCK,
                unit_cost=Decimal(price) / 2,
            )
        cat.skus[code] = sku
    return cat


@pytest.fixture
def catalogue(floor):  # noqa: F811
    return catalogue_make(floor)


def promotion_make(kind: str, rule: dict, **fields) -> Promotion:
    """An approved promotion valid from 2020 to 2099 for everyone, everywhere; `fields` override
    any model field (scope, priority, stackable, stacking_group, exclusive, limits, …)."""
    n = next(_counter)
    now = clock.now()
    values = {
        "code": f"PROMO{n}",
        "name": f"{kind} {n}",
        "kind": kind,
        "rule": rule,
        "starts_at": VALID_FROM,
        "ends_at": VALID_UNTIL,
        "status": PromotionStatus.ACTIVE,
        "approved_at": now,
        "created_at": now,
        "updated_at": now,
        "label": f"{kind} {n}"[:40],
    }
    values.update(fields)
    return Promotion.objects.create(**values)


@pytest.fixture
def promo(db):
    return promotion_make


def coupon_template_make(**fields) -> CouponTemplate:
    """An active template valid from 2020 to 2099: ¥10 off, no minimum, unless `fields` say."""
    n = next(_counter)
    values = {
        "code": f"CT{n}",
        "name": f"Coupon {n}",
        "kind": CouponKind.AMOUNT_OFF,
        "value": Decimal("10"),
        "valid_from": VALID_FROM,
        "valid_until": VALID_UNTIL,
        "created_at": clock.now(),
    }
    values.update(fields)
    return CouponTemplate.objects.create(**values)


@pytest.fixture
def coupon_template(db):
    return coupon_template_make


def coupon_make(template_kwargs: dict | None = None, member=None, **issue) -> Coupon:
    """One available coupon from a new template (or `template=` an existing one), in `member`'s
    wallet (a Member or an id) or unclaimed."""
    template = issue.pop("template", None) or coupon_template_make(**(template_kwargs or {}))
    member_id = getattr(member, "pk", member)
    with clock.frozen(issue.pop("at", AT)):
        return coupon_issue(
            template=template, member_id=member_id, source=issue.pop("source", "claim")
        )


@pytest.fixture
def coupon(db):
    return coupon_make


def member_at_tier(tier_code: str, phone: str | None = None) -> Member:
    """A new member (joined 10 days before AT) moved to `tier_code`."""
    n = next(_counter)
    with clock.frozen(JOINED_AT):
        member = member_create(phone=phone or f"1370000{n:04d}", name=f"Member {n}")
    tier = Tier.objects.get(programme=member.programme, code=tier_code)
    Member.objects.filter(pk=member.pk).update(tier=tier)
    member.refresh_from_db()
    return member


@pytest.fixture
def member_at(programme):  # noqa: F811
    return member_at_tier


def promotion_use_make(promotion: Promotion, member_id: int | None, discount) -> PromotionUse:
    """An earlier paid order on which `promotion` gave `discount`, counted as checkout counts."""
    discount = Decimal(discount)
    use = PromotionUse.objects.create(
        promotion=promotion,
        order_uuid=uuid.uuid4(),
        member_id=member_id,
        discount=discount,
        created_at=AT - dt.timedelta(days=1),
    )
    promotion.used_count += 1
    promotion.discount_used += discount
    promotion.save(update_fields=["used_count", "discount_used"])
    return use
