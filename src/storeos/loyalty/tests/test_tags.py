"""Rule tags from purchases, fading weights, and tags set by hand."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from storeos.catalog.models import Category, Product, Series, Sku
from storeos.core import clock
from storeos.core.channels import Channel
from storeos.core.errors import DomainError
from storeos.core.models import AuditEntry
from storeos.loyalty.models import MemberTag, TagDefinition
from storeos.loyalty.tags import (
    member_tag_add,
    member_tag_remove,
    tag_weight,
    tags_drop_faded,
    tags_recompute,
)
from storeos.sales.models import Order, OrderLine
from storeos.sales.tests.conftest import user_with_role

SH = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 6, 1, 3, 0, tzinfo=SH)


def paid_order(store, floor, member, lines, *, at, status="paid", refunded="0"):
    """An order written straight to the table (tags and RFM only read orders)."""
    total = sum((Decimal(str(price)) * qty for _, qty, price in lines), Decimal(0))
    order = Order.objects.create(
        uuid=uuid.uuid4(),
        number=f"T-{uuid.uuid4().hex[:10]}",
        store=store,
        location=floor,
        channel=Channel.POS,
        status=status,
        member_id=member.pk if member else None,
        subtotal=total,
        total=total,
        refunded_total=Decimal(refunded),
        created_at=at,
        paid_at=at,
        business_date=clock.business_date(at),
        request_hash="x",
    )
    for n, (sku, qty, price) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order,
            line_no=n,
            sku=sku,
            quantity=qty,
            unit_price=Decimal(str(price)),
            line_total=Decimal(str(price)) * qty,
            tax_rate=Decimal("0.13"),
            tax_amount=Decimal("0"),
            unit_cost=Decimal("1"),
        )
    return order


@pytest.fixture
def technic_sku(category):
    series = Series.objects.create(code="technic", name="Technic")
    product = Product.objects.create(
        code="P-42100", name="Liebherr", category=category, series=series
    )
    return Sku.objects.create(
        product=product, code="42100", name="Liebherr", list_price=Decimal("2999")
    )


@pytest.fixture
def city_sku(category):
    series = Series.objects.create(code="city", name="City")
    product = Product.objects.create(
        code="P-60200", name="Capital", category=category, series=series
    )
    return Sku.objects.create(
        product=product, code="60200", name="Capital", list_price=Decimal("399")
    )


@pytest.fixture
def technic_fan(db):
    return TagDefinition.objects.create(
        code="technic_fan",
        name="Technic fan",
        kind=TagDefinition.Kind.RULE,
        rule={"scope": "series", "code": "technic", "min_count": 3, "days": 180},
        half_life_days=90,
    )


def days_ago(n: int) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def tags_of(member) -> set[str]:
    return set(MemberTag.objects.filter(member=member).values_list("tag__code", flat=True))


def test_three_technic_purchases_in_180_days_earn_the_fan_tag(
    store, floor, member, technic_sku, city_sku, technic_fan
):
    # given three Technic lines within 180 days (and a City set, which does not count)
    for ago in (150, 60, 10):
        paid_order(store, floor, member, [(technic_sku, 1, 2999)], at=days_ago(ago))
    paid_order(store, floor, member, [(city_sku, 1, 399)], at=days_ago(5))

    # when the nightly job runs
    written = tags_recompute(at=NOW)

    # then the member is a Technic fan, earned at the latest Technic purchase, at full weight
    tag = MemberTag.objects.get(member=member, tag=technic_fan)
    assert written == 1
    assert tag.earned_at == days_ago(10)
    assert tag_weight(tag, days_ago(10)) == Decimal("1.0000")


def test_two_purchases_or_old_ones_do_not_earn_the_tag(
    store, floor, member, other_member, technic_sku, technic_fan
):
    # given one member with only two recent Technic lines, another with three but one too old,
    # and an unpaid and a cancelled order that do not count either
    for ago in (30, 10):
        paid_order(store, floor, member, [(technic_sku, 1, 2999)], at=days_ago(ago))
    paid_order(store, floor, member, [(technic_sku, 1, 2999)], at=days_ago(5), status="cancelled")
    for ago in (200, 30, 10):
        paid_order(store, floor, other_member, [(technic_sku, 1, 2999)], at=days_ago(ago))
    paid_order(
        store,
        floor,
        other_member,
        [(technic_sku, 1, 2999)],
        at=days_ago(1),
        status="pending_payment",
    )

    # when the nightly job runs
    tags_recompute(at=NOW)

    # then neither is tagged
    assert tags_of(member) == set()
    assert tags_of(other_member) == set()


def test_one_line_of_three_units_is_one_purchase(store, floor, member, technic_sku, technic_fan):
    # given one order line of three identical sets (we count lines, not units)
    paid_order(store, floor, member, [(technic_sku, 3, 2999)], at=days_ago(10))

    # when / then
    tags_recompute(at=NOW)
    assert tags_of(member) == set()


def test_category_rule_includes_sub_categories_and_min_amount(
    store, floor, member, other_member, technic_fan
):
    # given a "liquor" category with a "baijiu" sub-category, and a rule of 2 lines and ¥1,000
    liquor = Category.objects.create(code="LIQUOR", name="Liquor")
    liquor.path = f"/{liquor.pk}/"
    liquor.save(update_fields=["path"])
    baijiu = Category.objects.create(code="BAIJIU", name="Baijiu", parent=liquor)
    baijiu.path = f"{liquor.path}{baijiu.pk}/"
    baijiu.save(update_fields=["path"])
    product = Product.objects.create(code="P-MT", name="Moutai", category=baijiu)
    moutai = Sku.objects.create(product=product, code="MT", name="Moutai", list_price=1499)
    TagDefinition.objects.create(
        code="liquor_buyer",
        name="Liquor buyer",
        kind=TagDefinition.Kind.RULE,
        rule={
            "scope": "category",
            "code": "LIQUOR",
            "min_count": 2,
            "days": 90,
            "min_amount": 1000,
        },
    )
    for ago in (20, 10):
        paid_order(store, floor, member, [(moutai, 1, 1499)], at=days_ago(ago))
        paid_order(store, floor, other_member, [(moutai, 1, 100)], at=days_ago(ago))

    # when
    tags_recompute(at=NOW)

    # then the big spender is tagged; the one under ¥1,000 is not
    assert tags_of(member) == {"liquor_buyer"}
    assert tags_of(other_member) == set()


def test_weight_halves_after_a_half_life_and_the_faded_tag_is_dropped(
    store, floor, member, technic_sku, technic_fan
):
    # given a member tagged today
    for ago in (3, 2, 1):
        paid_order(store, floor, member, [(technic_sku, 1, 2999)], at=days_ago(ago))
    tags_recompute(at=NOW)
    tag = MemberTag.objects.select_related("tag").get(member=member)
    earned = tag.earned_at

    # when one half-life (90 days) passes, then the weight is half
    assert tag_weight(tag, earned + dt.timedelta(days=90)) == Decimal("0.5000")
    assert tag_weight(tag, earned + dt.timedelta(days=180)) == Decimal("0.2500")

    # and the nightly job keeps it at 4 half-lives (0.0625) with no new purchases
    later = earned + dt.timedelta(days=360)
    tags_recompute(at=later)
    assert tags_drop_faded(at=later) == 0
    assert tags_of(member) == {"technic_fan"}

    # but drops it at 5 half-lives (0.03125 < 0.05)
    much_later = earned + dt.timedelta(days=450)
    tags_recompute(at=much_later)
    assert tags_drop_faded(at=much_later) == 1
    assert tags_of(member) == set()


def test_buying_again_renews_the_tag(store, floor, member, technic_sku, technic_fan):
    # given a tag earned 100 days ago and faded
    for ago in (120, 110, 100):
        paid_order(store, floor, member, [(technic_sku, 1, 2999)], at=days_ago(ago))
    tags_recompute(at=days_ago(100))

    # when the member buys Technic again and the job runs
    paid_order(store, floor, member, [(technic_sku, 1, 2999)], at=days_ago(1))
    tags_recompute(at=NOW)

    # then the tag is renewed from that purchase
    tag = MemberTag.objects.select_related("tag").get(member=member)
    assert tag.earned_at == days_ago(1)
    assert tag_weight(tag, NOW) > Decimal("0.99")


@pytest.fixture
def vip_tag(db):
    return TagDefinition.objects.create(
        code="vip_complaint", name="Handle with care", kind=TagDefinition.Kind.MANUAL
    )


def test_store_staff_tag_a_member_by_hand_audited(store, programme, vip_tag):
    # given a member of store S1 and its manager
    from storeos.loyalty.members import member_create

    member = member_create(phone="13700137000", name="王五", home_store=store)
    manager = user_with_role("store_manager", store)

    # when the manager adds and then removes the tag
    member_tag_add(actor=manager, member=member, tag_code="vip_complaint")
    assert tags_of(member) == {"vip_complaint"}
    member_tag_remove(actor=manager, member=member, tag_code="vip_complaint")

    # then it is gone and both changes are in the audit log under the manager's name
    assert tags_of(member) == set()
    actions = list(
        AuditEntry.objects.filter(object_id=str(member.pk))
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [("member.tag_add", manager.pk), ("member.tag_remove", manager.pk)]


def test_manual_tag_refused_without_permission(store, programme, vip_tag, technic_fan):
    # given a member of store S1, a manager of another store and a warehouse worker in S1
    from storeos.loyalty.members import member_create
    from storeos.stores.models import Store

    member = member_create(phone="13700137000", name="王五", home_store=store)
    elsewhere = Store.objects.create(code="S2", name="Store two", region=store.region)
    other_manager = user_with_role("store_manager", elsewhere)
    warehouse = user_with_role("warehouse", store)

    # when they try, then they are refused and nothing changes
    for actor in (other_manager, warehouse):
        with pytest.raises(DomainError) as refused:
            member_tag_add(actor=actor, member=member, tag_code="vip_complaint")
        assert refused.value.code == "permission_denied"

    # and a rule tag or an unknown tag cannot be set by hand either
    manager = user_with_role("store_manager", store)
    for code, error in (("technic_fan", "tag_not_manual"), ("nope", "tag_not_found")):
        with pytest.raises(DomainError) as refused:
            member_tag_add(actor=manager, member=member, tag_code=code)
        assert refused.value.code == error
    assert tags_of(member) == set()
    assert not AuditEntry.objects.filter(action__startswith="member.tag").exists()


def test_a_broken_rule_is_skipped_and_the_others_still_run(
    store, floor, member, technic_sku, technic_fan
):
    # given a rule tag with a nonsense rule next to the Technic fan rule
    TagDefinition.objects.create(code="broken", name="Broken", kind="rule", rule={"scope": "x"})
    for ago in (3, 2, 1):
        paid_order(store, floor, member, [(technic_sku, 1, 2999)], at=days_ago(ago))

    # when / then the job still tags the fan
    tags_recompute(at=NOW)
    assert tags_of(member) == {"technic_fan"}
