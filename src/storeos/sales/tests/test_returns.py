"""Returns: within the window, never more than sold, never more than paid, back to the shelf
or scrapped, refunded to the methods the customer paid with."""

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from hypothesis import given
from hypothesis import strategies as st

from storeos.catalog.models import Category
from storeos.core import clock
from storeos.core.errors import IdempotencyConflict, PermissionDenied
from storeos.core.models import AuditEntry, OutboxEvent
from storeos.inventory.models import StockLevel, StockMove
from storeos.inventory.selectors import levels_mismatching_moves
from storeos.inventory.stock import stock_receive
from storeos.sales import payments as payments_module
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.errors import OrderStateInvalid
from storeos.sales.hooks import register_return_hook, unregister_return_hook
from storeos.sales.models import (
    Order,
    OrderLine,
    Payment,
    ProviderRefund,
    Refund,
    ReturnPolicy,
    SalesReturn,
)
from storeos.sales.payments import payment_intent_create, sandbox_payment_complete
from storeos.sales.refunds import (
    RefundExceedsPaid,
    payment_refund_event_handle,
    refund_outcome_record,
)
from storeos.sales.returns import (
    ReturnQuantityExceeded,
    ReturnWindowPassed,
    refund_share,
    return_create,
    return_policy_set,
    window_days_for,
)
from storeos.sales.tests.conftest import make_sku, user_with_role

# 01:00 UTC is 09:00 in Shanghai: the sale's business day is 1 June 2026.
MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)


def sell(cashier, store, lines, payments) -> Order:
    with clock.frozen(MORNING):
        return checkout(
            actor=cashier, order_id=uuid.uuid4(), store=store, lines=lines, payments=payments
        )


def give_back(actor, order, lines, *, at=MORNING, return_id=None, **extra) -> SalesReturn:
    with clock.frozen(at):
        return return_create(
            actor=actor,
            return_id=return_id or uuid.uuid4(),
            order=order,
            lines=lines,
            reason=extra.pop("reason", "changed mind"),
            **extra,
        )


def line(order, line_no=1) -> OrderLine:
    return order.lines.get(line_no=line_no)


def on_hand(sku) -> int:
    return sum(StockLevel.objects.filter(sku=sku).values_list("on_hand", flat=True))


def paid_back(order) -> dict[str, Decimal]:
    return {p.method: p.refunded_amount for p in Payment.objects.filter(order=order)}


@pytest.fixture
def manager(store):
    return user_with_role("store_manager", store, "manager")


def test_a_partial_then_a_full_return_refunds_exactly_the_line_total_and_restocks(
    store, cashier, figure
):
    order = sell(cashier, store, [CartLine(figure, 3)], [Tender("cash", Decimal("59.70"))])

    first = give_back(cashier, order, [(line(order), 1, "restock")])
    rest = give_back(cashier, order, [(line(order), 2, "restock")])

    assert (first.refund_total, rest.refund_total) == (Decimal("19.90"), Decimal("39.80"))
    sold = line(order)
    assert (sold.returned_quantity, sold.refunded_amount) == (3, Decimal("59.70"))
    order.refresh_from_db()
    assert order.refunded_total == order.total
    assert paid_back(order) == {"cash": Decimal("59.70")}
    assert on_hand(figure) == 10
    assert levels_mismatching_moves() == []
    returned = StockMove.objects.filter(kind="return", sku=figure)
    assert sorted(m.quantity for m in returned) == [1, 2]
    assert {m.reference_id for m in returned} == {f"{order.uuid}/1"}


def test_units_returned_one_at_a_time_refund_the_whole_line_on_every_database(
    store, cashier, category, floor
):
    # 29.95 + 29.95 + 29.95 is not 89.85 in floating point, which SQLite uses for SQL arithmetic
    # on decimals: the last unit was refused as "returned meanwhile" before the half-cent room.
    sku = make_sku(category, "MUG", "29.95", stock=5, location=floor)
    order = sell(cashier, store, [CartLine(sku, 3)], [Tender("cash", Decimal("89.85"))])

    for _ in range(3):
        give_back(cashier, order, [(line(order), 1, "restock")])

    order.refresh_from_db()
    assert order.refunded_total == Decimal("89.85")
    assert (line(order).returned_quantity, line(order).refunded_amount) == (3, Decimal("89.85"))
    assert paid_back(order) == {"cash": Decimal("89.85")}


@given(
    line_total=st.decimals(min_value=0, max_value=100_000, places=2),
    sold=st.integers(min_value=1, max_value=40),
    data=st.data(),
)
def test_repeated_partial_refunds_never_exceed_and_always_reach_the_line_total(
    line_total, sold, data
):
    returned, refunded = 0, Decimal("0")
    while returned < sold:
        quantity = data.draw(st.integers(min_value=1, max_value=sold - returned))
        share = refund_share(line_total=line_total, sold=sold, returned=returned, quantity=quantity)
        assert share >= 0
        refunded += share
        returned += quantity
        assert refunded <= line_total

    assert refunded == line_total


