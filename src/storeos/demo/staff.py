"""The demo's staff logins: the same six people in every scenario, scoped to the first store."""

from storeos.demo.plan import UserSpec

# One memorable password for every demo login. It passes Django's validators (length, not common,
# not numeric, unlike the usernames) and is printed by `storeos demo`: demo data only.
DEMO_PASSWORD = "storeos-demo-2026"


def demo_staff(first_store: str) -> tuple[UserSpec, ...]:
    store = first_store
    return (
        UserSpec("admin", "敏", "王", "admin", None, "administrator, all stores"),
        UserSpec("hq", "娜", "李", "hq_analyst", None, "HQ analyst, all stores"),
        UserSpec("marketing", "伟", "张", "marketing", None, "marketing, all stores"),
        UserSpec("manager", "静", "陈", "store_manager", store, f"store manager, {store}"),
        UserSpec("cashier", "洋", "刘", "cashier", store, f"cashier, {store}"),
        UserSpec("warehouse", "强", "赵", "warehouse", None, "warehouse, all locations"),
    )
