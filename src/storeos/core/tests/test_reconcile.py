"""`storeos audit reconcile`: a chain's data made by the real services adds up, and each kind of
tampering (a raw UPDATE behind the services' back) is named with its row, expected and found."""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from storeos.catalog.models import Sku
from storeos.cli import main
from storeos.core import clock
from storeos.core.reconcile import reconcile
from storeos.inventory.models import StockLevel
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, Programme, Tier
from storeos.promotions.models import Coupon, Promotion, PromotionKind, PromotionStatus
from storeos.promotions.tests.conftest import coupon_make
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.exchanges import exchange_create
from storeos.sales.models import Order, Payment
from storeos.sales.online import online_order_create
from storeos.sales.pricing import CartItem, price_cart
from storeos.sales.returns import return_create
from storeos.sales.tests.conftest import make_sku, user_with_role
from storeos.stores.models import Location, Region, Store


@pytest.fixture(autouse=True)
def english():
    """The report's wording is checked in English (the default language is Chinese)."""
    with translation.override("en"):
        yield


# 01:00 UTC is 09:00 in Shanghai.
MORNING = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)
FAR = dt.date(2027, 6, 30)


@dataclass
class Spine:
    store: Store
    cashier: object
    member: Member
    bricks: Sku
    figure: Sku
    promotion: Promotion
    coupon: Coupon
    coupon_order: Order
    points_order: Order
    returned_order: Order
    exchanged_order: Order
    online_order: Order


def _sell(spine_parts, lines, *, member=None, coupons=(), points=Decimal("0")) -> Order:
    store, cashier = spine_parts
    priced = price_cart(
        store=store,
        channel="pos",
        items=[CartItem(sku=ln.sku, quantity=ln.quantity) for ln in lines],
        member_id=member.pk if member else None,
        at=clock.now(),
        coupon_codes=list(coupons),
    )
    tenders = [Tender("points", points)] if points else []
    tenders.append(Tender("cash", priced.total - points))
    return checkout(
        actor=cashier,
        order_id=uuid.uuid4(),
        store=store,
        lines=lines,
        payments=tenders,
        member_id=member.pk if member else None,
        coupon_codes=list(coupons),
    )


