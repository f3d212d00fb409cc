"""Returns and exchanges: what came back, what was refunded and how, and the return windows."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Category
from storeos.sales.models.orders import MONEY, Order, OrderLine, Payment, PaymentMethod
from storeos.sales.models.shifts import Shift
from storeos.stores.models import Location, Store


class ReturnPolicy(models.Model):
    """How many business days after the sale a category's goods may come back.

    A category without a policy inherits its nearest ancestor's; with none up the tree the
    chain default (15 days) applies.
    """

    category = models.OneToOneField(
        Category,
        on_delete=models.CASCADE,
        related_name="return_policy",
        verbose_name=_("category"),
    )
    window_days = models.PositiveSmallIntegerField(_("return window (days)"))
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_days__lte=3650), name="return_policy_window_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}: {self.window_days} days"


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")


class SalesReturn(models.Model):
    """Goods a customer brought back against one order. `uuid` is chosen by the client, so a
    resubmitted return lands once."""

    uuid = models.UUIDField(_("return id"), unique=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ReturnKind.choices, default=ReturnKind.RETURN
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, null=True, blank=True, related_name="returns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken back by"),
    )
    created_at = models.DateTimeField(_("created at"), db_index=True)
    business_date = models.DateField(_("business day"), db_index=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Set when the return came after the window and a manager allowed it anyway.
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("window overridden by"),
    )
    override_reason = models.CharField(_("override reason"), max_length=255, blank=True)
    refund_total = models.DecimalField(_("refund"), default=Decimal("0"), **MONEY)
    exchange_order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exchanged for"),
    )
    request_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "business_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(refund_total__gte=0), name="return_refund_gte_0"),
            models.CheckConstraint(
                condition=Q(override_by__isnull=True) | ~Q(override_reason=""),
                name="return_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid} of {self.order_id}"


class Disposition(models.TextChoices):
    RESTOCK = "restock", _("Back on the shelf")
    SCRAP = "scrap", _("Damaged: scrapped")


class ReturnLine(models.Model):
    """Units of one order line that came back, the refund for them and where they went."""

    sales_return = models.ForeignKey(SalesReturn, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    refund_amount = models.DecimalField(_("refund"), **MONEY)
    disposition = models.CharField(_("disposition"), max_length=16, choices=Disposition.choices)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("stock location")
    )

    class Meta:
        ordering = ["sales_return", "order_line"]
        constraints = [
            models.UniqueConstraint(
                fields=["sales_return", "order_line"], name="return_line_once_per_order_line"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(refund_amount__gte=0), name="return_line_refund_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sales_return_id}: {self.quantity} × line {self.order_line_id}"


class ReturnRefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Refunded")
    # The QR provider refused; the money did not go back (a manager settles it by hand).
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money going back for a return, through one of the payments it came in by.

    An exchange's credit towards the new order is a refund too, with no payment (method
    "exchange"): the money stays in the store and pays for the new goods.
    """

    sales_return = models.ForeignKey(SalesReturn, on_delete=models.CASCADE, related_name="refunds")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(_("status"), max_length=16, choices=ReturnRefundStatus.choices)
    # The provider's refund number for QR methods; the new order's number for exchange credit.
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["sales_return", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} ({self.status})"
