"""Request and response bodies of the stores API."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema

from storeos.core.channels import Channel
from storeos.stores.models import Location

ChannelName = Literal[tuple(Channel.values)]
LocationKind = Literal[tuple(Location.Kind.values)]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^\S+$")]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Area = Annotated[
    Decimal,
    Field(gt=0, max_digits=9, decimal_places=2),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,6}(\.[0-9]{1,2})?)$",
            "description": 'Square metres as a decimal string above zero, e.g. "120.5".',
        }
    ),
]


class RegionIn(Schema):
    code: Code
    name: Name


class RegionOut(Schema):
    id: int
    code: str
    name: str


class StoreIn(Schema):
    code: Code
    name: Name
    region_id: int
    city: str = Field("", max_length=64)
    address: str = Field("", max_length=255)
    time_zone: str = Field("Asia/Shanghai", max_length=64)
    selling_area_m2: Area | None = None
    create_locations: bool = Field(
        True, description="Also create the store's shelf (sellable) and back-room locations."
    )


class StorePatch(Schema):
    """Only the fields sent change; the code never does."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    region_id: int | None = None
    city: str | None = Field(None, max_length=64)
    address: str | None = Field(None, max_length=255)
    time_zone: str | None = Field(None, max_length=64)
    selling_area_m2: Area | None = None
    opened_on: dt.date | None = None
    is_active: bool | None = None


class StoreOut(Schema):
    id: int
    code: str
    name: str
    region_id: int
    city: str
    address: str
    time_zone: str
    selling_area_m2: Decimal | None
    opened_on: dt.date | None
    is_active: bool


class LocationIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^\S+$")]
    name: Name
    kind: LocationKind
    store_id: int | None = None
    region_id: int | None = None
    sellable: bool = False
    channels: list[ChannelName] = Field(default_factory=list)


class LocationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    store_id: int | None
    region_id: int | None
    sellable: bool
    channels: list[str]
    is_active: bool


class LocationFilter(Schema):
    store_id: int | None = None
    channel: ChannelName | None = None
