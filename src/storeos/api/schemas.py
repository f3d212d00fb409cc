"""Schemas shared by every context's API: the error body all 4xx responses use."""

from typing import Any

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    """A refusal: a stable machine-readable `code`, a human `message` and structured `details`."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The `response=` entries of an operation's refusals: 401, 403 and 422 always, plus the
    statuses it names (404, 409…), so the OpenAPI document lists every 4xx it can answer."""
    return {status: ErrorOut for status in (401, 403, 422, *statuses)}
