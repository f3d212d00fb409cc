"""Coupon templates, bulk codes, claiming into the wallet, the wallet and the nightly expiry."""

import csv
import datetime as dt
import io
import time
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.models import AuditEntry
from storeos.loyalty.tests.conftest import member, other_member  # noqa: F401 (fixtures)
from storeos.promotions.coupons import (
    code_batch_create,
    code_batch_export,
    coupon_claim,
    coupon_template_create,
    coupon_template_deactivate,
    coupon_template_update,
    coupons_expire,
    wallet,
)
from storeos.promotions.models import CodeBatch, Coupon, CouponStatus, CouponTemplate
from storeos.promotions.tasks import coupons_expire_task
from storeos.sales.tests.conftest import user_with_role

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
JUNE_30 = dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def marketing(db):
    return user_with_role("marketing", None, "marketing")


@pytest.fixture
def at_now():
    with clock.frozen(NOW):
        yield NOW


def fields(**overrides):
    return {
        "code": "june10",
        "name": "¥10 off in June",
        "kind": "amount_off",
        "value": Decimal("10"),
        "min_spend": Decimal("100"),
        "valid_from": NOW,
        "valid_until": JUNE_30,
        **overrides,
    }


@pytest.fixture
def june(marketing, at_now):
    return coupon_template_create(actor=marketing, **fields())


# --- Templates ---------------------------------------------------------------------------------


def test_marketing_creates_a_template_and_the_audit_log_says_so(marketing, at_now):
    template = coupon_template_create(actor=marketing, **fields())

    assert (template.code, template.value, template.is_active) == ("JUNE10", Decimal("10"), True)
    entry = AuditEntry.objects.get(action="coupon_template.create")
    assert (entry.actor, entry.object_id) == (marketing, str(template.pk))
    assert entry.after["min_spend"] == "100"


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"kind": "percent_off", "value": Decimal("120")}, "percent_invalid"),
        ({"kind": "percent_off", "value": Decimal("0")}, "percent_invalid"),
        ({"valid_until": NOW - dt.timedelta(days=1)}, "dates_reversed"),
        ({"valid_from": None, "valid_until": None, "valid_days": 0}, "validity_missing"),
        ({"kind": "free_item", "value": Decimal("0")}, "free_sku_missing"),
        ({"kind": "amount_off", "value": Decimal("0")}, "value_invalid"),
        ({"min_spend": Decimal("-1")}, "value_invalid"),
        ({"kind": "bogus"}, "kind_invalid"),
        ({"scope": {"brands": [1]}}, "scope_invalid"),
        ({"colour": "red"}, "validation_error"),
    ],
)
def test_a_template_that_cannot_make_sense_is_refused_and_nothing_is_saved(
    marketing, at_now, overrides, code
):
    with pytest.raises(Exception) as refused:
        coupon_template_create(actor=marketing, **fields(**overrides))

    assert refused.value.code == code
    assert refused.value.status == 422
    assert CouponTemplate.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="coupon_template").exists()


def test_a_template_valid_for_days_after_claiming_needs_no_dates(marketing, at_now):
    template = coupon_template_create(
        actor=marketing, **fields(valid_from=None, valid_until=None, valid_days=7)
    )

    assert template.valid_days == 7


def test_a_duplicate_template_code_is_refused(june, marketing):
    with pytest.raises(Exception) as refused:
        coupon_template_create(actor=marketing, **fields(name="Another"))

    assert refused.value.code == "code_taken"
    assert CouponTemplate.objects.count() == 1


def test_a_cashier_may_not_create_templates(store, at_now):
    cashier = user_with_role("cashier", store, "till")

    with pytest.raises(Exception) as refused:
        coupon_template_create(actor=cashier, **fields())

    assert refused.value.code == "permission_denied"
    assert CouponTemplate.objects.count() == 0


def test_updating_a_template_is_audited_with_before_and_after(june, marketing):
    coupon_template_update(actor=marketing, template=june, value=Decimal("15"))

    june.refresh_from_db()
    assert june.value == Decimal("15")
    entry = AuditEntry.objects.get(action="coupon_template.update")
    assert (entry.before, entry.after) == ({"value": "10.00"}, {"value": "15"})


def test_an_update_that_reverses_the_dates_is_refused_and_changes_nothing(june, marketing):
    with pytest.raises(Exception) as refused:
        coupon_template_update(actor=marketing, template=june, valid_until=NOW)

    assert refused.value.code == "dates_reversed"
    june.refresh_from_db()
    assert june.valid_until == JUNE_30


