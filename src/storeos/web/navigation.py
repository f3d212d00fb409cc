"""The top-bar navigation: one table of entries, each shown to the users holding its permission."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from storeos.accounts.permissions import Perm, store_ids_with


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Promise
    url_name: str
    # None: every signed-in user sees the entry.
    perm: Perm | None = None
    # Chain-wide entries (the admin site) need the permission in every store, not just one.
    chain_wide: bool = False


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("home", _("Dashboard"), "web:home"),
    NavEntry("catalog", _("Catalog"), "catalog:sku_list", Perm.CATALOG_VIEW),
    NavEntry("inventory", _("Inventory"), "inventory:stock_overview", Perm.INVENTORY_VIEW),
    NavEntry("members", _("Members"), "loyalty:member_list", Perm.MEMBERS_VIEW),
    NavEntry("promotions", _("Promotions"), "promotions:promotion_list", Perm.PROMOTIONS_VIEW),
    NavEntry("stores", _("Stores"), "web:stores", Perm.STORES_VIEW),
    NavEntry(
        "sales_dashboard", _("Sales dashboard"), "sales_reports:dashboard", Perm.SALES_REPORTS
    ),
    NavEntry("admin", _("Admin"), "admin:index", Perm.USERS_MANAGE, chain_wide=True),
    NavEntry("api_docs", _("API docs"), "api:openapi-view"),
    NavEntry("pos", _("Till"), "pos:screen", Perm.SALES_CHECKOUT),
)


def holds_anywhere(user, perm: Perm) -> bool:
    """True when `user` has `perm` chain-wide or in at least one store."""
    ids = store_ids_with(user, perm)
    return ids is None or bool(ids)


def _visible(user, entry: NavEntry) -> bool:
    if entry.perm is None:
        return True
    if entry.chain_wide:
        return store_ids_with(user, entry.perm) is None
    return holds_anywhere(user, entry.perm)


def nav_for(user, current_path: str = "/") -> list[dict]:
    """The entries `user` may see, with their URL and whether the current page belongs to them."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for entry in NAVIGATION:
        if not _visible(user, entry):
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"key": entry.key, "label": entry.label, "url": url, "active": active})
    return items
