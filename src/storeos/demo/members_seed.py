"""Writes the demo's member programme and members through the loyalty services.

Before the sales history: the programme (tiers through `tiers_configure`, the weekend campaign,
activity rules, tags, rewards, the paid plan and its members-only SKU, in stock) and the members,
each registered at their joining time with their migrated opening balance (growth in the window,
points lots, some of them expiring this month). The history's tickets then carry members, so
points and growth come from real checkouts. After it: app activity, reward redemptions, the paid
plan bought at the till today, referral and birthday jobs, wallet coupons, and the nightly tags,
RFM and ledger checkpoint, so the member 360 pages have everything.
"""

import datetime as dt
import hashlib
import random
import uuid
from decimal import Decimal

from storeos.catalog import services as catalog
from storeos.catalog.models import Category, Sku
from storeos.core import clock
from storeos.core.channels import Channel
from storeos.demo.barcodes import ean13_check_digit
from storeos.demo.members_plan import MemberSpec, MembersPlan
from storeos.demo.sales_plan import TicketSpec
from storeos.demo.stock_plan import shelf
from storeos.inventory.receiving import ReceiveLine
from storeos.inventory.services import receipt_post_lines
from storeos.loyalty.activity import activity_points_award
from storeos.loyalty.birthday import birthday_benefits_issue
from storeos.loyalty.checkpoints import ledger_checkpoint_create
from storeos.loyalty.earning import points_expiry
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.members import member_create
from storeos.loyalty.models import (
    ActivityRule,
    EarnCampaign,
    GrowthEntry,
    Member,
    MembershipPlan,
    Programme,
    Reward,
    RewardSession,
    TagDefinition,
    Tier,
)
from storeos.loyalty.referrals import referral_register, referrals_reward
from storeos.loyalty.rewards import reward_redeem
from storeos.loyalty.rfm import rfm_recompute
from storeos.loyalty.tags import tags_recompute
from storeos.loyalty.tiers import tier_upgrade_check, tiers_configure
from storeos.promotions.coupons import coupon_issue, coupon_template_create
from storeos.promotions.models import CouponTemplate
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import PaymentMethod, Shift
from storeos.sales.pricing import CartItem, price_cart
from storeos.stores.models import Location, Store

PLAN_STOCK = 50


