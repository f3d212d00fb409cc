"""The periodic tier review."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from storeos.loyalty import tiers


@db_periodic_task(crontab(minute="30", hour="2"))
def tier_review_task() -> int:
    """Every night: members below their tier's retention threshold drop one level."""
    return tiers.tier_review()
