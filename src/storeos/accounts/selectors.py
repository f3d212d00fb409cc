"""Reads about users: the stores they work in, the roles they hold, their API tokens."""

from dataclasses import dataclass

from storeos.accounts.models import ApiToken, Role, RoleGrant, User
from storeos.accounts.permissions import Perm, has_perm
from storeos.core.errors import NotFound
from storeos.core.pii import blind_index, normalize_phone
from storeos.stores.models import Store


@dataclass(frozen=True)
class RoleHeld:
    role: str
    label: str
    store: Store | None  # None: every store


def user_stores(*, user: User) -> list[Store]:
    """The active stores the user works in: all of them with a chain-wide grant."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    stores = Store.objects.filter(is_active=True).order_by("code")
    if user.is_superuser:
        return list(stores)
    grants = RoleGrant.objects.filter(user=user)
    if grants.filter(store__isnull=True).exists():
        return list(stores)
    return list(stores.filter(pk__in=grants.values("store_id")))


def user_role_summary(*, user: User) -> list[RoleHeld]:
    """Each role the user holds and where, chain-wide grants first, then by store code."""
    grants = RoleGrant.objects.filter(user=user).select_related("store")
    labels = dict(Role.choices)
    held = [RoleHeld(g.role, str(labels.get(g.role, g.role)), g.store) for g in grants]
    return sorted(
        held, key=lambda h: (h.store is not None, h.store.code if h.store else "", h.role)
    )


def user_by_phone(*, phone: str) -> User | None:
    """Find a user by the phone on file, through its blind index (the column is encrypted)."""
    digits = normalize_phone(phone)
    if not digits:
        return None
    return User.objects.filter(phone_index=blind_index(digits)).first()


def api_token_list(*, user: User) -> list[ApiToken]:
    """The user's own tokens, newest first, including revoked and expired ones."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


def api_token_get(*, user: User, token_id: int) -> ApiToken:
    """A token the user may act on: their own, or anyone's for a user manager.

    Others' tokens are reported as missing rather than forbidden, so ids reveal nothing.
    """
    tokens = ApiToken.objects.select_related("user")
    if not has_perm(user, Perm.USERS_MANAGE):
        tokens = tokens.filter(user=user)
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such API token.", code="api_token_not_found")
    return token
