"""The demo chain's stock as plain data: opening receipts, two months of sales (drawn as
tickets by sales_plan.py), lots with their dates, stock policies, transfers and a scrap request,
all relative to the seeding moment.

Quantities are chosen backwards: first what each location holds today (deep for bestsellers,
shallow for spare parts, nothing for a few sold-out SKUs), then the sales; a receipt brings
today's stock plus what was sold since. Sales take lots first-expiry-first, as the till does, so
each lot is received with exactly the units the till later takes from it.
"""

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from storeos.demo.plan import Plan, SkuSpec, StockProfile
from storeos.demo.sales_plan import (
    OnlineOrderSpec,
    ReturnSpec,
    SalesDrawer,
    SalesPlan,
    ShiftSpec,
    TicketSpec,
    keep_lines,
)

OPENING_DAYS = 70  # the opening stock arrived this many days before the seed
SALES_DAYS = 60  # days of till history before today (and today until the seeding moment)
# High-proof baijiu and pu'er carry no shelf life (GB 7718), but a lot needs an expiry date.
NOMINAL_LIFE_DAYS = 20 * 365
POLICY_SKUS = 12
# Stock is sized on the chain's demand profile; the two months on record sold this share of it
# (a quiet spell), so shelves hold two to four weeks of cover and the seed rings about a thousand
# orders per chain through the real checkout, which keeps it quick.
SALES_PACE = 0.55
ONLINE = "online_mall"


@dataclass(frozen=True)
class LotSpec:
    sku: str
    code: str
    production_date: dt.date
    expiry_date: dt.date


@dataclass(frozen=True)
class ReceiptSpec:
    at: dt.datetime
    location: str
    sku: str
    quantity: int
    lot: str  # "" for a SKU without batches
    reference: str


@dataclass(frozen=True)
class SaleSpec:
    """One line of a ticket or paid online order, as the stock sees it: units leaving a shelf."""

    at: dt.datetime
    location: str
    sku: str
    quantity: int
    ticket: str  # TicketSpec / OnlineOrderSpec number


@dataclass(frozen=True)
class TransferSpec:
    """A transfer; each time is None when that step has not happened (created None: today)."""

    from_location: str
    to_location: str
    lines: tuple[tuple[str, int], ...]
    by: str  # username
    note: str
    created_at: dt.datetime | None = None
    shipped_at: dt.datetime | None = None
    received_at: dt.datetime | None = None


@dataclass(frozen=True)
class ScrapSpec:
    location: str
    reason: str
    lines: tuple[tuple[str, int, str], ...]  # (SKU, quantity, lot code or "")
    by: str
    note: str


@dataclass(frozen=True)
class PolicySpec:
    location: str
    sku: str
    min_qty: int
    max_qty: int
    safety_stock: int
    by: str


@dataclass(frozen=True)
class BufferSpec:
    channel: str
    sku: str
    quantity: int
    by: str


@dataclass(frozen=True)
class Step:
    """One dated thing that happened: a delivery, a till ticket, an online order placed, packed
    or collected, a shift opened or closed, a return, or a transfer created, shipped or received.
    """

    at: dt.datetime
    action: str  # receive | checkout | online_order | online_ready | online_pickup | shift_open
    # | shift_close | return | transfer_create | transfer_ship | transfer_receive
    spec: (
        tuple[ReceiptSpec, ...]
        | TicketSpec
        | OnlineOrderSpec
        | ShiftSpec
        | ReturnSpec
        | TransferSpec
    )