def test_a_line_total_that_does_not_split_evenly_gives_the_last_unit_the_remainder():
    shares = [
        refund_share(line_total=Decimal("10.00"), sold=3, returned=n, quantity=1) for n in range(3)
    ]

    assert shares == [Decimal("3.33"), Decimal("3.34"), Decimal("3.33")]
    assert sum(shares) == Decimal("10.00")


def test_returning_more_than_was_sold_is_refused_and_changes_nothing(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 2)], [Tender("cash", Decimal("39.80"))])
    give_back(cashier, order, [(line(order), 1, "restock")])

    with pytest.raises(ReturnQuantityExceeded) as refused:
        give_back(cashier, order, [(line(order), 2, "restock")])

    assert refused.value.code == "return_quantity_exceeded"
    assert refused.value.details["returned"] == 1
    assert SalesReturn.objects.count() == 1
    assert line(order).returned_quantity == 1
    assert on_hand(figure) == 9
    assert paid_back(order) == {"cash": Decimal("19.90")}


def test_the_window_counts_business_days_in_the_stores_time_zone(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 2)], [Tender("cash", Decimal("39.80"))])
    # 16 June 23:30 in Shanghai is day 15: still inside the default 15-day window.
    last_evening = dt.datetime(2026, 6, 16, 15, 30, tzinfo=dt.UTC)
    # 17 June 00:30 in Shanghai (still 16 June in UTC) is day 16: too late.
    next_morning = dt.datetime(2026, 6, 16, 16, 30, tzinfo=dt.UTC)

    give_back(cashier, order, [(line(order), 1, "restock")], at=last_evening)
    with pytest.raises(ReturnWindowPassed) as refused:
        give_back(cashier, order, [(line(order), 1, "restock")], at=next_morning)

    assert refused.value.code == "return_window_passed"
    assert refused.value.details["window_days"] == 15
    assert refused.value.details["override_allowed"] is False
    assert line(order).returned_quantity == 1


def test_a_cashier_cannot_override_the_window_even_with_a_reason(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("cash", Decimal("19.90"))])
    late = MORNING + dt.timedelta(days=20)

    with pytest.raises(ReturnWindowPassed):
        give_back(cashier, order, [(line(order), 1, "restock")], at=late, override_reason="regular")

    assert not SalesReturn.objects.exists()
    assert on_hand(figure) == 9


def test_a_manager_overrides_the_window_with_a_reason_and_it_is_audited(
    store, cashier, manager, figure
):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("cash", Decimal("19.90"))])
    late = MORNING + dt.timedelta(days=30)
    with pytest.raises(ReturnWindowPassed) as no_reason:
        give_back(manager, order, [(line(order), 1, "restock")], at=late)

    taken = give_back(
        manager, order, [(line(order), 1, "restock")], at=late, override_reason="faulty, VIP"
    )

    assert no_reason.value.details["override_allowed"] is True
    assert (taken.override_by, taken.override_reason) == (manager, "faulty, VIP")
    entry = AuditEntry.objects.get(action="sales.return_override")
    assert (entry.actor, entry.reason, entry.store_id) == (manager, "faulty, VIP", store.pk)
    assert entry.after["refund"] == "19.90"
    assert on_hand(figure) == 10


def test_a_category_window_is_inherited_by_its_subcategories(store, cashier, manager, floor):
    toys = Category.objects.create(code="TOYS2", name="Toys")
    bricks_cat = Category.objects.create(code="BRICKS2", name="Bricks", parent=toys)
    kit = make_sku(bricks_cat, "KIT", "50.00", stock=5, location=floor)
    return_policy_set(actor=None, category=toys, window_days=30)
    order = sell(cashier, store, [CartLine(kit, 1)], [Tender("cash", Decimal("50.00"))])

    taken = give_back(
        cashier, order, [(line(order), 1, "restock")], at=MORNING + dt.timedelta(days=25)
    )

    assert window_days_for(category_ids=[bricks_cat.pk]) == {bricks_cat.pk: 30}
    assert taken.refund_total == Decimal("50.00")
    assert AuditEntry.objects.filter(action="sales.return_policy_set").count() == 1


def test_setting_a_return_policy_needs_a_chain_wide_manager(store, manager, category):
    with pytest.raises(PermissionDenied):
        return_policy_set(actor=manager, category=category, window_days=7)

    admin = user_with_role("admin", None, "admin")
    return_policy_set(actor=admin, category=category, window_days=7)

    assert ReturnPolicy.objects.get(category=category).window_days == 7


