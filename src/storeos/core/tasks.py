"""Core jobs: outbox dispatch (on commit and every minute) and idempotency record clean-up."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from storeos.core import clock, outbox
from storeos.core.models import IdempotencyRecord

IDEMPOTENCY_KEEP_DAYS = 30


@db_task()
def outbox_dispatch_task() -> int:
    return outbox.outbox_dispatch()


@db_periodic_task(crontab(minute="*"))
def outbox_dispatch_periodic() -> int:
    return outbox.outbox_dispatch()


@db_periodic_task(crontab(minute="17", hour="3"))
def idempotency_records_purge() -> int:
    cutoff = clock.now() - dt.timedelta(days=IDEMPOTENCY_KEEP_DAYS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
