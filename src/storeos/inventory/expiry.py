"""Near-expiry alerts: a daily scan raises one alert per batch and location inside its window.

The window is per category (ExpiryWindow, inherited from the nearest ancestor that has one),
90 days by default. Each new alert emits `inventory.near_expiry` for the promotions desk.
"""

import datetime as dt

from django.db import transaction

from storeos.catalog.models import Category
from storeos.core import clock
from storeos.core.outbox import event_emit
from storeos.inventory.models import ExpiryAlert, ExpiryWindow, StockLevel

DEFAULT_WINDOW_DAYS = 90


def category_windows() -> dict[int, int]:
    """Alert window in days for every category, inheriting down the tree."""
    explicit = dict(ExpiryWindow.objects.values_list("category_id", "days"))
    windows: dict[int, int] = {}
    for category in Category.objects.order_by("path").only("pk", "parent_id"):
        windows[category.pk] = explicit.get(
            category.pk, windows.get(category.parent_id, DEFAULT_WINDOW_DAYS)
        )
    return windows


@transaction.atomic
def expiry_scan(*, today: dt.date | None = None) -> int:
    """Raise alerts for stocked batches expiring within their window; returns how many are new."""
    today = today or clock.today()
    windows = category_windows()
    longest = max(windows.values(), default=DEFAULT_WINDOW_DAYS)
    candidates = (
        StockLevel.objects.filter(
            batch__isnull=False,
            on_hand__gt=0,
            batch__expiry_date__lte=today + dt.timedelta(days=longest),
        )
        .select_related("batch", "sku__product", "location")
        .order_by("batch__expiry_date", "pk")
    )
    already = set(ExpiryAlert.objects.values_list("batch_id", "location_id"))
    raised = 0
    for level in candidates:
        window = windows.get(level.sku.product.category_id, DEFAULT_WINDOW_DAYS)
        if level.batch.expiry_date > today + dt.timedelta(days=window):
            continue
        if (level.batch_id, level.location_id) in already:
            continue
        ExpiryAlert.objects.create(
            batch=level.batch,
            location=level.location,
            raised_at=clock.now(),
            quantity=level.on_hand,
        )
        event_emit(
            topic="inventory.near_expiry",
            payload={
                "sku_id": level.sku_id,
                "sku_code": level.sku.code,
                "batch_id": level.batch_id,
                "lot_code": level.batch.lot_code,
                "expiry_date": level.batch.expiry_date,
                "days_left": (level.batch.expiry_date - today).days,
                "location_id": level.location_id,
                "store_id": level.location.store_id,
                "quantity": level.on_hand,
            },
        )
        raised += 1
    return raised