def spine_make(*, suffix: str = "") -> Spine:
    """A store's morning through the real services: a member with points, a promotion, a coupon,
    sales paid in cash and points, a return, an exchange and an online order awaiting payment."""
    with clock.frozen(MORNING):
        region = Region.objects.create(code=f"R{suffix}", name="East")
        store = Store.objects.create(code=f"S{suffix}", name="Store", region=region)
        floor = Location.objects.create(
            code=f"S{suffix}-SHELF",
            name="Shelf",
            kind=Location.Kind.STORE_SHELF,
            store=store,
            sellable=True,
            channels=["pos", "online_mall", "mini_program"],
        )
        from storeos.catalog.models import Category

        category = Category.objects.create(code=f"TOYS{suffix}", name="Toys", path="/1/")
        bricks = make_sku(category, f"BRICKS{suffix}", "99.00", stock=20, location=floor)
        figure = make_sku(category, f"FIGURE{suffix}", "19.90", stock=20, location=floor)
        programme = Programme.objects.create(code=f"VIP{suffix}", name="VIP")
        Tier.objects.create(
            programme=programme,
            code="bronze",
            name="Bronze",
            rank=0,
            upgrade_threshold=0,
            retention_threshold=0,
        )
        member = member_create(phone="13800138000", name="张三")
        points_earn(
            member_id=member.pk,
            points=5000,
            key=f"seed{suffix}",
            source=Source("activity", "seed"),
            expires_on=FAR,
        )
        now = clock.now()
        promotion = Promotion.objects.create(
            code=f"BRICKS10{suffix}",
            name="Bricks 10% off",
            label="Bricks 10% off",
            kind=PromotionKind.PERCENT_OFF,
            rule={"percent": "10"},
            scope={"skus": [bricks.pk]},
            status=PromotionStatus.ACTIVE,
            starts_at=now - dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=30),
            created_at=now,
            updated_at=now,
        )
        coupon = coupon_make({"value": Decimal("10")}, member=member, at=MORNING)
        cashier = user_with_role("cashier", store, f"till{suffix}")
        parts = (store, cashier)
        coupon_order = _sell(
            parts,
            [CartLine(bricks, 2), CartLine(figure, 1)],
            member=member,
            coupons=[coupon.code],
        )
        points_order = _sell(parts, [CartLine(figure, 2)], member=member, points=Decimal("10.00"))
        returned_order = _sell(parts, [CartLine(figure, 2), CartLine(bricks, 1)])
        return_create(
            actor=cashier,
            return_id=uuid.uuid4(),
            order=returned_order,
            lines=[(returned_order.lines.get(line_no=1), 1, "restock")],
            reason="changed mind",
        )
        exchanged_order = _sell(parts, [CartLine(bricks, 1)], member=member)
        exchange = exchange_create(
            actor=cashier,
            exchange_id=uuid.uuid4(),
            order=exchanged_order,
            return_lines=[(exchanged_order.lines.get(line_no=1), 1, "restock")],
            new_lines=[CartLine(figure, 2)],
            payments=[],
            reason="wrong set",
        )
        # The exchange's new goods come back too: the refund follows the credit to the first
        # order's payments.
        new_order = exchange.exchange_order
        return_create(
            actor=cashier,
            return_id=uuid.uuid4(),
            order=new_order,
            lines=[(new_order.lines.get(line_no=1), 1, "restock")],
            reason="changed mind again",
        )
        online_order = online_order_create(
            actor=cashier,
            order_id=uuid.uuid4(),
            store=store,
            channel="online_mall",
            lines=[CartLine(figure, 3)],
        )
    coupon.refresh_from_db()
    return Spine(
        store,
        cashier,
        member,
        bricks,
        figure,
        promotion,
        coupon,
        coupon_order,
        points_order,
        returned_order,
        exchanged_order,
        online_order,
    )


