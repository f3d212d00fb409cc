"""Request and response bodies of the inventory API."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Header, Schema
from pydantic import ConfigDict, Field

from storeos.api.schemas import OFFSET_MAX
from storeos.core.channels import Channel
from storeos.inventory.models import ScrapRequest, StockCount, Transfer

# PostgreSQL cannot store NUL in text: refused as bad input on both databases.
Note = Annotated[str, Field(max_length=255, pattern=r"^[^\x00]*$")]
Quantity = Annotated[int, Field(gt=0, le=1_000_000)]
# Declared so the OpenAPI document names the header; storeos.api.idempotency reads and checks it
# (a missing key is `idempotency_key_required`, not a generic validation error).
IdempotencyKey = Header[
    str | None,
    {
        "alias": "Idempotency-Key",
        "description": "Any unique string (1–128 characters); a retry with the same key and "
        "body returns the first response and changes nothing.",
    },
]


class LevelOut(Schema):
    location_id: int
    location_code: str = Field(alias="location.code")
    sku_id: int
    sku_code: str = Field(alias="sku.code")
    batch_id: int | None
    lot_code: str | None = Field(None, alias="batch.lot_code")
    expiry_date: dt.date | None = Field(None, alias="batch.expiry_date")
    on_hand: int
    reserved: int
    available: int


class LevelPage(Schema):
    items: list[LevelOut]
    total: int
    offset: int
    limit: int


class LevelFilter(Schema):
    store_id: int | None = None
    location_id: int | None = None
    sku_id: int | None = None
    in_stock: bool = False
    offset: int = Field(0, ge=0, le=OFFSET_MAX)
    limit: int = Field(50, ge=1, le=200)


class MoveOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    location_id: int
    sku_id: int
    batch_id: int | None
    quantity: int
    unit_cost: Decimal
    reference_type: str
    reference_id: str
    note: str


class ReceiptIn(Schema):
    location_id: int
    sku_id: int
    quantity: int = Field(..., gt=0, le=1_000_000)
    unit_cost: Decimal = Field(..., ge=0, max_digits=12, decimal_places=4)
    lot_code: str = Field("", max_length=64, pattern=r"^[^\x00]*$")
    expiry_date: dt.date | None = None
    production_date: dt.date | None = None
    reference: str = Field("", max_length=64, pattern=r"^[^\x00]*$")


class AdjustmentIn(Schema):
    location_id: int
    sku_id: int
    batch_id: int | None = None
    delta: int = Field(..., ge=-1_000_000, le=1_000_000)
    reason: Note


class CardRowOut(Schema):
    move: MoveOut
    balance: int


class AvailabilityIn(Schema):
    channel: Channel
    sku_ids: list[int] = Field(..., max_length=1000)


class AvailabilityOut(Schema):
    channel: str
    items: dict[int, int]


class ReserveLineIn(Schema):
    location_id: int
    sku_id: int
    quantity: int = Field(..., gt=0, le=100_000)
    batch_id: int | None = None


class ReservationIn(Schema):
    reference: str = Field(..., min_length=1, max_length=64)
    channel: Channel
    lines: list[ReserveLineIn] = Field(..., min_length=1, max_length=200)
    ttl_minutes: int = Field(30, ge=1, le=7 * 24 * 60)


class ReservationLineOut(Schema):
    location_id: int
    sku_id: int
    batch_id: int | None
    quantity: int


class ReservationOut(Schema):
    reference: str
    channel: str
    status: str
    created_at: dt.datetime
    expires_at: dt.datetime
    lines: list[ReservationLineOut]


class AlertOut(Schema):
    id: int
    sku_code: str = Field(alias="batch.sku.code")
    lot_code: str = Field(alias="batch.lot_code")
    expiry_date: dt.date = Field(alias="batch.expiry_date")
    location_code: str = Field(alias="location.code")
    quantity: int
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None = None


class BufferIn(Schema):
    channel: Channel
    sku_id: int
    quantity: int = Field(..., ge=0, le=1_000_000)


class Replayable(Schema):
    """A response that is also stored for idempotent replays: it validates from a model and
    from its own stored body (field names instead of dotted aliases)."""

    model_config = ConfigDict(populate_by_name=True)


def replayable(func):
    """A resolver that takes the value from a stored body as it is, else computes it."""
    name = func.__name__.removeprefix("resolve_")

    def resolve(obj):
        return obj[name] if isinstance(obj, dict) else func(obj)

    return staticmethod(resolve)


class Page(Schema):
    total: int
    offset: int
    limit: int


class PageFilter(Schema):
    offset: int = Field(0, ge=0, le=OFFSET_MAX)
    limit: int = Field(50, ge=1, le=200)


# --- Transfers -----------------------------------------------------------------------------------
class TransferLineIn(Schema):
    sku_id: int
    quantity: Quantity
    batch_id: int | None = None


class TransferIn(Schema):
    from_location_id: int
    to_location_id: int
    lines: list[TransferLineIn] = Field(..., min_length=1, max_length=500)
    note: Note = ""


class TransferReceiveIn(Schema):
    """Leave `received` out when everything arrived. Otherwise give the units that arrived per
    line id (a line left out arrived with nothing); every shortfall needs a reason."""

    received: dict[int, Annotated[int, Field(ge=0, le=1_000_000)]] | None = None
    reasons: dict[int, Note] = Field(default_factory=dict)


class NoteIn(Schema):
    note: Note = ""


class TransferLineOut(Replayable):
    id: int
    sku_id: int
    sku_code: str = Field(alias="sku.code")
    batch_id: int | None
    lot_code: str | None = Field(None, alias="batch.lot_code")
    quantity: int
    shipped_quantity: int
    received_quantity: int
    # shipped and not yet received (only while the transfer is on its way)
    in_transit: int
    # shipped and never received (only once the transfer is received)
    discrepancy: int
    discrepancy_reason: str
    unit_cost: Decimal | None

    @replayable
    def resolve_in_transit(obj) -> int:
        on_the_way = obj.transfer.status == Transfer.Status.SHIPPED
        return obj.shipped_quantity - obj.received_quantity if on_the_way else 0

    @replayable
    def resolve_discrepancy(obj) -> int:
        closed = obj.transfer.status in (
            Transfer.Status.RECEIVED,
            Transfer.Status.PARTIALLY_RECEIVED,
        )
        return obj.shipped_quantity - obj.received_quantity if closed else 0


class TransferSummaryOut(Replayable):
    id: int
    number: str
    status: str
    from_location_id: int
    from_location_code: str = Field(alias="from_location.code")
    to_location_id: int
    to_location_code: str = Field(alias="to_location.code")
    created_at: dt.datetime
    shipped_at: dt.datetime | None
    received_at: dt.datetime | None
    note: str


class TransferOut(TransferSummaryOut):
    created_by_id: int | None
    shipped_by_id: int | None
    received_by_id: int | None
    lines: list[TransferLineOut]

    @replayable
    def resolve_lines(obj) -> list:
        # Lines read through the transfer know it, so each line's status costs no query.
        return list(obj.lines.select_related("sku", "batch").order_by("pk"))


class TransferPage(Page):
    items: list[TransferSummaryOut]


class TransferFilter(PageFilter):
    status: Literal[tuple(Transfer.Status.values)] | None = None
    location_id: int | None = None
    store_id: int | None = None


class InTransitOut(Schema):
    transfer_id: int
    number: str
    from_location_id: int
    to_location_id: int
    sku_id: int
    batch_id: int | None
    quantity: int
    unit_cost: Decimal
    shipped_at: dt.datetime | None


# --- Counts --------------------------------------------------------------------------------------
class CountIn(Schema):
    location_id: int
    scope: Literal[tuple(StockCount.Scope.values)] = "all"
    category_id: int | None = None
    sku_ids: list[int] = Field(default_factory=list, max_length=500)
    note: Note = ""


class CountLineIn(Schema):
    sku_id: int
    counted: int = Field(..., ge=0, le=10_000_000)
    batch_id: int | None = None


class ScanTextIn(Schema):
    """The scan file's text: one code per line (one unit each) or `code,qty`."""

    text: str = Field(..., max_length=5_000_000)


