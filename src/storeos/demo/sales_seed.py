"""Writes the demo's sales through the sales services, as the store's cashier would ring them.

Each ticket is priced by the real pricing function, paid (QR codes through the sandbox provider:
an intent, the customer's "paid" and the checkout claiming it; cards with a terminal reference;
cash with the note handed over and its change) and checked out on the day's shift. Online orders
are placed and paid by the online mall (the system), packed and handed over by the cashier.
The caller freezes the clock at each step's time.
"""

import datetime as dt
import uuid
from decimal import ROUND_CEILING, Decimal

from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.core.channels import Channel
from storeos.demo.sales_plan import (
    REGISTER,
    SPLIT_CASH,
    OnlineOrderSpec,
    ReturnSpec,
    ShiftSpec,
    TicketSpec,
)
from storeos.sales.checkout import CartLine, Tender, checkout
from storeos.sales.models import Disposition, Order, PaymentMethod, Shift
from storeos.sales.online import (
    online_order_create,
    online_order_pay,
    order_pickup,
    order_ready_for_pickup,
)
from storeos.sales.payments import payment_intent_create, sandbox_payment_complete
from storeos.sales.pricing import CartItem, price_cart
from storeos.sales.returns import return_create
from storeos.sales.shifts import shift_close, shift_open, shift_summary
from storeos.stores.models import Store

QR = PaymentMethod.SANDBOX


class SalesWriter:
    def __init__(self, *, skus: dict[str, Sku], staff: dict[str, dict[str, object]], customer=None):
        """`staff`: per store code, its "cashier" and "associate" users; `customer(ticket)`: the
        member id who scanned their code on a ticket (or None) and the coupon codes they used."""
        self.skus = skus
        self.customer = customer or (lambda ticket: (None, []))
        self.staff = staff
        self.stores = {store.code: store for store in Store.objects.all()}
        self.shifts: dict[tuple[str, dt.date], Shift] = {}
        self.orders: dict[str, Order] = {}  # by the plan's ticket / order number

    def _cashier(self, store: str):
        return self.staff[store]["cashier"]

    def _cart(self, lines: tuple[tuple[str, int], ...]) -> list[CartLine]:
        return [CartLine(sku=self.skus[code], quantity=quantity) for code, quantity in lines]

    def _qr_paid(self, *, store: Store, amount: Decimal, intent_id: uuid.UUID, actor) -> Tender:
        """The customer scans the code and pays: the tender that claims that payment. The
        sandbox's "paid" button is pressed as the store's cashier (it needs a person)."""
        intent, _ = payment_intent_create(
            actor=actor, store=store, method=QR, amount=amount, intent_id=intent_id
        )
        sandbox_payment_complete(actor=self._cashier(store.code), intent=intent)
        return Tender(QR, amount, reference=intent.out_trade_no)

    # --- the till ---------------------------------------------------------------------------

    def shift_open(self, spec: ShiftSpec) -> None:
        self.shifts[(spec.store, spec.day)] = shift_open(
            actor=self._cashier(spec.store),
            store=self.stores[spec.store],
            register=REGISTER,
            opening_float=spec.opening_float,
        )

    def shift_close(self, spec: ShiftSpec) -> None:
        """The cashier counts the drawer: what it should hold, now and then a little off."""
        shift = self.shifts[(spec.store, spec.day)]
        expected = shift_summary(shift=shift)["expected_cash"]
        shift_close(
            actor=self._cashier(spec.store),
            shift=shift,
            counted_cash=expected + spec.variance,
            note="" if not spec.variance else "点钞差异 counted cash differs",
        )

    def checkout(self, spec: TicketSpec) -> None:
        store, cashier = self.stores[spec.store], self._cashier(spec.store)
        lines = self._cart(spec.lines)
        member_id, coupons = self.customer(spec)
        total = price_cart(
            store=store,
            channel=Channel.POS,
            items=[CartItem(sku=line.sku, quantity=line.quantity) for line in lines],
            member_id=member_id,
            at=clock.now(),
            coupon_codes=coupons,
        ).total
        self.orders[spec.number] = checkout(
            actor=cashier,
            order_id=spec.order_id,
            store=store,
            lines=lines,
            payments=self._tenders(spec, store=store, total=total),
            channel=Channel.POS,
            associate=self.staff[spec.store]["associate"] if spec.associate else None,
            age_confirmed=any(line.sku.age_restricted for line in lines),
            shift=self.shifts.get((spec.store, clock.today(store.time_zone))),
            member_id=member_id,
            coupon_codes=coupons,
        )

    def _tenders(self, spec: TicketSpec, *, store: Store, total: Decimal) -> list[Tender]:
        cashier, intent_id = self._cashier(spec.store), uuid.uuid5(spec.order_id, "qr")
        if spec.payment == "card":
            return [Tender(PaymentMethod.CARD, total, reference=f"T{spec.order_id.hex[:10]}")]
        if spec.payment == "cash":
            note = Decimal(spec.cash_note)
            tendered = (
                total
                if not note
                else (total / note).to_integral_value(rounding=ROUND_CEILING) * note
            )
            return [Tender(PaymentMethod.CASH, total, tendered=tendered)]
        if spec.payment == "split" and total > SPLIT_CASH + 50:
            rest = total - SPLIT_CASH
            return [
                Tender(PaymentMethod.CASH, SPLIT_CASH, tendered=SPLIT_CASH),
                self._qr_paid(store=store, amount=rest, intent_id=intent_id, actor=cashier),
            ]
        return [self._qr_paid(store=store, amount=total, intent_id=intent_id, actor=cashier)]

    def sales_return(self, spec: ReturnSpec) -> None:
        order = self.orders[spec.ticket]
        lines = {line.line_no: line for line in order.lines.all()}
        return_create(
            actor=self._cashier(order.store.code),
            return_id=spec.return_id,
            order=order,
            lines=[
                (lines[line_no], units, Disposition(disposition))
                for line_no, units, disposition in spec.lines
            ],
            reason=spec.reason,
            shift=self.shifts.get((order.store.code, clock.today(order.store.time_zone))),
        )

    # --- online pick-up orders --------------------------------------------------------------

    def online_order(self, spec: OnlineOrderSpec) -> None:
        """Placed in the online mall (stock held) and, minutes later, paid by QR (stock taken)."""
        store = self.stores[spec.store]
        lines = self._cart(spec.lines)
        order = online_order_create(
            actor=None,
            order_id=spec.order_id,
            store=store,
            channel=Channel.ONLINE_MALL,
            lines=lines,
            ttl=spec.ttl,
            # The mall's real-name check vouches for the buyer of liquor.
            age_confirmed=any(line.sku.age_restricted for line in lines),
        )
        if spec.paid_at is not None:
            with clock.frozen(spec.paid_at):
                tender = self._qr_paid(
                    store=store,
                    amount=order.total,
                    intent_id=uuid.uuid5(spec.order_id, "qr"),
                    actor=None,
                )
                order = online_order_pay(actor=None, order=order, payments=[tender])
        self.orders[spec.number] = order

    def online_ready(self, spec: OnlineOrderSpec) -> None:
        order_ready_for_pickup(actor=self._cashier(spec.store), order=self.orders[spec.number])

    def online_pickup(self, spec: OnlineOrderSpec) -> None:
        order = self.orders[spec.number]
        order_pickup(actor=self._cashier(spec.store), order=order, pickup_code=order.pickup_code)
