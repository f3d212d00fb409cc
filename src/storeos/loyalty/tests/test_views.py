"""The member pages as the people who use them: a cashier, a store manager, marketing, HQ."""

import datetime as dt
import json
import re
import uuid

import pytest
from django.urls import reverse

from storeos.core import clock
from storeos.core.models import AuditEntry
from storeos.loyalty import ledger
from storeos.loyalty.members import member_create
from storeos.loyalty.models import (
    EntryKind,
    Member,
    MemberRfm,
    MemberTag,
    PointsEntry,
    Segment,
    TagDefinition,
    Tier,
)
from storeos.sales.models import Order
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Region, Store
from storeos.web.tests.factories import signed_in

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def shops(programme, store):
    """Two stores, a member at each, and one registered online (no home store)."""
    other = Store.objects.create(code="S2", name="Store two", region=Region.objects.get())
    with clock.frozen(NOW):
        here = member_create(phone="13800138000", name="张三", home_store=store)
        there = member_create(phone="13900139000", name="李四", home_store=other)
        online = member_create(phone="13700137000", name="王五", channel="mini_program")
    return {"store": store, "other": other, "here": here, "there": there, "online": online}


def _earn(member, points: int, key: str) -> None:
    ledger.points_earn(
        member_id=member.pk,
        points=points,
        key=key,
        source=ledger.Source("test", key),
        expires_on=clock.now().date() + dt.timedelta(days=365),
    )


def _paid_order(store, floor, member, total) -> Order:
    return Order.objects.create(
        uuid=uuid.uuid4(),
        number=f"S1-{uuid.uuid4().hex[:10]}",
        store=store,
        location=floor,
        channel="pos",
        status="paid",
        member_id=member.pk,
        subtotal=total,
        total=total,
        created_at=clock.now(),
        paid_at=clock.now(),
        business_date=clock.business_date(clock.now()),
        request_hash="x",
    )


def _codes(response) -> set[str]:
    return set(re.findall(r'data-member="([A-Z0-9]+)"', response.content.decode()))


def _form_key(body: str) -> str:
    return re.search(r'name="form_key" value="([0-9a-f]+)"', body).group(1)


def _adjust(client, member, **fields):
    page = client.get(reverse("loyalty:points_adjust", args=[member.pk])).content.decode()
    data = {"form_key": _form_key(page), "direction": "add", "points": 50, "reason": "", **fields}
    return client.post(reverse("loyalty:points_adjust", args=[member.pk]), data)


def _balance(member) -> int:
    return Member.objects.get(pk=member.pk).points_balance


# --- list and scope ----------------------------------------------------------------------------
def test_a_store_manager_lists_only_members_of_their_store(shops):
    client = signed_in(user_with_role("store_manager", shops["store"]))

    listing = client.get(reverse("loyalty:member_list"))
    elsewhere = client.get(reverse("loyalty:member_detail", args=[shops["there"].pk]))

    assert _codes(listing) == {shops["here"].code}
    assert "138****8000" in listing.content.decode()
    assert "13800138000" not in listing.content.decode()
    assert elsewhere.status_code == 404


def test_marketing_with_a_chain_wide_grant_lists_every_member(shops):
    client = signed_in(user_with_role("marketing"))

    listing = client.get(reverse("loyalty:member_list"))

    assert _codes(listing) == {shops["here"].code, shops["there"].code, shops["online"].code}


