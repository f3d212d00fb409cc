"""Admin for regions, stores, locations and zones. Writes go through the stores services."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from storeos.core.errors import DomainError
from storeos.stores.models import Location, Region, Store, Zone
from storeos.stores.services import STORE_UPDATABLE, store_create, store_update


class ServiceErrorsAsMessages:
    """Show a service's refusal as an error message instead of a server error.

    The admin runs each save in a transaction, so a refusal raised mid-save leaves nothing behind.
    """

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except DomainError as exc:
            self.message_user(request, str(exc.message), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def adopt(obj, created) -> None:
    """Make the admin's unsaved `obj` stand for the row a service created, so inlines attach."""
    obj.pk = created.pk
    obj._state.adding = False
    obj._state.db = created._state.db


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class LocationInline(admin.TabularInline):
    model = Location
    fields = ["code", "name", "kind", "sellable", "channels", "is_active"]
    extra = 0
    show_change_link = True


class ZoneInline(admin.TabularInline):
    model = Zone
    fields = ["code", "name", "area_m2"]
    extra = 0


@admin.register(Store)
class StoreAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["code", "name", "region", "city", "selling_area_m2", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["region"]
    inlines = [LocationInline, ZoneInline]

    def get_readonly_fields(self, request, obj=None):
        # Other systems know a store by its code.
        return ["code"] if obj is not None else []

    def get_inlines(self, request, obj):
        # A new store gets its shelf and back room from store_create; add more afterwards.
        return self.inlines if obj is not None else []

    def save_model(self, request, obj: Store, form: forms.ModelForm, change: bool) -> None:
        if change:
            changes = {f: form.cleaned_data[f] for f in form.changed_data if f in STORE_UPDATABLE}
            if changes:
                store_update(actor=request.user, store=obj, **changes)
            return
        created = store_create(
            actor=request.user,
            code=obj.code,
            name=obj.name,
            region=obj.region,
            city=obj.city,
            address=obj.address,
            time_zone=obj.time_zone,
            selling_area_m2=obj.selling_area_m2,
        )
        if obj.opened_on or not obj.is_active:
            store_update(
                actor=request.user,
                store=created,
                opened_on=obj.opened_on,
                is_active=obj.is_active,
            )
        adopt(obj, created)
        self.message_user(request, _("The store's shelf and back-room locations were created."))


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "store", "region", "sellable", "is_active"]
    list_filter = ["kind", "sellable", "is_active", "region"]
    search_fields = ["code", "name", "store__code", "store__name"]
    list_select_related = ["store", "region"]
    autocomplete_fields = ["store"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["store", "code", "name", "area_m2"]
    list_filter = ["store"]
    search_fields = ["code", "name", "store__code"]
    list_select_related = ["store"]
