"""Where the chain sells and keeps stock: regions, stores, stock locations and in-store zones."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from storeos.core.channels import Channel


def validate_channels(value) -> None:
    if not isinstance(value, list) or any(c not in Channel.values for c in value):
        raise ValidationError(
            _("Channels must be a list drawn from: %(known)s"),
            params={"known": ", ".join(Channel.values)},
        )


class Region(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Store(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="stores", verbose_name=_("region")
    )
    city = models.CharField(_("city"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    selling_area_m2 = models.DecimalField(
        _("selling area (m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(selling_area_m2__isnull=True) | models.Q(selling_area_m2__gt=0),
                name="store_selling_area_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Location(models.Model):
    """A place that holds stock: a store's shelf or back room, or a warehouse."""

    class Kind(models.TextChoices):
        STORE_SHELF = "store_shelf", _("Store shelf")
        STORE_BACKROOM = "store_backroom", _("Store back room")
        REGIONAL_WAREHOUSE = "regional_warehouse", _("Regional warehouse")
        CENTRAL_WAREHOUSE = "central_warehouse", _("Central warehouse")

    # Room for a store code plus a "-SHELF" / "-BACK" suffix (see store_create).
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("store"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("region"),
    )
    sellable = models.BooleanField(_("sellable"), default=False)
    channels = models.JSONField(
        _("channels served"), default=list, blank=True, validators=[validate_channels]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__startswith="store_") | models.Q(store__isnull=False),
                name="location_store_kind_has_store",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Zone(models.Model):
    """An area inside a store (entrance, a series wall, the till): the unit of traffic heatmaps."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="zones", verbose_name=_("store")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["store", "code"]
        constraints = [
            models.UniqueConstraint(fields=["store", "code"], name="zone_store_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.store.code}/{self.code} {self.name}"
