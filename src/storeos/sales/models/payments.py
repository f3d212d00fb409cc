"""QR payments confirmed by a provider (WeChat Pay, Alipay, the demo sandbox) and their refunds."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.core.money import HALF_CENT
from storeos.sales.models.orders import MONEY, Order, Payment, PaymentMethod
from storeos.stores.models import Store


class IntentStatus(models.TextChoices):
    CREATED = "created", _("Waiting for the customer")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class PaymentIntent(models.Model):
    """A QR code shown at the till for one amount; the provider's signed notification marks it
    paid, and one checkout then claims it. It never pays a second order."""

    uuid = models.UUIDField(_("payment id"), unique=True)
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=16, choices=IntentStatus.choices, default=IntentStatus.CREATED
    )
    # Our number for the trade at the provider (WeChat allows 6–32 characters).
    out_trade_no = models.CharField(_("merchant trade number"), max_length=32, unique=True)
    provider_transaction_id = models.CharField(max_length=64, blank=True, db_index=True)
    # What the till shows: the code URL to draw as a QR code, and when it stops working.
    qr_payload = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("payable until"))
    succeeded_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # Not unique: a bill may be split over two QR payments (WeChat and Alipay, or two payers).
    # The conditional claim in `provider_payment_claim` is what stops an intent paying twice.
    claimed_by_order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_intents",
        verbose_name=_("order paid"),
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    refunded_amount = models.DecimalField(_("refunded"), default=Decimal("0"), **MONEY)
    # The verified notification as the provider sent it (payer identifiers removed).
    notification = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("QR payment")
        verbose_name_plural = _("QR payments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="intent_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0)
                & Q(refunded_amount__lte=F("amount") + HALF_CENT),
                name="intent_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(claimed_by_order__isnull=True) | Q(status=IntentStatus.SUCCEEDED),
                name="intent_claimed_only_when_paid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.out_trade_no} {self.amount} ({self.status})"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


class ProviderRefund(models.Model):
    """Money sent back through the provider that took it. Recorded with the return, sent once
    that commits; pending until the provider confirms (the sandbox confirms at once)."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="provider_refunds"
    )
    out_refund_no = models.CharField(_("refund number"), max_length=64, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    provider_refund_id = models.CharField(max_length=64, blank=True)
    # The signed request as built by the SDK (sent in a live deployment), and the reply.
    request = models.JSONField(default=dict, blank=True)
    response = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("provider refund")
        verbose_name_plural = _("provider refunds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="provider_refund_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.out_refund_no} {self.amount} ({self.status})"
