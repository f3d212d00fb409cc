"""Returns: take goods back within the policy window, refund them to the methods they were
paid with (refunds.py), put them back on the shelf or scrap them, and let loyalty and promotions
undo their part (hooks.py). One transaction each; the client chooses the return id, so a
resubmitted return lands once and the same id with another payload is `idempotency_conflict`.
Exchanges (exchanges.py) reuse the steps here with a new sale in the same transaction.

Decisions:
- Window: business days in the store's time zone from the order's business day; a line is late
  when more days have passed than its category's window (ReturnPolicy, inherited from the
  nearest ancestor, 15 days by default). A late return needs SALES_OVERRIDE and a reason; it is
  recorded on the return and audited as `sales.return_override` (others as `sales.return`).
- Refund per line: units k..k+q of a line refund cum(k+q) - cum(k), where cum(n) is the line
  total split n : (sold - n) with `money.allocate`. Repeated partial returns therefore add up to
  the line total exactly and the last unit gets the remainder.
- Guards: the order row is locked first (returns of one order queue), the line counters grow by
  a conditional UPDATE (`returned_quantity + q <= quantity`), the order's refunded total and
  each payment's refunded amount likewise; the database check constraints back them up.
- Stock: each unit goes back to the order's selling location, into the batch it was sold from
  and at the cost it left with (from the sale moves referenced "order"/"<uuid>/<line_no>").
  Damaged goods are returned and then scrapped, so the stock card shows both: the sale nets out
  against its return per order line, and the write-off appears in the loss report like any
  other scrap (valued at moving-average cost, as scrap always is).
"""

import uuid as uuid_lib
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F

from storeos.accounts.permissions import Perm, has_perm, require_unless_system, store_ids_with
from storeos.catalog.models import Category
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.errors import IdempotencyConflict, NotFound, ValidationFailed
from storeos.core.idempotency import payload_hash
from storeos.core.money import HALF_CENT, ZERO, allocate
from storeos.core.outbox import event_emit
from storeos.inventory.models import MoveKind, StockMove
from storeos.inventory.stock import Reference, stock_issue, stock_return
from storeos.sales.errors import OrderNotFound, OrderStateInvalid
from storeos.sales.hooks import return_hooks_run
from storeos.sales.models import (
    Disposition,
    Order,
    OrderLine,
    OrderStatus,
    ReturnKind,
    ReturnLine,
    ReturnPolicy,
    SalesReturn,
    Shift,
)
from storeos.sales.refunds import RefundExceedsPaid, refund_send

DEFAULT_WINDOW_DAYS = 15
MAX_WINDOW_DAYS = 3650
RETURNABLE = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
SCRAP_REFERENCE = "sales_return"


class ReturnInvalid(ValidationFailed):
    code = "return_invalid"


class ReturnWindowPassed(ValidationFailed):
    code = "return_window_passed"


class ReturnQuantityExceeded(ValidationFailed):
    code = "return_quantity_exceeded"


class ReturnNotFound(NotFound):
    code = "return_not_found"


class ReturnItem(NamedTuple):
    order_line: OrderLine
    quantity: int
    disposition: str = Disposition.RESTOCK


# --- Policy --------------------------------------------------------------------------------------
def window_days_for(*, category_ids: list[int]) -> dict[int, int]:
    """Return window per category: its own policy, else the nearest ancestor's, else 15 days."""
    explicit = dict(ReturnPolicy.objects.values_list("category_id", "window_days"))
    windows = {}
    for category_id in category_ids:
        days, current, seen = DEFAULT_WINDOW_DAYS, category_id, set()
        while explicit and current is not None and current not in seen:
            if current in explicit:
                days = explicit[current]
                break
            seen.add(current)
            current = (
                Category.objects.filter(pk=current).values_list("parent_id", flat=True).first()
            )
        windows[category_id] = days
    return windows


