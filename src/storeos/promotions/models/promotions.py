"""Promotions: what they give, to what, when, to whom, how often, and how they combine."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.core.money import HALF_CENT

MONEY = {"max_digits": 12, "decimal_places": 2}


class PromotionKind(models.TextChoices):
    PERCENT_OFF = "percent_off", _("Percentage off")
    AMOUNT_OFF = "amount_off", _("Amount off each item")
    FIXED_PRICE = "fixed_price", _("Fixed price")
    TIER_PRICE = "tier_price", _("Member tier price")
    SPEND_SAVE = "spend_save", _("Spend and save")
    BUY_X_GET_Y = "buy_x_get_y", _("Buy X get Y")
    NTH_ITEM = "nth_item", _("Nth item discounted")
    BUNDLE = "bundle", _("Bundle price")
    GIFT = "gift", _("Free gift with purchase")
    POINTS_MULTIPLIER = "points_multiplier", _("Points multiplier")


# Which kinds price single lines, and which look at the whole order (docs/promotions.md).
LINE_KINDS = frozenset(
    {
        PromotionKind.PERCENT_OFF,
        PromotionKind.AMOUNT_OFF,
        PromotionKind.FIXED_PRICE,
        PromotionKind.TIER_PRICE,
        PromotionKind.BUY_X_GET_Y,
        PromotionKind.NTH_ITEM,
        PromotionKind.BUNDLE,
    }
)
ORDER_KINDS = frozenset({PromotionKind.SPEND_SAVE, PromotionKind.GIFT})


class PromotionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Approved")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class Promotion(models.Model):
    """One promotion. `rule` holds what the kind needs (validated by promotions.rules):

    percent_off {"percent": "20"} · amount_off {"amount": "5.00"} · fixed_price {"price": "9.90"}
    tier_price {"prices": {"gold": "89.00", …}} or {"percents": {"gold": "10", …}}
    spend_save {"tiers": [["200", "20"], ["500", "60"]]} or {"every": "300", "off": "50"}
    buy_x_get_y {"buy": 2, "get": 1, "get_sku": id or null (same SKU), "percent": "100"}
    nth_item {"nth": 2, "percent": "50"} · bundle {"skus": [id, …], "price": "199.00"}
    gift {"sku": id, "quantity": 1, "min_amount": "300.00"} · points_multiplier {"multiplier": "2"}

    `scope` limits the goods: {"categories": [ids], "series": [ids], "skus": [ids],
    "exclude_skus": [ids], "exclude_categories": [ids]}; empty means everything.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=PromotionKind.choices)
    rule = models.JSONField(_("rule"), default=dict)
    scope = models.JSONField(_("applies to"), default=dict, blank=True)
    # Conditions.
    channels = models.JSONField(_("channels"), default=list, blank=True)  # empty: all
    store_ids = models.JSONField(_("stores"), default=list, blank=True)  # empty: all
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True)  # 0=Mon … 6=Sun
    hours = models.JSONField(_("hours"), default=list, blank=True)  # [from, to) local hours
    tier_codes = models.JSONField(_("member tiers"), default=list, blank=True)
    tag_codes = models.JSONField(_("member tags"), default=list, blank=True)
    members_only = models.BooleanField(_("members only"), default=False)
    new_members_days = models.PositiveIntegerField(
        _("only members who joined within (days)"), default=0
    )
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), default=0)
    min_amount = models.DecimalField(_("minimum amount"), default=Decimal("0"), **MONEY)
    # Limits (0: none). Uses and the budget are counted in PromotionUse under a guarded UPDATE.
    total_uses = models.PositiveIntegerField(_("uses in total"), default=0)
    per_member_uses = models.PositiveIntegerField(_("uses per member"), default=0)
    budget = models.DecimalField(_("discount budget"), default=Decimal("0"), **MONEY)
    used_count = models.PositiveIntegerField(_("used"), default=0)
    discount_used = models.DecimalField(_("discount given"), default=Decimal("0"), **MONEY)
    # Stacking (docs/promotions.md): higher priority is tried first; promotions in the same
    # stacking group never combine; `stackable` lets a line promotion combine with another
    # stackable one; `exclusive` combines with nothing at all.
    priority = models.IntegerField(_("priority"), default=0)
    stacking_group = models.CharField(_("stacking group"), max_length=32, blank=True)
    stackable = models.BooleanField(_("stackable"), default=False)
    exclusive = models.BooleanField(_("exclusive"), default=False)
    label = models.CharField(_("receipt and label text"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PromotionStatus.choices, default=PromotionStatus.DRAFT
    )
    # Where a draft came from: "" (by hand) or "clearance" (suggested from inventory).
    origin = models.CharField(_("origin"), max_length=16, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-priority", "id"]
        indexes = [models.Index(fields=["status", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="promotion_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(total_uses=0) | Q(used_count__lte=F("total_uses")),
                name="promotion_uses_within_limit",
            ),
            models.CheckConstraint(
                # Within half a cent: SQLite sums decimals in SQL as floating point (core.money).
                condition=Q(budget=0) | Q(discount_used__lte=F("budget") + HALF_CENT),
                name="promotion_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PromotionUse(models.Model):
    """A promotion (or coupon) gave `discount` on one paid order: what limits and budgets count,
    and what a return gives back."""

    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="uses")
    order_uuid = models.UUIDField()
    member_id = models.BigIntegerField(null=True, blank=True)
    discount = models.DecimalField(**MONEY)
    reversed_discount = models.DecimalField(default=Decimal("0"), **MONEY)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("promotion use")
        verbose_name_plural = _("promotion uses")
        indexes = [models.Index(fields=["promotion", "member_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["promotion", "order_uuid"], name="promotion_use_once_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.promotion_id} on {self.order_uuid}: {self.discount}"


class LabelUpdate(models.Model):
    """What an electronic shelf label for a SKU in a store should show now. Label devices pull
    pending updates and acknowledge them; a newer update for the same label supersedes."""

    store = models.ForeignKey("stores.Store", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+")
    display_price = models.DecimalField(**MONEY)
    regular_price = models.DecimalField(**MONEY)
    promo_text = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=32)  # price_change, promotion_start, promotion_end
    created_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=64, blank=True)  # device id

    class Meta:
        verbose_name = _("label update")
        verbose_name_plural = _("label updates")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["store", "id"],
                name="label_update_pending",
                condition=Q(acknowledged_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.sku_id} {self.display_price}"
