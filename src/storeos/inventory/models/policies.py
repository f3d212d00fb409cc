"""Stock policies: the min / max / safety stock a location keeps of a SKU."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import Sku
from storeos.stores.models import Location


class StockPolicy(models.Model):
    """Reorder at or below `min_qty`, refill up to `max_qty`; `safety_stock` is the buffer
    planners keep against demand and lead-time swings (at most `max_qty`)."""

    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="stock_policies",
        verbose_name=_("location"),
    )
    sku = models.ForeignKey(
        Sku, on_delete=models.CASCADE, related_name="stock_policies", verbose_name=_("SKU")
    )
    min_qty = models.IntegerField(_("minimum"))
    max_qty = models.IntegerField(_("maximum"))
    safety_stock = models.IntegerField(_("safety stock"), default=0)
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
        verbose_name = _("stock policy")
        verbose_name_plural = _("stock policies")
        ordering = ["location", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["location", "sku"], name="stock_policy_unique"),
            models.CheckConstraint(condition=Q(min_qty__gte=0), name="stock_policy_min_gte_0"),
            models.CheckConstraint(
                condition=Q(min_qty__lte=F("max_qty")), name="stock_policy_min_lte_max"
            ),
            models.CheckConstraint(
                condition=Q(safety_stock__gte=0) & Q(safety_stock__lte=F("max_qty")),
                name="stock_policy_safety_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location_id}/{self.sku_id}: {self.min_qty}–{self.max_qty}"
