"""Orders for every channel, their lines and the payments that settle them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Sku
from storeos.core.channels import Channel
from storeos.core.money import HALF_CENT
from storeos.inventory.models import Batch
from storeos.stores.models import Location, Store

MONEY = {"max_digits": 12, "decimal_places": 2}


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pick-up")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Fulfilment(models.TextChoices):
    IN_STORE = "in_store", _("Taken in store")
    PICKUP = "pickup", _("Pick up in store")
    DELIVERY = "delivery", _("Delivery")


class Order(models.Model):
    """A sale on any channel. `uuid` is chosen by the client so a resubmitted order lands once."""

    uuid = models.UUIDField(_("order id"), unique=True)
    number = models.CharField(_("number"), max_length=40, unique=True)
    # Orders are found by store through the (store, business_date) index; fewer indexes on the
    # busiest insert of the system.
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("store"),
        db_index=False,
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stock location"),
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=24, choices=OrderStatus.choices)
    fulfilment = models.CharField(
        _("fulfilment"), max_length=16, choices=Fulfilment.choices, default=Fulfilment.IN_STORE
    )
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cashier"),
    )
    associate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sales associate"),
    )
    # The loyalty context owns members; sales keeps the id so it does not depend on loyalty.
    member_id = models.BigIntegerField(_("member"), null=True, blank=True, db_index=True)
    shift = models.ForeignKey(
        "sales.Shift", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    age_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("age confirmed by"),
        db_index=False,
    )
    age_confirmed_at = models.DateTimeField(_("age confirmed at"), null=True, blank=True)
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    discount_total = models.DecimalField(_("discount"), default=Decimal("0"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    tax_total = models.DecimalField(_("tax"), default=Decimal("0"), **MONEY)
    cost_total = models.DecimalField(_("cost"), default=Decimal("0"), **MONEY)
    refunded_total = models.DecimalField(_("refunded"), default=Decimal("0"), **MONEY)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    business_date = models.DateField(_("business day"), db_index=True)
    expires_at = models.DateTimeField(_("payment due by"), null=True, blank=True)
    pickup_code = models.CharField(_("pick-up code"), max_length=12, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Delivery orders: who carries the parcel and its tracking number, once shipped.
    carrier = models.CharField(_("carrier"), max_length=32, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    # When an unpaid order was cancelled or expired.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    request_hash = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=255, blank=True)
    # Order-level explanations from the pricing engine (spend-and-save, coupons, gifts, points
    # multipliers) and the coupon codes redeemed; line discounts carry their own.
    adjustments = models.JSONField(default=list, blank=True)
    coupon_codes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "business_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_gte_0"),
            # Within half a cent rather than exact (here and for refunds): SQLite computes
            # decimals in SQL as floating point, where 40.20 − 3.22 is not 36.98. Amounts are
            # whole cents, so on PostgreSQL this is the exact comparison.
            models.CheckConstraint(
                condition=Q(total__gte=F("subtotal") - F("discount_total") - HALF_CENT)
                & Q(total__lte=F("subtotal") - F("discount_total") + HALF_CENT),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(refunded_total__gte=0) & Q(refunded_total__lte=F("total") + HALF_CENT),
                name="order_refunded_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """What was sold: quantity, the price charged, the discount allocated to it, tax and cost."""

    # The unique (order, line_no) index serves lookups by order.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", db_index=False)
    line_no = models.PositiveSmallIntegerField()
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    # Set when the cashier scanned a specific batch; otherwise FEFO chose (see the stock moves).
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    discount = models.DecimalField(_("discount"), default=Decimal("0"), **MONEY)
    line_total = models.DecimalField(_("line total"), **MONEY)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4)
    tax_amount = models.DecimalField(_("tax"), **MONEY)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=4)
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)
    refunded_amount = models.DecimalField(_("refunded"), default=Decimal("0"), **MONEY)
    # Explanations of the discount (promotion / coupon and amount), filled by the pricing engine.
    adjustments = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="order_line_no_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")),
                name="order_line_returned_lte_sold",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("line_total") + HALF_CENT),
                name="order_line_refund_lte_total",
            ),
            models.CheckConstraint(condition=Q(line_total__gte=0), name="order_line_total_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.line_no} {self.quantity} × {self.sku_id}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    SANDBOX = "sandbox", _("Sandbox QR (demo)")
    # The refund of an exchange's returned goods, paying for the new goods (sales/returns.py).
    EXCHANGE = "exchange", _("Exchange credit")
    # Member points spent as money (the loyalty programme sets how many points make a yuan).
    POINTS = "points", _("Points")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Payment(models.Model):
    """Money received for an order. Cash records what was tendered and the change given."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    tendered = models.DecimalField(_("tendered"), null=True, blank=True, **MONEY)
    change = models.DecimalField(_("change"), default=Decimal("0"), **MONEY)
    refunded_amount = models.DecimalField(_("refunded"), default=Decimal("0"), **MONEY)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    provider_transaction_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"))
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0"),
            models.CheckConstraint(condition=Q(change__gte=0), name="payment_change_gte_0"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0)
                & Q(refunded_amount__lte=F("amount") + HALF_CENT),
                name="payment_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} ({self.status})"
