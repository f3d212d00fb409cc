"""Stock levels, the append-only move ledger, batches, moving-average cost and reservations."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Category, Sku
from storeos.core.channels import Channel
from storeos.stores.models import Location


class Batch(models.Model):
    """A lot of a batch-tracked SKU with its production and expiry dates."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="batches")
    lot_code = models.CharField(_("lot code"), max_length=64)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["sku", "expiry_date", "lot_code"]
        constraints = [
            models.UniqueConstraint(fields=["sku", "lot_code"], name="batch_sku_lot_unique"),
            models.CheckConstraint(
                condition=Q(production_date__isnull=True)
                | Q(expiry_date__gte=F("production_date")),
                name="batch_expiry_after_production",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot_code} (exp. {self.expiry_date})"


class StockLevel(models.Model):
    """On hand and reserved units of one SKU (and batch) at one location.

    Changed only by conditional UPDATEs in inventory.stock, in the same transaction as the
    StockMove that explains the change; the constraints are the last line of defence.
    """

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_levels")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="stock_levels")
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="stock_levels"
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "sku", "batch"], name="stock_level_location_sku_batch_unique"
            ),
            models.UniqueConstraint(
                fields=["location", "sku"],
                condition=Q(batch__isnull=True),
                name="stock_level_location_sku_unbatched_unique",
            ),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_gte_0"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_gte_0"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_lte_on_hand"
            ),
        ]
        indexes = [models.Index(fields=["sku", "location"])]

    def __str__(self) -> str:
        return f"{self.location_id}/{self.sku_id}/{self.batch_id}: {self.on_hand} ({self.reserved})"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class MoveKind(models.TextChoices):
    RECEIVE = "receive", _("Receipt")
    SALE = "sale", _("Sale")
    RETURN = "return", _("Customer return")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUST = "adjust", _("Adjustment")
    COUNT_VARIANCE = "count_variance", _("Count variance")
    SCRAP = "scrap", _("Scrap")


class StockMove(models.Model):
    """One change of on-hand stock at one location. Append-only: corrections are new moves.

    `quantity` is signed: positive into the location, negative out of it. `unit_cost` is the
    moving-average cost at the moment of the move, so margins and loss values are exact later.
    """

    at = models.DateTimeField(_("at"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_moves")
    # The (sku, location, id) index serves lookups by SKU; a second index would only slow sales.
    sku = models.ForeignKey(
        Sku, on_delete=models.PROTECT, related_name="stock_moves", db_index=False
    )
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="stock_moves"
    )
    quantity = models.IntegerField(_("quantity"))
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=4)
    reference_type = models.CharField(_("document type"), max_length=32, blank=True)
    reference_id = models.CharField(_("document"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        db_index=False,
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_quantity_nonzero"),
        ]
        indexes = [
            models.Index(fields=["sku", "location", "id"]),
            models.Index(fields=["reference_type", "reference_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d} {self.sku_id}@{self.location_id}"


class SkuCost(models.Model):
    """The chain-wide moving-average unit cost of a SKU, updated on every receipt."""

    sku = models.OneToOneField(Sku, on_delete=models.CASCADE, related_name="moving_cost")
    average_cost = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("0"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(average_cost__gte=0), name="sku_cost_avg_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}: {self.average_cost}"


class Reservation(models.Model):
    """Stock held for an order until it is paid (committed), cancelled or expires (released)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMMITTED = "committed", _("Committed")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    reference = models.CharField(_("order reference"), max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True)
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_line_qty_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.reservation_id}: {self.quantity} × {self.sku_id}"


class ChannelBuffer(models.Model):
    """Units of a SKU held back from a channel's available-to-promise (a safety buffer)."""

    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="channel_buffers")
    quantity = models.PositiveIntegerField(_("buffer"))

    class Meta:
        verbose_name = _("channel safety buffer")
        verbose_name_plural = _("channel safety buffers")
        constraints = [
            models.UniqueConstraint(fields=["channel", "sku"], name="channel_buffer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.sku_id}: {self.quantity}"


class AvailabilityState(models.Model):
    """Whether a SKU was last seen available on a channel, to emit an event when that flips."""

    channel = models.CharField(max_length=32, choices=Channel.choices)
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="+")
    available = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "sku"], name="availability_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.sku_id}: {self.available}"


class ExpiryWindow(models.Model):
    """How many days before expiry a category's batches count as near expiry (default 90)."""

    category = models.OneToOneField(
        Category, on_delete=models.CASCADE, related_name="expiry_window"
    )
    days = models.PositiveIntegerField(_("alert window (days)"))

    class Meta:
        verbose_name = _("near-expiry window")
        verbose_name_plural = _("near-expiry windows")

    def __str__(self) -> str:
        return f"{self.category}: {self.days} d"


class ExpiryAlert(models.Model):
    """A near-expiry alert raised once per batch and location."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="alerts")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    quantity = models.IntegerField(_("quantity"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("near-expiry alert")
        verbose_name_plural = _("near-expiry alerts")
        constraints = [
            models.UniqueConstraint(fields=["batch", "location"], name="expiry_alert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch} @ {self.location_id}"
