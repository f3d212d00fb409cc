"""Shelf-label jobs: recompute labels when a promotion or a price list starts or ends, and as
weekday and hour windows open and close."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from storeos.promotions import labels


@db_task()
def promotion_labels_task(promotion_id: int, reason: str) -> int:
    return labels.labels_for_promotion(promotion_id=promotion_id, reason=reason)


@db_task()
def price_labels_task(sku_id: int, store_id: int | None, reason: str) -> int:
    return labels.labels_for_price(sku_id=sku_id, store_id=store_id, reason=reason)


@db_periodic_task(crontab(minute="*/15"))
def promotion_windows_labels_task() -> int:
    return labels.labels_for_windows()