def test_a_refund_is_never_above_what_the_payments_can_still_give_back(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 2)], [Tender("card", Decimal("39.80"))])
    # Money already sent back for this payment some other way (a goodwill refund, say).
    Payment.objects.filter(order=order).update(refunded_amount=Decimal("30.00"))

    with pytest.raises(RefundExceedsPaid) as refused:
        give_back(cashier, order, [(line(order), 1, "restock")])

    assert refused.value.code == "refund_exceeds_paid"
    assert not SalesReturn.objects.exists()
    assert line(order).returned_quantity == 0
    assert on_hand(figure) == 8


def test_the_database_refuses_a_line_refund_above_its_total(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("cash", Decimal("19.90"))])

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(order=order).update(refunded_amount=F("line_total") + 1)


def test_damaged_goods_are_scrapped_not_put_back_on_the_shelf(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 2)], [Tender("cash", Decimal("39.80"))])

    taken = give_back(cashier, order, [(line(order), 1, "scrap")], reason="broken")

    assert taken.refund_total == Decimal("19.90")
    assert on_hand(figure) == 8
    moves = StockMove.objects.filter(sku=figure, kind__in=["return", "scrap"]).order_by("id")
    assert [(m.kind, m.quantity) for m in moves] == [("return", 1), ("scrap", -1)]
    assert moves[1].reference_type == "sales_return"
    assert moves[1].reference_id == str(taken.uuid)
    assert levels_mismatching_moves() == []


def test_a_split_payment_is_refunded_to_the_card_first_then_in_cash(store, cashier, bricks, figure):
    order = sell(
        cashier,
        store,
        [CartLine(bricks, 1), CartLine(figure, 1)],
        [Tender("cash", Decimal("50.00")), Tender("card", Decimal("68.90"), reference="T-7")],
    )

    small = give_back(cashier, order, [(line(order, 2), 1, "restock")])
    big = give_back(cashier, order, [(line(order, 1), 1, "restock")])

    assert [(r.method, r.amount) for r in small.refunds.all()] == [("card", Decimal("19.90"))]
    assert [(r.method, r.amount) for r in big.refunds.all()] == [
        ("card", Decimal("49.00")),
        ("cash", Decimal("50.00")),
    ]
    assert paid_back(order) == {"cash": Decimal("50.00"), "card": Decimal("68.90")}
    assert set(Refund.objects.values_list("status", flat=True)) == {"succeeded"}


def test_a_batch_comes_back_into_the_lot_it_was_sold_from_at_its_cost(
    store, cashier, category, floor
):
    wine = make_sku(category, "WINE", "80.00", batch_tracked=True)
    for lot, days, quantity, cost in (("A", 100, 1, "30"), ("B", 300, 5, "40")):
        stock_receive(
            actor=None,
            location=floor,
            sku=wine,
            quantity=quantity,
            unit_cost=Decimal(cost),
            lot_code=lot,
            expiry_date=MORNING.date() + dt.timedelta(days=days),
        )
    order = sell(cashier, store, [CartLine(wine, 3)], [Tender("cash", Decimal("240.00"))])

    give_back(cashier, order, [(line(order), 3, "restock")])

    sales = StockMove.objects.filter(sku=wine, kind="sale")
    returns = StockMove.objects.filter(sku=wine, kind="return")
    sold = {(m.batch.lot_code, -m.quantity, m.unit_cost) for m in sales}
    back = {(m.batch.lot_code, m.quantity, m.unit_cost) for m in returns}
    assert sold == back == {("A", 1, sales[0].unit_cost), ("B", 2, sales[0].unit_cost)}
    assert dict(StockLevel.objects.filter(sku=wine).values_list("batch__lot_code", "on_hand")) == {
        "A": 1,
        "B": 5,
    }
    assert levels_mismatching_moves() == []


def test_the_same_return_sent_twice_lands_once(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 2)], [Tender("cash", Decimal("39.80"))])
    return_id = uuid.uuid4()

    first = give_back(cashier, order, [(line(order), 1, "restock")], return_id=return_id)
    again = give_back(cashier, order, [(line(order), 1, "restock")], return_id=return_id)

    assert first.pk == again.pk
    assert SalesReturn.objects.count() == 1
    assert Refund.objects.count() == 1
    assert StockMove.objects.filter(kind="return").count() == 1
    assert line(order).returned_quantity == 1


def test_the_same_return_id_with_other_lines_is_refused(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 2)], [Tender("cash", Decimal("39.80"))])
    return_id = uuid.uuid4()
    give_back(cashier, order, [(line(order), 1, "restock")], return_id=return_id)

    with pytest.raises(IdempotencyConflict):
        give_back(cashier, order, [(line(order), 2, "restock")], return_id=return_id)

    assert line(order).returned_quantity == 1