def test_the_kind_of_a_template_with_coupons_out_cannot_change(june, marketing):
    code_batch_create(actor=marketing, template=june, quantity=1)

    with pytest.raises(Exception) as refused:
        coupon_template_update(actor=marketing, template=june, kind="percent_off")

    assert refused.value.code == "template_in_use"
    june.refresh_from_db()
    assert june.kind == "amount_off"


def test_a_deactivated_template_gives_no_more_coupons(june, marketing, member):  # noqa: F811
    coupon_template_deactivate(actor=marketing, template=june)

    with pytest.raises(Exception) as refused:
        coupon_claim(member_id=member.pk, template=june)

    assert refused.value.code == "coupon_unavailable"
    assert Coupon.objects.count() == 0


# --- Code batches ------------------------------------------------------------------------------


def test_ten_thousand_unique_unclaimed_codes_in_a_few_seconds(june, marketing):
    started = time.perf_counter()
    batch = code_batch_create(actor=marketing, template=june, quantity=10_000, note="flyers")
    elapsed = time.perf_counter() - started

    assert elapsed < 5
    coupons = Coupon.objects.filter(batch=batch)
    codes = set(coupons.values_list("code", flat=True))
    assert len(codes) == 10_000
    assert all(len(c) == 16 for c in codes)
    assert set(coupons.values_list("member_id", "source", "status").distinct()) == {
        (None, "batch", CouponStatus.AVAILABLE)
    }
    june.refresh_from_db()
    assert june.issued_count == 10_000
    assert AuditEntry.objects.get(action="coupon_batch.create").after["quantity"] == 10_000


def test_a_batch_beyond_the_total_limit_is_refused_whole(june, marketing):
    coupon_template_update(actor=marketing, template=june, total_limit=100)
    code_batch_create(actor=marketing, template=june, quantity=60)

    with pytest.raises(Exception) as refused:
        code_batch_create(actor=marketing, template=june, quantity=41)

    assert refused.value.code == "coupon_unavailable"
    june.refresh_from_db()
    assert (june.issued_count, Coupon.objects.count(), CodeBatch.objects.count()) == (60, 60, 1)


@pytest.mark.parametrize("quantity", [0, -5, 100_001, "10", True])
def test_a_batch_of_a_silly_size_is_refused(june, marketing, quantity):
    with pytest.raises(Exception) as refused:
        code_batch_create(actor=marketing, template=june, quantity=quantity)

    assert refused.value.code == "quantity_invalid"
    assert Coupon.objects.count() == CodeBatch.objects.count() == 0


def test_the_batch_export_lists_every_code_and_is_audited(june, marketing):
    batch = code_batch_create(actor=marketing, template=june, quantity=3)

    rows = list(csv.reader(io.StringIO(code_batch_export(actor=marketing, batch=batch))))

    assert rows[0] == ["code", "template", "status", "claimed", "valid_from", "valid_until"]
    assert sorted(r[0] for r in rows[1:]) == sorted(batch.coupons.values_list("code", flat=True))
    assert {r[3] for r in rows[1:]} == {"no"}
    assert AuditEntry.objects.get(action="coupon_batch.export").after == {"rows": 3}


def test_a_cashier_may_not_export_codes(june, marketing, store):
    batch = code_batch_create(actor=marketing, template=june, quantity=3)
    cashier = user_with_role("cashier", store, "till")

    with pytest.raises(Exception) as refused:
        code_batch_export(actor=cashier, batch=batch)

    assert refused.value.code == "permission_denied"
    assert not AuditEntry.objects.filter(action="coupon_batch.export").exists()


# --- Claiming ----------------------------------------------------------------------------------


def test_a_member_claims_a_coupon_online_into_the_wallet(june, member):  # noqa: F811
    coupon = coupon_claim(member_id=member.pk, template=june)

    assert (coupon.member_id, coupon.source, coupon.claimed_at) == (member.pk, "claim", NOW)
    assert [c.code for c in wallet(member.pk).available] == [coupon.code]


def test_the_per_member_limit_stops_a_second_claim(june, marketing, member):  # noqa: F811
    coupon_template_update(actor=marketing, template=june, per_member_limit=1)
    coupon_claim(member_id=member.pk, template=june)

    with pytest.raises(Exception) as refused:
        coupon_claim(member_id=member.pk, template=june)

    assert refused.value.code == "coupon_limit_reached"
    june.refresh_from_db()
    assert (june.issued_count, Coupon.objects.filter(member=member).count()) == (1, 1)


