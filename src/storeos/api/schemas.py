"""Schemas shared by every context's API: the error body all 4xx responses use, and pages."""

from typing import Any

from ninja import Schema
from pydantic import Field

# The furthest a list may be paged: past any real row count, and inside every database's
# integer range (an unbounded offset is a 500 on SQLite and PostgreSQL alike).
OFFSET_MAX = 2_147_483_647


class ErrorOut(Schema):
    """A refusal: a stable machine-readable `code`, a human `message` and structured `details`."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The `response=` entries of an operation's refusals: 401, 403, 422 and 503 (the database
    is unreachable: try again) always, plus the statuses it names (404, 409…), so the OpenAPI
    document lists every error it can answer."""
    return {status: ErrorOut for status in (401, 403, 422, 503, *statuses)}


def page_of(queryset, filters) -> dict[str, Any]:
    """One page of `queryset` as a list answer: `filters` carries `offset` and `limit`."""
    return {
        "items": list(queryset[filters.offset : filters.offset + filters.limit]),
        "total": queryset.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }
