"""Sales jobs: unpaid online orders and QR codes expire, provider refunds are (re)sent."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from storeos.sales import online, payments


@db_periodic_task(crontab(minute="*"))
def online_orders_expire_task() -> int:
    return online.online_orders_expire()


@db_periodic_task(crontab(minute="*"))
def payment_intents_expire_task() -> int:
    return payments.payment_intents_expire()


@db_periodic_task(crontab(minute="*/5"))
def provider_refunds_resend_task() -> int:
    # Refunds built while a provider was unreachable go out once it answers again.
    return payments.provider_refunds_resend()
