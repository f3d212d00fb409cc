"""Points and growth earned on paid orders."""

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction

from storeos.catalog.models import Category
from storeos.core import clock
from storeos.core.channels import Channel
from storeos.loyalty.earning import birthday_double_claim, earning_base, order_paid_earn
from storeos.loyalty.models import (
    BirthdayBenefit,
    EarnCampaign,
    GrowthEntry,
    Member,
    MembershipPlan,
    PointsEntry,
    Subscription,
    Tier,
)
from storeos.promotions.models import Promotion
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import Order, OrderLine, Payment
from storeos.sales.pricing import CartItem, price_cart
from storeos.sales.tests.conftest import make_sku

SH = dt.timezone(dt.timedelta(hours=8))
WEDNESDAY = dt.datetime(2026, 3, 11, 12, 0, tzinfo=SH)
SATURDAY = dt.datetime(2026, 3, 14, 12, 0, tzinfo=SH)


def sell(store, member, *items, at=WEDNESDAY):
    """A real till checkout of (sku, quantity) pairs paid in cash."""
    member_id = member.pk if member else None
    with clock.frozen(at):
        lines = [CartLine(sku=sku, quantity=qty) for sku, qty in items]
        cart = [CartItem(sku=sku, quantity=qty) for sku, qty in items]
        total = price_cart(store=store, channel="pos", items=cart, member_id=member_id).total
        order = checkout(
            actor=None,
            order_id=uuid.uuid4(),
            store=store,
            lines=lines,
            payments=[Tender("cash", total)],
            member_id=member_id,
        )
    return order


def balance(member) -> int:
    return Member.objects.get(pk=member.pk).points_balance


def growth(member) -> int:
    return sum(GrowthEntry.objects.filter(member=member).values_list("value", flat=True))


def fake_order(store, floor, lines, *, member=None, points_paid=None):
    """An order written directly (no pricing, no hooks), for earning_base's arithmetic."""
    total = sum((Decimal(total) for _, total, *_ in lines), Decimal(0))
    order = Order.objects.create(
        uuid=uuid.uuid4(),
        number=f"T-{uuid.uuid4().hex[:10]}",
        store=store,
        location=floor,
        channel=Channel.POS,
        status="paid",
        member_id=member.pk if member else None,
        subtotal=total,
        total=total,
        created_at=clock.now(),
        paid_at=clock.now(),
        business_date=clock.today(),
        request_hash="x",
    )
    order_lines = [
        OrderLine.objects.create(
            order=order,
            line_no=n,
            sku=sku,
            quantity=1,
            unit_price=Decimal(line_total),
            line_total=Decimal(line_total),
            tax_rate=Decimal("0.13"),
            tax_amount=Decimal(0),
            unit_cost=Decimal(0),
            adjustments=rest[0] if rest else [],
        )
        for n, (sku, line_total, *rest) in enumerate(lines, 1)
    ]
    if points_paid:
        Payment.objects.create(
            order=order,
            method="points",
            status="succeeded",
            amount=Decimal(points_paid),
            created_at=clock.now(),
        )
    return order, order_lines


# ------------------------------------------------------------------------------- earning base


def test_earning_base_is_each_line_total(programme, member, store, floor, bricks, figure):
    order, lines = fake_order(store, floor, [(bricks, "99.00"), (figure, "19.90")], member=member)

    assert earning_base(order, lines) == {1: Decimal("99.00"), 2: Decimal("19.90")}


def test_excluded_category_and_its_children_earn_nothing(programme, member, store, floor, bricks):
    gift_cards = Category.objects.create(code="GIFTCARD", name="Gift cards", path="/9/")
    digital = Category.objects.create(code="EGIFT", name="E-gift", parent=gift_cards, path="/9/12/")
    programme.excluded_categories.add(gift_cards)
    card = make_sku(gift_cards, "CARD100", "100.00")
    ecard = make_sku(digital, "ECARD50", "50.00")
    order, lines = fake_order(
        store, floor, [(bricks, "99.00"), (card, "100.00"), (ecard, "50.00")], member=member
    )

    assert earning_base(order, lines) == {
        1: Decimal("99.00"),
        2: Decimal("0.00"),
        3: Decimal("0.00"),
    }


def test_gift_and_reward_lines_earn_nothing(programme, member, store, floor, bricks, figure):
    gift = [{"source": "gift", "id": 1, "label": "Free gift", "amount": "19.90"}]
    reward = [{"source": "reward", "id": 2, "label": "Reward", "amount": "5.00"}]
    order, lines = fake_order(
        store,
        floor,
        [(bricks, "99.00"), (figure, "0.00", gift), (figure, "5.00", reward)],
        member=member,
    )

    assert earning_base(order, lines) == {
        1: Decimal("99.00"),
        2: Decimal("0.00"),
        3: Decimal("0.00"),
    }


