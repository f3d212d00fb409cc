"""The seeded demo members and promotions, read back through the loyalty and promotions services
(the `demo` fixture of conftest.py seeds each scenario once for the module)."""

import datetime as dt

from storeos.core import clock
from storeos.demo.members_plan import PROGRAMMES
from storeos.loyalty.models import Member, MemberRfm, PointsLot, Subscription, Tier
from storeos.loyalty.tiers import tier_progress
from storeos.loyalty.verify import ledger_verify
from storeos.promotions.models import Coupon, Promotion, PromotionStatus
from storeos.sales.models import Order


def test_members_are_spread_over_every_tier_with_real_purchases(demo, db):
    programme, count = PROGRAMMES[demo]
    members = Member.objects.filter(programme__code=programme.code)

    assert members.count() == count
    held = set(members.values_list("tier__code", flat=True))
    assert held == {t.code for t in programme.tiers}
    assert Order.objects.filter(member_id__isnull=False).count() > 100
    assert members.filter(points_balance__gt=0).count() > count / 2


def test_someone_is_within_ten_percent_of_the_next_tier(demo, db):
    near = []
    for member in Member.objects.select_related("tier").exclude(
        tier__rank=Tier.objects.order_by("-rank").values("rank")[:1]
    ):
        progress = tier_progress(member)
        if progress.next_tier and 0 < progress.growth_needed <= (
            progress.next_tier.upgrade_threshold / 10
        ):
            near.append(member)

    assert near


def test_someone_has_points_expiring_within_thirty_days(demo, db):
    today = clock.now().date()

    assert PointsLot.objects.filter(
        remaining__gt=0, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=30)
    ).exists()


def test_the_seeded_ledger_verifies_and_nightly_jobs_ran(demo, db):
    report = ledger_verify()

    assert report.entries > 0 and not report.breaks
    assert report.checkpoints >= 1
    assert MemberRfm.objects.exists()
    assert Subscription.objects.exists()


def test_promotions_run_and_members_hold_coupons(demo, db):
    running = Promotion.objects.filter(
        status=PromotionStatus.ACTIVE, starts_at__lte=clock.now(), ends_at__gt=clock.now()
    )

    assert running.count() >= 3
    assert Coupon.objects.filter(member__isnull=False, status="available").exists()
