"""Cash shifts: a cashier's drawer from opening float to counted close."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from storeos.stores.models import Store

MONEY = {"max_digits": 12, "decimal_places": 2}


class Shift(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("store")
    )
    register = models.CharField(_("till"), max_length=32)
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cashier"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    opening_float = models.DecimalField(_("opening float"), **MONEY)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    expected_cash = models.DecimalField(_("expected cash"), null=True, blank=True, **MONEY)
    counted_cash = models.DecimalField(_("counted cash"), null=True, blank=True, **MONEY)
    variance = models.DecimalField(_("variance"), null=True, blank=True, **MONEY)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cash shift")
        verbose_name_plural = _("cash shifts")
        ordering = ["-opened_at"]
        constraints = [
            # One open shift per till at a time.
            models.UniqueConstraint(
                fields=["store", "register"],
                condition=Q(status="open"),
                name="shift_one_open_per_register",
            ),
            models.CheckConstraint(
                condition=Q(opening_float__gte=Decimal("0")), name="shift_float_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.register} {self.opened_at:%Y-%m-%d %H:%M}"
