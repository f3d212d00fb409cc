"""Nightly rule tags and RFM scores."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from storeos.loyalty import rfm, tags


@db_periodic_task(crontab(minute="20", hour="2"))
def tags_nightly_task() -> dict[str, int]:
    """Earn rule tags from yesterday's purchases, then drop tags faded below 0.05."""
    return {"written": tags.tags_recompute(), "dropped": tags.tags_drop_faded()}


@db_periodic_task(crontab(minute="40", hour="2"))
def rfm_nightly_task() -> int:
    return rfm.rfm_recompute()
