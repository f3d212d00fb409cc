"""Who may do what, where: one table of role → permissions, and store-scoped checks.

Every service and selector asks here, so the API, the UI and the admin enforce the same rules.
A grant without a store covers every store; an operation with no store (a chain-wide list price,
creating a SKU) needs such a chain-wide grant.
"""

from enum import StrEnum

from django.db.models import Q, QuerySet

from storeos.accounts.models import Role, RoleGrant
from storeos.core.errors import PermissionDenied


class Perm(StrEnum):
    CATALOG_VIEW = "catalog.view"
    CATALOG_EDIT = "catalog.edit"
    PRICE_CHANGE = "catalog.price_change"
    STORES_VIEW = "stores.view"
    STORES_EDIT = "stores.edit"
    AUDIT_VIEW = "audit.view"
    USERS_MANAGE = "accounts.manage"
    TOKENS_MANAGE = "accounts.tokens"
    INVENTORY_VIEW = "inventory.view"
    # Receive goods, ship and receive transfers, record counts, request scrap.
    INVENTORY_MOVE = "inventory.move"
    # Post a count's variance, approve or reject scrap, adjust stock by hand.
    INVENTORY_APPROVE = "inventory.approve"
    INVENTORY_POLICY = "inventory.policy"
    # Hold stock for an order (phone or online orders taken in a store, the online shop's token).
    INVENTORY_RESERVE = "inventory.reserve"
    SALES_CHECKOUT = "sales.checkout"
    SALES_VIEW = "sales.view"
    # Take back goods and refund within the return policy.
    SALES_RETURN = "sales.return"
    # Override the return window, void or refund beyond the till's limits.
    SALES_OVERRIDE = "sales.override"
    SALES_REPORTS = "sales.reports"
    # Online orders: mark ready for pick-up, hand over, ship, cancel.
    SALES_FULFIL = "sales.fulfil"
    # Members: browse and look up (masked), register and edit, see a phone unmasked (audited),
    # export segments (audited), change points by hand (audited), configure the programme.
    MEMBERS_VIEW = "loyalty.view"
    MEMBERS_EDIT = "loyalty.edit"
    MEMBERS_PII = "loyalty.pii"
    MEMBERS_EXPORT = "loyalty.export"
    POINTS_ADJUST = "loyalty.adjust"
    LOYALTY_PROGRAMME = "loyalty.programme"
    # Promotions: see them; create and edit drafts, coupon templates and code batches; approve.
    PROMOTIONS_VIEW = "promotions.view"
    PROMOTIONS_EDIT = "promotions.edit"
    PROMOTIONS_APPROVE = "promotions.approve"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.HQ_ANALYST: frozenset(
        {
            Perm.CATALOG_VIEW,
            Perm.STORES_VIEW,
            Perm.AUDIT_VIEW,
            Perm.TOKENS_MANAGE,
            Perm.INVENTORY_VIEW,
            Perm.INVENTORY_POLICY,
            Perm.SALES_VIEW,
            Perm.SALES_REPORTS,
            Perm.MEMBERS_VIEW,
            Perm.MEMBERS_EXPORT,
            Perm.PROMOTIONS_VIEW,
        }
    ),
    Role.MARKETING: frozenset(
        {
            Perm.CATALOG_VIEW,
            Perm.STORES_VIEW,
            Perm.PRICE_CHANGE,
            Perm.TOKENS_MANAGE,
            Perm.MEMBERS_VIEW,
            Perm.MEMBERS_EDIT,
            Perm.MEMBERS_PII,
            Perm.MEMBERS_EXPORT,
            Perm.POINTS_ADJUST,
            Perm.LOYALTY_PROGRAMME,
            Perm.PROMOTIONS_VIEW,
            Perm.PROMOTIONS_EDIT,
            Perm.PROMOTIONS_APPROVE,
        }
    ),
    Role.STORE_MANAGER: frozenset(
        {
            Perm.CATALOG_VIEW,
            Perm.STORES_VIEW,
            Perm.PRICE_CHANGE,
            Perm.AUDIT_VIEW,
            Perm.INVENTORY_VIEW,
            Perm.INVENTORY_MOVE,
            Perm.INVENTORY_APPROVE,
            Perm.INVENTORY_POLICY,
            Perm.INVENTORY_RESERVE,
            Perm.SALES_CHECKOUT,
            Perm.SALES_VIEW,
            Perm.SALES_RETURN,
            Perm.SALES_OVERRIDE,
            Perm.SALES_REPORTS,
            Perm.SALES_FULFIL,
            Perm.MEMBERS_VIEW,
            Perm.MEMBERS_EDIT,
            Perm.POINTS_ADJUST,
            Perm.PROMOTIONS_VIEW,
            Perm.PROMOTIONS_APPROVE,
        }
    ),
    Role.CASHIER: frozenset(
        {
            Perm.CATALOG_VIEW,
            Perm.STORES_VIEW,
            Perm.INVENTORY_VIEW,
            Perm.INVENTORY_RESERVE,
            Perm.SALES_CHECKOUT,
            Perm.SALES_VIEW,
            Perm.SALES_RETURN,
            Perm.SALES_FULFIL,
            Perm.MEMBERS_VIEW,
            Perm.MEMBERS_EDIT,
            Perm.PROMOTIONS_VIEW,
        }
    ),
    Role.WAREHOUSE: frozenset(
        {Perm.CATALOG_VIEW, Perm.STORES_VIEW, Perm.INVENTORY_VIEW, Perm.INVENTORY_MOVE}
    ),
}


