import datetime as dt
from decimal import Decimal

import pytest

from storeos.core import clock
from storeos.core.errors import PermissionDenied
from storeos.core.models import AuditEntry
from storeos.inventory.errors import PolicyInvalid
from storeos.inventory.models import StockPolicy
from storeos.inventory.policies import low_stock, policy_set, slow_moving
from storeos.inventory.reservations import ReserveLine, stock_reserve
from storeos.inventory.stock import stock_issue, stock_receive
from storeos.inventory.tests.conftest import make_sku
from storeos.inventory.transfers import transfer_create, transfer_ship

NOW = dt.datetime(2026, 6, 30, 4, 0, tzinfo=dt.UTC)


def receive(location, sku, quantity, cost="50"):
    stock_receive(
        actor=None, location=location, sku=sku, quantity=quantity, unit_cost=Decimal(cost)
    )


def test_a_policy_is_set_changed_and_audited(manager, shelf, sku):
    policy_set(actor=manager, location=shelf, sku=sku, min_qty=5, max_qty=20, safety_stock=3)

    policy = policy_set(
        actor=manager, location=shelf, sku=sku, min_qty=6, max_qty=24, safety_stock=4
    )

    assert StockPolicy.objects.count() == 1
    assert (policy.min_qty, policy.max_qty, policy.safety_stock) == (6, 24, 4)
    first, second = AuditEntry.objects.filter(action="inventory.policy_set").order_by("id")
    assert first.before is None
    assert second.before == {"min_qty": 5, "max_qty": 20, "safety_stock": 3}
    assert second.after["max_qty"] == 24


@pytest.mark.parametrize(
    ("min_qty", "max_qty", "safety", "code"),
    [
        (10, 5, 0, "policy_min_above_max"),
        (-1, 5, 0, "policy_invalid"),
        (1, 5, -2, "policy_invalid"),
        (1, 5, 9, "policy_safety_above_max"),
        (1.5, 5, 0, "policy_invalid"),
    ],
)
def test_a_bad_policy_is_refused_and_nothing_is_saved(
    manager, shelf, sku, min_qty, max_qty, safety, code
):
    with pytest.raises(PolicyInvalid) as refused:
        policy_set(
            actor=manager,
            location=shelf,
            sku=sku,
            min_qty=min_qty,
            max_qty=max_qty,
            safety_stock=safety,
        )

    assert refused.value.code == code
    assert not StockPolicy.objects.exists()
    assert not AuditEntry.objects.exists()


def test_warehouse_staff_cannot_set_policies(clerk, shelf, sku):
    with pytest.raises(PermissionDenied):
        policy_set(actor=clerk, location=shelf, sku=sku, min_qty=1, max_qty=2, safety_stock=0)
    assert not StockPolicy.objects.exists()


def test_low_stock_lists_skus_at_or_below_min_with_a_refill_to_max(
    manager, clerk, shelf, backroom, category
):
    low, exact, fine, coming = (make_sku(category, c) for c in ("LOW", "EXACT", "FINE", "COMING"))
    receive(shelf, low, 6)
    stock_reserve(reference="O-1", channel="online_mall", lines=[ReserveLine(shelf, low, 3)])
    receive(shelf, exact, 5)
    receive(shelf, fine, 6)
    receive(backroom, coming, 10)
    transfer = transfer_create(
        actor=clerk, from_location=backroom, to_location=shelf, lines=[(coming, 4)]
    )
    transfer_ship(actor=clerk, transfer=transfer)
    for sku in (low, exact, fine, coming):
        policy_set(actor=manager, location=shelf, sku=sku, min_qty=5, max_qty=20, safety_stock=2)

    rows = low_stock(location=shelf)

    assert [(r.sku_code, r.available, r.in_transit, r.suggested) for r in rows] == [
        ("COMING", 0, 4, 16),
        ("LOW", 3, 0, 17),
        ("EXACT", 5, 0, 15),
    ]
    assert rows[1].reserved == 3


def test_slow_moving_lists_stock_that_did_not_sell_with_value_and_days_of_inventory(
    shelf, category
):
    idle, slow, busy = (make_sku(category, c) for c in ("IDLE", "SLOW", "BUSY"))
    with clock.frozen(NOW - dt.timedelta(days=45)):
        receive(shelf, idle, 10, cost="50")
        receive(shelf, slow, 12, cost="20")
        receive(shelf, busy, 30, cost="5")
        stock_issue(actor=None, location=shelf, sku=idle, quantity=2)  # before the window
    with clock.frozen(NOW - dt.timedelta(days=3)):
        stock_issue(actor=None, location=shelf, sku=slow, quantity=2)
        stock_issue(actor=None, location=shelf, sku=busy, quantity=10)

    with clock.frozen(NOW):
        none_sold = slow_moving(location=shelf, days=30)
        few_sold = slow_moving(location=shelf, days=30, max_units=2)

    assert [
        (r.sku_code, r.on_hand, r.units_sold, r.value, r.days_of_inventory) for r in none_sold
    ] == [
        ("IDLE", 8, 0, Decimal("400.00"), None),
    ]
    assert [(r.sku_code, r.units_sold, r.value, r.days_of_inventory) for r in few_sold] == [
        ("IDLE", 0, Decimal("400.00"), None),
        ("SLOW", 2, Decimal("200.00"), Decimal("150.0")),  # 10 on hand ÷ (2 sold / 30 days)
    ]


def test_a_store_list_is_only_for_its_staff(manager2, shelf):
    with pytest.raises(PermissionDenied):
        low_stock(location=shelf, user=manager2)
    with pytest.raises(PermissionDenied):
        slow_moving(location=shelf, user=manager2)
