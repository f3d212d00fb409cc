"""`storeos audit reconcile`: check that stock, money, points and coupons add up across contexts.

An auditor, not a participant: it reads every context's tables with plain set-based SQL (one
GROUP BY per invariant, never a Python loop over rows), so a chain's data is checked in seconds,
and it writes nothing. On PostgreSQL the whole check reads one snapshot, so sales landing
meanwhile are not reported as mismatches.

What must hold (each is one check below):
- a stock level's on hand is the sum of its stock moves, and its reserved units are the sum of
  the open (active) reservations' lines, per (location, SKU, batch);
- an order's total is the sum of its lines and its subtotal minus its discount; what it refunded
  is the sum of its lines' refunds and of its returns; a return's refund is the sum of its
  refunds; a payment's refunded amount is the sum of the refunds sent through it;
- what a paid order holds in payments (succeeded payments minus their refunds) is its total minus
  what it refunded, plus exchange credit it handed to a new order that has not come back since;
  an unpaid order holds nothing;
- a member's points balance and entry count are those of their ledger, and every hash chain
  verifies (`loyalty.verify.ledger_verify`);
- a used coupon names a paid order that lists it, and a paid order's coupon was used by it (or
  given back by a return); a promotion's use count and discount given are those of its uses.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db import connection, transaction
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# SQLite keeps decimals as floating point: sums are compared within half a cent there (exactly
# on PostgreSQL, where every amount is a whole number of cents anyway).
TOLERANCE = "0.005"
PAID_STATES = ("paid", "ready_for_pickup", "shipped", "completed")
MAX_LISTED = 50


@dataclass(frozen=True)
class Mismatch:
    """One row that does not add up: which check, which row, what was expected and found."""

    check: str
    row: str
    expected: str
    found: str

    def __str__(self) -> str:
        return _("%(row)s: expected %(expected)s, found %(found)s") % {
            "row": self.row,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass
class CheckResult:
    code: str
    title: str
    examined: int = 0
    failures: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failures == 0


@dataclass
class Report:
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> int:
        return sum(check.failures for check in self.checks)

    @property
    def mismatches(self) -> list[Mismatch]:
        return [m for check in self.checks for m in check.mismatches]

    def check(self, code: str) -> CheckResult:
        return next(c for c in self.checks if c.code == code)


def _tables() -> dict[str, str]:
    names = {
        "level": "inventory.StockLevel",
        "move": "inventory.StockMove",
        "batch": "inventory.Batch",
        "reservation": "inventory.Reservation",
        "reservation_line": "inventory.ReservationLine",
        "location": "stores.Location",
        "sku": "catalog.Sku",
        "order": "sales.Order",
        "line": "sales.OrderLine",
        "payment": "sales.Payment",
        "refund": "sales.Refund",
        "sales_return": "sales.SalesReturn",
        "return_line": "sales.ReturnLine",
        "member": "loyalty.Member",
        "entry": "loyalty.PointsEntry",
        "coupon": "promotions.Coupon",
        "promotion": "promotions.Promotion",
        "promotion_use": "promotions.PromotionUse",
    }
    return {key: apps.get_model(label)._meta.db_table for key, label in names.items()}


def _money(value) -> str:
    """An amount as the report shows it (SQLite hands back floats)."""
    return str(Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP))


def _paid() -> str:
    return "(" + ", ".join(f"'{state}'" for state in PAID_STATES) + ")"


def _coupon_codes(alias: str) -> str:
    """A table expression of one row per code in `alias`.coupon_codes (a JSON array)."""
    if connection.vendor == "postgresql":
        return f"jsonb_array_elements_text({alias}.coupon_codes) AS codes(value)"
    return f"json_each({alias}.coupon_codes) AS codes"


def _rows(sql: str) -> Iterator[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(1000):
            yield from batch


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _collect(result: CheckResult, mismatches: Iterator[Mismatch], limit: int) -> None:
    for mismatch in mismatches:
        result.failures += 1
        if len(result.mismatches) < limit:
            result.mismatches.append(mismatch)


# --- Stock -------------------------------------------------------------------------------------
def _level_versus(t: dict, level_column: str, other_sql: str) -> str:
    """(location, SKU, lot, level's column, the other side's sum) where the two differ."""
    return f"""
        SELECT loc.code, sku.code, b.lot_code, d.level_qty, d.other_qty
        FROM (
            SELECT location_id, sku_id, batch_key,
                   SUM(level_qty) AS level_qty, SUM(other_qty) AS other_qty
            FROM (
                SELECT location_id, sku_id, COALESCE(batch_id, 0) AS batch_key,
                       {level_column} AS level_qty, 0 AS other_qty
                FROM {t["level"]}
                UNION ALL
                {other_sql}
            ) AS sides
            GROUP BY location_id, sku_id, batch_key
            HAVING SUM(level_qty) <> SUM(other_qty)
        ) AS d
        JOIN {t["location"]} AS loc ON loc.id = d.location_id
        JOIN {t["sku"]} AS sku ON sku.id = d.sku_id
        LEFT JOIN {t["batch"]} AS b ON b.id = d.batch_key
        ORDER BY loc.code, sku.code, b.lot_code
    """


def _stock_row(location: str, sku: str, lot: str | None) -> str:
    where = _("stock of %(sku)s at %(location)s") % {"sku": sku, "location": location}
    return where + (_(" (lot %(lot)s)") % {"lot": lot} if lot else "")


def _stock_on_hand(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['level']}")
    moves = f"""SELECT location_id, sku_id, COALESCE(batch_id, 0), 0, quantity
                FROM {t["move"]}"""
    _collect(
        result,
        (
            Mismatch(
                result.code,
                _stock_row(location, sku, lot),
                _("%(qty)s on hand (the sum of its stock moves)") % {"qty": moves_sum},
                _("%(qty)s on hand") % {"qty": on_hand},
            )
            for location, sku, lot, on_hand, moves_sum in _rows(_level_versus(t, "on_hand", moves))
        ),
        limit,
    )


def _stock_reserved(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['level']} WHERE reserved > 0")
    held = f"""SELECT rl.location_id, rl.sku_id, COALESCE(rl.batch_id, 0), 0, rl.quantity
               FROM {t["reservation_line"]} AS rl
               JOIN {t["reservation"]} AS r ON r.id = rl.reservation_id
               WHERE r.status = 'active'"""
    _collect(
        result,
        (
            Mismatch(
                result.code,
                _stock_row(location, sku, lot),
                _("%(qty)s reserved (the open reservations)") % {"qty": open_qty},
                _("%(qty)s reserved") % {"qty": reserved},
            )
            for location, sku, lot, reserved, open_qty in _rows(_level_versus(t, "reserved", held))
        ),
        limit,
    )


# --- Orders and money ----------------------------------------------------------------------------
def _order_totals(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['order']}")
    sql = f"""
        SELECT o.number, o.total, o.subtotal, o.discount_total, COALESCE(l.lines_total, 0)
        FROM {t["order"]} AS o
        LEFT JOIN (
            SELECT order_id, SUM(line_total) AS lines_total FROM {t["line"]} GROUP BY order_id
        ) AS l ON l.order_id = o.id
        WHERE ABS(o.total - COALESCE(l.lines_total, 0)) >= {TOLERANCE}
           OR ABS(o.total - (o.subtotal - o.discount_total)) >= {TOLERANCE}
        ORDER BY o.number
    """

    def found() -> Iterator[Mismatch]:
        for number, total, subtotal, discount, lines in _rows(sql):
            row = _("order %(number)s total") % {"number": number}
            if abs(Decimal(_money(total)) - Decimal(_money(lines))) >= CENT:
                yield Mismatch(
                    result.code,
                    row,
                    _("%(amount)s (its lines)") % {"amount": _money(lines)},
                    _money(total),
                )
            else:
                expected = _money(Decimal(_money(subtotal)) - Decimal(_money(discount)))
                yield Mismatch(
                    result.code,
                    row,
                    _("%(amount)s (subtotal − discount)") % {"amount": expected},
                    _money(total),
                )

    _collect(result, found(), limit)


def _order_refunds(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['order']} WHERE refunded_total > 0")
    sql = f"""
        SELECT o.number, o.refunded_total, COALESCE(l.refunded, 0), COALESCE(r.refunded, 0)
        FROM {t["order"]} AS o
        LEFT JOIN (
            SELECT order_id, SUM(refunded_amount) AS refunded FROM {t["line"]} GROUP BY order_id
        ) AS l ON l.order_id = o.id
        LEFT JOIN (
            SELECT order_id, SUM(refund_total) AS refunded
            FROM {t["sales_return"]} GROUP BY order_id
        ) AS r ON r.order_id = o.id
        WHERE ABS(o.refunded_total - COALESCE(l.refunded, 0)) >= {TOLERANCE}
           OR ABS(o.refunded_total - COALESCE(r.refunded, 0)) >= {TOLERANCE}
        ORDER BY o.number
    """
    _collect(
        result,
        (
            Mismatch(
                result.code,
                _("order %(number)s refunded") % {"number": number},
                _("%(lines)s (its lines), %(returns)s (its returns)")
                % {"lines": _money(lines), "returns": _money(returns)},
                _money(refunded),
            )
            for number, refunded, lines, returns in _rows(sql)
        ),
        limit,
    )


def _return_refunds(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['sales_return']}")
    returns = f"""
        SELECT o.number, sr.uuid, sr.refund_total, COALESCE(f.sent, 0)
        FROM {t["sales_return"]} AS sr
        JOIN {t["order"]} AS o ON o.id = sr.order_id
        LEFT JOIN (
            SELECT sales_return_id, SUM(amount) AS sent FROM {t["refund"]}
            GROUP BY sales_return_id
        ) AS f ON f.sales_return_id = sr.id
        WHERE ABS(sr.refund_total - COALESCE(f.sent, 0)) >= {TOLERANCE}
        ORDER BY o.number
    """
    # An exchange payment has no refunds of its own: its refund follows the credit back to the
    # order it came from (sales.refunds.refund_send).
    payments = f"""
        SELECT o.number, p.id, p.method, p.refunded_amount, COALESCE(f.sent, 0)
        FROM {t["payment"]} AS p
        JOIN {t["order"]} AS o ON o.id = p.order_id
        LEFT JOIN (
            SELECT payment_id, SUM(amount) AS sent FROM {t["refund"]}
            WHERE payment_id IS NOT NULL GROUP BY payment_id
        ) AS f ON f.payment_id = p.id
        WHERE p.method <> 'exchange'
          AND ABS(p.refunded_amount - COALESCE(f.sent, 0)) >= {TOLERANCE}
        ORDER BY o.number, p.id
    """

    def found() -> Iterator[Mismatch]:
        for number, return_id, refund_total, sent in _rows(returns):
            yield Mismatch(
                result.code,
                _("return %(id)s of order %(number)s") % {"id": return_id, "number": number},
                _("%(amount)s (its refunds)") % {"amount": _money(sent)},
                _money(refund_total),
            )
        for number, payment_id, method, refunded, sent in _rows(payments):
            yield Mismatch(
                result.code,
                _("%(method)s payment %(id)s of order %(number)s refunded")
                % {"method": method, "id": payment_id, "number": number},
                _("%(amount)s (its refunds)") % {"amount": _money(sent)},
                _money(refunded),
            )

    _collect(result, found(), limit)


def _order_payments(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['order']}")
    # Exchange credit an order handed to its exchange's new order (a refund with no payment,
    # whose reference is the new order's number), less what of it has been refunded since:
    # that money left through the new order, so it is not in this order's payments any more.
    credit = f"""
        SELECT sr.order_id, SUM(r.amount - COALESCE(back.refunded, 0)) AS credit
        FROM {t["refund"]} AS r
        JOIN {t["sales_return"]} AS sr ON sr.id = r.sales_return_id
        LEFT JOIN (
            SELECT o2.number, SUM(p2.refunded_amount) AS refunded
            FROM {t["payment"]} AS p2 JOIN {t["order"]} AS o2 ON o2.id = p2.order_id
            WHERE p2.method = 'exchange' AND p2.status = 'succeeded'
            GROUP BY o2.number
        ) AS back ON back.number = r.reference
        WHERE r.method = 'exchange' AND r.payment_id IS NULL
        GROUP BY sr.order_id
    """
    expected = f"""CASE WHEN o.status IN {_paid()}
                   THEN o.total - o.refunded_total + COALESCE(c.credit, 0) ELSE 0 END"""
    sql = f"""
        SELECT o.number, o.status, {expected}, COALESCE(p.held, 0)
        FROM {t["order"]} AS o
        LEFT JOIN (
            SELECT order_id, SUM(amount - refunded_amount) AS held FROM {t["payment"]}
            WHERE status = 'succeeded' GROUP BY order_id
        ) AS p ON p.order_id = o.id
        LEFT JOIN ({credit}) AS c ON c.order_id = o.id
        WHERE ABS({expected} - COALESCE(p.held, 0)) >= {TOLERANCE}
        ORDER BY o.number
    """
    _collect(
        result,
        (
            Mismatch(
                result.code,
                _("order %(number)s (%(status)s) payments less refunds")
                % {"number": number, "status": status},
                _("%(amount)s (total − refunded)") % {"amount": _money(want)}
                if status in PAID_STATES
                else _("0.00 (the order is not paid)"),
                _money(held),
            )
            for number, status, want, held in _rows(sql)
        ),
        limit,
    )


# --- Points --------------------------------------------------------------------------------------
def _points_balances(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['member']}")
    sql = f"""
        SELECT m.code, m.points_balance, COALESCE(e.points, 0), m.ledger_seq, COALESCE(e.n, 0)
        FROM {t["member"]} AS m
        LEFT JOIN (
            SELECT member_id, SUM(points) AS points, COUNT(*) AS n FROM {t["entry"]}
            GROUP BY member_id
        ) AS e ON e.member_id = m.id
        WHERE m.points_balance <> COALESCE(e.points, 0) OR m.ledger_seq <> COALESCE(e.n, 0)
        ORDER BY m.code
    """
    _collect(
        result,
        (
            Mismatch(
                result.code,
                _("member %(code)s points") % {"code": code},
                _("%(points)s points in %(n)s entries (the ledger)")
                % {"points": ledger_points, "n": ledger_n},
                _("%(points)s points in %(n)s entries") % {"points": balance, "n": seq},
            )
            for code, balance, ledger_points, seq, ledger_n in _rows(sql)
        ),
        limit,
    )


def _points_chains(t: dict, result: CheckResult, limit: int) -> None:
    from storeos.loyalty.verify import ledger_verify

    verified = ledger_verify(max_breaks=limit)
    result.examined = verified.members
    result.failures = verified.broken_count
    result.mismatches = [
        Mismatch(
            result.code,
            str(found).removesuffix(f": {found.problem}"),
            _("an intact hash chain"),
            found.problem,
        )
        for found in verified.breaks[:limit]
    ]


# --- Coupons and promotions ----------------------------------------------------------------------
def _coupon_uses(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['coupon']} WHERE status = 'used'")
    listed = f"EXISTS (SELECT 1 FROM {_coupon_codes('o')} WHERE codes.value = c.code)"
    used = f"""
        SELECT c.code, c.status, o.number, o.status
        FROM {t["coupon"]} AS c
        LEFT JOIN {t["order"]} AS o ON o.uuid = c.order_uuid
        WHERE (c.status = 'used' AND (o.id IS NULL OR o.status NOT IN {_paid()} OR NOT {listed}))
           OR (c.status <> 'used' AND c.order_uuid IS NOT NULL)
        ORDER BY c.code
    """
    # A code on a paid order must have been used by it, unless a return gave it back (and
    # another order may have used it since).
    listed_codes = f"""
        SELECT o.number, codes.value, c.status
        FROM {t["order"]} AS o
        CROSS JOIN {_coupon_codes("o")}
        LEFT JOIN {t["coupon"]} AS c ON c.code = codes.value
        WHERE o.status IN {_paid()}
          AND (c.id IS NULL OR (
                (c.order_uuid IS NULL OR c.order_uuid <> o.uuid)
                AND NOT EXISTS (SELECT 1 FROM {t["sales_return"]} AS r WHERE r.order_id = o.id)))
        ORDER BY o.number
    """

    def found() -> Iterator[Mismatch]:
        for code, status, number, order_status in _rows(used):
            row = _("coupon %(code)s") % {"code": code}
            if status != "used":
                yield Mismatch(
                    result.code,
                    row,
                    _("no order (it is %(status)s)") % {"status": status},
                    _("order %(number)s") % {"number": number or "?"},
                )
            elif number is None:
                yield Mismatch(result.code, row, _("used by an order"), _("no such order"))
            elif order_status not in PAID_STATES:
                yield Mismatch(
                    result.code,
                    row,
                    _("used by a paid order"),
                    _("order %(number)s is %(status)s")
                    % {"number": number, "status": order_status},
                )
            else:
                yield Mismatch(
                    result.code,
                    row,
                    _("listed on order %(number)s") % {"number": number},
                    _("not among the order's coupons"),
                )
        for number, code, status in _rows(listed_codes):
            yield Mismatch(
                result.code,
                _("coupon %(code)s on order %(number)s") % {"code": code, "number": number},
                _("used by that order"),
                _("no such coupon") if status is None else status,
            )

    _collect(result, found(), limit)


def _promotion_uses(t: dict, result: CheckResult, limit: int) -> None:
    result.examined = _count(f"SELECT COUNT(*) FROM {t['promotion']}")
    sql = f"""
        SELECT p.code, p.used_count, COALESCE(u.n, 0), p.discount_used, COALESCE(u.given, 0)
        FROM {t["promotion"]} AS p
        LEFT JOIN (
            SELECT promotion_id, COUNT(*) AS n, SUM(discount - reversed_discount) AS given
            FROM {t["promotion_use"]} GROUP BY promotion_id
        ) AS u ON u.promotion_id = p.id
        WHERE p.used_count <> COALESCE(u.n, 0)
           OR ABS(p.discount_used - COALESCE(u.given, 0)) >= {TOLERANCE}
        ORDER BY p.code
    """
    orphans = f"""
        SELECT p.code, u.order_uuid
        FROM {t["promotion_use"]} AS u
        JOIN {t["promotion"]} AS p ON p.id = u.promotion_id
        LEFT JOIN {t["order"]} AS o ON o.uuid = u.order_uuid
        WHERE o.id IS NULL OR o.status NOT IN {_paid()}
        ORDER BY p.code
    """

    def found() -> Iterator[Mismatch]:
        for code, used, uses, given, uses_given in _rows(sql):
            yield Mismatch(
                result.code,
                _("promotion %(code)s") % {"code": code},
                _("%(n)s uses, %(amount)s given (its recorded uses)")
                % {"n": uses, "amount": _money(uses_given)},
                _("%(n)s uses, %(amount)s given") % {"n": used, "amount": _money(given)},
            )
        for code, order_uuid in _rows(orphans):
            yield Mismatch(
                result.code,
                _("promotion %(code)s use on order %(order)s")
                % {"code": code, "order": order_uuid},
                _("a paid order"),
                _("no paid order"),
            )

    _collect(result, found(), limit)


CHECKS: list[tuple[str, Callable[[], str], Callable]] = [
    ("stock_on_hand", lambda: _("Stock on hand equals the stock moves"), _stock_on_hand),
    ("stock_reserved", lambda: _("Reserved stock equals open reservations"), _stock_reserved),
    ("order_totals", lambda: _("Order totals equal their lines"), _order_totals),
    ("order_refunds", lambda: _("Order refunds equal their lines and returns"), _order_refunds),
    ("refunds", lambda: _("Returns and payments equal the refunds sent"), _return_refunds),
    ("order_payments", lambda: _("Payments less refunds equal what orders hold"), _order_payments),
    ("points_balances", lambda: _("Points balances equal the ledger"), _points_balances),
    ("points_chains", lambda: _("Every points hash chain verifies"), _points_chains),
    ("coupon_uses", lambda: _("Used coupons equal redemptions"), _coupon_uses),
    ("promotion_uses", lambda: _("Promotion counters equal their uses"), _promotion_uses),
]


def reconcile(*, limit: int = MAX_LISTED) -> Report:
    """Run every check in one read-only snapshot; list at most `limit` mismatches per check
    (every mismatch is counted)."""
    report = Report()
    tables = _tables()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for code, title, run in CHECKS:
            result = CheckResult(code=code, title=title())
            run(tables, result, limit)
            report.checks.append(result)
    return report