def test_points_paid_share_does_not_earn(programme, member, store, floor, bricks, figure):
    # 118.90 paid: 18.90 of it in points, so 100.00 / 118.90 of each line earns.
    order, lines = fake_order(
        store, floor, [(bricks, "99.00"), (figure, "19.90")], member=member, points_paid="18.90"
    )

    base = earning_base(order, lines)

    assert sum(base.values()) == Decimal("100.00")
    assert base == {1: Decimal("83.26"), 2: Decimal("16.74")}


def test_earning_base_parts_sum_exactly(programme, member, store, floor, bricks):
    order, lines = fake_order(
        store, floor, [(bricks, "0.01"), (bricks, "0.01"), (bricks, "0.01")], points_paid="0.01"
    )

    base = earning_base(order, lines)

    assert sum(base.values()) == Decimal("0.02")
    assert all(part in (Decimal("0.00"), Decimal("0.01")) for part in base.values())


# ------------------------------------------------------------------------- earning on checkout


def set_tier(member, code):
    tier = Tier.objects.get(programme=member.programme, code=code)
    Member.objects.filter(pk=member.pk).update(tier=tier)
    member.refresh_from_db()


def test_checkout_with_member_earns_points_and_growth(programme, member, store, bricks):
    order = sell(store, member, (bricks, 1))

    entry = PointsEntry.objects.get(idempotency_key=f"order:{order.uuid}:earn")
    assert (entry.points, entry.source_type, entry.source_id) == (99, "order", str(order.uuid))
    # Earned in March 2026: expires at the end of March 2027 (12 months later).
    assert entry.expires_on == dt.date(2027, 3, 31)
    assert balance(member) == 99
    assert growth(member) == 99


def test_a_points_multiplier_promotion_doubles_the_points_not_the_growth(
    programme, member, store, bricks
):
    Promotion.objects.create(
        code="X2",
        name="Double points",
        kind="points_multiplier",
        rule={"multiplier": "2"},
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        status="active",
        created_at=clock.now(),
        updated_at=clock.now(),
    )

    order = sell(store, member, (bricks, 1))

    assert order.total == Decimal("99.00")
    assert (balance(member), growth(member)) == (198, 99)


def test_checkout_without_member_earns_nothing(programme, member, store, bricks):
    sell(store, None, (bricks, 1))

    assert PointsEntry.objects.count() == 0
    assert GrowthEntry.objects.count() == 0


def test_excluded_category_line_earns_nothing_on_checkout(programme, member, store, floor, bricks):
    gift_cards = Category.objects.create(code="GIFTCARD", name="Gift cards", path="/9/")
    programme.excluded_categories.add(gift_cards)
    card = make_sku(gift_cards, "CARD100", "100.00", stock=5, location=floor)

    sell(store, member, (bricks, 1), (card, 1))

    assert balance(member) == 99
    assert growth(member) == 99


def test_points_paid_share_earns_nothing(programme, member, store, floor, bricks, figure):
    order, lines = fake_order(
        store, floor, [(bricks, "99.00"), (figure, "19.90")], member=member, points_paid="18.90"
    )

    order_paid_earn(order, lines)

    assert balance(member) == 100
    assert growth(member) == 100


def test_weekend_campaign_multiplies_only_at_weekends(programme, member, store, floor):
    sku = make_sku(category_for(), "SET", "100.00", stock=10, location=floor)
    EarnCampaign.objects.create(
        programme=programme,
        name="Weekend double",
        multiplier=Decimal("2"),
        weekdays=[5, 6],
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
    )

    sell(store, member, (sku, 1), at=WEDNESDAY)
    assert balance(member) == 100

    sell(store, member, (sku, 1), at=SATURDAY)
    assert balance(member) == 300


def test_largest_campaign_applies_when_several_do(programme, member, store, floor):
    sku = make_sku(category_for(), "SET", "100.00", stock=10, location=floor)
    for name, multiplier, channels in [("All", "1.5", []), ("Shop", "3", ["pos"])]:
        EarnCampaign.objects.create(
            programme=programme,
            name=name,
            multiplier=Decimal(multiplier),
            channels=channels,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 31),
        )
    EarnCampaign.objects.create(
        programme=programme,
        name="Online only",
        multiplier=Decimal("5"),
        channels=["online_mall"],
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
    )

    sell(store, member, (sku, 1))

    assert balance(member) == 300