@transaction.atomic
def return_policy_set(*, actor, category: Category, window_days: int) -> ReturnPolicy:
    """Set a category's return window (and its subtree's, unless they set their own). Audited;
    a chain-wide rule, so it needs a chain-wide SALES_OVERRIDE grant."""
    require_unless_system(actor, Perm.SALES_OVERRIDE)
    if (
        isinstance(window_days, bool)
        or not isinstance(window_days, int)
        or not 0 <= window_days <= MAX_WINDOW_DAYS
    ):
        raise ValidationFailed(
            f"The return window is a whole number of days from 0 to {MAX_WINDOW_DAYS}.",
            code="return_policy_invalid",
            details={"window_days": window_days},
        )
    before = ReturnPolicy.objects.filter(category=category).values_list("window_days", flat=True)
    before = before.first()
    policy, _ = ReturnPolicy.objects.update_or_create(
        category=category,
        defaults={
            "window_days": window_days,
            "updated_at": clock.now(),
            "updated_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit_record(
        actor=actor,
        action="sales.return_policy_set",
        obj=policy,
        before={"category": category.code, "window_days": before},
        after={"category": category.code, "window_days": window_days},
    )
    return policy


def return_policy_list() -> list[ReturnPolicy]:
    return list(ReturnPolicy.objects.select_related("category").order_by("category__path", "pk"))


# --- Reads ---------------------------------------------------------------------------------------
def order_for_return(*, user, order_id: uuid_lib.UUID) -> Order:
    """The order with that id if `user` may see its store's sales, else 404 (never reveal it)."""
    order = Order.objects.select_related("store", "location").filter(uuid=order_id).first()
    visible = store_ids_with(user, Perm.SALES_VIEW) if user is not None else None
    if order is None or (visible is not None and order.store_id not in visible):
        raise OrderNotFound("No such order.", details={"order_id": str(order_id)})
    return order


def return_get(*, user, return_id: uuid_lib.UUID) -> SalesReturn:
    sales_return = (
        SalesReturn.objects.select_related("order", "exchange_order", "created_by", "override_by")
        .filter(uuid=return_id)
        .first()
    )
    visible = store_ids_with(user, Perm.SALES_VIEW) if user is not None else None
    if sales_return is None or (visible is not None and sales_return.store_id not in visible):
        raise ReturnNotFound("No such return.", details={"return_id": str(return_id)})
    return sales_return


# --- Returns -------------------------------------------------------------------------------------
def parse_items(order: Order, lines: list) -> list[ReturnItem]:
    if not lines:
        raise ReturnInvalid("Say which lines come back.", code="return_lines_required")
    items, seen = [], set()
    for spec in lines:
        item = ReturnItem(*spec)
        line_id = getattr(item.order_line, "pk", None)
        if getattr(item.order_line, "order_id", None) != order.pk:
            raise ReturnInvalid(
                "That line is not on this order.",
                code="return_line_invalid",
                details={"order_line": line_id},
            )
        if line_id in seen:
            raise ReturnInvalid(
                "Each order line may appear once in a return.",
                code="return_line_duplicate",
                details={"line_no": item.order_line.line_no},
            )
        seen.add(line_id)
        quantity = item.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise ReturnInvalid(
                "Quantities must be whole numbers above zero.",
                code="quantity_invalid",
                details={"line_no": item.order_line.line_no, "quantity": quantity},
            )
        if item.disposition not in Disposition.values:
            raise ReturnInvalid(
                f"Unknown disposition {item.disposition!r}.",
                code="disposition_invalid",
                details={"allowed": list(Disposition.values)},
            )
        items.append(item)
    return sorted(items, key=lambda it: it.order_line.pk)


def request_payload(order: Order, items: list[ReturnItem], **parts) -> dict:
    return {
        "order": str(order.uuid),
        "lines": [[it.order_line.line_no, it.quantity, str(it.disposition)] for it in items],
        **parts,
    }


def replay(return_id: uuid_lib.UUID, request_hash: str) -> SalesReturn | None:
    existing = SalesReturn.objects.filter(uuid=return_id).first()
    if existing is not None and existing.request_hash != request_hash:
        raise IdempotencyConflict(
            "This return id was already used for a different return.",
            details={"return_id": str(return_id)},
        )
    return existing


def return_create(
    *,
    actor,
    return_id: uuid_lib.UUID,
    order: Order,
    lines: list,
    reason: str,
    override_reason: str = "",
    shift: Shift | None = None,
) -> SalesReturn:
    """Take back `lines` [(order_line, quantity, disposition)] of `order` and refund them.

    Returns the return (the first one, on a replay). Refused, changing nothing, when a line would
    come back more often than sold (`return_quantity_exceeded`), after the window without an
    override (`return_window_passed`) or when the payments cannot cover the refund.
    """
    require_unless_system(actor, Perm.SALES_RETURN, order.store)
    items = parse_items(order, lines)
    payload = request_payload(
        order, items, kind=ReturnKind.RETURN, reason=reason, override=override_reason
    )
    request_hash = payload_hash(payload)
    if (existing := replay(return_id, request_hash)) is not None:
        return existing
    try:
        with transaction.atomic():
            order = lock_order(order)
            if (existing := replay(return_id, request_hash)) is not None:
                return existing
            sales_return = take_back(
                actor=actor,
                return_id=return_id,
                order=order,
                items=items,
                kind=ReturnKind.RETURN,
                reason=reason,
                override_reason=override_reason,
                shift=shift,
                request_hash=request_hash,
            )
            refund_send(sales_return=sales_return, order=order, amount=sales_return.refund_total)
            announce(sales_return)
            return sales_return
    except IntegrityError:
        # A concurrent twin stored the same return id first; everything of ours rolled back.
        if (existing := replay(return_id, request_hash)) is not None:
            return existing
        raise


def lock_order(order: Order) -> Order:
    """Lock the order row: returns of one order queue here, so each sees the last one's counts.

    On SQLite the IMMEDIATE transaction already holds the database's write lock.
    """
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("store", "location")
        .get(pk=order.pk)
    )


