"""Accounts jobs: forgetting failed logins once they no longer count towards throttling."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from storeos.accounts import services


@db_periodic_task(crontab(minute="*/15"))
def login_attempts_purge_periodic() -> int:
    return services.login_attempts_purge()
