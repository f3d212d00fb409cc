"""Template context every page needs: the navigation for the user's roles and the current store."""

from storeos.web.current_store import current_store, stores_for, works_chain_wide
from storeos.web.navigation import nav_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "shell_stores": [], "current_store": None}
    return {
        "nav": nav_for(user, request.path),
        "shell_stores": stores_for(request),
        "current_store": current_store(request),
        "chain_wide": works_chain_wide(user),
    }
