"""The demo's running promotions and the coupon members claim online, written through the
promotions services: created as drafts and approved the day before they started, three weeks
before the seeding moment, so the last weeks of the sales history are priced with them."""

import datetime as dt
from decimal import Decimal

from storeos.catalog.models import Category, Series, Sku
from storeos.core import clock
from storeos.promotions.coupons import coupon_template_create
from storeos.promotions.models import CouponTemplate
from storeos.promotions.services import promotion_approve, promotion_create

STARTED_DAYS_AGO = 21
RUNS_DAYS = 61
# The coupon members claim online and scan at the till: (template code, minimum spend, value).
CLAIM = {
    "lego": ("LEGO-200-20-CLAIM", Decimal("200"), Decimal("20")),
    "liquor": ("JY-300-30-CLAIM", Decimal("300"), Decimal("30")),
}


def _series(code: str) -> int:
    return Series.objects.get(code=code).pk


def _category(code: str) -> int:
    return Category.objects.get(code=code).pk


def _skus_of(product_filter: dict, count: int) -> list[Sku]:
    return list(Sku.objects.filter(**product_filter).order_by("list_price", "code")[:count])


def _lego() -> list[dict]:
    a, b = _skus_of({"product__series__code": "CITY"}, 2)
    bundle_price = (a.list_price + b.list_price) * Decimal("0.85")
    return [
        {
            "code": "LG-MJ300",
            "name": "全场每满 300 减 50",
            "kind": "spend_save",
            "rule": {"every": "300", "off": "50"},
            "label": "满300减50",
        },
        {
            "code": "LG-TECH-2ND",
            "name": "机械组第二件半价",
            "kind": "nth_item",
            "rule": {"nth": 2, "percent": "50"},
            "scope": {"series": [_series("TECH")]},
            "label": "机械组第二件半价",
            "priority": 10,
        },
        {
            "code": "LG-CITY-SET",
            "name": f"城市组组合价 {a.name} + {b.name}",
            "kind": "bundle",
            "rule": {"skus": [a.pk, b.pk], "price": str(bundle_price.quantize(Decimal("1")))},
            "label": "城市组组合价",
            "priority": 5,
        },
    ]


def _liquor() -> list[dict]:
    beer = _skus_of({"product__category__code": "BEER", "pack_size": 1}, 1)[0]
    baijiu = _skus_of({"product__category__parent__code": "BAIJIU", "pack_size": 1}, 1)[0]
    # Whole yuan: a price in cents would trip SQLite's float check of order totals.
    black_price = (baijiu.list_price * Decimal("0.9")).quantize(Decimal("1"))
    return [
        {
            "code": "JY-BEER-B2G1",
            "name": f"{beer.name} 买二送一",
            "kind": "buy_x_get_y",
            "rule": {"buy": 2, "get": 1},
            "scope": {"skus": [beer.pk]},
            "label": "买二送一",
            "priority": 10,
        },
        {
            "code": "JY-BLACK-BAIJIU",
            "name": f"黑卡会员价 {baijiu.name}",
            "kind": "tier_price",
            "rule": {"prices": {"black": str(black_price)}},
            "scope": {"skus": [baijiu.pk]},
            "label": "黑卡会员价",
            "priority": 5,
        },
        {
            "code": "JY-MJ",
            "name": "满 1000 减 80，满 3000 减 300",
            "kind": "spend_save",
            "rule": {"tiers": [["1000", "80"], ["3000", "300"]]},
            "label": "满1000减80",
        },
    ]


PROMOTIONS = {"lego": _lego, "liquor": _liquor}


def write_promotions(*, scenario: str, now: dt.datetime) -> dict[str, CouponTemplate]:
    """Approve the scenario's promotions (started three weeks ago) and create the online claim
    coupon; the coupon templates by code."""
    starts = now - dt.timedelta(days=STARTED_DAYS_AGO)
    with clock.frozen(starts - dt.timedelta(days=1)):
        for fields in PROMOTIONS[scenario]():
            promotion = promotion_create(
                actor=None,
                starts_at=starts,
                ends_at=starts + dt.timedelta(days=RUNS_DAYS),
                **fields,
            )
            promotion_approve(actor=None, promotion=promotion)
        code, min_spend, value = CLAIM[scenario]
        template = coupon_template_create(
            actor=None,
            code=code,
            name=f"线上领券 满{min_spend}减{value}",
            kind="amount_off",
            value=value,
            min_spend=min_spend,
            valid_days=30,
            per_member_limit=3,
        )
    return {template.code: template}