class CountOut(Schema):
    id: int
    location_id: int
    location_code: str = Field(alias="location.code")
    scope: str
    category_id: int | None
    status: str
    opened_at: dt.datetime
    posted_at: dt.datetime | None
    note: str


class CountLineOut(Schema):
    id: int
    sku_id: int
    sku_code: str = Field(alias="sku.code")
    batch_id: int | None
    lot_code: str | None = Field(None, alias="batch.lot_code")
    expected: int
    counted: int | None


class UnknownCodeOut(Schema):
    code: str
    quantity: int


class CountDetailOut(CountOut):
    lines: list[CountLineOut]
    unknown_codes: list[UnknownCodeOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.select_related("sku", "batch").order_by("sku__code", "pk"))

    @staticmethod
    def resolve_unknown_codes(obj) -> list:
        return list(obj.unknown_codes.order_by("code"))


class CountPage(Page):
    items: list[CountOut]


class CountFilter(PageFilter):
    status: Literal[tuple(StockCount.Status.values)] | None = None
    location_id: int | None = None
    store_id: int | None = None


class OutOfScopeOut(Schema):
    line: int
    code: str


class UploadOut(Replayable):
    lines_read: int
    units_counted: int
    unknown_units: int
    # scanned SKUs the count does not cover: listed back, not recorded
    out_of_scope: list[OutOfScopeOut]

    @replayable
    def resolve_out_of_scope(obj) -> list[dict]:
        return [{"line": line, "code": code} for line, code in obj.out_of_scope]


