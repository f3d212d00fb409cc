"""The dashboard's figures, read through the catalog's and accounts' selectors (scope applies)."""

from storeos.accounts.permissions import Perm
from storeos.accounts.selectors import user_stores
from storeos.catalog.selectors import category_tree, sku_search
from storeos.web.navigation import holds_anywhere


def dashboard_figures(*, user) -> dict:
    """SKU and store counts, and SKUs per top-level category for the chart.

    One count per top-level category: a chain has a handful of them, and the catalog selector
    owns what "in a category" means (the whole subtree).
    """
    figures = {"sku_count": 0, "store_count": len(user_stores(user=user)), "by_category": []}
    if not holds_anywhere(user, Perm.CATALOG_VIEW):
        return figures
    figures["sku_count"] = sku_search(user=user, limit=1)[1]
    for node in category_tree(user=user):
        _, total = sku_search(user=user, category_id=node.category.pk, limit=1)
        figures["by_category"].append({"name": node.category.name, "count": total})
    figures["by_category"].sort(key=lambda row: -row["count"])
    return figures