def test_claiming_a_batch_code_puts_it_in_the_wallet(june, marketing, member):  # noqa: F811
    batch = code_batch_create(actor=marketing, template=june, quantity=2)
    code = batch.coupons.order_by("id").first().code

    coupon = coupon_claim(member_id=member.pk, code=f" {code[:8].lower()}-{code[8:]} ")

    assert (coupon.code, coupon.member_id, coupon.claimed_at) == (code, member.pk, NOW)
    assert coupon.source == "batch"
    assert coupon_claim(member_id=member.pk, code=code).pk == coupon.pk  # again: no change


def test_a_code_claimed_by_someone_else_is_refused(
    june,
    marketing,
    member,  # noqa: F811
    other_member,  # noqa: F811
):
    batch = code_batch_create(actor=marketing, template=june, quantity=1)
    code = batch.coupons.get().code
    coupon_claim(member_id=member.pk, code=code)

    with pytest.raises(Exception) as refused:
        coupon_claim(member_id=other_member.pk, code=code)

    assert (refused.value.code, refused.value.status) == ("coupon_claimed", 409)
    assert Coupon.objects.get(code=code).member_id == member.pk
    assert wallet(other_member.pk).available == []


def test_an_unknown_code_is_refused(june, member):  # noqa: F811
    with pytest.raises(Exception) as refused:
        coupon_claim(member_id=member.pk, code="NOPE")

    assert (refused.value.code, refused.value.status) == ("coupon_not_found", 404)


def test_claiming_needs_a_template_or_a_code(june, member):  # noqa: F811
    with pytest.raises(Exception) as refused:
        coupon_claim(member_id=member.pk)

    assert refused.value.code == "claim_invalid"


def test_claiming_a_days_valid_batch_code_starts_its_days_at_the_claim(
    marketing,
    member,  # noqa: F811
):
    with clock.frozen(NOW):
        template = coupon_template_create(
            actor=marketing, **fields(valid_from=None, valid_until=None, valid_days=7)
        )
        code = code_batch_create(actor=marketing, template=template, quantity=1).coupons.get().code
    later = NOW + dt.timedelta(days=5)

    with clock.frozen(later):
        coupon = coupon_claim(member_id=member.pk, code=code)

    assert (coupon.valid_from, coupon.valid_until) == (later, later + dt.timedelta(days=7))


def test_an_expired_batch_code_cannot_be_claimed(june, marketing, member):  # noqa: F811
    code = code_batch_create(actor=marketing, template=june, quantity=1).coupons.get().code

    with clock.frozen(JUNE_30), pytest.raises(Exception) as refused:
        coupon_claim(member_id=member.pk, code=code)

    assert refused.value.code == "coupon_expired"
    assert Coupon.objects.get(code=code).member_id is None


# --- Wallet and expiry -------------------------------------------------------------------------


def test_the_wallet_sorts_available_used_and_expired(june, marketing, member):  # noqa: F811
    soon = coupon_template_create(
        actor=marketing, **fields(code="SOON", valid_until=NOW + dt.timedelta(days=2))
    )
    kept = coupon_claim(member_id=member.pk, template=june)
    gone = coupon_claim(member_id=member.pk, template=soon)
    spent = coupon_claim(member_id=member.pk, template=june)
    Coupon.objects.filter(pk=spent.pk).update(status=CouponStatus.USED, used_at=NOW)

    at_start = wallet(member.pk, NOW)
    three_days_on = wallet(member.pk, NOW + dt.timedelta(days=3))

    assert [c.code for c in at_start.available] == [gone.code, kept.code]
    assert [c.code for c in three_days_on.available] == [kept.code]
    assert [c.code for c in three_days_on.expired] == [gone.code]
    assert [c.code for c in three_days_on.used] == [spent.code]
    assert three_days_on.available[0].valid_until == JUNE_30


def test_the_nightly_job_marks_coupons_past_their_date_expired(june, marketing, member):  # noqa: F811
    claimed = coupon_claim(member_id=member.pk, template=june)
    spent = coupon_claim(member_id=member.pk, template=june)
    Coupon.objects.filter(pk=spent.pk).update(status=CouponStatus.USED, used_at=NOW)
    code_batch_create(actor=marketing, template=june, quantity=2)

    assert coupons_expire(at=JUNE_30 - dt.timedelta(seconds=1)) == 0
    with clock.frozen(JUNE_30 + dt.timedelta(hours=1)):
        marked = coupons_expire_task.call_local()

    assert marked == 3
    assert Coupon.objects.get(pk=claimed.pk).status == CouponStatus.EXPIRED
    assert Coupon.objects.get(pk=spent.pk).status == CouponStatus.USED
    assert [c.code for c in wallet(member.pk, NOW).expired] == [claimed.code]