def test_a_return_is_announced_and_the_reversal_hooks_see_it(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("cash", Decimal("19.90"))])
    seen = []
    hook = register_return_hook(lambda sales_return: seen.append(sales_return.refund_total))
    try:
        taken = give_back(cashier, order, [(line(order), 1, "restock")])
    finally:
        unregister_return_hook(hook)

    assert seen == [Decimal("19.90")]
    event = OutboxEvent.objects.get(topic="order.returned")
    assert event.payload["return_id"] == str(taken.uuid)
    assert event.payload["lines"][0]["quantity"] == 1
    assert event.payload["refunds"] == [
        {"method": "cash", "amount": "19.90", "status": "succeeded"}
    ]


def test_a_failing_reversal_hook_refuses_the_whole_return(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("cash", Decimal("19.90"))])

    def loyalty_down(sales_return):
        raise RuntimeError("points ledger unavailable")

    register_return_hook(loyalty_down)
    try:
        with pytest.raises(RuntimeError):
            give_back(cashier, order, [(line(order), 1, "restock")])
    finally:
        unregister_return_hook(loyalty_down)

    assert not SalesReturn.objects.exists()
    assert line(order).returned_quantity == 0
    assert on_hand(figure) == 9
    assert not OutboxEvent.objects.filter(topic="order.returned").exists()


def test_a_sandbox_qr_payment_is_refunded_through_its_provider(store, cashier, figure):
    with clock.frozen(MORNING):
        intent, _ = payment_intent_create(
            actor=cashier, store=store, method="sandbox", amount=Decimal("39.80")
        )
        sandbox_payment_complete(actor=cashier, intent=intent)
    order = sell(
        cashier,
        store,
        [CartLine(figure, 2)],
        [Tender("sandbox", Decimal("39.80"), reference=intent.out_trade_no)],
    )

    taken = give_back(cashier, order, [(line(order), 1, "restock")], reason="wrong size")

    refund = taken.refunds.get()
    sent = ProviderRefund.objects.get()
    assert (refund.method, refund.amount, refund.status) == (
        "sandbox",
        Decimal("19.90"),
        "succeeded",
    )
    assert refund.reference == sent.out_refund_no
    assert (sent.amount, sent.status, sent.reason) == (Decimal("19.90"), "succeeded", "wrong size")
    intent.refresh_from_db()
    assert intent.refunded_amount == Decimal("19.90")


def test_a_qr_refund_stays_pending_until_the_provider_settles_it(
    store, cashier, figure, monkeypatch
):
    order = sell(cashier, store, [CartLine(figure, 2)], [Tender("card", Decimal("39.80"))])
    # Given a WeChat payment whose provider answers later.
    Payment.objects.filter(order=order).update(method="wechat", reference="TX1")
    asked = []

    def provider_refund(*, payment, amount, reason, refund_no):
        asked.append((payment.reference, amount, reason))
        return SimpleNamespace(out_refund_no=refund_no, status="pending")

    monkeypatch.setattr(payments_module, "provider_refund", provider_refund, raising=False)

    first = give_back(cashier, order, [(line(order), 1, "restock")], reason="wrong size")
    second = give_back(cashier, order, [(line(order), 1, "restock")], reason="wrong size")
    payment_refund_event_handle(
        SimpleNamespace(
            topic="payment_refund.succeeded",
            payload={"refund_no": first.refunds.get().reference},
        )
    )
    refund_outcome_record(reference=second.refunds.get().reference, status="failed")

    assert asked == [("TX1", Decimal("19.90"), "wrong size")] * 2
    assert first.refunds.get().status == "succeeded"
    assert second.refunds.get().status == "failed"


def test_a_cashier_of_another_store_cannot_take_returns_here(store, cashier, figure):
    from storeos.stores.models import Store

    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("cash", Decimal("19.90"))])
    other = Store.objects.create(code="S2", name="Two", region=store.region)
    stranger = user_with_role("cashier", other)

    with pytest.raises(PermissionDenied):
        give_back(stranger, order, [(line(order), 1, "restock")])

    assert not SalesReturn.objects.exists()


def test_a_cancelled_order_cannot_be_returned(store, cashier, figure):
    order = sell(cashier, store, [CartLine(figure, 1)], [Tender("cash", Decimal("19.90"))])
    Order.objects.filter(pk=order.pk).update(status="cancelled")

    with pytest.raises(OrderStateInvalid):
        give_back(cashier, order, [(line(order), 1, "restock")])

    assert not SalesReturn.objects.exists()