def _check_window(*, actor, order: Order, lines: list[OrderLine], override_reason: str) -> bool:
    """True when the return is late and overridden; raises when it is late and not allowed."""
    days_since = (clock.today(order.store.time_zone) - order.business_date).days
    windows = window_days_for(category_ids=sorted({line.sku.product.category_id for line in lines}))
    late = [ln for ln in lines if days_since > windows[ln.sku.product.category_id]]
    if not late:
        return False
    may_override = actor is None or has_perm(actor, Perm.SALES_OVERRIDE, order.store)
    if not (may_override and override_reason.strip()):
        window = min(windows[ln.sku.product.category_id] for ln in late)
        raise ReturnWindowPassed(
            f"The return window ({window} days) has passed: the sale was {days_since} days ago. "
            "A store manager may override it, giving a reason.",
            details={
                "days_since_sale": days_since,
                "window_days": window,
                "line_nos": [ln.line_no for ln in late],
                "override_allowed": may_override,
            },
        )
    return True


def refund_share(*, line_total: Decimal, sold: int, returned: int, quantity: int) -> Decimal:
    """The refund for `quantity` more units of a line when `returned` units already came back."""

    def refunded_after(units: int) -> Decimal:
        return allocate(line_total, [units, sold - units])[0]

    return refunded_after(returned + quantity) - refunded_after(returned)


def take_back(
    *, actor, return_id, order, items, kind, reason, override_reason, shift, request_hash
):
    """Record the return and its lines, take the units back into stock, grow the refunded
    counters under their guards. Caller holds the order lock inside its transaction."""
    if order.status not in RETURNABLE:
        raise OrderStateInvalid(
            f"An order that is {order.status} cannot be returned.",
            details={"order": order.number, "status": order.status},
        )
    if shift is not None and shift.store_id != order.store_id:
        raise ReturnInvalid("That shift is another store's.", code="shift_invalid")
    lines = {
        ln.pk: ln
        for ln in OrderLine.objects.select_for_update(of=("self",))
        .select_related("sku__product", "batch")
        .filter(pk__in=[it.order_line.pk for it in items])
        .order_by("pk")
    }
    overridden = _check_window(
        actor=actor, order=order, lines=list(lines.values()), override_reason=override_reason
    )
    now = clock.now()
    sales_return = SalesReturn.objects.create(
        uuid=return_id,
        order=order,
        store=order.store,
        kind=kind,
        shift=shift,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
        business_date=clock.business_date(now, order.store.time_zone),
        reason=(reason or "").strip()[:255],
        override_by=actor if overridden and getattr(actor, "pk", None) else None,
        override_reason=override_reason.strip()[:255] if overridden else "",
        request_hash=request_hash,
    )
    total = ZERO
    for item in items:
        line = lines[item.order_line.pk]
        amount = _line_take_back(line=line, quantity=item.quantity)
        ReturnLine.objects.create(
            sales_return=sales_return,
            order_line=line,
            quantity=item.quantity,
            refund_amount=amount,
            disposition=item.disposition,
            location=order.location,
        )
        _stock_back(
            actor=actor,
            sales_return=sales_return,
            order=order,
            line=line,
            quantity=item.quantity,
            disposition=item.disposition,
        )
        total += amount
    _order_refund_grow(order=order, amount=total)
    sales_return.refund_total = total
    sales_return.save(update_fields=["refund_total"])
    _audit_return(actor=actor, sales_return=sales_return, order=order, lines=lines, items=items)
    return sales_return


def _order_refund_grow(*, order: Order, amount: Decimal) -> None:
    """The order's refunded total grows, guarded: never beyond what the order took."""
    if not Order.objects.filter(
        pk=order.pk, refunded_total__lte=F("total") - amount + HALF_CENT
    ).update(refunded_total=F("refunded_total") + amount):
        raise RefundExceedsPaid(
            f"Refunding {amount} would exceed the {order.total} paid for order {order.number}.",
            details={"refund": amount, "total": order.total, "refunded": order.refunded_total},
        )


def _audit_return(*, actor, sales_return: SalesReturn, order: Order, lines: dict, items) -> None:
    overridden = bool(sales_return.override_reason)
    audit_record(
        actor=actor,
        action="sales.return_override" if overridden else "sales.return",
        obj=sales_return,
        store_id=order.store_id,
        before={"order": order.number, "refunded_total": order.refunded_total},
        after={
            "order": order.number,
            "kind": sales_return.kind,
            "refunded_total": order.refunded_total + sales_return.refund_total,
            "refund": sales_return.refund_total,
            "lines": [[lines[it.order_line.pk].line_no, it.quantity] for it in items],
            "override": overridden,
        },
        reason=sales_return.override_reason or sales_return.reason,
    )


