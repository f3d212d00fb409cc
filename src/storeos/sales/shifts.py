"""Cash shifts and the end-of-day (Z) report: what each till should hold and what the store sold.

A shift opens with a float and closes with the counted cash. What the drawer should hold is the
float, plus the cash taken (tendered) for the shift's sales, minus the change given, minus cash
refunded on that till; the difference from the count is the variance, recorded on the shift.

Refunds belong to the returns module: a refund counts on the shift its return was taken on, and
on the business day of the return (not of the original sale).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, ExtractHour

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.core import clock
from storeos.core.errors import Conflict, ValidationFailed
from storeos.core.money import ZERO, quantize, to_money
from storeos.sales.models import Order, OrderLine, Payment, PaymentStatus, Shift
from storeos.stores.models import Store

MAX_REGISTER = 32


class ShiftAlreadyOpen(Conflict):
    code = "shift_already_open"


class ShiftClosed(Conflict):
    code = "shift_closed"


def _money_arg(value, field: str) -> Decimal:
    try:
        amount = to_money(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"{field} is not an amount.", code="amount_invalid") from exc
    if amount < 0:
        raise ValidationFailed(f"{field} cannot be negative.", code="amount_invalid")
    return amount


# --- Open and close ------------------------------------------------------------------------------
def shift_open(*, actor, store: Store, register: str, opening_float) -> Shift:
    """Open a till's drawer with a float. A till has at most one open shift (the database says so
    too, so two devices opening the same till at once cannot both succeed)."""
    require_unless_system(actor, Perm.SALES_CHECKOUT, store)
    register = (register or "").strip()
    if not register or len(register) > MAX_REGISTER or "\x00" in register:
        raise ValidationFailed("Name the till (1–32 characters).", code="register_invalid")
    amount = _money_arg(opening_float, "The opening float")
    if getattr(actor, "pk", None) is None:
        raise ValidationFailed("A shift belongs to a cashier.", code="cashier_required")
    try:
        with transaction.atomic():
            return Shift.objects.create(
                store=store,
                register=register,
                cashier=actor,
                opened_at=clock.now(),
                opening_float=amount,
            )
    except IntegrityError:
        current = Shift.objects.filter(
            store=store, register=register, status=Shift.Status.OPEN
        ).first()
        if current is None:
            raise
        raise ShiftAlreadyOpen(
            f"Till {register} already has an open shift: close it first.",
            details={"shift_id": current.pk, "register": register},
        ) from None


def shift_require_open(*, shift: Shift, store: Store) -> Shift:
    """The shift a sale is rung on must be this store's and still open."""
    if shift.store_id != store.pk:
        raise ValidationFailed(
            "That shift belongs to another store.",
            code="shift_invalid",
            details={"shift_id": shift.pk},
        )
    if shift.status != Shift.Status.OPEN:
        raise ShiftClosed(
            f"Shift {shift.pk} is closed: open a new one to keep selling.",
            details={"shift_id": shift.pk},
        )
    return shift


@transaction.atomic
def shift_close(*, actor, shift: Shift, counted_cash, note: str = "") -> Shift:
    """Close a shift with the cash counted in the drawer; record what was expected and the
    variance (counted − expected: negative means cash is missing).

    Closing again with the same count returns the closed shift (a retried request).
    """
    require_unless_system(actor, Perm.SALES_CHECKOUT, shift.store_id)
    counted = _money_arg(counted_cash, "The counted cash")
    note = (note or "").replace("\x00", "").strip()[:255]
    now = clock.now()
    # Close first with a conditional UPDATE: of two closes at once, exactly one goes on.
    closed = Shift.objects.filter(pk=shift.pk, status=Shift.Status.OPEN).update(
        status=Shift.Status.CLOSED,
        closed_at=now,
        closed_by=actor if getattr(actor, "pk", None) else None,
    )
    shift.refresh_from_db()
    if not closed:
        if shift.counted_cash == counted:
            return shift
        raise ShiftClosed(
            f"Shift {shift.pk} was already closed.",
            details={"shift_id": shift.pk, "counted_cash": shift.counted_cash},
        )
    expected = shift_summary(shift=shift)["expected_cash"]
    shift.expected_cash = expected
    shift.counted_cash = counted
    shift.variance = counted - expected
    shift.note = note
    shift.save(update_fields=["expected_cash", "counted_cash", "variance", "note"])
    return shift


# --- Figures -------------------------------------------------------------------------------------
def _refunds_by_method(**filters) -> dict[str, Decimal]:
    """Refunded amounts by method for the returns matching `filters` (on SalesReturn).

    The Refund model belongs to the returns module; looked up through the registry so shift
    figures work whether or not returns are installed.
    """
    try:
        refund = apps.get_model("sales", "Refund")
    except LookupError:
        return {}
    rows = refund.objects.filter(
        status="succeeded", **{f"sales_return__{key}": value for key, value in filters.items()}
    )
    return {
        method: to_money(amount or 0)
        for method, amount in rows.order_by()
        .values("method")
        .annotate(amount=Sum("amount"))
        .values_list("method", "amount")
    }