def test_search_by_exact_phone_or_member_code_and_filter_by_tier_and_segment(shops):
    client = signed_in(user_with_role("marketing"))
    gold = Tier.objects.get(code="gold")
    Member.objects.filter(pk=shops["there"].pk).update(tier=gold)
    MemberRfm.objects.create(
        member=shops["online"],
        recency_days=3,
        frequency=9,
        monetary="5000.00",
        r_score=5,
        f_score=5,
        m_score=5,
        segment=Segment.CHAMPIONS,
        computed_at=NOW,
    )
    url = reverse("loyalty:member_list")

    by_phone = client.get(url, {"q": "139 0013 9000"})
    by_code = client.get(url, {"q": shops["here"].code})
    part_of_a_phone = client.get(url, {"q": "1380013"})
    by_tier = client.get(reverse("loyalty:member_rows"), {"tier": "gold"})
    by_segment = client.get(url, {"segment": "champions"})

    assert _codes(by_phone) == {shops["there"].code}
    assert _codes(by_code) == {shops["here"].code}
    assert _codes(part_of_a_phone) == set()
    assert _codes(by_tier) == {shops["there"].code}
    assert "<html" not in by_tier.content.decode()  # the htmx fragment alone
    assert _codes(by_segment) == {shops["online"].code}


def test_signed_out_visitors_are_sent_to_sign_in(shops, client):
    response = client.get(reverse("loyalty:member_list"))

    assert response.status_code == 302 and "/login/" in response.url


def test_a_warehouse_clerk_cannot_open_the_member_pages(shops):
    client = signed_in(user_with_role("warehouse", shops["store"]))

    assert client.get(reverse("loyalty:member_list")).status_code == 403


# --- the member 360 page -----------------------------------------------------------------------
def test_member_page_shows_tier_progress_points_orders_tags_and_spend(shops, floor, bricks):
    # The order row is written directly: the page reads orders, how they were paid is not
    # under test here (and points are posted straight to the ledger).
    member = shops["here"]
    with clock.frozen(NOW):
        _earn(member, 120, "gift-1")
        order = _paid_order(shops["store"], floor, member, bricks.list_price)
        technic = TagDefinition.objects.create(
            code="technic", name="Technic fan", kind="manual", half_life_days=30
        )
        MemberTag.objects.create(
            member=member, tag=technic, weight=1, earned_at=NOW - dt.timedelta(days=30)
        )
    client = signed_in(user_with_role("store_manager", shops["store"]))

    with clock.frozen(NOW):
        response = client.get(reverse("loyalty:member_detail", args=[member.pk]))
    body = response.content.decode()
    chart = json.loads(re.search(r'id="member-spend-data"[^>]*>(.*?)</script>', body).group(1))

    balance = _balance(member)
    assert response.status_code == 200
    assert "Bronze" in body and "more to reach Silver" in body and "<progress" in body
    assert f'data-figure="points">{balance}<' in body and balance >= 120
    assert "138****8000" in body and "13800138000" not in body and "张三" not in body
    assert order.number in body
    assert reverse("sales_reports:receipt", kwargs={"order_uuid": order.uuid}) in body
    assert 'data-tag="technic"' in body and "0.50" in body  # one half-life later
    assert chart["months"][-1] == "2026-06" and chart["spend"][-1] == str(bricks.list_price)
    assert 'data-action="reveal-phone"' not in body  # a store manager sees no phone


def test_points_history_pages_through_older_entries(shops):
    member = shops["here"]
    with clock.frozen(NOW):
        for n in range(25):
            _earn(member, 10, f"visit-{n}")
    client = signed_in(user_with_role("store_manager", shops["store"]))

    first = client.get(reverse("loyalty:member_detail", args=[member.pk])).content.decode()
    older = client.get(reverse("loyalty:points_history", args=[member.pk]), {"before": 6})

    assert first.count("data-entry=") == 20 and 'data-entry="25"' in first
    assert re.findall(r'data-entry="(\d+)"', older.content.decode()) == ["5", "4", "3", "2", "1"]


# --- revealing a phone -------------------------------------------------------------------------
def test_a_cashier_cannot_reveal_a_phone_and_nothing_is_audited(shops):
    client = signed_in(user_with_role("cashier", shops["store"]))

    page = client.get(reverse("loyalty:member_detail", args=[shops["here"].pk])).content.decode()
    response = client.post(reverse("loyalty:phone_reveal", args=[shops["here"].pk]))

    assert 'data-action="reveal-phone"' not in page
    assert response.status_code == 403 and "13800138000" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="member.phone_reveal").exists()


