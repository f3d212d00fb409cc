"""Admin views of sales: orders and shifts are read-only records; every change goes through the
sales services (checkout, online order actions, returns, shift close) so nothing bypasses them."""

from django.contrib import admin
from django.http import HttpRequest

from storeos.core.admin import ReadOnlyAdmin
from storeos.sales.models import Order, OrderLine, Payment, Shift


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "line_no",
        "sku",
        "batch",
        "quantity",
        "unit_price",
        "discount",
        "line_total",
        "tax_amount",
        "unit_cost",
        "returned_quantity",
        "refunded_amount",
    ]
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = [
        "method",
        "status",
        "amount",
        "tendered",
        "change",
        "refunded_amount",
        "reference",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "store",
        "channel",
        "status",
        "fulfilment",
        "total",
        "created_at",
        "paid_at",
        "cashier",
    ]
    list_filter = ["status", "channel", "fulfilment", "store"]
    search_fields = ["number", "uuid", "tracking_no"]
    date_hierarchy = "created_at"
    list_select_related = ["store", "cashier"]
    exclude = ["request_hash", "pickup_code"]
    inlines = [OrderLineInline, PaymentInline]


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = [
        "store",
        "register",
        "cashier",
        "status",
        "opened_at",
        "closed_at",
        "opening_float",
        "expected_cash",
        "counted_cash",
        "variance",
    ]
    list_filter = ["status", "store"]
    search_fields = ["register", "cashier__username"]
    date_hierarchy = "opened_at"
    list_select_related = ["store", "cashier"]
