"""Referrals, birthday benefits and paid membership."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Sku
from storeos.loyalty.models.members import Member
from storeos.loyalty.models.programme import RATE, Programme

MONEY = {"max_digits": 12, "decimal_places": 2}


class Referral(models.Model):
    """A referee joined with a referrer's code. The referrer is rewarded once the referee's
    first qualifying order is paid and past its return window."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a first order")
        QUALIFYING = "qualifying", _("First order in its return window")
        REWARDED = "rewarded", _("Rewarded")
        REFUSED = "refused", _("Refused")

    referrer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="referrals_made")
    referee = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="referral")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    order_uuid = models.UUIDField(null=True, blank=True)
    qualifies_on = models.DateField(null=True, blank=True)
    refused_reason = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    rewarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(referrer=models.F("referee")), name="referral_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.referee_id} ({self.status})"


class BirthdayBenefit(models.Model):
    """A member's birthday month of one year: the gift coupon issued and the one purchase that
    earned double points."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="birthdays")
    year = models.PositiveSmallIntegerField()
    coupon = models.ForeignKey(
        "promotions.Coupon", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    double_points_order = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("birthday benefit")
        verbose_name_plural = _("birthday benefits")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="birthday_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class MembershipPlan(models.Model):
    """Paid membership (付费会员): a fee for a term, sold at the till or online as its SKU."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plans")
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    sku = models.OneToOneField(Sku, on_delete=models.PROTECT, related_name="membership_plan")
    term_days = models.PositiveIntegerField(_("term (days)"))
    # Extra benefits while the membership runs.
    points_multiplier = models.DecimalField(_("extra points multiplier"), default=1, **RATE)
    discount_rate = models.DecimalField(_("extra member discount"), default=0, **RATE)
    monthly_coupon_template = models.ForeignKey(
        "promotions.CouponTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership plan")
        verbose_name_plural = _("membership plans")

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """One paid term of a plan for a member; a renewal adds a term that starts when the
    current one ends."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled (returned)")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(MembershipPlan, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    order_uuid = models.UUIDField()
    line_no = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("paid membership")
        verbose_name_plural = _("paid memberships")
        ordering = ["-ends_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_uuid", "line_no"], name="subscription_once_per_order_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.plan_id} {self.starts_on}–{self.ends_on}"
