"""Points expiry, expiry reminders and ledger checkpoints."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from storeos.loyalty import checkpoints, expiry

# Huey runs in UTC: 16:xx UTC is just after midnight in Asia/Shanghai, the chain's business day.


@db_periodic_task(crontab(minute="10", hour="16"))
def points_expire_due_task() -> int:
    return expiry.points_expire_due()


@db_periodic_task(crontab(minute="30", hour="1"))
def points_expiry_remind_task() -> int:
    return expiry.points_expiry_remind()


@db_periodic_task(crontab(minute="40", hour="16"))
def ledger_checkpoint_task() -> int:
    return checkpoints.ledger_checkpoint_create().seq
