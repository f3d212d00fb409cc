"""Admin for users and API tokens. Role and access changes go through the services, so they are
checked and audited exactly as they are from the API."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from storeos.accounts import services
from storeos.accounts.models import ApiToken, RoleGrant, User
from storeos.core.errors import DomainError
from storeos.core.errors import PermissionDenied as DomainPermissionDenied
from storeos.core.pii import mask_phone
from storeos.web.errors import error_message

ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1
    fields = ["role", "store"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_superuser"]
    # The phone is personal data: shown masked, never editable as plain text here.
    readonly_fields = ["phone_masked"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("phone_masked", "preferred_language")}),
    )

    @admin.display(description=_("phone"))
    def phone_masked(self, obj: User) -> str:
        return mask_phone(obj.phone) if obj.phone else "-"

    def changeform_view(self, request: HttpRequest, *args, **kwargs):
        # A refusal from the services (the last administrator, say) rolled the whole form back;
        # the form comes back with the reason instead of an error page.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except DomainError as exc:
            if isinstance(exc, DomainPermissionDenied):
                raise DjangoPermissionDenied(exc.message) from exc
            self.message_user(request, error_message(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Save the ordinary fields as they were typed, but the access flags only via the service.
        stored = User.objects.only(*ACCESS_FLAGS).get(pk=obj.pk)
        wanted = {flag: getattr(obj, flag) for flag in ACCESS_FLAGS}
        for flag in ACCESS_FLAGS:
            setattr(obj, flag, getattr(stored, flag))
        super().save_model(request, obj, form, change)
        services.user_access_update(actor=request.user, user=obj, **wanted)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        user = form.instance
        grants = formset.save(commit=False)
        for grant in formset.deleted_objects:
            services.role_revoke(actor=request.user, user=user, role=grant.role, store=grant.store)
        for grant in grants:
            if grant.pk is not None:  # an edited row: the old grant goes, the new one comes
                old = RoleGrant.objects.select_related("store").get(pk=grant.pk)
                services.role_revoke(actor=request.user, user=user, role=old.role, store=old.store)
            services.role_grant(actor=request.user, user=user, role=grant.role, store=grant.store)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued via the API or `api_token_issue`; here they are only seen or revoked."""

    list_display = ["prefix", "name", "user", "created_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    exclude = ["token_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke selected tokens"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).order_by("pk"):
            try:
                services.api_token_revoke(actor=request.user, token=token)
            except DomainError as exc:
                self.message_user(request, f"{token}: {exc.message}", messages.ERROR)
                continue
            revoked += 1
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": revoked})
