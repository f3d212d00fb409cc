"""The one source of "now": timezone-aware UTC, freezable by tests, and a store's business day."""

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings

_frozen = threading.local()
_frozen_global: list[dt.datetime] = []


def now() -> dt.datetime:
    """The current instant in UTC (or the frozen instant inside `frozen()`)."""
    if _frozen_global:
        return _frozen_global[-1]
    return dt.datetime.now(dt.UTC)


def today(tz: str | None = None) -> dt.date:
    """Today's date in the given time zone (a store's), defaulting to the chain's."""
    return business_date(now(), tz)


def business_date(instant: dt.datetime, tz: str | None = None) -> dt.date:
    """The calendar date of an instant as the store sees it on its wall clock."""
    return instant.astimezone(ZoneInfo(tz or settings.TIME_ZONE)).date()


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[dt.datetime]:
    """Freeze `now()` at `at` (must be timezone-aware) for every thread, until the block ends."""
    if at.tzinfo is None:
        raise ValueError("frozen() needs a timezone-aware datetime")
    _frozen_global.append(at.astimezone(dt.UTC))
    try:
        yield _frozen_global[-1]
    finally:
        _frozen_global.pop()
