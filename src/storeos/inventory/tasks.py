"""Inventory jobs: availability refresh after stock changes, reservation expiry, expiry alerts."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from storeos.inventory import availability, expiry, reservations


@db_task()
def availability_refresh_task(sku_ids: list[int]) -> int:
    return availability.availability_refresh(sku_ids=sku_ids)


@db_periodic_task(crontab(minute="*"))
def reservations_expire_task() -> int:
    return reservations.reservations_expire()


@db_periodic_task(crontab(minute="5", hour="1"))
def expiry_scan_task() -> int:
    return expiry.expiry_scan()
