import datetime as dt

import pytest

from storeos.core import clock
from storeos.core.errors import PermissionDenied
from storeos.core.models import AuditEntry
from storeos.loyalty import selectors
from storeos.loyalty.errors import MemberNotFound
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.members import member_create
from storeos.loyalty.models import GrowthEntry
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Store

AT = dt.datetime(2026, 3, 10, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def store_b(store):
    return Store.objects.create(code="S2", name="Store two", region=store.region)


def test_a_new_member_summary_shows_the_entry_tier_and_what_the_next_needs(member):
    summary = selectors.member_summary(member)

    assert summary.code == member.code
    assert summary.phone_masked == "138****8000"
    assert "张三" not in summary.name_masked
    assert (summary.tier_code, summary.tier_rank) == ("bronze", 0)
    assert summary.next_tier_name == "Silver"
    assert summary.growth_to_next_tier == 1000
    assert summary.points_balance == 0
    assert summary.plan_name is None
    assert summary.coupons_available == 0


def test_growth_counts_only_inside_the_window_and_expiring_points_show(member):
    with clock.frozen(AT):
        GrowthEntry.objects.create(
            member=member,
            value=700,
            idempotency_key="g1",
            source_type="order",
            source_id="1",
            occurred_at=AT - dt.timedelta(days=30),
        )
        GrowthEntry.objects.create(
            member=member,
            value=900,
            idempotency_key="g2",
            source_type="order",
            source_id="2",
            occurred_at=AT - dt.timedelta(days=400),
        )
        points_earn(
            member_id=member.pk,
            points=120,
            key="e1",
            source=Source("order", "1"),
            expires_on=dt.date(2026, 3, 31),
        )
        points_earn(
            member_id=member.pk,
            points=50,
            key="e2",
            source=Source("order", "2"),
            expires_on=dt.date(2027, 3, 31),
        )
        member.refresh_from_db()
        summary = selectors.member_summary(member)

    assert summary.growth_value == 700
    assert summary.growth_to_next_tier == 300
    assert summary.points_balance == 170
    assert (summary.points_expiring, summary.points_expiring_on) == (120, dt.date(2026, 3, 31))


def test_the_top_tier_has_no_next_tier(member, programme):
    member.tier = programme.tiers.get(code="diamond")
    member.save(update_fields=["tier"])

    summary = selectors.member_summary(member)

    assert summary.next_tier_name is None
    assert summary.growth_to_next_tier is None


def test_a_cashier_finds_any_member_of_the_chain_by_exact_code_or_phone(store, store_b, programme):
    elsewhere = member_create(phone="13700137000", home_store=store)
    cashier_b = user_with_role("cashier", store_b)

    by_code = selectors.member_lookup(user=cashier_b, query=elsewhere.code.lower())
    by_phone = selectors.member_lookup(user=cashier_b, query="137 0013 7000")

    assert by_code.id == by_phone.id == elsewhere.pk
    assert by_phone.phone_masked == "137****7000"


def test_an_unknown_code_is_member_not_found(store, programme):
    cashier = user_with_role("cashier", store)

    with pytest.raises(MemberNotFound) as refused:
        selectors.member_lookup(user=cashier, query="MNOSUCH999")

    assert refused.value.code == "member_not_found"


def test_a_user_without_member_rights_cannot_look_up(store, member):
    keeper = user_with_role("warehouse", store)

    with pytest.raises(PermissionDenied):
        selectors.member_lookup(user=keeper, query=member.code)


def test_lists_show_only_members_of_the_users_stores(store, store_b, programme):
    mine = member_create(phone="13700137001", home_store=store_b)
    theirs = member_create(phone="13700137002", home_store=store)
    homeless = member_create(phone="13700137003")
    cashier_b = user_with_role("cashier", store_b)
    marketing = user_with_role("marketing")

    assert list(selectors.member_list(user=cashier_b)) == [mine]
    assert set(selectors.member_list(user=marketing)) == {mine, theirs, homeless}
    assert list(selectors.member_list(user=marketing, search="13700137002")) == [theirs]
    assert list(selectors.member_list(user=marketing, store=store_b.pk)) == [mine]
    assert selectors.member_get(user=cashier_b, member_id=mine.pk) == mine
    with pytest.raises(MemberNotFound):
        selectors.member_get(user=cashier_b, member_id=theirs.pk)


def test_points_history_pages_newest_first(member):
    for n in range(3):
        points_earn(
            member_id=member.pk,
            points=10 + n,
            key=f"h{n}",
            source=Source("order", str(n)),
            expires_on=dt.date(2030, 1, 31),
        )

    first = selectors.points_history(member, limit=2)
    rest = selectors.points_history(member, limit=2, before_seq=first[-1].seq)

    assert [e.points for e in first] == [12, 11]
    assert [e.points for e in rest] == [10]


def test_revealing_a_phone_is_audited_every_time_and_refused_to_a_cashier(store, programme):
    member = member_create(phone="13700137009", home_store=store)
    marketing = user_with_role("marketing")
    cashier = user_with_role("cashier", store)

    assert selectors.member_phone_reveal(user=marketing, member=member) == "13700137009"
    assert selectors.member_phone_reveal(user=marketing, member=member) == "13700137009"
    with pytest.raises(PermissionDenied):
        selectors.member_phone_reveal(user=cashier, member=member)

    reveals = AuditEntry.objects.filter(action="member.phone_reveal", object_id=str(member.pk))
    assert reveals.count() == 2
    assert {r.actor_id for r in reveals} == {marketing.pk}
