"""Admin views of the audit log and the outbox: read-only, since both are records of the past."""

from django.contrib import admin
from django.http import HttpRequest

from storeos.core.models import AuditEntry, OutboxEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by those with the view permission; nobody adds, edits or deletes history."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "store_id"]
    list_filter = ["action"]
    search_fields = ["object_id"]
    date_hierarchy = "at"
    list_select_related = ["actor"]


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "topic", "created_at", "dispatched_at", "attempts"]
    list_filter = ["topic", ("dispatched_at", admin.EmptyFieldListFilter)]
    search_fields = ["topic"]