@dataclass(frozen=True)
class StockPlan:
    lots: tuple[LotSpec, ...]
    receipts: tuple[ReceiptSpec, ...]
    sales: tuple[SaleSpec, ...]
    transfers: tuple[TransferSpec, ...]
    scrap: tuple[ScrapSpec, ...]
    policies: tuple[PolicySpec, ...]
    buffers: tuple[BufferSpec, ...]
    orders: SalesPlan

    def deliveries(self) -> list[tuple[ReceiptSpec, ...]]:
        """Receipts grouped into delivery notes: one per location, day and reference."""
        notes: dict[tuple, list[ReceiptSpec]] = {}
        for receipt in self.receipts:
            notes.setdefault((receipt.at, receipt.location, receipt.reference), []).append(receipt)
        return [tuple(lines) for lines in notes.values()]

    def history(self) -> list[Step]:
        """Deliveries, tickets, online orders, shifts, returns and dated transfer steps, oldest
        first (ties keep plan order)."""
        steps = [Step(note[0].at, "receive", note) for note in self.deliveries()]
        steps += [Step(t.at, "checkout", t) for t in self.orders.tickets]
        for order in self.orders.online_orders:
            for action, at in (
                ("online_order", order.at),
                ("online_ready", order.ready_at),
                ("online_pickup", order.picked_up_at),
            ):
                if at is not None:
                    steps.append(Step(at, action, order))
        for shift in self.orders.shifts:
            steps.append(Step(shift.opened_at, "shift_open", shift))
            if shift.closed_at is not None:
                steps.append(Step(shift.closed_at, "shift_close", shift))
        steps += [Step(r.at, "return", r) for r in self.orders.returns]
        for transfer in self.transfers:
            for action, at in (
                ("transfer_create", transfer.created_at),
                ("transfer_ship", transfer.shipped_at),
                ("transfer_receive", transfer.received_at),
            ):
                if at is not None:
                    steps.append(Step(at, action, transfer))
        return sorted(steps, key=lambda step: step.at)

    def drafts(self) -> list[TransferSpec]:
        """Transfers created today, after the history: still drafts."""
        return [t for t in self.transfers if t.created_at is None]


def shelf(store: str) -> str:
    return f"{store}-SHELF"


def back_room(store: str) -> str:
    return f"{store}-BACK"


def _split(total: int, weights: list[int]) -> list[int]:
    """`total` units shared by weight, largest remainders first, so the parts add up exactly."""
    if total <= 0:
        return [0] * len(weights)
    exact = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], -i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


