"""The demo's staff logins: the same people in every scenario. The manager works in the first
store; every store has a cashier and a sales associate (导购) who ring up its sales."""

from collections.abc import Sequence

from storeos.demo.plan import UserSpec

# One memorable password for every demo login. It passes Django's validators (length, not common,
# not numeric, unlike the usernames) and is printed by `storeos demo`: demo data only.
DEMO_PASSWORD = "storeos-demo-2026"

# (first name, last name) of each store's cashier and associate, store by store.
_CASHIERS = (("洋", "刘"), ("芳", "孙"), ("磊", "周"))
_ASSOCIATES = (("婷", "吴"), ("杰", "郑"), ("欣", "黄"))


def _numbered(name: str, index: int) -> str:
    """`cashier` in the first store, `cashier2` in the second, …"""
    return name if index == 0 else f"{name}{index + 1}"


def till_staff(stores: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Per store code, the usernames of its cashier and of its sales associate."""
    return {
        store: (_numbered("cashier", index), _numbered("associate", index))
        for index, store in enumerate(stores)
    }


def demo_staff(stores: Sequence[str]) -> tuple[UserSpec, ...]:
    """The six logins of every demo first, then the other stores' cashiers and the associates."""
    first, tills = stores[0], till_staff(stores)
    staff = [
        UserSpec("admin", "敏", "王", "admin", None, "administrator, all stores"),
        UserSpec("hq", "娜", "李", "hq_analyst", None, "HQ analyst, all stores"),
        UserSpec("marketing", "伟", "张", "marketing", None, "marketing, all stores"),
        UserSpec("manager", "静", "陈", "store_manager", first, f"store manager, {first}"),
        UserSpec("cashier", *_CASHIERS[0], "cashier", first, f"cashier, {first}"),
        UserSpec("warehouse", "强", "赵", "warehouse", None, "warehouse, all locations"),
    ]
    for index, store in enumerate(stores[1:], start=1):
        names = _CASHIERS[index % len(_CASHIERS)]
        staff.append(UserSpec(tills[store][0], *names, "cashier", store, f"cashier, {store}"))
    for index, store in enumerate(stores):
        names = _ASSOCIATES[index % len(_ASSOCIATES)]
        # Associates ring up sales too (the cashier's rights) and are credited on those they help.
        label = f"sales associate (导购), {store}"
        staff.append(UserSpec(tills[store][1], *names, "cashier", store, label))
    return tuple(staff)
