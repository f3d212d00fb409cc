"""What the chain sells: categories, series (IP lines, brands), products, SKUs, barcodes, prices."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from storeos.core.channels import Channel
from storeos.stores.models import Store


def validate_channels(value) -> None:
    if not isinstance(value, list) or any(c not in Channel.values for c in value):
        raise ValidationError(_("Unknown sales channel in %(value)s"), params={"value": value})


class Category(models.Model):
    """A node of the category tree. `path` ("/3/17/") makes subtree queries one LIKE."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """A product line the customer recognises: a LEGO theme (Technic, City) or a liquor brand."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    brand = models.CharField(_("brand"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("series"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Sku(models.Model):
    """A sellable unit with its own code, barcodes, cost and list price."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="skus", verbose_name=_("product")
    )
    code = models.CharField(_("SKU code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    spec = models.CharField(_("specification"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=16, default="pc")
    pack_size = models.PositiveIntegerField(_("pack size"), default=1)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, default=Decimal("0"))
    list_price = models.DecimalField(_("list price"), max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(
        _("tax rate"), max_digits=5, decimal_places=4, default=Decimal("0.13")
    )
    batch_tracked = models.BooleanField(_("batch tracked"), default=False)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    age_restricted = models.BooleanField(_("age restricted"), default=False)
    # Sold only to a member (a paid-membership plan): the till must attach one first.
    requires_member = models.BooleanField(_("members only"), default=False)
    blocked_channels = models.JSONField(
        _("channels not allowed"), default=list, blank=True, validators=[validate_channels]
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(list_price__gte=0), name="sku_list_price_gte_0"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="sku_cost_gte_0"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0) & Q(tax_rate__lt=1), name="sku_tax_rate_range"
            ),
            models.CheckConstraint(condition=Q(pack_size__gte=1), name="sku_pack_size_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def sellable_on(self, channel: str) -> bool:
        return channel not in self.blocked_channels


class Barcode(models.Model):
    """A scannable code (EAN-13, UPC, an in-house code) for a SKU; unique across the catalog."""

    sku = models.ForeignKey(
        Sku, on_delete=models.CASCADE, related_name="barcodes", verbose_name=_("SKU")
    )
    code = models.CharField(_("barcode"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("barcode")
        verbose_name_plural = _("barcodes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class PriceList(models.Model):
    """Prices that override the list price for a store and/or a channel during a validity window.

    No store = every store; no channel = every channel. The most specific valid list wins
    (store + channel, then store, then channel, then all), ties broken by the latest start.
    """

    class Kind(models.TextChoices):
        # The one open-ended list per store/channel that store price changes write to.
        STANDING = "standing", _("Standing store/channel prices")
        # A list made by hand, usually with a validity window (a promotion, a season).
        SCHEDULED = "scheduled", _("Scheduled price list")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SCHEDULED)
    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="price_lists",
        verbose_name=_("store"),
    )
    channel = models.CharField(
        _("channel"), max_length=32, choices=Channel.choices, blank=True, default=""
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="price_list_validity_ordered",
            ),
            # One standing list per store and channel, and one per channel chain-wide.
            models.UniqueConstraint(
                fields=["store", "channel"],
                condition=Q(kind="standing", store__isnull=False),
                name="price_list_standing_store_unique",
            ),
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(kind="standing", store__isnull=True),
                name="price_list_standing_chain_unique",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "store", "channel"])]

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="items", verbose_name=_("price list")
    )
    sku = models.ForeignKey(
        Sku, on_delete=models.CASCADE, related_name="price_list_items", verbose_name=_("SKU")
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "sku"], name="price_list_sku_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_list_item_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.price_list.code}/{self.sku.code} {self.price}"