def _line_take_back(*, line: OrderLine, quantity: int) -> Decimal:
    """Count `quantity` more units of `line` as returned; returns their refund.

    The conditional UPDATE is the guard (`returned_quantity + q <= quantity`), and it also checks
    the count is the one the refund was computed from; the database constraints back it up.
    """
    if line.returned_quantity + quantity > line.quantity:
        raise ReturnQuantityExceeded(
            f"Only {line.quantity - line.returned_quantity} of line {line.line_no} "
            f"({line.sku.code}) can still come back; {quantity} requested.",
            details={
                "line_no": line.line_no,
                "sold": line.quantity,
                "returned": line.returned_quantity,
                "requested": quantity,
            },
        )
    amount = refund_share(
        line_total=line.line_total,
        sold=line.quantity,
        returned=line.returned_quantity,
        quantity=quantity,
    )
    updated = OrderLine.objects.filter(
        pk=line.pk,
        returned_quantity=line.returned_quantity,
        returned_quantity__lte=F("quantity") - quantity,
        refunded_amount__lte=F("line_total") - amount + HALF_CENT,
    ).update(
        returned_quantity=F("returned_quantity") + quantity,
        refunded_amount=F("refunded_amount") + amount,
    )
    if not updated:
        raise ReturnQuantityExceeded(
            f"Line {line.line_no} was returned meanwhile; look at the order again.",
            details={"line_no": line.line_no, "requested": quantity},
        )
    return amount


def _stock_back(*, actor, sales_return, order, line, quantity, disposition) -> None:
    """Units come back into the batches they were sold from, at the cost they left with."""
    reference = Reference("order", f"{order.uuid}/{line.line_no}")
    moves = StockMove.objects.filter(
        reference_type=reference.type,
        reference_id=reference.id,
        location=order.location,
        kind__in=[MoveKind.SALE, MoveKind.RETURN],
    ).select_related("batch")
    sources: dict[int | None, list] = {}  # batch id → [batch, unit cost, units not back yet]
    for move in moves.order_by("id"):
        if move.kind == MoveKind.SALE:
            sources.setdefault(move.batch_id, [move.batch, move.unit_cost, 0])[2] -= move.quantity
        elif move.batch_id in sources:
            sources[move.batch_id][2] -= move.quantity
    chunks, remaining = [], quantity
    for batch, unit_cost, left in sources.values():
        take = min(remaining, max(left, 0))
        if take:
            chunks.append((batch, unit_cost, take))
            remaining -= take
    if remaining:  # a sale recorded without referenced moves: the line's batch and cost
        chunks.append((line.batch, line.unit_cost, remaining))
    for batch, unit_cost, units in chunks:
        stock_return(
            actor=actor,
            location=order.location,
            sku=line.sku,
            quantity=units,
            unit_cost=unit_cost,
            batch=batch,
            reference=reference,
            note=f"return {sales_return.uuid}",
        )
        if disposition == Disposition.SCRAP:
            stock_issue(
                actor=actor,
                location=order.location,
                sku=line.sku,
                quantity=units,
                kind=MoveKind.SCRAP,
                batch=batch,
                reference=Reference(SCRAP_REFERENCE, str(sales_return.uuid)),
                note="damaged customer return",
            )


def announce(sales_return: SalesReturn) -> None:
    """`order.returned` on the outbox, then the reversal hooks, inside the transaction."""
    lines = list(sales_return.lines.select_related("order_line").order_by("order_line__line_no"))
    order = sales_return.order
    event_emit(
        topic="order.returned",
        payload={
            "return_id": str(sales_return.uuid),
            "kind": sales_return.kind,
            "order_id": str(order.uuid),
            "number": order.number,
            "store_id": order.store_id,
            "member_id": order.member_id,
            "refund_total": sales_return.refund_total,
            "business_date": sales_return.business_date,
            "exchange_order_id": str(sales_return.exchange_order.uuid)
            if sales_return.exchange_order_id
            else None,
            "lines": [
                {
                    "line_no": ln.order_line.line_no,
                    "sku_id": ln.order_line.sku_id,
                    "quantity": ln.quantity,
                    "refund_amount": ln.refund_amount,
                    "disposition": ln.disposition,
                }
                for ln in lines
            ],
            "refunds": [
                {"method": r.method, "amount": r.amount, "status": r.status}
                for r in sales_return.refunds.order_by("pk")
            ],
        },
    )
    return_hooks_run(sales_return)