def test_marketing_reveals_a_phone_and_the_reveal_is_audited(shops):
    marketing = user_with_role("marketing")
    client = signed_in(marketing)

    page = client.get(reverse("loyalty:member_detail", args=[shops["here"].pk])).content.decode()
    response = client.post(
        reverse("loyalty:phone_reveal", args=[shops["here"].pk]), HTTP_HX_REQUEST="true"
    )

    assert 'data-action="reveal-phone"' in page
    assert response.status_code == 200 and "13800138000" in response.content.decode()
    audit = AuditEntry.objects.get(action="member.phone_reveal")
    assert audit.actor == marketing and audit.object_id == str(shops["here"].pk)


# --- registering -------------------------------------------------------------------------------
def test_a_cashier_registers_a_member_at_their_store(shops):
    client = signed_in(user_with_role("cashier", shops["store"]))
    data = {"phone": "136 0013 6000", "name": "赵六", "marketing_consent": "on"}

    response = client.post(reverse("loyalty:member_register"), data)

    member = Member.objects.exclude(pk__in=[m.pk for m in shops.values()]).get()
    assert response.status_code == 302
    assert response.url == reverse("loyalty:member_detail", args=[member.pk])
    assert member.home_store == shops["store"] and member.tier.code == "bronze"
    assert member.marketing_consent and member.consent_at is not None


def test_registering_a_phone_twice_shows_the_refusal_and_adds_nobody(shops):
    client = signed_in(user_with_role("cashier", shops["store"]))

    response = client.post(reverse("loyalty:member_register"), {"phone": "13900139000"})

    assert response.status_code == 409
    assert "This phone number is already a member." in response.content.decode()
    assert Member.objects.count() == 3


def test_a_bad_phone_shows_the_refusal_and_adds_nobody(shops):
    client = signed_in(user_with_role("cashier", shops["store"]))

    response = client.post(reverse("loyalty:member_register"), {"phone": "12345"})

    assert response.status_code == 422
    assert "A mobile phone number is 11 digits starting with 1." in response.content.decode()
    assert Member.objects.count() == 3


# --- manual points changes ---------------------------------------------------------------------
def test_a_store_manager_adds_and_deducts_points_with_a_reason_and_both_are_audited(shops):
    member = shops["here"]
    manager = user_with_role("store_manager", shops["store"])
    client = signed_in(manager)

    added = _adjust(client, member, points=80, reason="Goodwill for a late delivery")
    taken = _adjust(client, member, direction="deduct", points=30, reason="Duplicate credit")

    entries = list(PointsEntry.objects.filter(member=member).order_by("seq"))
    assert added.status_code == 302 and taken.status_code == 302
    assert _balance(member) == 50
    assert [(e.kind, e.points, e.actor_id) for e in entries] == [
        (EntryKind.ADJUST, 80, manager.pk),
        (EntryKind.ADJUST, -30, manager.pk),
    ]
    audits = AuditEntry.objects.filter(action="member.points_adjust").order_by("pk")
    assert [(a.reason, a.before, a.after["points"]) for a in audits] == [
        ("Goodwill for a late delivery", {"points": 0}, 80),
        ("Duplicate credit", {"points": 80}, 50),
    ]
    assert ledger.hash_of(entries[-1]) == entries[-1].entry_hash


