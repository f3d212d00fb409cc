"""Coupons: templates, code batches and the coupons issued from them into members' wallets.

The pricing engine (promotions issue) redeems them at checkout; the loyalty programme issues
them as birthday gifts, rewards bought with points and paid-membership benefits.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Sku

MONEY = {"max_digits": 12, "decimal_places": 2}


class CouponKind(models.TextChoices):
    AMOUNT_OFF = "amount_off", _("Amount off")
    PERCENT_OFF = "percent_off", _("Percent off")
    FREE_ITEM = "free_item", _("Free item")
    FREE_SHIPPING = "free_shipping", _("Free shipping")


class CouponTemplate(models.Model):
    """What a coupon is worth, where it applies and for how long it is valid."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CouponKind.choices)
    # Yuan off (amount_off) or the percentage off (percent_off, 0 < value ≤ 100).
    value = models.DecimalField(_("value"), default=0, **MONEY)
    free_sku = models.ForeignKey(
        Sku, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    min_spend = models.DecimalField(_("minimum spend"), default=0, **MONEY)
    # {"categories": [...], "series": [...], "skus": [...], "exclude_skus": [...]}; empty: all.
    scope = models.JSONField(_("applies to"), default=dict, blank=True)
    # Validity: fixed dates, or N days from the moment it is claimed (issued).
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    valid_days = models.PositiveIntegerField(_("valid for (days after claiming)"), default=0)
    per_member_limit = models.PositiveIntegerField(_("per member"), default=0)  # 0: no limit
    total_limit = models.PositiveIntegerField(_("total issued"), default=0)  # 0: no limit
    issued_count = models.PositiveIntegerField(_("issued so far"), default=0)
    stackable = models.BooleanField(_("combines with another coupon"), default=False)
    return_on_refund = models.BooleanField(_("back to the wallet on a refund"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("coupon template")
        verbose_name_plural = _("coupon templates")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="coupon_value_gte_0"),
            models.CheckConstraint(condition=Q(min_spend__gte=0), name="coupon_min_spend_gte_0"),
            models.CheckConstraint(
                condition=~Q(kind=CouponKind.PERCENT_OFF) | Q(value__gt=0, value__lte=100),
                name="coupon_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(total_limit=0) | Q(issued_count__lte=F("total_limit")),
                name="coupon_issued_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CodeBatch(models.Model):
    """Codes generated in bulk from a template (printed on flyers, sent by partners); each is
    claimed into a member's wallet or redeemed at the till as it is."""

    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="batches")
    quantity = models.PositiveIntegerField(_("codes"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("code batch")
        verbose_name_plural = _("code batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template_id} × {self.quantity}"


class CouponStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    USED = "used", _("Used")
    EXPIRED = "expired", _("Expired")
    VOID = "void", _("Void")


class Coupon(models.Model):
    """One coupon with its unguessable code, in a member's wallet (or not yet claimed)."""

    code = models.CharField(_("code"), max_length=24, unique=True)
    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="coupons")
    member = models.ForeignKey(
        "loyalty.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="coupons"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CouponStatus.choices, default=CouponStatus.AVAILABLE
    )
    source = models.CharField(_("source"), max_length=32)  # claim, birthday, reward, plan, batch
    batch = models.ForeignKey(
        CodeBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="coupons"
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    order_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["valid_until", "id"]
        indexes = [models.Index(fields=["member", "status", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="coupon_validity_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(status=CouponStatus.USED) | Q(used_at__isnull=False),
                name="coupon_used_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.code
