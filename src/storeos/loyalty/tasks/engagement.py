"""Referral rewards, birthday benefits and paid-membership renewals and expiry."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from storeos.loyalty import birthday, membership, referrals

# Huey runs in UTC: 16:xx UTC is just after midnight in Asia/Shanghai, the chain's business day.


@db_periodic_task(crontab(minute="50", hour="16"))
def referrals_reward_task() -> int:
    return referrals.referrals_reward()


@db_periodic_task(crontab(minute="0", hour="1"))
def birthday_benefits_issue_task() -> int:
    # 09:00 in Shanghai: the gift coupon arrives in the morning, not at midnight.
    return birthday.birthday_benefits_issue()


@db_periodic_task(crontab(minute="55", hour="16"))
def subscriptions_daily_task() -> dict[str, int]:
    return membership.subscriptions_daily()