def _grants(user) -> list[tuple[str, int | None]]:
    """(role, store_id) pairs, cached on the user object for the request."""
    cached = getattr(user, "_storeos_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user).values_list("role", "store_id"))
        user._storeos_grants = cached
    return cached


def forget_grants(user) -> None:
    """Drop the cached grants after they change (the services that change grants call this)."""
    if hasattr(user, "_storeos_grants"):
        del user._storeos_grants


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {role for role, _ in _grants(user)}


def has_perm(user, perm: Perm, store=None) -> bool:
    """True when a grant gives `perm` chain-wide, or in `store` (an id or a Store) when given."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    store_id = getattr(store, "pk", store)
    for role, granted_store in _grants(user):
        if perm in ROLE_PERMISSIONS.get(role, ()) and (
            granted_store is None or (store_id is not None and granted_store == store_id)
        ):
            return True
    return False


def require(user, perm: Perm, store=None) -> None:
    if not has_perm(user, perm, store):
        raise PermissionDenied(
            "You do not have permission to do this here.",
            details={"permission": str(perm), "store": getattr(store, "pk", store)},
        )


def require_unless_system(actor, perm: Perm, store=None) -> None:
    """`require`, except that actor None is the system itself (the seed, an import, a job)."""
    if actor is not None:
        require(actor, perm, store)


def store_ids_with(user, perm: Perm) -> set[int] | None:
    """The stores where `user` has `perm`; None means every store."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    ids: set[int] = set()
    for role, granted_store in _grants(user):
        if perm in ROLE_PERMISSIONS.get(role, ()):
            if granted_store is None:
                return None
            ids.add(granted_store)
    return ids


def require_somewhere(user, perm: Perm) -> None:
    """Refuse a user who has `perm` in no store at all: a list is refused, not shown empty."""
    if store_ids_with(user, perm) == set():
        raise PermissionDenied(
            "You do not have permission to do this here.", details={"permission": str(perm)}
        )


def scope_to_stores(queryset: QuerySet, user, perm: Perm, field: str = "store") -> QuerySet:
    """Limit a store-scoped queryset to the stores where `user` has `perm`.

    Rows with no store (chain-wide rows) are visible only to chain-wide grants.
    """
    ids = store_ids_with(user, perm)
    if ids is None:
        return queryset
    return queryset.filter(Q(**{f"{field}__in": sorted(ids)}))
