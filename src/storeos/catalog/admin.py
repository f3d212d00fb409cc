"""Admin for the catalog. Creates and price changes go through the catalog services, so every
price change is audited and announced; the list price itself is changed on the price page."""

from django import forms
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from storeos.catalog.models import (
    Barcode,
    Category,
    PriceList,
    PriceListItem,
    Product,
    Series,
    Sku,
)
from storeos.catalog.services import (
    SKU_UPDATABLE,
    category_create,
    price_list_create,
    price_list_item_remove,
    price_list_item_set,
    sku_create,
    sku_update,
)
from storeos.core.audit import audit_record
from storeos.stores.admin import ServiceErrorsAsMessages, adopt


@admin.register(Category)
class CategoryAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["code", "name", "parent", "path"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a category would leave its subtree's paths stale.
        return ["path", "parent"] if obj is not None else ["path"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = category_create(
            actor=request.user, code=obj.code, name=obj.name, parent=obj.parent
        )
        adopt(obj, created)
        obj.path = created.path


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "brand"]
    search_fields = ["code", "name", "brand"]


class SkuInline(admin.TabularInline):
    """The product's SKUs at a glance; each is added and edited on its own page."""

    model = Sku
    fields = ["code", "name", "list_price", "is_active"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "series"]
    list_filter = ["category", "series"]
    search_fields = ["code", "name"]
    list_select_related = ["category", "series"]
    inlines = [SkuInline]


class BarcodeInline(admin.TabularInline):
    model = Barcode
    extra = 1


@admin.register(Sku)
class SkuAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["code", "name", "product", "list_price", "is_active"]
    list_filter = [
        "is_active",
        "product__category",
        "product__series",
        "batch_tracked",
        "age_restricted",
    ]
    search_fields = ["code", "name", "barcodes__code"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    inlines = [BarcodeInline]

    def get_readonly_fields(self, request, obj=None):
        # A price change needs a reason and leaves an audit row: it has its own page.
        return ["code", "list_price", "price_change_link"] if obj is not None else []

    @admin.display(description=_("change the price"))
    def price_change_link(self, obj: Sku):
        try:
            url = reverse("catalog:price_change", args=[obj.pk])
        except NoReverseMatch:
            return _("Use the catalog's price change page (POST /api/v1/catalog/skus/{id}/price).")
        return format_html('<a href="{}">{}</a>', url, _("Change the price (with a reason)"))

    def save_model(self, request, obj: Sku, form: forms.ModelForm, change: bool) -> None:
        if change:
            changes = {f: form.cleaned_data[f] for f in form.changed_data if f in SKU_UPDATABLE}
            if changes:
                sku_update(actor=request.user, sku=obj, **changes)
            return
        created = sku_create(
            actor=request.user,
            product=obj.product,
            code=obj.code,
            name=obj.name,
            list_price=obj.list_price,
            cost=obj.cost,
            spec=obj.spec,
            unit=obj.unit,
            pack_size=obj.pack_size,
            tax_rate=obj.tax_rate,
            batch_tracked=obj.batch_tracked,
            shelf_life_days=obj.shelf_life_days,
            age_restricted=obj.age_restricted,
            blocked_channels=obj.blocked_channels,
        )
        adopt(obj, created)


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 1
    autocomplete_fields = ["sku"]


@admin.register(PriceList)
class PriceListAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "store",
        "channel",
        "valid_from",
        "valid_to",
        "is_active",
    ]
    list_filter = ["kind", "channel", "is_active", "store"]
    search_fields = ["code", "name"]
    list_select_related = ["store"]
    inlines = [PriceListItemInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "kind", "store", "channel"] if obj is not None else ["kind"]

    def save_model(self, request, obj: PriceList, form, change):
        if change:
            fields = [
                f for f in form.changed_data if f in {"name", "valid_from", "valid_to", "is_active"}
            ]
            if fields:
                before = {f: str(form.initial.get(f)) for f in fields}
                super().save_model(request, obj, form, change)
                audit_record(
                    actor=request.user,
                    action="price_list.update",
                    obj=obj,
                    store_id=obj.store_id,
                    before=before,
                    after={f: str(getattr(obj, f)) for f in fields},
                )
            return
        created = price_list_create(
            actor=request.user,
            code=obj.code,
            name=obj.name,
            store=obj.store,
            channel=obj.channel,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            is_active=obj.is_active,
        )
        adopt(obj, created)

    def save_formset(self, request, form, formset, change):
        if formset.model is not PriceListItem:
            return super().save_formset(request, form, formset, change)
        # Each item change is a price change: audited, announced, one service call each.
        price_list = form.instance
        # The admin's history message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for item_form in formset.deleted_forms:
            if item_form.instance.pk:
                # The form has already copied its input onto the instance: take the saved SKU.
                original = Sku.objects.get(pk=item_form.initial["sku"])
                price_list_item_remove(actor=request.user, price_list=price_list, sku=original)
                formset.deleted_objects.append(item_form.instance)
        for item_form in formset.forms:
            if item_form in formset.deleted_forms or not item_form.has_changed():
                continue
            data = item_form.cleaned_data
            if not data:
                continue
            existing = item_form.instance.pk is not None
            if existing and item_form.initial["sku"] != data["sku"].pk:
                original = Sku.objects.get(pk=item_form.initial["sku"])
                price_list_item_remove(actor=request.user, price_list=price_list, sku=original)
            price_list_item_set(
                actor=request.user, price_list=price_list, sku=data["sku"], price=data["price"]
            )
            if existing:
                formset.changed_objects.append((item_form.instance, item_form.changed_data))
            else:
                formset.new_objects.append(item_form.instance)