class _Builder:
    """Builds a StockPlan step by step; every draw comes from one seeded generator, in order."""

    def __init__(self, plan: Plan, profile: StockProfile, seed: int, now: dt.datetime, tz: str):
        self.plan = plan
        self.profile = profile
        self.rng = random.Random(f"{plan.scenario}-stock-{seed}")
        self.sales_rng = random.Random(f"{plan.scenario}-sales-{seed}")
        self.now = now
        self.tz = ZoneInfo(tz)
        self.today = now.astimezone(self.tz).date()
        category = {p.code: p.category for p in plan.products}
        self.skus = {s.code: s for s in plan.skus}
        self.category = {s.code: category[s.product] for s in plan.skus}
        self.basket = {s.code: max(1, profile.basket(s, self.category[s.code])) for s in plan.skus}
        self.stores = [s.code for s in plan.stores]
        self.first = self.stores[0]
        self.regional = next(w for w in plan.warehouses if w.kind == "regional_warehouse")
        self.central = next(w for w in plan.warehouses if w.kind == "central_warehouse").code
        self.served = [s.code for s in plan.stores if s.region == self.regional.region]
        # what each location holds today, before today's documents: {location: {sku: units}}
        self.ending: dict[str, dict[str, int]] = defaultdict(dict)
        self.rate: dict[str, dict[str, float]] = {}
        self.sales: list[SaleSpec] = []
        self.tickets: list[TicketSpec] = []
        self.online: list[OnlineOrderSpec] = []
        self.lots: dict[str, list[LotSpec]] = {}
        self.transfers: list[TransferSpec] = []
        # today's units per (location, SKU, lot code), once the lots are shared out
        self.ending_units: dict[tuple[str, str, str], int] = {}

    def at(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz).astimezone(dt.UTC)

    def story_skus(self) -> set[str]:
        return {code for code, _ in self.profile.near_expiry_lots + self.profile.expired_lots}

    # --- demand and sales ---------------------------------------------------------------------

    def choose_rates(self) -> None:
        """Units a day per store and SKU; warehouse-only SKUs and dormant ones sell nothing."""
        rng, profile = self.rng, self.profile
        base = {}
        for sku in self.plan.skus:
            if not profile.warehouse_only(sku, self.category[sku.code]):
                demand = profile.demand(sku, self.category[sku.code])
                base[sku.code] = demand * rng.lognormvariate(0, 0.3)
        tail = sorted(c for c, r in base.items() if r < 0.1 and c not in self.story_skus())
        dormant = set(profile.dormant_skus) | set(rng.sample(tail, min(profile.dormant, len(tail))))
        for index, store in enumerate(self.stores):
            factor = 1.4 if index == 0 else rng.uniform(0.75, 1.0)
            rates = self.rate[store] = {}
            for code, demand in base.items():
                # The smaller stores leave out part of the long tail.
                if index and demand < 0.05 and rng.random() < 0.35:
                    continue
                noise = rng.lognormvariate(0, 0.35)
                rates[code] = 0.0 if code in dormant else demand * factor * noise

    def draw_sales(self) -> None:
        """Two months of tickets and online orders (sales_plan.py), as lines leaving shelves."""
        self.drawer = SalesDrawer(
            rng=self.sales_rng,
            stores=self.stores,
            rates={
                store: {code: rate * SALES_PACE for code, rate in rates.items()}
                for store, rates in self.rate.items()
            },
            basket=self.basket,
            skus=self.skus,
            now=self.now,
            tz=self.tz,
        )
        self.tickets = self.drawer.tickets(SALES_DAYS)
        self.online = self.drawer.online_orders()
        lines = [(t.at, t) for t in self.tickets]
        lines += [(o.paid_at, o) for o in self.online if o.paid_at is not None]
        self.sales = [
            SaleSpec(at, shelf(order.store), code, quantity, order.number)
            for at, order in lines
            for code, quantity in order.lines
        ]

    def sales_after_lots(self) -> None:
        """Drop from tickets and orders the lines the stock plan could not serve (no open lot)."""
        kept = {(sale.ticket, sale.sku) for sale in self.sales}
        self.tickets = keep_lines(self.tickets, kept)
        self.online = keep_lines(self.online, kept)

    # --- what every location holds today ------------------------------------------------------

    def choose_ending(self) -> None:
        rng = self.rng
        for index, store in enumerate(self.stores):
            for code, rate in self.rate[store].items():
                on_shelf = round(rate * rng.uniform(5, 14)) + rng.randint(1, 3)
                self.ending[shelf(store)][code] = on_shelf
                if rate >= 0.25:
                    self.ending[back_room(store)][code] = round(rate * rng.uniform(5, 12))
                elif rng.random() < 0.25:
                    self.ending[back_room(store)][code] = rng.randint(1, 3)
            if index:
                # A few SKUs that sell well enough have just sold out here.
                selling = sorted(c for c, r in self.rate[store].items() if 0.1 <= r < 1)
                for code in rng.sample(selling, min(3, len(selling))):
                    self.ending[shelf(store)][code] = 0
                    self.ending[back_room(store)].pop(code, None)
        for code in self.skus:
            regional = sum(self.rate[s].get(code, 0) for s in self.served)
            chain = sum(self.rate[s].get(code, 0) for s in self.stores)
            carried = any(code in self.rate[s] for s in self.stores)
            if regional >= 0.15:
                self.ending[self.regional.code][code] = round(regional * rng.uniform(10, 25))
            elif carried and rng.random() < 0.3:
                self.ending[self.regional.code][code] = rng.randint(2, 8)
            if not carried:
                self.ending[self.central][code] = rng.randint(3, 12)
            elif chain >= 0.05:
                self.ending[self.central][code] = round(chain * rng.uniform(15, 35)) + 2
            elif rng.random() < 0.5:
                self.ending[self.central][code] = rng.randint(2, 10)

    def set_policies(self) -> list[PolicySpec]:
        """Min / max / safety for the first store's most often sold SKUs: a week, three weeks
        and three days of sales. Three of them have sold down below the minimum."""
        rng, rates = self.rng, self.rate[self.first]
        candidates = sorted(
            (c for c, r in rates.items() if r > 0 and c not in self.story_skus()),
            key=lambda c: (-rates[c] / self.basket[c], c),
        )[:POLICY_SKUS]
        policies = []
        for index, code in enumerate(candidates):
            rate = rates[code]
            low = max(2, math.ceil(rate * 7))
            high = max(low + 2, math.ceil(rate * 21))
            policies.append(
                PolicySpec(shelf(self.first), code, low, high, math.ceil(rate * 3), "manager")
            )
            below = index in (1, 4, 8)
            units = rng.randint(0, low - 1) if below else rng.randint(low + 1, high)
            self.ending[shelf(self.first)][code] = units
        return policies

    # --- lots -----------------------------------------------------------------------------------

    def make_lots(self) -> None:
        """Three lots per batch-tracked SKU (old, middle, fresh), plus the story's lots."""
        rng = self.rng
        near = dict(self.profile.near_expiry_lots)
        expired = dict(self.profile.expired_lots)
        for sku in self.plan.skus:
            if not sku.batch_tracked:
                continue
            life = sku.shelf_life_days
            if life is None or life > 1000:
                # Wine, spirits and pu'er: made months or years ago, far from expiring.
                ages = sorted(rng.sample(range(120, 1500), 3), reverse=True)
            else:
                shares = (rng.uniform(0.3, 0.6), rng.uniform(0.62, 0.8), rng.uniform(0.85, 0.97))
                ages = [life - round(life * share) for share in shares]
                if sku.code in near:
                    ages[0] = life - near[sku.code]
                ages = [max(age, 3 + i) for i, age in enumerate(ages)]
            specs = [self._lot(sku, age, letter) for age, letter in zip(ages, "ABC", strict=True)]
            if sku.code in expired:
                specs.insert(
                    0, self._lot(sku, (life or NOMINAL_LIFE_DAYS) + expired[sku.code], "X")
                )
            self.lots[sku.code] = specs

    def _lot(self, sku: SkuSpec, age: int, letter: str) -> LotSpec:
        made = self.today - dt.timedelta(days=age)
        life = sku.shelf_life_days or NOMINAL_LIFE_DAYS
        return LotSpec(sku.code, f"L{made:%y%m%d}{letter}", made, made + dt.timedelta(days=life))

    def lots_at(self, location: str, code: str) -> list[LotSpec]:
        """Which lots a location keeps: shelves the older ones, warehouses the fresher ones."""
        lots = self.lots[code]
        expired = [lot for lot in lots if lot.code.endswith("X")]
        old, middle, fresh = [lot for lot in lots if not lot.code.endswith("X")]
        store = next((s for s in self.stores if location == shelf(s)), None)
        if store is not None:
            held = [old, middle] + ([fresh] if self.rate[store].get(code, 0) >= 0.5 else [])
            return (expired if store == self.first else []) + held
        if location.endswith("-BACK"):
            return [middle]
        if location == self.regional.code:
            return [middle, fresh]
        return [fresh]

    def received_on(self, lot: LotSpec | None) -> int:
        """Days ago a lot reached its locations: at opening, or a few days after it was made."""
        if lot is None:
            return OPENING_DAYS
        made_days_ago = (self.today - lot.production_date).days
        return max(1, min(OPENING_DAYS, made_days_ago - 2))

    # --- receipts -------------------------------------------------------------------------------

    def ending_by_lot(self) -> dict[tuple[str, str, str], int]:
        """Today's units per (location, SKU, lot code); story lots keep a few units in store 1."""
        story = self.story_skus()
        units: dict[tuple[str, str, str], int] = {}
        for location, stock in self.ending.items():
            for code, total in stock.items():
                if not self.skus[code].batch_tracked:
                    units[(location, code, "")] = total
                    continue
                lots = self.lots_at(location, code)
                weights = [1 if lot.code.endswith(("X", "A")) else 2 for lot in lots]
                for lot, share in zip(lots, _split(total, weights), strict=True):
                    if location == shelf(self.first) and code in story and lot is lots[0]:
                        share = max(share, 3 + self.rng.randint(0, 3))
                    units[(location, code, lot.code)] = share
        return units

    def consume(self) -> dict[tuple[str, str, str], int]:
        """Units the till took from each lot, first-expiry-first among the lots that had
        arrived and had not expired on the day; a sale with no such lot is dropped."""
        taken: dict[tuple[str, str, str], int] = defaultdict(int)
        kept = []
        for sale in self.sales:
            if not self.skus[sale.sku].batch_tracked:
                taken[(sale.location, sale.sku, "")] += sale.quantity
                kept.append(sale)
                continue
            day = sale.at.astimezone(self.tz).date()
            days_ago = (self.today - day).days
            open_lots = [
                lot
                for lot in self.lots_at(sale.location, sale.sku)
                if lot.expiry_date >= day and self.received_on(lot) >= days_ago
            ]
            if open_lots:
                lot = min(open_lots, key=lambda lot: lot.expiry_date)
                taken[(sale.location, sale.sku, lot.code)] += sale.quantity
                kept.append(sale)
        self.sales = kept
        return taken

    def receipts(self) -> list[ReceiptSpec]:
        units = self.ending_units = self.ending_by_lot()
        taken = self.consume()
        moved = self.moved_by_past_transfers()
        lots = {(lot.sku, lot.code): lot for specs in self.lots.values() for lot in specs}
        receipts = []
        for key in sorted(set(units) | set(taken)):
            location, code, lot_code = key
            quantity = units.get(key, 0) + taken.get(key, 0) - moved.get(key, 0)
            if quantity <= 0:
                continue
            days_ago = self.received_on(lots.get((code, lot_code)))
            minute = 0 if location in (self.central, self.regional.code) else 30
            receipts.append(
                ReceiptSpec(
                    at=self.at(days_ago, 9, minute),
                    location=location,
                    sku=code,
                    quantity=quantity,
                    lot=lot_code,
                    reference=f"GRN-{self.today - dt.timedelta(days=days_ago):%Y%m%d}-{location}",
                )
            )
        return receipts

    def moved_by_past_transfers(self) -> dict[tuple[str, str, str], int]:
        """Units each (location, SKU) gained (+) or gave (−) through received transfers, which
        carry untracked SKUs only: a receipt brings today's stock less what came that way."""
        moved: dict[tuple[str, str, str], int] = defaultdict(int)
        for transfer in self.transfers:
            if transfer.received_at is None:
                continue
            for code, quantity in transfer.lines:
                moved[(transfer.to_location, code, "")] += quantity
                moved[(transfer.from_location, code, "")] -= quantity
        return moved

    # --- documents ------------------------------------------------------------------------------

    def plan_transfers(self) -> None:
        """A completed restock of the regional warehouse a month ago, a shipment to the second
        store that is on the road, and a draft sending the first store's slow sellers to the
        store that sells them."""
        regional, central = self.ending[self.regional.code], self.ending[self.central]
        untracked = [c for c in regional if not self.skus[c].batch_tracked and c in central]
        restock = sorted(untracked, key=lambda c: (-regional[c], c))[:4]
        self.transfers.append(
            TransferSpec(
                from_location=self.central,
                to_location=self.regional.code,
                lines=tuple((c, max(1, regional[c] // 2)) for c in restock),
                by="warehouse",
                note="月度补货 monthly restock",
                created_at=self.at(32, 10),
                shipped_at=self.at(31, 14),
                received_at=self.at(30, 11),
            )
        )
        second = self.served[1] if len(self.served) > 1 else self.stores[1]
        rates = self.rate[second]
        wanted = sorted(
            (c for c in rates if regional.get(c, 0) >= 6 and c not in self.story_skus()),
            key=lambda c: (self.ending[shelf(second)].get(c, 0) > 0, -rates[c], c),
        )[:4]
        # About ten days of the store's sales, at most half of what the warehouse holds.
        lines = [(c, min(regional[c] // 2, max(3, math.ceil(rates[c] * 10)))) for c in wanted]
        self.transfers.append(
            TransferSpec(
                from_location=self.regional.code,
                to_location=back_room(second),
                lines=tuple(lines),
                by="warehouse",
                note="门店补货 store replenishment",
                created_at=self.at(1, 10),
                shipped_at=self.at(1, 15, 30),
            )
        )
        self.transfers.append(self._slow_sellers_draft())

    def _slow_sellers_draft(self) -> TransferSpec:
        back = self.ending[back_room(self.first)]
        last = self.stores[-1]
        here, there = self.rate[self.first], self.rate[last]
        movable = [
            c for c, n in back.items()
            if n >= 2 and here.get(c, 0) < min(0.2, there.get(c, 0)) and c not in self.story_skus()
        ]  # fmt: skip
        movable.sort(key=lambda c: (here.get(c, 0) - there[c], c))
        if not movable:
            movable = sorted(c for c, n in back.items() if n > 0 and c not in self.story_skus())
        return TransferSpec(
            from_location=back_room(self.first),
            to_location=shelf(last),
            lines=tuple((c, min(back[c], 3)) for c in movable[:3]),
            by="warehouse",
            note="滞销调拨 slow sellers to the store that sells them",
        )

    def plan_scrap(self, policies: list[PolicySpec]) -> ScrapSpec:
        """Expired lots when the story has them, else two boxes damaged on the shelf."""
        on_shelf = self.ending[shelf(self.first)]
        if self.profile.expired_lots:
            lines = []
            for code, _ in self.profile.expired_lots:
                lot = self.lots[code][0].code  # the expired lot comes first
                lines.append((code, self.ending_units[(shelf(self.first), code, lot)], lot))
            return ScrapSpec(
                shelf(self.first), "expired", tuple(lines), "warehouse", "过期下架 expired"
            )
        ruled = {p.sku for p in policies}
        boxes = sorted(
            c for c, n in on_shelf.items()
            if n >= 3 and c not in ruled and self.skus[c].unit == "box"
            and self.rate[self.first].get(c, 0) > 0
        )  # fmt: skip
        picked = self.rng.sample(boxes, 2)
        return ScrapSpec(
            shelf(self.first), "damaged",
            ((picked[0], 1, ""), (picked[1], 2, "")),
            "warehouse", "包装压损 boxes crushed in the stock room",
        )  # fmt: skip

    def plan_buffers(self) -> list[BufferSpec]:
        """Hold a few units of the online mall's busiest SKUs back for the stores."""
        online = [
            code
            for price_list in self.plan.price_lists
            if price_list.channel == ONLINE and price_list.store is None
            for code, _ in price_list.items
        ]
        chain = {c: sum(self.rate[s].get(c, 0) for s in self.stores) for c in online}
        busiest = sorted(online, key=lambda c: (-chain[c], c))[:5]
        return [BufferSpec(ONLINE, c, 2 + self.rng.randint(0, 3), "hq") for c in busiest]

    def plan_orders(self, policies, scrap: ScrapSpec, buffers) -> SalesPlan:
        """The shifts the tickets were rung on, returns of a few tickets and today's unpaid
        online order. Returns and the held order stay off the SKUs the stock story is about, so
        the low-stock list, the scrap request and the transfers show what the story promises."""
        protected = self.story_skus() | {p.sku for p in policies} | {b.sku for b in buffers}
        protected |= {code for code, _, _ in scrap.lines}
        protected |= {code for transfer in self.transfers for code, _ in transfer.lines}
        on_shelf = self.ending[shelf(self.first)]
        held = sorted(
            code for code, rate in self.rate[self.first].items()
            if rate > 0 and on_shelf.get(code, 0) >= 2 and code not in protected
            and not self.skus[code].batch_tracked and not self.skus[code].blocked_channels
        )  # fmt: skip
        pending = self.drawer.pending_order(candidates=held)
        return SalesPlan(
            tickets=tuple(self.tickets),
            online_orders=tuple(self.online + ([pending] if pending else [])),
            shifts=tuple(self.drawer.shifts(SALES_DAYS)),
            returns=tuple(self.drawer.returns(self.tickets, protected=protected)),
        )

    def build(self) -> StockPlan:
        self.choose_rates()
        self.draw_sales()
        self.choose_ending()
        policies = self.set_policies()
        self.make_lots()
        self.plan_transfers()
        receipts = self.receipts()
        self.sales_after_lots()
        scrap = self.plan_scrap(policies)
        buffers = self.plan_buffers()
        return StockPlan(
            lots=tuple(lot for specs in self.lots.values() for lot in specs),
            receipts=tuple(receipts),
            sales=tuple(self.sales),
            transfers=tuple(self.transfers),
            scrap=(scrap,),
            policies=tuple(policies),
            buffers=tuple(buffers),
            orders=self.plan_orders(policies, scrap, buffers),
        )


def build_stock_plan(
    plan: Plan,
    *,
    seed: int,
    tz: str,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> StockPlan | None:
    """The stock and sales of `plan`'s chain as of the instant `now` (or the start of `today`),
    store wall-clock time zone `tz`. Sales run until `now`: today's until the seeding moment."""
    if plan.stock is None:
        return None
    if now is None:
        if today is None:
            raise ValueError("build_stock_plan needs `now` or `today`")
        now = dt.datetime.combine(today, dt.time.min, tzinfo=ZoneInfo(tz))
    return _Builder(plan, plan.stock, seed, now, tz).build()
