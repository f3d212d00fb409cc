import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from storeos.catalog.models import Category
from storeos.core import clock
from storeos.inventory.stock import stock_issue, stock_receive
from storeos.promotions.clearance import clearance_suggest
from storeos.promotions.models import Promotion, PromotionKind, PromotionStatus
from storeos.sales.tests.conftest import make_sku

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2031, 1, 10, 10, 0, tzinfo=SHANGHAI)
TODAY = AT.date()


@pytest.fixture
def food(db):
    return Category.objects.create(code="FOOD", name="Food", path="/1/")


def receive(sku, floor, *, days_ago: int, expiry: dt.date | None = None, quantity=10):
    with clock.frozen(AT - dt.timedelta(days=days_ago)):
        stock_receive(
            actor=None,
            location=floor,
            sku=sku,
            quantity=quantity,
            unit_cost=Decimal("1.00"),
            lot_code=f"L{days_ago}" if expiry else "",
            expiry_date=expiry,
        )


def sell(sku, floor, *, days_ago: int, batch=None):
    with clock.frozen(AT - dt.timedelta(days=days_ago)):
        stock_issue(actor=None, location=floor, sku=sku, quantity=1, batch=batch)


def suggestions() -> list[tuple]:
    return [
        (p.scope["skus"], p.store_ids, p.rule["percent"], p.status, p.ends_at)
        for p in Promotion.objects.filter(origin="clearance").order_by("id")
    ]


@pytest.fixture
def milk(food, floor):
    """Milk that sells, with a batch expiring 80 days after AT."""
    sku = make_sku(food, "MILK", "12.00", batch_tracked=True)
    receive(sku, floor, days_ago=5, expiry=TODAY + dt.timedelta(days=80))
    sell(sku, floor, days_ago=1, batch=sku.batches.get())
    return sku


def test_a_batch_within_90_days_of_expiry_becomes_a_20_percent_draft_until_its_expiry(store, milk):
    with clock.frozen(AT):
        created = clearance_suggest(at=AT)

    expiry_end = dt.datetime.combine(TODAY + dt.timedelta(days=81), dt.time(), tzinfo=SHANGHAI)
    assert suggestions() == [([milk.pk], [store.pk], "20", PromotionStatus.DRAFT, expiry_end)]
    [draft] = created
    assert (draft.kind, draft.starts_at) == (PromotionKind.PERCENT_OFF, AT)


def test_running_the_job_again_suggests_nothing_new(store, milk):
    with clock.frozen(AT):
        clearance_suggest(at=AT)
    later = AT + dt.timedelta(days=1)

    with clock.frozen(later):
        again = clearance_suggest(at=later)

    assert again == []
    assert len(suggestions()) == 1


def test_at_30_days_to_expiry_the_open_draft_is_deepened_to_40_percent(store, milk):
    with clock.frozen(AT):
        clearance_suggest(at=AT)
    later = AT + dt.timedelta(days=55)  # 25 days left

    with clock.frozen(later):
        clearance_suggest(at=later)

    assert [(s[2], s[3]) for s in suggestions()] == [("40", PromotionStatus.DRAFT)]


def test_an_approved_20_percent_markdown_gets_a_new_40_percent_draft_at_30_days(store, milk):
    from storeos.promotions.services import promotion_approve

    with clock.frozen(AT):
        [draft] = clearance_suggest(at=AT)
        promotion_approve(actor=None, promotion=draft)
    later = AT + dt.timedelta(days=55)

    with clock.frozen(later):
        clearance_suggest(at=later)

    assert [(s[2], s[3]) for s in suggestions()] == [
        ("20", PromotionStatus.ACTIVE),
        ("40", PromotionStatus.DRAFT),
    ]


def test_a_batch_far_from_expiry_or_already_expired_is_not_suggested(food, store, floor):
    sku = make_sku(food, "RICE", "30.00", batch_tracked=True)
    receive(sku, floor, days_ago=5, expiry=TODAY + dt.timedelta(days=200))
    receive(sku, floor, days_ago=4, expiry=TODAY - dt.timedelta(days=1))
    sell(sku, floor, days_ago=1, batch=sku.batches.get(expiry_date__gt=TODAY))

    with clock.frozen(AT):
        assert clearance_suggest(at=AT) == []


def test_stock_that_has_not_sold_for_60_days_becomes_a_30_day_slow_mover_draft(food, store, floor):
    # Given a doll on the shelf for 100 days without a sale, a top that sold last week, and a
    # new arrival that has had no time to sell
    doll = make_sku(food, "DOLL", "30.00")
    receive(doll, floor, days_ago=100)
    top = make_sku(food, "TOP", "5.00")
    receive(top, floor, days_ago=100)
    sell(top, floor, days_ago=7)
    new = make_sku(food, "NEW", "8.00")
    receive(new, floor, days_ago=10)

    with clock.frozen(AT):
        clearance_suggest(at=AT)

    assert suggestions() == [
        ([doll.pk], [store.pk], "20", PromotionStatus.DRAFT, AT + dt.timedelta(days=30))
    ]