def test_tier_multiplier_and_paid_membership_multiply(programme, member, store, floor, bricks):
    set_tier(member, "silver")
    sell(store, member, (bricks, 1))
    # Silver pays 97.02 (2% member price): 97.02 × 1.2 = 116.424 → 116 (fractions dropped).
    assert balance(member) == 116

    plan_sku = make_sku(category_for(), "PLUS", "199.00")
    plan = MembershipPlan.objects.create(
        programme=programme,
        code="PLUS",
        name="Plus",
        sku=plan_sku,
        term_days=365,
        points_multiplier=Decimal("2"),
    )
    Subscription.objects.create(
        member=member,
        plan=plan,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        order_uuid=uuid.uuid4(),
        created_at=clock.now(),
    )
    sell(store, member, (bricks, 1))
    # 97.02 × 1.2 × 2 = 232.848 → 232.
    assert balance(member) == 116 + 232


def test_birthday_month_doubles_the_first_order_only(programme, store, floor, bricks):
    from storeos.loyalty.members import member_create

    member = member_create(phone="13700137000", birthday=dt.date(1990, 3, 20))

    first = sell(store, member, (bricks, 1))
    sell(store, member, (bricks, 1))

    assert balance(member) == 198 + 99
    benefit = BirthdayBenefit.objects.get(member=member, year=2026)
    assert benefit.double_points_order == first.uuid


def test_no_birthday_double_outside_the_birthday_month(programme, store, bricks):
    from storeos.loyalty.members import member_create

    member = member_create(phone="13700137000", birthday=dt.date(1990, 4, 20))

    sell(store, member, (bricks, 1))

    assert balance(member) == 99
    assert not BirthdayBenefit.objects.exists()


def test_daily_cap_limits_purchase_points_per_business_day(programme, member, store, bricks):
    programme.daily_earn_cap = 150
    programme.save(update_fields=["daily_earn_cap"])

    sell(store, member, (bricks, 1))
    sell(store, member, (bricks, 1))
    third = sell(store, member, (bricks, 1))
    assert balance(member) == 150
    assert not PointsEntry.objects.filter(source_id=str(third.uuid)).exists()
    # Growth is not capped.
    assert growth(member) == 297

    sell(store, member, (bricks, 1), at=WEDNESDAY + dt.timedelta(days=1))
    assert balance(member) == 249


def test_replaying_the_hook_earns_once(programme, member, store, bricks):
    order = sell(store, member, (bricks, 1))

    order_paid_earn(order, list(order.lines.all()))

    assert balance(member) == 99
    assert growth(member) == 99


def test_many_small_orders_drop_fractions_per_order(programme, member, store, floor):
    # 1.5 points per yuan × silver's 1.2: a ¥0.99 order earns 1.782 → 1 point, every time
    # (at the till silver pays 0.97: 1.746 → 1 point too).
    programme.points_per_yuan = Decimal("1.5")
    programme.save(update_fields=["points_per_yuan"])
    set_tier(member, "silver")
    cheap = make_sku(category_for(), "TILE", "0.99", stock=10, location=floor)
    for _ in range(5):
        sell(store, member, (cheap, 1))
    assert balance(member) == 5

    with clock.frozen(WEDNESDAY):
        for _ in range(995):
            order, lines = fake_order(store, floor, [(cheap, "0.99")], member=member)
            order_paid_earn(order, lines)

    assert balance(member) == 1000
    assert PointsEntry.objects.filter(member=member).count() == 1000


def test_growth_lifts_the_tier_at_once(programme, member, store, bricks):
    GrowthEntry.objects.create(
        member=member,
        value=950,
        idempotency_key="seed",
        source_type="test",
        source_id="1",
        occurred_at=WEDNESDAY - dt.timedelta(days=30),
    )

    sell(store, member, (bricks, 1))

    member.refresh_from_db()
    assert member.tier.code == "silver"


def category_for():
    return Category.objects.get_or_create(code="SETS", defaults={"name": "Sets", "path": "/2/"})[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions")
def test_two_tills_racing_for_the_birthday_double_only_one_wins(programme):
    from storeos.loyalty.members import member_create

    member = member_create(phone="13700137000", birthday=dt.date(1990, 3, 20))
    start = threading.Barrier(2)
    wins: list = []
    errors: list = []

    def till():
        try:
            start.wait()
            with transaction.atomic():
                wins.append(
                    birthday_double_claim(
                        member=member, order_uuid=uuid.uuid4(), business_date=dt.date(2026, 3, 11)
                    )
                )
        except Exception as exc:  # surfaced by the assertions below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=till) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(wins) == [False, True]
    assert BirthdayBenefit.objects.filter(member=member).count() == 1