def test_a_resent_adjustment_form_changes_the_points_once(shops):
    member = shops["here"]
    client = signed_in(user_with_role("store_manager", shops["store"]))
    page = client.get(reverse("loyalty:points_adjust", args=[member.pk])).content.decode()
    data = {"form_key": _form_key(page), "direction": "add", "points": 40, "reason": "Gift"}

    client.post(reverse("loyalty:points_adjust", args=[member.pk]), data)
    client.post(reverse("loyalty:points_adjust", args=[member.pk]), data)

    assert _balance(member) == 40
    assert AuditEntry.objects.filter(action="member.points_adjust").count() == 1


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"reason": ""}, 400, "This field is required."),
        ({"reason": "   "}, 400, "This field is required."),
        ({"points": 0, "reason": "x"}, 400, "greater than or equal to 1"),
        (
            {"direction": "deduct", "points": 500, "reason": "x"},
            409,
            "The member has 100 points; 500 cannot be deducted.",
        ),
    ],
)
def test_a_bad_adjustment_is_refused_and_changes_nothing(shops, fields, status, message):
    member = shops["here"]
    _earn(member, 100, "start")
    client = signed_in(user_with_role("store_manager", shops["store"]))

    response = _adjust(client, member, **fields)

    assert response.status_code == status
    assert message in response.content.decode()
    assert _balance(member) == 100
    assert not AuditEntry.objects.filter(action="member.points_adjust").exists()


def test_a_cashier_cannot_adjust_points(shops):
    member = shops["here"]
    client = signed_in(user_with_role("cashier", shops["store"]))
    data = {"form_key": "f" * 32, "direction": "add", "points": 500, "reason": "Friend"}

    page = client.get(reverse("loyalty:member_detail", args=[member.pk])).content.decode()
    response = client.post(reverse("loyalty:points_adjust", args=[member.pk]), data)

    assert 'data-action="adjust"' not in page
    assert response.status_code == 403
    assert _balance(member) == 0 and not PointsEntry.objects.exists()


def test_a_store_manager_cannot_adjust_a_member_of_another_store(shops):
    client = signed_in(user_with_role("store_manager", shops["store"]))
    data = {"form_key": "a" * 32, "direction": "add", "points": 5, "reason": "x"}

    response = client.post(reverse("loyalty:points_adjust", args=[shops["there"].pk]), data)

    assert response.status_code == 404 and _balance(shops["there"]) == 0


# --- segments ----------------------------------------------------------------------------------
def test_segments_count_members_per_segment_and_tier_in_the_users_scope(shops):
    MemberRfm.objects.create(
        member=shops["here"],
        recency_days=200,
        frequency=1,
        monetary="99.00",
        r_score=1,
        f_score=1,
        m_score=1,
        segment=Segment.LOST,
        computed_at=NOW,
    )
    manager = signed_in(user_with_role("store_manager", shops["store"]))
    analyst = signed_in(user_with_role("hq_analyst"))

    mine = manager.get(reverse("loyalty:segment_overview")).content.decode()
    chain = analyst.get(reverse("loyalty:segment_overview")).content.decode()
    lost_only = analyst.get(reverse("loyalty:segment_overview"), {"segment": "lost"})

    assert re.search(r'data-segment="lost"><td>Lost</td><td class="num">1<', mine)
    assert re.search(r'data-tier="bronze"><td>Bronze</td><td class="num">1<', mine)
    assert re.search(r'data-tier="bronze"><td>Bronze</td><td class="num">3<', chain)
    assert 'data-total="1"' in lost_only.content.decode()
    assert 'id="segment-export"' not in mine  # a store manager may not export


def test_hq_exports_the_filtered_members_as_masked_csv_and_the_export_is_audited(shops):
    analyst = user_with_role("hq_analyst")
    client = signed_in(analyst)

    page = client.get(reverse("loyalty:segment_overview")).content.decode()
    response = client.post(reverse("loyalty:segment_export"), {"tier": "bronze", "segment": ""})

    body = response.content.decode()
    assert 'id="segment-export"' in page
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "138****8000" in body and "13800138000" not in body
    assert len(body.strip().splitlines()) == 1 + 3
    assert AuditEntry.objects.get(action="member.segment_export").actor == analyst


def test_a_cashier_cannot_export_members_and_nothing_is_audited(shops):
    client = signed_in(user_with_role("cashier", shops["store"]))

    page = client.get(reverse("loyalty:segment_overview")).content.decode()
    response = client.post(reverse("loyalty:segment_export"))

    assert 'id="segment-export"' not in page
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="member.segment_export").exists()
