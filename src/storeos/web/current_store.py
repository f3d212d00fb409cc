"""The store a signed-in user is working in, kept in the session and re-checked on every request.

Grants change (a cashier moves to another shop), so the session value is never trusted on its own:
it must still be one of the user's stores, else it is dropped.
"""

from storeos.accounts.permissions import Perm, store_ids_with
from storeos.accounts.selectors import user_stores

SESSION_KEY = "store_id"
_CACHE_ATTR = "_storeos_current_store"


def stores_for(request) -> list:
    """The stores the signed-in user may work in (cached on the request)."""
    cached = getattr(request, "_storeos_stores", None)
    if cached is None:
        user = request.user
        cached = user_stores(user=user) if user.is_authenticated else []
        request._storeos_stores = cached
    return cached


def works_chain_wide(user) -> bool:
    """A user with a chain-wide grant may work with no store selected (chain-wide prices)."""
    return store_ids_with(user, Perm.CATALOG_VIEW) is None


def current_store(request):
    """The selected store, or None (chain-wide); store-bound users default to their first store."""
    if hasattr(request, _CACHE_ATTR):
        return getattr(request, _CACHE_ATTR)
    store = None
    if request.user.is_authenticated:
        stores = stores_for(request)
        wanted = request.session.get(SESSION_KEY)
        store = next((s for s in stores if s.pk == wanted), None)
        if store is None and wanted is not None:
            del request.session[SESSION_KEY]
        if store is None and stores and not works_chain_wide(request.user):
            store = stores[0]
    setattr(request, _CACHE_ATTR, store)
    return store


def select_store(request, store_id: int | None) -> bool:
    """Remember `store_id` (None: no store) if the user may work there; False when refused."""
    if store_id is None:
        if not works_chain_wide(request.user):
            return False
        request.session.pop(SESSION_KEY, None)
    else:
        store = next((s for s in stores_for(request) if s.pk == store_id), None)
        if store is None:
            return False
        request.session[SESSION_KEY] = store.pk
    if hasattr(request, _CACHE_ATTR):
        delattr(request, _CACHE_ATTR)
    return True
