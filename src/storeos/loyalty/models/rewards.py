"""The rewards catalogue: goods, coupons and experiences a member buys with points."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Sku
from storeos.loyalty.models.members import Member
from storeos.loyalty.models.points import PointsEntry
from storeos.stores.models import Store


class RewardKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    COUPON = "coupon", _("Coupon")
    EXPERIENCE = "experience", _("Experience")


class Reward(models.Model):
    """Something on the rewards shelf. Goods keep their own reward stock (set aside from the
    shop's); a coupon reward issues a coupon of its template; an experience has sessions."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RewardKind.choices)
    points_cost = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("reward stock"), default=0)  # goods only
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    coupon_template = models.ForeignKey(
        "promotions.CouponTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    min_tier_rank = models.PositiveSmallIntegerField(_("lowest tier (rank)"), default=0)
    per_member_limit = models.PositiveIntegerField(_("per member"), default=0)  # 0: no limit
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["points_cost", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(points_cost__gt=0), name="reward_cost_gt_0"),
            models.CheckConstraint(
                condition=~Q(kind=RewardKind.COUPON) | Q(coupon_template__isnull=False),
                name="reward_coupon_has_template",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RewardSession(models.Model):
    """One date of an experience (a building class, a tasting) with its seats."""

    reward = models.ForeignKey(Reward, on_delete=models.CASCADE, related_name="sessions")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    capacity = models.PositiveIntegerField(_("seats"))
    booked = models.PositiveIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("experience session")
        verbose_name_plural = _("experience sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="reward_session_within_capacity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reward_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class RewardRedemption(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        FULFILLED = "fulfilled", _("Handed over")
        CANCELLED = "cancelled", _("Cancelled")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="reward_redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    session = models.ForeignKey(
        RewardSession, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    entry = models.OneToOneField(PointsEntry, on_delete=models.PROTECT, related_name="+")
    coupon = models.ForeignKey(
        "promotions.Coupon", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ISSUED)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reward redemption")
        verbose_name_plural = _("reward redemptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.reward_id} ({self.status})"
