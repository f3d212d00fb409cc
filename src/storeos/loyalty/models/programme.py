"""The member programme: how points are earned and spent, and the tiers growth value unlocks."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Category

RATE = {"max_digits": 8, "decimal_places": 4}


class Programme(models.Model):
    """The chain's member programme (one is active). Points are integers; rates are decimals
    applied to money and rounded down to whole points only when a posting is written."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    # Earning: points per yuan actually paid (before tier and campaign multipliers).
    points_per_yuan = models.DecimalField(_("points per yuan"), default=Decimal("1"), **RATE)
    # Growth value per yuan paid; it drives tiers and is never spent.
    growth_per_yuan = models.DecimalField(_("growth per yuan"), default=Decimal("1"), **RATE)
    # Most points one member may earn from purchases in one business day (0: no cap).
    daily_earn_cap = models.PositiveIntegerField(_("daily earning cap"), default=0)
    excluded_categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories that earn no points")
    )
    # Points as payment: how many points make one yuan, and the largest share of an order.
    points_per_yuan_redeemed = models.PositiveIntegerField(
        _("points per yuan when paying"), default=100
    )
    max_redeem_share = models.DecimalField(
        _("largest share of an order paid in points"), default=Decimal("0.5"), **RATE
    )
    # Points expire at the end of the Nth month after the month they were earned in.
    expiry_months = models.PositiveIntegerField(_("points expire after (months)"), default=12)
    expiry_reminder_days = models.PositiveIntegerField(_("remind before expiry (days)"), default=30)
    # Tiers: growth value counts over a rolling window.
    growth_window_months = models.PositiveIntegerField(_("growth window (months)"), default=12)
    # Referral: what the referrer earns when the referee's first order is past its return window.
    referral_points = models.PositiveIntegerField(_("referral reward (points)"), default=0)
    return_window_days = models.PositiveIntegerField(_("return window (days)"), default=15)

    class Meta:
        verbose_name = _("member programme")
        verbose_name_plural = _("member programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_redeem_share__gte=0) & Q(max_redeem_share__lte=1),
                name="programme_redeem_share_0_1",
            ),
            models.CheckConstraint(
                condition=Q(points_per_yuan__gte=0), name="programme_points_rate_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(points_per_yuan_redeemed__gte=1), name="programme_redeem_rate_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tier(models.Model):
    """A level of the programme. Reaching `upgrade_threshold` growth value within the window
    lifts a member at once; the periodic review drops one level when a member's growth value is
    below `retention_threshold`."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("programme")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    rank = models.PositiveSmallIntegerField(_("rank"))  # 0 is the entry tier
    upgrade_threshold = models.PositiveIntegerField(_("growth value to reach"))
    retention_threshold = models.PositiveIntegerField(_("growth value to keep"))
    # Benefits.
    discount_rate = models.DecimalField(
        _("member discount"), default=Decimal("0"), help_text=_("0.05 = 5% off"), **RATE
    )
    points_multiplier = models.DecimalField(_("points multiplier"), default=Decimal("1"), **RATE)
    birthday_coupon_template = models.ForeignKey(
        "promotions.CouponTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("birthday gift coupon"),
    )
    free_gift_wrapping = models.BooleanField(_("free gift wrapping"), default=False)
    priority_booking = models.BooleanField(_("priority booking"), default=False)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["programme", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="tier_code_unique"),
            models.UniqueConstraint(fields=["programme", "rank"], name="tier_rank_unique"),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0) & Q(discount_rate__lt=1),
                name="tier_discount_0_1",
            ),
            models.CheckConstraint(
                condition=Q(points_multiplier__gte=0), name="tier_multiplier_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(retention_threshold__lte=models.F("upgrade_threshold")),
                name="tier_retention_lte_upgrade",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EarnCampaign(models.Model):
    """A points multiplier for a while: "1.5× in store at weekends"."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=100)
    multiplier = models.DecimalField(_("multiplier"), **RATE)
    channels = models.JSONField(_("channels"), default=list, blank=True)  # empty: every channel
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)  # 0=Mon … 6=Sun
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points campaign")
        verbose_name_plural = _("points campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(multiplier__gte=1), name="campaign_multiplier_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityRule(models.Model):
    """Points for something a member does besides buying: a daily sign-in, a review, a survey,
    a successful referral, attending an event, sharing a build photo."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("activity"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    points = models.PositiveIntegerField(_("points"))
    daily_cap = models.PositiveIntegerField(_("times per day"), default=1)  # 0: no cap
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("activity rule")
        verbose_name_plural = _("activity rules")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="activity_code_unique")
        ]

    def __str__(self) -> str:
        return self.name
