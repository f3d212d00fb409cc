"""Admin for the stock room. Stock and its documents are read-only here: the ledger is append-only
and every change goes through the inventory services, so the admin's actions call them with the
signed-in user and show a refusal as a message. Policies, channel buffers and near-expiry windows
are simple settings and can be edited (policies and buffers through their audited services)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from storeos.core.admin import ReadOnlyAdmin
from storeos.core.errors import DomainError
from storeos.inventory import counts, scrap, services, transfers
from storeos.inventory.models import (
    Batch,
    ChannelBuffer,
    ExpiryAlert,
    ExpiryWindow,
    Reservation,
    ReservationLine,
    ScrapLine,
    ScrapRequest,
    StockCount,
    StockCountLine,
    StockCountUnknownCode,
    StockLevel,
    StockMove,
    StockPolicy,
    Transfer,
    TransferLine,
)
from storeos.inventory.policies import policy_set
from storeos.stores.admin import ServiceErrorsAsMessages, adopt


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def run_for_each(modeladmin, request: HttpRequest, queryset: QuerySet, operation, done) -> None:
    """Apply a service to each selected document in its own transaction; report what happened.

    One refusal (wrong status, not this user's store, own request) does not stop the others.
    """
    succeeded = 0
    for obj in queryset.order_by("pk"):
        try:
            operation(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done(succeeded), level=messages.SUCCESS)


# --- Stock and its ledger ------------------------------------------------------------------------
@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["location", "sku", "batch", "on_hand", "reserved", "available"]
    list_filter = ["location"]
    search_fields = ["sku__code", "sku__name", "batch__lot_code"]
    list_select_related = ["location", "sku", "batch"]


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "kind",
        "location",
        "sku",
        "batch",
        "quantity",
        "unit_cost",
        "reference_type",
        "reference_id",
        "actor",
    ]
    list_filter = ["kind", "location"]
    search_fields = ["sku__code", "reference_id", "note"]
    date_hierarchy = "at"
    list_select_related = ["location", "sku", "batch", "actor"]


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ["lot_code", "sku", "production_date", "expiry_date", "created_at"]
    search_fields = ["lot_code", "sku__code"]
    date_hierarchy = "expiry_date"
    list_select_related = ["sku"]


class ReservationLineInline(ReadOnlyInline):
    model = ReservationLine
    fields = ["location", "sku", "batch", "quantity"]
    readonly_fields = fields


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "channel", "status", "created_at", "expires_at", "closed_at"]
    list_filter = ["status", "channel"]
    search_fields = ["reference"]
    date_hierarchy = "created_at"
    inlines = [ReservationLineInline]


@admin.register(ExpiryAlert)
class ExpiryAlertAdmin(ReadOnlyAdmin):
    list_display = ["batch", "location", "quantity", "raised_at", "acknowledged_at"]
    list_filter = ["location", ("acknowledged_at", admin.EmptyFieldListFilter)]
    search_fields = ["batch__lot_code", "batch__sku__code"]
    list_select_related = ["batch", "location"]
    actions = ["acknowledge"]

    @admin.action(description=_("Acknowledge the selected alerts"))
    def acknowledge(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset.select_related("location"),
            lambda alert: services.alert_acknowledge(actor=request.user, alert=alert),
            lambda n: ngettext("%d alert acknowledged.", "%d alerts acknowledged.", n) % n,
        )


# --- Documents -----------------------------------------------------------------------------------
class TransferLineInline(ReadOnlyInline):
    model = TransferLine
    fields = [
        "sku",
        "batch",
        "quantity",
        "shipped_quantity",
        "received_quantity",
        "unit_cost",
        "discrepancy_reason",
    ]
    readonly_fields = fields


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "from_location", "to_location", "created_at", "shipped_at"]
    list_filter = ["status", "from_location", "to_location"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
    list_select_related = ["from_location", "to_location"]
    inlines = [TransferLineInline]
    actions = ["cancel"]

    @admin.action(description=_("Cancel the selected draft transfers"))
    def cancel(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset.select_related("from_location"),
            lambda transfer: transfers.transfer_cancel(actor=request.user, transfer=transfer),
            lambda n: ngettext("%d transfer cancelled.", "%d transfers cancelled.", n) % n,
        )


class StockCountLineInline(ReadOnlyInline):
    model = StockCountLine
    fields = ["sku", "batch", "expected", "counted", "posted_difference", "unit_cost"]
    readonly_fields = fields


class UnknownCodeInline(ReadOnlyInline):
    model = StockCountUnknownCode
    fields = ["code", "quantity"]
    readonly_fields = fields


@admin.register(StockCount)
class StockCountAdmin(ReadOnlyAdmin):
    list_display = ["pk", "location", "scope", "category", "status", "opened_at", "posted_at"]
    list_filter = ["status", "scope", "location"]
    date_hierarchy = "opened_at"
    list_select_related = ["location", "category"]
    inlines = [StockCountLineInline, UnknownCodeInline]
    actions = ["post", "cancel"]

    @admin.action(description=_("Post the selected counts (stock becomes what was counted)"))
    def post(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset.select_related("location"),
            lambda count: counts.count_post(actor=request.user, count=count),
            lambda n: ngettext("%d count posted.", "%d counts posted.", n) % n,
        )

    @admin.action(description=_("Cancel the selected open counts"))
    def cancel(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset.select_related("location"),
            lambda count: counts.count_cancel(actor=request.user, count=count),
            lambda n: ngettext("%d count cancelled.", "%d counts cancelled.", n) % n,
        )


class ScrapLineInline(ReadOnlyInline):
    model = ScrapLine
    fields = ["sku", "batch", "quantity", "unit_cost"]
    readonly_fields = fields


@admin.register(ScrapRequest)
class ScrapRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "location",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "loss_value",
    ]
    list_filter = ["status", "reason", "location"]
    date_hierarchy = "requested_at"
    list_select_related = ["location", "requested_by", "decided_by"]
    inlines = [ScrapLineInline]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected scrap requests (writes the stock off)"))
    def approve(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset.select_related("location"),
            lambda pending: scrap.scrap_approve(actor=request.user, request=pending),
            lambda n: ngettext("%d scrap request approved.", "%d scrap requests approved.", n) % n,
        )


# --- Settings ------------------------------------------------------------------------------------
@admin.register(StockPolicy)
class StockPolicyAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["location", "sku", "min_qty", "max_qty", "safety_stock", "updated_at"]
    list_filter = ["location"]
    search_fields = ["sku__code", "sku__name"]
    list_select_related = ["location", "sku"]
    autocomplete_fields = ["location", "sku"]
    fields = ["location", "sku", "min_qty", "max_qty", "safety_stock"]

    def get_readonly_fields(self, request, obj=None):
        return ["location", "sku"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        # Policy changes are audited; a deletion would not be. Set the levels instead.
        return False

    def save_model(self, request, obj: StockPolicy, form, change: bool) -> None:
        saved = policy_set(
            actor=request.user,
            location=obj.location,
            sku=obj.sku,
            min_qty=obj.min_qty,
            max_qty=obj.max_qty,
            safety_stock=obj.safety_stock,
        )
        adopt(obj, saved)


@admin.register(ChannelBuffer)
class ChannelBufferAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["channel", "sku", "quantity"]
    list_filter = ["channel"]
    search_fields = ["sku__code"]
    list_select_related = ["sku"]
    autocomplete_fields = ["sku"]

    def get_readonly_fields(self, request, obj=None):
        return ["channel", "sku"] if obj is not None else []

    def save_model(self, request, obj: ChannelBuffer, form, change: bool) -> None:
        saved = services.channel_buffer_set(
            actor=request.user, channel=obj.channel, sku=obj.sku, quantity=obj.quantity
        )
        if saved is not None:
            adopt(obj, saved)

    def delete_model(self, request, obj: ChannelBuffer) -> None:
        services.channel_buffer_set(
            actor=request.user, channel=obj.channel, sku=obj.sku, quantity=0
        )

    def delete_queryset(self, request, queryset) -> None:
        for buffer in queryset.select_related("sku").order_by("pk"):
            self.delete_model(request, buffer)


@admin.register(ExpiryWindow)
class ExpiryWindowAdmin(admin.ModelAdmin):
    list_display = ["category", "days"]
    search_fields = ["category__code", "category__name"]
    autocomplete_fields = ["category"]
