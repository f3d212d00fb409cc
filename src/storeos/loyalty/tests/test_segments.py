"""Picking members for a campaign within one's stores, and the audited CSV export."""

import csv
import datetime as dt
import io

import pytest

from storeos.core.errors import DomainError
from storeos.core.models import AuditEntry
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, MemberRfm, MemberTag, Segment, TagDefinition, Tier
from storeos.loyalty.segments import member_segment_export, member_segment_query
from storeos.loyalty.tests.test_tags import NOW
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Store


@pytest.fixture
def store_b(store):
    return Store.objects.create(code="S2", name="Store two", region=store.region)


@pytest.fixture
def shoppers(programme, store, store_b):
    """Two members of store A (one a gold champion with a tag), one of store B, one with none."""
    gold = Tier.objects.get(programme=programme, code="gold")
    fan = TagDefinition.objects.create(code="technic_fan", name="Technic fan", kind="rule")
    a1 = member_create(phone="13811110001", name="张三", home_store=store)
    a2 = member_create(phone="13811110002", name="李四", home_store=store)
    b1 = member_create(phone="13911110003", name="王五", home_store=store_b)
    nowhere = member_create(phone="13711110004", name="赵六")
    Member.objects.filter(pk=a1.pk).update(tier=gold, points_balance=1200)
    MemberTag.objects.create(member=a1, tag=fan, earned_at=NOW)
    for member, segment in ((a1, Segment.CHAMPIONS), (a2, Segment.LOST), (b1, Segment.CHAMPIONS)):
        MemberRfm.objects.create(
            member=member,
            recency_days=1,
            frequency=1,
            monetary=100,
            r_score=5,
            f_score=5,
            m_score=5,
            segment=segment,
            computed_at=NOW - dt.timedelta(hours=1),
        )
    return {"a1": a1, "a2": a2, "b1": b1, "nowhere": nowhere}


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_store_manager_sees_only_own_store_members(store, shoppers):
    # given the manager of store A
    manager = user_with_role("store_manager", store)

    # when they list members
    found = codes(member_segment_query(user=manager))

    # then store B's member and the member with no home store are not in it
    assert found == {shoppers["a1"].code, shoppers["a2"].code}


def test_chain_wide_marketing_sees_everyone_and_filters_combine(store, shoppers):
    marketing = user_with_role("marketing")

    assert codes(member_segment_query(user=marketing)) == {m.code for m in shoppers.values()}
    assert codes(member_segment_query(user=marketing, segment="champions")) == {
        shoppers["a1"].code,
        shoppers["b1"].code,
    }
    only_a1 = member_segment_query(
        user=marketing,
        segment="champions",
        tags=["technic_fan"],
        tier="gold",
        store=store,
        min_points=1000,
    )
    assert codes(only_a1) == {shoppers["a1"].code}
    assert codes(member_segment_query(user=marketing, min_points=1201)) == set()


def test_unknown_segment_and_no_grant_are_refused(store, shoppers):
    marketing = user_with_role("marketing")
    with pytest.raises(DomainError) as refused:
        member_segment_query(user=marketing, segment="vips")
    assert refused.value.code == "segment_invalid"

    warehouse = user_with_role("warehouse", store)
    with pytest.raises(DomainError) as refused:
        member_segment_query(user=warehouse)
    assert refused.value.code == "permission_denied"


@pytest.mark.parametrize("role", ["store_manager", "cashier"])
def test_store_roles_cannot_export(store, shoppers, role):
    # given a store role
    user = user_with_role(role, store)

    # when they export, then they are refused and nothing is audited
    with pytest.raises(DomainError) as refused:
        member_segment_export(user=user, segment="champions")
    assert refused.value.code == "permission_denied"
    assert not AuditEntry.objects.filter(action="member.segment_export").exists()


def test_marketing_exports_masked_csv_and_it_is_audited(store, shoppers):
    # given chain-wide marketing
    marketing = user_with_role("marketing")

    # when they export the champions of store A
    text = member_segment_export(user=marketing, segment="champions", store=store)

    # then the CSV has the member with masked phone and name, and no raw phone anywhere
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [
        {
            "code": shoppers["a1"].code,
            "phone": "138****0001",
            "name": "张*",
            "tier": "gold",
            "points": "1200",
            "segment": "champions",
            "tags": "technic_fan",
        }
    ]
    full = member_segment_export(user=marketing)
    for phone in ("13811110001", "13811110002", "13911110003", "13711110004"):
        assert phone not in text and phone not in full
    assert len(list(csv.DictReader(io.StringIO(full)))) == 4

    # and each export is audited with who, which filters and how many rows
    entries = list(AuditEntry.objects.filter(action="member.segment_export").order_by("id"))
    assert [e.actor_id for e in entries] == [marketing.pk, marketing.pk]
    assert entries[0].after == {
        "filters": {"segment": "champions", "store": store.pk},
        "rows": 1,
    }
    assert entries[1].after == {"filters": {}, "rows": 4}


def test_hq_analyst_in_one_store_only_cannot_export(store, shoppers):
    # an export needs the grant chain-wide
    analyst = user_with_role("hq_analyst", store)
    with pytest.raises(DomainError) as refused:
        member_segment_export(user=analyst)
    assert refused.value.code == "permission_denied"
