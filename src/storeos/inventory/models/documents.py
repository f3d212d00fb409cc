"""Stock documents: transfers between locations, stock counts and scrap (write-off) requests.

Documents say why stock moved; the moves themselves are StockMove rows that reference them.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Category, Sku
from storeos.inventory.models.stock import Batch
from storeos.stores.models import Location

USER = settings.AUTH_USER_MODEL


def _user_fk(verbose_name, *, null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )


class Transfer(models.Model):
    """Stock moving from one location to another: draft → shipped (in transit) → received."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SHIPPED = "shipped", _("Shipped")
        RECEIVED = "received", _("Received")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=32, unique=True)
    from_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        verbose_name=_("from"),
    )
    to_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("to")
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"))
    shipped_by = _user_fk(_("shipped by"))
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_by = _user_fk(_("received by"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_location=F("to_location")), name="transfer_distinct_locations"
            ),
        ]
        indexes = [models.Index(fields=["status", "to_location"])]

    def __str__(self) -> str:
        return self.number


class TransferLine(models.Model):
    """A SKU (and, once shipped, the batch FEFO picked) on a transfer.

    Shipping splits a line per batch, so every shipped line names exactly what left.
    `unit_cost` is the cost the units left with; they arrive at the same cost.
    """

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True)
    quantity = models.IntegerField(_("quantity"))
    shipped_quantity = models.IntegerField(_("shipped"), default=0)
    received_quantity = models.IntegerField(_("received"), default=0)
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    discrepancy_reason = models.CharField(_("discrepancy reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        ordering = ["transfer", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transfer_line_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0) & Q(shipped_quantity__lte=F("quantity")),
                name="transfer_line_shipped_in_range",
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0)
                & Q(received_quantity__lte=F("shipped_quantity")),
                name="transfer_line_received_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.quantity} × {self.sku_id}"

    @property
    def discrepancy(self) -> int:
        """Units shipped that did not arrive (meaningful once the transfer is received)."""
        return self.shipped_quantity - self.received_quantity


class StockCount(models.Model):
    """A count of one location: all SKUs, one category (and its subcategories), or a list."""

    class Scope(models.TextChoices):
        ALL = "all", _("All SKUs")
        CATEGORY = "category", _("Category")
        LIST = "list", _("List of SKUs")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", _("Cancelled")

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="stock_counts", verbose_name=_("location")
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    opened_by = _user_fk(_("opened by"))
    opened_at = models.DateTimeField(_("opened at"))
    posted_by = _user_fk(_("posted by"))
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="category", category__isnull=False)
                | (~Q(scope="category") & Q(category__isnull=True)),
                name="stock_count_category_iff_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"Count {self.pk} @ {self.location_id} ({self.status})"


class StockCountLine(models.Model):
    """Expected (on hand at opening, re-read when posting) against counted units.

    `counted` is empty until someone counts the line; a posted count treats it as zero.
    """

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True)
    expected = models.IntegerField(_("expected"))
    counted = models.IntegerField(_("counted"), null=True, blank=True)
    posted_difference = models.IntegerField(_("posted difference"), null=True, blank=True)
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=12, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("count line")
        verbose_name_plural = _("count lines")
        ordering = ["count", "sku", "batch", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["count", "sku", "batch"], name="count_line_sku_batch_unique"
            ),
            models.UniqueConstraint(
                fields=["count", "sku"],
                condition=Q(batch__isnull=True),
                name="count_line_sku_unbatched_unique",
            ),
            models.CheckConstraint(condition=Q(expected__gte=0), name="count_line_expected_gte_0"),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0),
                name="count_line_counted_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.sku_id} {self.counted}/{self.expected}"


class StockCountUnknownCode(models.Model):
    """A scanned code that matched no barcode and no SKU code, kept for the variance report."""

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="unknown_codes")
    code = models.CharField(_("code"), max_length=128)
    quantity = models.IntegerField(_("quantity"))

    class Meta:
        verbose_name = _("unknown scanned code")
        verbose_name_plural = _("unknown scanned codes")
        ordering = ["count", "code"]
        constraints = [
            models.UniqueConstraint(fields=["count", "code"], name="count_unknown_code_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="count_unknown_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.code} × {self.quantity}"


class ScrapRequest(models.Model):
    """A request to write off damaged, expired or lost stock; a store manager decides it."""

    class Reason(models.TextChoices):
        DAMAGED = "damaged", _("Damaged")
        EXPIRED = "expired", _("Expired")
        LOST = "lost", _("Lost")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="scrap_requests",
        verbose_name=_("location"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_by = _user_fk(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = _user_fk(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=255, blank=True)
    loss_value = models.DecimalField(
        _("loss value"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("scrap request")
        verbose_name_plural = _("scrap requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(loss_value__isnull=True) | Q(loss_value__gte=Decimal("0")),
                name="scrap_loss_value_gte_0",
            ),
        ]
        indexes = [models.Index(fields=["status", "location"])]

    def __str__(self) -> str:
        return f"Scrap {self.pk} @ {self.location_id} ({self.status})"


class ScrapLine(models.Model):
    """Units of a SKU (and batch) to write off; `unit_cost` is fixed on approval."""

    request = models.ForeignKey(ScrapRequest, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True)
    quantity = models.IntegerField(_("quantity"))
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=12, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("scrap line")
        verbose_name_plural = _("scrap lines")
        ordering = ["request", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="scrap_line_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.quantity} × {self.sku_id}"
