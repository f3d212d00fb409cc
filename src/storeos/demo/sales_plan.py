"""The demo chain's sales as plain data: till tickets of one to five lines on the day's cash
shift, a few online pick-up orders and a handful of returns, relative to the seeding moment.

Tickets come from each store's daily demand per SKU (the rates of stock_plan.py): a day's sale
lines are shuffled into baskets, and each basket is rung up at a time drawn from the day's curve
(a quiet morning, a lunch bump, busy evenings; weekends busier). stock_plan.py then receives what
the tickets take, first expiry first, so every ticket finds its stock when the seed rings it up
through the real checkout.
"""

import datetime as dt
import math
import random
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from storeos.demo.plan import SkuSpec

OPENS, CLOSES = 10, 22  # the stores open 10:00–22:00; the last ticket is rung before 22:00
# How busy each opening hour is (10:00 … 21:00), relative: the evening is the rush.
HOUR_WEIGHTS = (3, 5, 8, 7, 6, 6, 7, 9, 12, 14, 12, 7)
WEEKEND = 1.4
BASKET_SIZES = (1, 2, 3, 4, 5)  # lines on a ticket …
BASKET_WEIGHTS = (58, 26, 10, 4, 2)  # … and how often
# How customers pay: QR codes (the sandbox stands in for WeChat Pay and Alipay), bank card,
# cash, and a QR payment topped up with a ¥100 note.
PAYMENTS = ("qr", "card", "cash", "split")
PAYMENT_WEIGHTS = (64, 14, 17, 5)
SPLIT_CASH = Decimal("100.00")
# Cash handed over: the exact money, or the total rounded up to the next 10, 50 or 100 yuan.
CASH_NOTES = (0, 10, 50, 100)
CASH_NOTE_WEIGHTS = (25, 25, 20, 30)
REGISTER = "T01"  # the till the POS screen opens by default
FLOATS = (Decimal("1000.00"), Decimal("500.00"))  # the flagship's float, the others'
# Most evenings the drawer counts exactly; some it is a coin or a note off.
VARIANCES = ("-0.50", "1.00", "-1.00", "-2.00", "0.50", "-10.00", "10.00", "-20.00", "-5.30")
ONLINE_PER_DAY = 0.2  # online pick-up orders a store gets a day
ONLINE_DAYS = range(60, 2, -1)  # old enough to have been picked up
PENDING_TTL = dt.timedelta(minutes=30)
# Cash goes back from the till's drawer, which holds little more than its float.
CASH_REFUND_LIMIT = Decimal("200")


@dataclass(frozen=True)
class TicketSpec:
    """One till sale: a basket rung up at `at` on the store's till."""

    number: str  # the plan's name for it, STORE-YYYYMMDD-NNNN
    store: str
    at: dt.datetime
    order_id: uuid.UUID
    lines: tuple[tuple[str, int], ...]  # (SKU, units), one line per SKU
    payment: str  # qr | card | cash | split
    cash_note: int  # cash: the note the total is rounded up to (0: the exact money)
    associate: bool  # a sales associate (导购) helped and is credited


@dataclass(frozen=True)
class OnlineOrderSpec:
    """An online mall order picked up in store; each later time is None if not reached."""

    number: str
    store: str
    order_id: uuid.UUID
    lines: tuple[tuple[str, int], ...]
    at: dt.datetime  # placed (stock held)
    paid_at: dt.datetime | None = None  # paid by QR (stock taken)
    ready_at: dt.datetime | None = None  # packed at the counter
    picked_up_at: dt.datetime | None = None  # collected with the pick-up code
    ttl: dt.timedelta = PENDING_TTL


@dataclass(frozen=True)
class ShiftSpec:
    store: str
    day: dt.date
    opened_at: dt.datetime
    closed_at: dt.datetime | None  # None: still open (today's)
    opening_float: Decimal
    variance: Decimal  # counted − expected cash at the close


@dataclass(frozen=True)
class ReturnSpec:
    at: dt.datetime
    ticket: str  # TicketSpec.number
    return_id: uuid.UUID
    lines: tuple[tuple[int, int, str], ...]  # (line number, units, restock | scrap)
    reason: str


