"""Promotions jobs: the nightly sweep that marks coupons past their date expired."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

import storeos.promotions.tasks_labels  # noqa: F401  (registers the shelf-label jobs)
from storeos.promotions import coupons


@db_periodic_task(crontab(minute="10", hour="0"))
def coupons_expire_task() -> int:
    return coupons.coupons_expire()