class VarianceRowOut(Schema):
    line_id: int
    sku_id: int
    sku_code: str
    batch_id: int | None
    lot_code: str
    expected: int
    counted: int
    difference: int
    unit_cost: Decimal
    value: Decimal
    allocated: bool
    uncounted: bool


class VarianceOut(Schema):
    count_id: int
    status: str
    rows: list[VarianceRowOut]
    unknown_codes: list[UnknownCodeOut]
    expected_units: int
    counted_units: int
    difference_units: int
    shortage_value: Decimal
    surplus_value: Decimal
    net_value: Decimal


# --- Scrap ---------------------------------------------------------------------------------------
class ScrapLineIn(Schema):
    sku_id: int
    quantity: Quantity
    batch_id: int | None = None


class ScrapIn(Schema):
    location_id: int
    reason: Literal[tuple(ScrapRequest.Reason.values)]
    lines: list[ScrapLineIn] = Field(..., min_length=1, max_length=200)
    note: Note = ""


class ScrapLineOut(Replayable):
    id: int
    sku_id: int
    sku_code: str = Field(alias="sku.code")
    batch_id: int | None
    lot_code: str | None = Field(None, alias="batch.lot_code")
    quantity: int
    unit_cost: Decimal | None


class ScrapSummaryOut(Replayable):
    id: int
    location_id: int
    location_code: str = Field(alias="location.code")
    reason: str
    status: str
    requested_by: str | None = Field(None, alias="requested_by.username")
    requested_at: dt.datetime
    decided_by: str | None = Field(None, alias="decided_by.username")
    decided_at: dt.datetime | None
    note: str
    decision_note: str
    loss_value: Decimal | None


class ScrapOut(ScrapSummaryOut):
    lines: list[ScrapLineOut]

    @replayable
    def resolve_lines(obj) -> list:
        return list(obj.lines.select_related("sku", "batch").order_by("pk"))


class ScrapPage(Page):
    items: list[ScrapSummaryOut]


class ScrapFilter(PageFilter):
    status: Literal[tuple(ScrapRequest.Status.values)] | None = None
    location_id: int | None = None
    store_id: int | None = None


class LossQuery(Schema):
    store_id: int | None = None
    date_from: dt.date
    date_to: dt.date


class LossRowOut(Schema):
    store_id: int | None
    store_code: str
    reason: str
    units: int
    value: Decimal


class LossReportOut(Schema):
    date_from: dt.date
    date_to: dt.date
    rows: list[LossRowOut]
    total_units: int
    total_value: Decimal


# --- Policies and the lists they drive -----------------------------------------------------------
class PolicyIn(Schema):
    location_id: int
    sku_id: int
    min_qty: int = Field(..., ge=0, le=10_000_000)
    max_qty: int = Field(..., ge=0, le=10_000_000)
    safety_stock: int = Field(0, ge=0, le=10_000_000)


class PolicyOut(Schema):
    id: int
    location_id: int
    sku_id: int
    sku_code: str = Field(alias="sku.code")
    min_qty: int
    max_qty: int
    safety_stock: int
    updated_at: dt.datetime


class PolicyPage(Page):
    items: list[PolicyOut]


class PolicyFilter(PageFilter):
    location_id: int


class LowStockOut(Schema):
    sku_id: int
    sku_code: str
    on_hand: int
    reserved: int
    available: int
    in_transit: int
    min_qty: int
    max_qty: int
    safety_stock: int
    suggested: int


class SlowMovingQuery(Schema):
    location_id: int
    days: int = Field(30, ge=1, le=3650)
    max_units: int = Field(0, ge=0, le=1_000_000)


class SlowMovingOut(Schema):
    sku_id: int
    sku_code: str
    on_hand: int
    units_sold: int
    unit_cost: Decimal
    value: Decimal
    days_of_inventory: Decimal | None