@dataclass(frozen=True)
class SalesPlan:
    tickets: tuple[TicketSpec, ...]
    online_orders: tuple[OnlineOrderSpec, ...]
    shifts: tuple[ShiftSpec, ...]
    returns: tuple[ReturnSpec, ...]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small daily means of a single store and SKU."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def line_units(rng: random.Random, basket: int) -> int:
    """Units on one sale line: mostly one; goods bought by the handful (bricks, cans, cigarette
    packs) half the time a few, up to half a typical handful."""
    if basket == 1:
        return 2 if rng.random() < 0.08 else 1
    return 1 if rng.random() < 0.5 else rng.randint(2, max(2, basket // 2))


def mean_line_units(basket: int) -> float:
    """What `line_units` gives on average, so a day's lines carry the SKU's daily units."""
    if basket == 1:
        return 1.08
    return 0.5 + 0.5 * (2 + max(2, basket // 2)) / 2


def order_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class SalesDrawer:
    """Draws a chain's sales from its demand; every draw comes from one seeded generator."""

    def __init__(
        self,
        *,
        rng: random.Random,
        stores: list[str],
        rates: dict[str, dict[str, float]],
        basket: dict[str, int],
        skus: dict[str, SkuSpec],
        now: dt.datetime,
        tz: ZoneInfo,
    ):
        self.rng = rng
        self.stores = stores
        self.rates = rates
        self.basket = basket
        self.skus = skus
        self.now = now
        self.tz = tz
        self.today = now.astimezone(tz).date()

    def at(self, day: dt.date, seconds: int) -> dt.datetime:
        """`seconds` after midnight of `day` on the store's wall clock, in UTC."""
        midnight = dt.datetime.combine(day, dt.time.min, tzinfo=self.tz)
        return (midnight + dt.timedelta(seconds=seconds)).astimezone(dt.UTC)

    # --- the till ---------------------------------------------------------------------------

    def tickets(self, days: int) -> list[TicketSpec]:
        """Each store's tickets of the last `days` days and of today so far."""
        tickets = []
        for store in self.stores:
            for days_ago in range(days, -1, -1):
                tickets += self._day(store, self.today - dt.timedelta(days=days_ago))
        return tickets

    def _day(self, store: str, day: dt.date) -> list[TicketSpec]:
        rng = self.rng
        busy = WEEKEND if day.weekday() >= 5 else 1.0
        lines = []
        for code, rate in self.rates[store].items():
            basket = self.basket[code]
            for _ in range(_poisson(rng, rate * busy / mean_line_units(basket)) if rate else 0):
                lines.append((code, line_units(rng, basket)))
        rng.shuffle(lines)
        baskets = []
        while lines:
            size = rng.choices(BASKET_SIZES, BASKET_WEIGHTS)[0]
            units: dict[str, int] = {}
            for code, quantity in lines[:size]:
                units[code] = units.get(code, 0) + quantity
            lines = lines[size:]
            hour = OPENS + rng.choices(range(CLOSES - OPENS), HOUR_WEIGHTS)[0]
            baskets.append((hour * 3600 + rng.randrange(3600), tuple(units.items())))
        tickets = []
        for number, (seconds, basket) in enumerate(sorted(baskets), start=1):
            value = sum(self.skus[code].list_price * n for code, n in basket)
            ticket = TicketSpec(
                number=f"{store}-{day:%Y%m%d}-{number:04d}",
                store=store,
                at=self.at(day, seconds),
                order_id=order_uuid(rng),
                lines=basket,
                payment=rng.choices(PAYMENTS, PAYMENT_WEIGHTS)[0],
                cash_note=rng.choices(CASH_NOTES, CASH_NOTE_WEIGHTS)[0],
                associate=rng.random() < (0.6 if value >= 300 else 0.12),
            )
            if ticket.at < self.now:
                tickets.append(ticket)
        return tickets

    def shifts(self, days: int) -> list[ShiftSpec]:
        """One shift a day on each store's till: opened before the doors open, closed after."""
        rng = self.rng
        shifts = []
        for index, store in enumerate(self.stores):
            for days_ago in range(days, -1, -1):
                day = self.today - dt.timedelta(days=days_ago)
                opened = self.at(day, (OPENS * 60 - 20 + rng.randrange(15)) * 60)
                closed = self.at(day, (CLOSES * 60 + 5 + rng.randrange(15)) * 60)
                off = rng.random() < 0.2
                variance = Decimal(rng.choice(VARIANCES)) if off else Decimal("0.00")
                if opened < self.now:
                    shifts.append(
                        ShiftSpec(
                            store=store,
                            day=day,
                            opened_at=opened,
                            closed_at=closed if closed < self.now else None,
                            opening_float=FLOATS[min(index, 1)],
                            variance=variance,
                        )
                    )
        return shifts

    # --- online pick-up orders --------------------------------------------------------------

    def _online_lines(self, store: str) -> tuple[tuple[str, int], ...]:
        """One or two SKUs the online mall sells, likelier the more the store takes for them
        (people order sets and bottles online, not single bricks)."""
        rates = self.rates[store]
        codes = [c for c, r in rates.items() if r > 0 and not self.skus[c].blocked_channels]
        weights = [rates[c] * float(self.skus[c].list_price) for c in codes]
        picked = []
        for _ in range(1 + (self.rng.random() < 0.3)):
            code = self.rng.choices(codes, weights)[0]
            if code not in picked:
                picked.append(code)
        return tuple((code, 1) for code in picked)

    def online_orders(self) -> list[OnlineOrderSpec]:
        """A few pick-up orders a week per store, all collected; and at the first store, one
        paid and packed today that waits for its customer."""
        rng = self.rng
        orders = []
        for store in self.stores:
            for days_ago in ONLINE_DAYS:
                if rng.random() >= ONLINE_PER_DAY:
                    continue
                day = self.today - dt.timedelta(days=days_ago)
                placed = self.at(day, rng.randrange(8 * 3600, 21 * 3600))
                paid = placed + dt.timedelta(seconds=rng.randrange(60, 360))
                ready = max(
                    paid + dt.timedelta(minutes=rng.randrange(45, 150)),
                    self.at(day, OPENS * 3600 + 1800),
                )
                if ready >= self.at(day, (CLOSES - 1) * 3600):
                    ready = self.at(day + dt.timedelta(days=1), OPENS * 3600 + 1800)
                ready_day = ready.astimezone(self.tz).date()
                pickup_day = ready_day + dt.timedelta(days=rng.choice((0, 1, 1, 2)))
                picked = max(
                    self.at(pickup_day, rng.randrange(12 * 3600, 21 * 3600)),
                    ready + dt.timedelta(minutes=30),
                )
                orders.append(
                    OnlineOrderSpec(
                        number=f"{store}-WEB-{day:%Y%m%d}",
                        store=store,
                        order_id=order_uuid(rng),
                        lines=self._online_lines(store),
                        at=placed,
                        paid_at=paid,
                        ready_at=ready,
                        picked_up_at=picked,
                    )
                )
        first = self.stores[0]
        placed = self.now - dt.timedelta(minutes=150)
        orders.append(
            OnlineOrderSpec(
                number=f"{first}-WEB-AWAITING",
                store=first,
                order_id=order_uuid(rng),
                lines=self._online_lines(first),
                at=placed,
                paid_at=placed + dt.timedelta(minutes=3),
                ready_at=self.now - dt.timedelta(minutes=60),
            )
        )
        return orders

    def pending_order(self, *, candidates: list[str]) -> OnlineOrderSpec | None:
        """An order placed minutes ago and not paid: its stock is held until it expires."""
        if not candidates:
            return None
        first = self.stores[0]
        code = self.rng.choice(candidates)
        return OnlineOrderSpec(
            number=f"{first}-WEB-PENDING",
            store=first,
            order_id=order_uuid(self.rng),
            lines=((code, 1),),
            at=self.now - dt.timedelta(minutes=5),
        )

    # --- returns ----------------------------------------------------------------------------

    def returns(self, tickets: list[TicketSpec], *, protected: set[str]) -> list[ReturnSpec]:
        """A handful of returns a few days after the sale, inside the 15-day window: a whole
        ticket, a partial one, one line of a basket, and damaged goods that are scrapped.
        `protected`: SKUs the first store's shelf must keep as they are."""
        rng = self.rng
        recent = [
            t for t in tickets
            if 4 <= (self.today - t.at.astimezone(self.tz).date()).days <= 12
        ]  # fmt: skip

        def returnable(code: str, store: str) -> bool:
            # Tobacco is not taken back (and is the only SKU blocked online); the first store's
            # shelf keeps the stock story's SKUs as the story tells them.
            protect = protected if store == self.stores[0] else set()
            return code not in protect and not self.skus[code].blocked_channels

        wanted = [
            # (store index, what the ticket looks like, which lines come back, disposition, reason)
            (0, "several_units", "restock", "多买了一件 bought one too many"),
            (0, "single_unit", "scrap", "包装破损 damaged packaging"),
            (0, "whole_qr", "restock", "不想要了 changed their mind"),
            (1, "cash", "restock", "不想要了 changed their mind"),
            (len(self.stores) - 1, "basket_line", "restock", "买错了 bought the wrong one"),
        ]
        returns, used = [], set()
        for index, shape, disposition, reason in wanted:
            store = self.stores[index]
            fits = [t for t in recent if t.store == store and t.number not in used]
            picked = self._return_lines(fits, shape, returnable)
            if picked is None:
                continue
            ticket, lines = picked
            used.add(ticket.number)
            day = ticket.at.astimezone(self.tz).date() + dt.timedelta(days=rng.randint(1, 3))
            seconds = rng.randrange((OPENS + 1) * 3600, (CLOSES - 2) * 3600)
            returns.append(
                ReturnSpec(
                    at=self.at(day, seconds),
                    ticket=ticket.number,
                    return_id=order_uuid(rng),
                    lines=tuple((n, units, disposition) for n, units in lines),
                    reason=reason,
                )
            )
        return sorted(returns, key=lambda r: r.at)

    def _return_lines(self, tickets: list[TicketSpec], shape: str, returnable):
        """A ticket that has the shape, one of the five whose returned goods are worth the most
        (a boxed set, not a single brick) but little enough when cash must go back from the
        drawer; (ticket, [(line number, units)]), or None."""
        fitting = []
        for ticket in sorted(tickets, key=lambda t: t.number):
            lines = self._shaped(ticket, shape, returnable)
            value = sum(self.skus[ticket.lines[n - 1][0]].list_price * k for n, k in lines)
            if lines and (ticket.payment == "qr" or value <= CASH_REFUND_LIMIT):
                fitting.append((value, ticket, lines))
        if not fitting:
            return None
        fitting.sort(key=lambda row: (-row[0], row[1].number))
        _, ticket, lines = self.rng.choice(fitting[:5])
        return ticket, lines

    @staticmethod
    def _shaped(ticket: TicketSpec, shape: str, returnable) -> list[tuple[int, int]]:
        """The (line number, units) of `ticket` that come back in a return of `shape`; empty
        when the ticket does not have that shape."""
        ok = [
            (n, units)
            for n, (code, units) in enumerate(ticket.lines, 1)
            if returnable(code, ticket.store)
        ]
        whole = len(ok) == len(ticket.lines)
        if shape == "several_units":  # one unit of a line of several
            return [(n, 1) for n, units in ok if units >= 2][:1]
        if shape == "single_unit":
            return [(n, 1) for n, units in ok if units == 1][:1]
        if shape == "whole_qr":  # a one-line ticket paid by QR, all of it
            return ok if whole and ticket.payment == "qr" and len(ticket.lines) == 1 else []
        if shape == "cash":  # what may come back of a ticket paid in cash
            return ok if ticket.payment == "cash" else []
        # basket_line: one line of a ticket of several
        return ok[:1] if len(ticket.lines) >= 2 else []


def keep_lines(tickets: list[TicketSpec], kept: set[tuple[str, str]]) -> list[TicketSpec]:
    """The tickets with only their (number, SKU) lines in `kept`; tickets left empty go."""
    out = []
    for ticket in tickets:
        lines = tuple((code, n) for code, n in ticket.lines if (ticket.number, code) in kept)
        if lines:
            out.append(replace(ticket, lines=lines))
    return out