class MembersWriter:
    def __init__(self, *, members: MembersPlan, store_codes: list[str], seed: int, now):
        self.plan = members
        self.spec = members.programme
        self.store_codes = store_codes
        self.now = now
        self.rng = random.Random(f"members-seed-{seed}")
        self.stores: dict[str, Store] = {}
        self.by_index: dict[int, Member] = {}
        self.programme: Programme | None = None
        self.templates: dict[str, CouponTemplate] = {}

    # --- the programme ----------------------------------------------------------------------

    def write_programme(self) -> None:
        self.stores = {s.code: s for s in Store.objects.filter(code__in=self.store_codes)}
        spec, today = self.spec, self.now.date()
        self.programme = Programme.objects.create(
            code=spec.code, name=spec.name, referral_points=spec.referral_points
        )
        tiers = tiers_configure(
            actor=None,
            programme=self.programme,
            tiers=[
                {
                    "code": t.code,
                    "name": t.name,
                    "upgrade_threshold": t.upgrade,
                    "retention_threshold": t.retention,
                    "discount_rate": Decimal(t.discount),
                    "points_multiplier": Decimal(t.multiplier),
                }
                for t in spec.tiers
            ],
        )
        for tier, t in zip(tiers, spec.tiers, strict=True):
            template = self._template(
                f"{spec.code}-BDAY-{t.code}".upper(), f"{t.name}生日礼券 {t.birthday_coupon} 元",
                value=t.birthday_coupon, valid_days=30,
            )  # fmt: skip
            Tier.objects.filter(pk=tier.pk).update(
                birthday_coupon_template=template,
                free_gift_wrapping=t.gift_wrapping,
                priority_booking=t.priority_booking,
            )
        name, multiplier, weekdays = spec.campaign
        EarnCampaign.objects.create(
            programme=self.programme,
            name=name,
            multiplier=Decimal(multiplier),
            channels=[Channel.POS],
            weekdays=list(weekdays),
            starts_on=today - dt.timedelta(days=90),
            ends_on=today + dt.timedelta(days=275),
        )
        for code, label, points, cap in spec.activities:
            ActivityRule.objects.create(
                programme=self.programme, code=code, name=label, points=points, daily_cap=cap
            )
        for code, label, rule in spec.tags:
            TagDefinition.objects.create(
                code=code, name=label, kind=TagDefinition.Kind.RULE, rule=rule
            )
        self._rewards()
        self._paid_plan()

    def _template(self, code: str, name: str, *, value: str, valid_days: int, min_spend="0"):
        template = coupon_template_create(
            actor=None,
            code=code,
            name=name,
            kind="amount_off",
            value=Decimal(value),
            min_spend=Decimal(min_spend),
            valid_days=valid_days,
        )
        self.templates[template.code] = template
        return template

    def _rewards(self) -> None:
        first = self.stores[self.store_codes[0]]
        for r in self.spec.rewards:
            template = None
            if r.kind == "coupon":
                template = self._template(
                    f"{r.code}-CPN", r.name, value=r.coupon_value, valid_days=60
                )
            reward = Reward.objects.create(
                code=r.code,
                name=r.name,
                kind=r.kind,
                points_cost=r.points,
                stock=r.stock,
                coupon_template=template,
                min_tier_rank=r.min_tier,
            )
            # Sessions on the coming Saturdays at 14:00, in the flagship store.
            saturday = self.now + dt.timedelta(days=(5 - self.now.weekday()) % 7 or 7)
            for week in range(r.sessions):
                starts = (saturday + dt.timedelta(weeks=week)).replace(
                    hour=6, minute=0, second=0, microsecond=0
                )
                RewardSession.objects.create(
                    reward=reward, store=first, starts_at=starts, capacity=r.capacity
                )

    def _paid_plan(self) -> None:
        code, name, days, fee, multiplier, discount = self.spec.plan
        category = Category.objects.order_by("path").last()
        product = catalog.product_create(actor=None, code=code, name=name, category=category)
        # The membership card carries a barcode like any item the till scans (an in-store 2 prefix).
        first12 = f"2{int(hashlib.sha256(code.encode()).hexdigest(), 16) % 10**11:011d}"
        sku = catalog.sku_create(
            actor=None, product=product, code=code, name=name, list_price=Decimal(fee),
            cost=Decimal("0"), unit="pc", barcodes=[first12 + ean13_check_digit(first12)],
        )  # fmt: skip
        Sku.objects.filter(pk=sku.pk).update(requires_member=True)
        self.plan_sku = Sku.objects.get(pk=sku.pk)
        MembershipPlan.objects.create(
            programme=self.programme,
            code=code,
            name=name,
            sku=self.plan_sku,
            term_days=days,
            points_multiplier=Decimal(multiplier),
            discount_rate=Decimal(discount),
        )
        location = Location.objects.get(code=shelf(self.store_codes[0]))
        receipt_post_lines(
            actor=None,
            location=location,
            lines=[ReceiveLine(sku=self.plan_sku, quantity=PLAN_STOCK, unit_cost=Decimal("0"))],
            reference=f"{code}-CARDS",
        )

    # --- members ----------------------------------------------------------------------------

    def write_members(self) -> None:
        for spec in sorted(self.plan.members, key=lambda m: (m.joined_at, m.index)):
            with clock.frozen(spec.joined_at):
                member = member_create(
                    phone=spec.phone,
                    name=spec.name,
                    birthday=spec.birthday,
                    home_store=self.stores[spec.home_store],
                    channel=spec.channel,
                    marketing_consent=spec.consent,
                    consent_source="demo" if spec.consent else "",
                    programme=self.programme,
                )
                if spec.referrer is not None:
                    referral_register(
                        referee=member, referral_code=self.by_index[spec.referrer].referral_code
                    )
            self.by_index[spec.index] = member
            self._opening(member, spec)

    def _opening(self, member: Member, spec: MemberSpec) -> None:
        """The balance migrated from the old system, dated inside the growth window."""
        if not (spec.opening_growth or spec.opening_points or spec.expiring_points):
            return
        earliest = max(spec.joined_at, self.now - dt.timedelta(days=300))
        latest = self.now - dt.timedelta(days=62)
        span = max(int((latest - earliest).total_seconds()), 1)
        at = earliest + dt.timedelta(seconds=self.rng.randrange(span))
        source = Source("migration", f"opening:{spec.index}")
        with clock.frozen(at):
            if spec.opening_growth:
                GrowthEntry.objects.create(
                    member=member,
                    value=spec.opening_growth,
                    idempotency_key=f"migration:{member.pk}:growth",
                    source_type=source.type,
                    source_id=source.id,
                    occurred_at=at,
                )
                tier_upgrade_check(member)
            if spec.opening_points:
                points_earn(
                    member_id=member.pk,
                    points=spec.opening_points,
                    key=f"migration:{member.pk}:points",
                    source=source,
                    expires_on=max(
                        points_expiry(programme=self.programme, earned_on=at.date()),
                        self.now.date() + dt.timedelta(days=45),
                    ),
                    memo="opening balance",
                )
            if spec.expiring_points:
                points_earn(
                    member_id=member.pk,
                    points=spec.expiring_points,
                    key=f"migration:{member.pk}:expiring",
                    source=source,
                    expires_on=self.now.date() + dt.timedelta(days=spec.expiring_in_days),
                    memo="opening balance (expiring)",
                )

    # --- the tills ----------------------------------------------------------------------------

    def customer(self, ticket: TicketSpec) -> tuple[int | None, list[str]]:
        """The member who scanned their code on `ticket`, and the coupon they claimed online."""
        index = self.plan.ticket_members.get(ticket.number)
        if index is None:
            return None, []
        member = self.by_index[index]
        template = self.plan.ticket_coupons.get(ticket.number)
        if template is None:
            return member.pk, []
        with clock.frozen(ticket.at - dt.timedelta(days=2)):
            coupon = coupon_issue(
                template=self.templates[template], member_id=member.pk, source="claim"
            )
        return member.pk, [coupon.code]

    # --- after the history --------------------------------------------------------------------

    def write_engagement(self, cashier) -> None:
        self._activities()
        self._redemptions()
        self._subscriptions(cashier)
        referrals_reward(at=self.now)
        birthday_benefits_issue(at=self.now)
        self._wallets()
        tags_recompute(at=self.now)
        rfm_recompute(at=self.now)
        ledger_checkpoint_create()

    def _activities(self) -> None:
        codes = [code for code, *_ in self.spec.activities if code in ("sign_in", "review")]
        for index in self.plan.active:
            member = self.by_index[index]
            # One a day at most: a sign-in counts once a day.
            for n, days in enumerate(self.rng.sample(range(1, 21), self.rng.randint(1, 4))):
                at = self.now - dt.timedelta(days=days, minutes=n)
                if at <= member.created_at:
                    continue
                code = self.rng.choice(codes)
                with clock.frozen(at):
                    activity_points_award(
                        member_id=member.pk, activity_code=code, reference=f"app:{index}:{n}"
                    )

    def _redemptions(self) -> None:
        rewards = sorted(Reward.objects.all(), key=lambda r: r.points_cost)
        for index in self.plan.redeemers:
            member = Member.objects.select_related("tier").get(pk=self.by_index[index].pk)
            fits = [
                r
                for r in rewards
                if r.points_cost <= member.points_balance and r.min_tier_rank <= member.tier.rank
            ]
            if not fits:
                continue
            reward = self.rng.choice(fits)
            session = reward.sessions.order_by("starts_at").first()
            reward_redeem(
                member_id=member.pk,
                reward_code=reward.code,
                key=f"demo:{index}",
                session_id=session.pk if session else None,
            )

    def _subscriptions(self, cashier) -> None:
        store = self.stores[self.store_codes[0]]
        for index in self.plan.subscribers:
            member = self.by_index[index]
            order_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
            total = price_cart(
                store=store,
                channel=Channel.POS,
                items=[CartItem(sku=self.plan_sku, quantity=1)],
                member_id=member.pk,
            ).total
            checkout(
                actor=cashier,
                order_id=order_id,
                store=store,
                shift=Shift.objects.filter(store=store, status="open").first(),
                lines=[CartLine(sku=self.plan_sku, quantity=1)],
                payments=[Tender(PaymentMethod.CARD, total, reference=f"T{order_id.hex[:10]}")],
                member_id=member.pk,
            )

    def _wallets(self) -> None:
        claim = [t for code, t in self.templates.items() if code.endswith("-CLAIM")]
        if not claim:
            return
        for index in sorted(self.by_index):
            if self.rng.random() < 0.25:
                coupon_issue(template=claim[0], member_id=self.by_index[index].pk, source="claim")
