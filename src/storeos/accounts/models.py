"""People and integrations: users, their roles in which stores, API tokens, login attempts."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from storeos.core.pii import EncryptedTextField
from storeos.stores.models import Store


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    HQ_ANALYST = "hq_analyst", _("HQ analyst")
    MARKETING = "marketing", _("Marketing")
    STORE_MANAGER = "store_manager", _("Store manager")
    CASHIER = "cashier", _("Cashier")
    WAREHOUSE = "warehouse", _("Warehouse")


class User(AbstractUser):
    """A staff member. What they may do comes from their role grants, not Django's is_staff."""

    preferred_language = models.CharField(_("language"), max_length=10, blank=True)
    # A contact number for shift changes; personal data, so encrypted and found by blind index.
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class RoleGrant(models.Model):
    """A user holds a role in one store, or in every store when `store` is empty."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
        verbose_name=_("store"),
        help_text=_("Leave empty for every store."),
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "store"], name="role_grant_unique_store"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(store__isnull=True),
                name="role_grant_unique_all_stores",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.store or '*'}"


class ApiToken(models.Model):
    """A bearer token for an integration. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class LoginAttempt(models.Model):
    """A failed login, counted per username and per client address to throttle guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.CharField(max_length=45, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.ip_address} {self.at:%H:%M:%S}"