def _payments_by_method(payments) -> dict[str, Decimal]:
    return {
        method: to_money(amount)
        for method, amount in payments.order_by()
        .values("method")
        .annotate(amount=Sum("amount"))
        .values_list("method", "amount")
    }


def _by_method(sales: dict[str, Decimal], refunds: dict[str, Decimal]) -> list[dict]:
    return [
        {
            "method": method,
            "sales": sales.get(method, ZERO),
            "refunds": refunds.get(method, ZERO),
            "net": sales.get(method, ZERO) - refunds.get(method, ZERO),
        }
        for method in sorted(set(sales) | set(refunds))
    ]


def shift_summary(*, shift: Shift) -> dict:
    """A shift's takings and refunds by method, and the cash its drawer should hold."""
    payments = Payment.objects.filter(order__shift=shift, status=PaymentStatus.SUCCEEDED)
    cash = payments.filter(method="cash").aggregate(
        tendered=Coalesce(Sum(Coalesce("tendered", "amount")), ZERO, output_field=_money()),
        change=Coalesce(Sum("change"), ZERO, output_field=_money()),
    )
    refunds = _refunds_by_method(shift=shift)
    sales = _payments_by_method(payments)
    tendered, change = to_money(cash["tendered"]), to_money(cash["change"])
    cash_refunds = refunds.get("cash", ZERO)
    return {
        "orders": Order.objects.filter(shift=shift, paid_at__isnull=False).count(),
        "sales_total": sum(sales.values(), ZERO),
        "refunds_total": sum(refunds.values(), ZERO),
        "by_method": _by_method(sales, refunds),
        "opening_float": shift.opening_float,
        "cash_tendered": tendered,
        "change_given": change,
        "cash_refunds": cash_refunds,
        "expected_cash": shift.opening_float + tendered - change - cash_refunds,
    }


def _money() -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2)


def _day_bounds(store: Store, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(store.time_zone)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def z_report(*, user, store: Store, business_date: dt.date) -> dict:
    """The end-of-day report of one store: sales, discounts, tax, refunds, by payment method,
    by channel and by hour (the store's wall clock), and every shift of the day with its variance.

    Sales count on the business day they were paid; refunds on the day they were made.
    """
    require_unless_system(user, Perm.SALES_REPORTS, store)
    start, end = _day_bounds(store, business_date)
    orders = Order.objects.filter(store=store, business_date=business_date, paid_at__isnull=False)
    totals = orders.aggregate(
        orders=Count("pk"),
        gross=Coalesce(Sum("subtotal"), ZERO, output_field=_money()),
        discounts=Coalesce(Sum("discount_total"), ZERO, output_field=_money()),
        net=Coalesce(Sum("total"), ZERO, output_field=_money()),
        tax=Coalesce(Sum("tax_total"), ZERO, output_field=_money()),
    )
    units = OrderLine.objects.filter(order__in=orders).aggregate(n=Sum("quantity"))["n"] or 0
    sales = _payments_by_method(
        Payment.objects.filter(order__in=orders, status=PaymentStatus.SUCCEEDED)
    )
    refunds = _refunds_by_method(store=store, business_date=business_date)
    count, net = totals["orders"], to_money(totals["net"])
    refunds_total = sum(refunds.values(), ZERO)
    return {
        "store_id": store.pk,
        "store_code": store.code,
        "business_date": business_date,
        "currency": "CNY",
        "orders": count,
        "units": units,
        "gross_sales": to_money(totals["gross"]),
        "discounts": to_money(totals["discounts"]),
        "net_sales": net,
        "tax": to_money(totals["tax"]),
        "refunds": refunds_total,
        "net_after_refunds": net - refunds_total,
        "average_order_value": quantize(net / count) if count else ZERO,
        "units_per_transaction": (Decimal(units) / count).quantize(Decimal("0.01"))
        if count
        else Decimal("0.00"),
        "by_method": _by_method(sales, refunds),
        "by_channel": _grouped(orders, "channel"),
        "by_hour": _grouped(
            orders.annotate(hour=ExtractHour("paid_at", tzinfo=ZoneInfo(store.time_zone))),
            "hour",
        ),
        "shifts": _day_shifts(store, start, end),
    }


def _grouped(orders, key: str) -> list[dict]:
    rows = (
        orders.order_by()
        .values(key)
        .annotate(n=Count("pk"), net=Sum("total"))
        .order_by(key)
        .values_list(key, "n", "net")
    )
    return [{key: value, "orders": n, "net_sales": to_money(net)} for value, n, net in rows]


def _day_shifts(store: Store, start: dt.datetime, end: dt.datetime) -> list[dict]:
    shifts = (
        Shift.objects.filter(store=store, opened_at__gte=start, opened_at__lt=end)
        .select_related("cashier")
        .order_by("opened_at", "pk")
    )
    return [
        {
            "id": shift.pk,
            "register": shift.register,
            "cashier": shift.cashier.get_username(),
            "status": shift.status,
            "opened_at": shift.opened_at,
            "closed_at": shift.closed_at,
            "opening_float": shift.opening_float,
            "expected_cash": shift.expected_cash,
            "counted_cash": shift.counted_cash,
            "variance": shift.variance,
        }
        for shift in shifts
    ]
