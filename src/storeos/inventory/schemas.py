"""Request and response bodies of the inventory API."""

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from storeos.core.channels import Channel


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
    offset: int = Field(0, ge=0)
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
    lot_code: str = Field("", max_length=64)
    expiry_date: dt.date | None = None
    production_date: dt.date | None = None
    reference: str = Field("", max_length=64)


class AdjustmentIn(Schema):
    location_id: int
    sku_id: int
    batch_id: int | None = None
    delta: int = Field(..., ge=-1_000_000, le=1_000_000)
    reason: str = Field(..., max_length=255)


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


class BufferIn(Schema):
    channel: Channel
    sku_id: int
    quantity: int = Field(..., ge=0, le=1_000_000)
