"""Writes a demo StockPlan through the inventory services, and its sales through sales_seed.py.

Deliveries, tickets, shifts, online orders, returns and the month-old restock run in date
order, each under a clock frozen at its own time, so stock cards, moving-average cost, "days of
inventory", Z reports and the dashboard read like real history. Today's documents (the draft
transfer, the scrap request, policies and buffers) follow at the real time, by the demo staff
who would do them, and the nightly expiry scan runs last.
"""

from collections.abc import Callable

from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.demo.sales_seed import SalesWriter
from storeos.demo.stock_plan import LotSpec, ReceiptSpec, StockPlan, TransferSpec
from storeos.inventory import expiry, policies, scrap, transfers
from storeos.inventory.models import Transfer
from storeos.inventory.receiving import ReceiveLine
from storeos.inventory.services import channel_buffer_set, receipt_post_lines
from storeos.stores.models import Location


class StockWriter:
    def __init__(
        self,
        *,
        stock: StockPlan,
        skus: dict[str, Sku],
        users: dict,
        tills: dict[str, tuple[str, str]],
        advance,
        customer=None,
    ):
        """`users` by username; `tills`: per store code, its cashier's and associate's."""
        self.stock = stock
        self.skus = skus
        self.users = users
        self.advance: Callable[[int], None] = advance
        self.locations = {loc.code: loc for loc in Location.objects.select_related("store")}
        self.lots: dict[tuple[str, str], LotSpec] = {(lot.sku, lot.code): lot for lot in stock.lots}
        self.transfers: dict[TransferSpec, Transfer] = {}
        sales = SalesWriter(
            skus=skus,
            staff={
                store: {"cashier": users[cashier], "associate": users[associate]}
                for store, (cashier, associate) in tills.items()
            },
            customer=customer,
        )
        self.actions: dict[str, Callable] = {
            "receive": self.receive,
            "transfer_create": self.transfer_create,
            "transfer_ship": self.transfer_ship,
            "transfer_receive": self.transfer_receive,
            "checkout": sales.checkout,
            "shift_open": sales.shift_open,
            "shift_close": sales.shift_close,
            "return": sales.sales_return,
            "online_order": sales.online_order,
            "online_ready": sales.online_ready,
            "online_pickup": sales.online_pickup,
        }

    @staticmethod
    def units(stock: StockPlan) -> int:
        """Progress units: one per dated step, one for today's documents and the scan."""
        return len(stock.history()) + 1

    def write(self) -> None:
        for step in self.stock.history():
            with clock.frozen(step.at):
                self.actions[step.action](step.spec)
            self.advance(1)
        for draft in self.stock.drafts():
            self.transfer_create(draft)
        self.write_scrap()
        self.write_policies()
        expiry.expiry_scan()
        self.advance(1)

    def receive(self, note: tuple[ReceiptSpec, ...]) -> None:
        """One delivery note: every line of it received at once, at the SKU's catalog cost."""
        lines = []
        for spec in note:
            lot = self.lots.get((spec.sku, spec.lot))
            sku = self.skus[spec.sku]
            lines.append(
                ReceiveLine(
                    sku=sku,
                    quantity=spec.quantity,
                    unit_cost=sku.cost,
                    lot_code=spec.lot,
                    expiry_date=lot.expiry_date if lot else None,
                    production_date=lot.production_date if lot else None,
                )
            )
        receipt_post_lines(
            actor=None,
            location=self.locations[note[0].location],
            lines=lines,
            reference=note[0].reference,
        )

    def transfer_create(self, spec: TransferSpec) -> None:
        self.transfers[spec] = transfers.transfer_create(
            actor=self.users[spec.by],
            from_location=self.locations[spec.from_location],
            to_location=self.locations[spec.to_location],
            lines=[(self.skus[code], quantity) for code, quantity in spec.lines],
            note=spec.note,
        )

    def transfer_ship(self, spec: TransferSpec) -> None:
        transfers.transfer_ship(actor=self.users[spec.by], transfer=self.transfers[spec])

    def transfer_receive(self, spec: TransferSpec) -> None:
        transfers.transfer_receive(actor=self.users[spec.by], transfer=self.transfers[spec])

    def write_scrap(self) -> None:
        for spec in self.stock.scrap:
            sku_batches = {
                (code, lot): self._batch(code, lot) for code, _, lot in spec.lines if lot
            }
            lines = [
                (self.skus[code], quantity, sku_batches[(code, lot)])
                if lot
                else (self.skus[code], quantity)
                for code, quantity, lot in spec.lines
            ]
            scrap.scrap_request(
                actor=self.users[spec.by],
                location=self.locations[spec.location],
                reason=spec.reason,
                lines=lines,
                note=spec.note,
            )

    def _batch(self, code: str, lot: str):
        return self.skus[code].batches.get(lot_code=lot)

    def write_policies(self) -> None:
        for spec in self.stock.policies:
            policies.policy_set(
                actor=self.users[spec.by],
                location=self.locations[spec.location],
                sku=self.skus[spec.sku],
                min_qty=spec.min_qty,
                max_qty=spec.max_qty,
                safety_stock=spec.safety_stock,
            )
        for spec in self.stock.buffers:
            channel_buffer_set(
                actor=self.users[spec.by],
                channel=spec.channel,
                sku=self.skus[spec.sku],
                quantity=spec.quantity,
            )