def raw(sql: str, params: list) -> None:
    """Tamper behind the services' back, as a bad script or a hand edit in psql would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def spine(db) -> Spine:
    return spine_make()


def failing(report) -> dict[str, list[str]]:
    return {c.code: [str(m) for m in c.mismatches] for c in report.checks if not c.ok}


def test_a_morning_of_real_sales_reconciles_and_the_cli_says_so(spine, capsys):
    # Given: the services' own data, including a return, an exchange and points as payment
    assert spine.coupon.status == "used"
    assert Payment.objects.filter(method="exchange").exists()
    assert Payment.objects.filter(method="points", order=spine.points_order).exists()

    report = reconcile()
    exit_code = main(["audit", "reconcile"])

    assert failing(report) == {}
    assert report.ok
    assert exit_code == 0
    assert "Everything reconciles" in capsys.readouterr().err
    examined = {c.code: c.examined for c in report.checks}
    assert examined["order_totals"] == 6 and examined["points_chains"] == 1
    assert examined["stock_reserved"] == 1 and examined["coupon_uses"] == 1


def test_stock_on_hand_changed_without_a_move_is_named(spine, capsys):
    level = StockLevel.objects.get(sku=spine.bricks)
    raw("UPDATE inventory_stocklevel SET on_hand = on_hand + 5 WHERE id = %s", [level.pk])

    report = reconcile()

    assert list(failing(report)) == ["stock_on_hand"]
    [found] = report.check("stock_on_hand").mismatches
    assert f"stock of BRICKS at {spine.store.code}-SHELF" in found.row
    assert found.expected.startswith(f"{level.on_hand} on hand")
    assert found.found == f"{level.on_hand + 5} on hand"
    assert main(["audit", "reconcile"]) == 1
    err = capsys.readouterr().err
    assert "FAIL" in err and "stock_on_hand" in err and "1 mismatch(es)" in err


def test_reserved_units_without_an_open_reservation_are_named(spine):
    level = StockLevel.objects.get(sku=spine.figure)
    raw("UPDATE inventory_stocklevel SET reserved = 0 WHERE id = %s", [level.pk])

    report = reconcile()

    assert list(failing(report)) == ["stock_reserved"]
    [found] = report.check("stock_reserved").mismatches
    assert found.expected.startswith("3 reserved") and found.found == "0 reserved"


def test_an_order_total_that_no_longer_matches_its_lines_is_named(spine):
    order = spine.coupon_order
    raw(
        "UPDATE sales_orderline SET line_total = line_total + 1 "
        "WHERE order_id = %s AND line_no = 1",
        [order.pk],
    )

    report = reconcile()

    assert "order_totals" in failing(report)
    [found] = report.check("order_totals").mismatches
    assert found.row == f"order {order.number} total"
    assert found.expected == f"{order.total + 1} (its lines)"
    assert found.found == str(order.total)


def test_a_payment_edited_after_the_sale_is_named(spine):
    order = spine.points_order
    cash = Payment.objects.get(order=order, method="cash")
    raw("UPDATE sales_payment SET amount = amount - 5 WHERE id = %s", [cash.pk])

    report = reconcile()

    assert list(failing(report)) == ["order_payments"]
    [found] = report.check("order_payments").mismatches
    assert found.row.startswith(f"order {order.number} (paid)")
    assert found.expected == f"{order.total} (total − refunded)"
    assert found.found == str(order.total - 5)


def test_a_refund_recorded_on_the_order_but_not_paid_out_is_named(spine):
    order = spine.returned_order
    order.refresh_from_db()
    raw("UPDATE sales_order SET refunded_total = 0 WHERE id = %s", [order.pk])

    report = reconcile()

    problems = failing(report)
    assert set(problems) == {"order_refunds", "order_payments"}
    assert any(order.number in line for line in problems["order_refunds"])
    [found] = report.check("order_payments").mismatches
    assert found.expected == f"{order.total} (total − refunded)"
    assert found.found == str(order.total - order.refunded_total)


def test_a_points_balance_edited_by_hand_is_named_and_breaks_the_chain(spine):
    raw(
        "UPDATE loyalty_member SET points_balance = points_balance + 100 WHERE id = %s",
        [spine.member.pk],
    )

    report = reconcile()

    assert set(failing(report)) == {"points_balances", "points_chains"}
    [found] = report.check("points_balances").mismatches
    assert found.row == f"member {spine.member.code} points"
    balance = Member.objects.values_list("points_balance", flat=True).get(pk=spine.member.pk)
    assert found.expected.startswith(f"{balance - 100} points in ")
    assert found.found.startswith(f"{balance} points in ")
    assert report.check("points_chains").failures == 1


def test_a_ledger_entry_edited_by_hand_is_named_by_the_chain_check(spine):
    raw(
        "UPDATE loyalty_pointsentry SET points = points + 1, balance_after = balance_after + 1 "
        "WHERE member_id = %s AND seq = 1",
        [spine.member.pk],
    )

    report = reconcile()

    problems = failing(report)
    assert "points_chains" in problems and "points_balances" in problems
    assert any("edited" in line for line in problems["points_chains"])


def test_a_coupon_freed_behind_the_till_s_back_is_named(spine):
    raw(
        "UPDATE promotions_coupon SET status = 'available', used_at = NULL, order_uuid = NULL "
        "WHERE id = %s",
        [spine.coupon.pk],
    )

    report = reconcile()

    assert list(failing(report)) == ["coupon_uses"]
    [found] = report.check("coupon_uses").mismatches
    assert found.row == f"coupon {spine.coupon.code} on order {spine.coupon_order.number}"
    assert found.found == "available"


def test_a_promotion_counter_out_of_step_with_its_uses_is_named(spine):
    promotion = Promotion.objects.get(pk=spine.promotion.pk)
    assert promotion.used_count >= 1
    raw("UPDATE promotions_promotion SET used_count = used_count + 7 WHERE id = %s", [promotion.pk])

    report = reconcile()

    assert list(failing(report)) == ["promotion_uses"]
    [found] = report.check("promotion_uses").mismatches
    assert found.expected.startswith(f"{promotion.used_count} uses")
    assert found.found.startswith(f"{promotion.used_count + 7} uses")
