"""Schemas shared by every context's API: the error body all 4xx responses use."""

from typing import Any

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    """A refusal: a stable machine-readable `code`, a human `message` and structured `details`."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
