"""The outbox of text messages to members (verification codes, reminders) and their senders.

A message is written in the caller's transaction and handed to a job once that commits, so a
rolled-back registration sends nothing. The sender is chosen by STOREOS_SMS_SENDER: "console"
(a log line, the default), "file" (appended to STOREOS_DATA_DIR/outbox/sms.log) or the dotted
path of a class with `send(*, channel, recipient, body)`, e.g. a production SMS gateway.
"""

import logging
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from storeos.core import clock
from storeos.core.pii import mask_phone
from storeos.loyalty.models import OutgoingMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class ConsoleSender:
    """Writes each message to the log (development and demos). The phone is masked: logs are
    kept and shipped where personal data must not go."""

    def send(self, *, channel: str, recipient: str, body: str) -> None:
        log.warning("%s to %s: %s", channel, mask_phone(recipient), body)


class FileSender:
    """Appends each message as one line to DATA_DIR/outbox/<channel>.log (tests, demos)."""

    def send(self, *, channel: str, recipient: str, body: str) -> None:
        folder = Path(settings.DATA_DIR) / "outbox"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = clock.now().isoformat()
        line = " ".join(body.split())
        with (folder / f"{channel}.log").open("a", encoding="utf-8") as log_file:
            log_file.write(f"{stamp}\t{recipient}\t{line}\n")


SENDERS = {"console": ConsoleSender, "file": FileSender}


def sender_get():
    name = getattr(settings, "STOREOS_SMS_SENDER", "") or "console"
    sender_class = SENDERS.get(name) or import_string(name)
    return sender_class()


def message_queue(*, recipient: str, body: str, channel: str = "sms") -> OutgoingMessage:
    """Put a message in the outbox (in the caller's transaction); it is sent once that commits."""
    message = OutgoingMessage.objects.create(
        channel=channel, recipient=recipient, body=body, created_at=clock.now()
    )
    transaction.on_commit(partial(_schedule_send, message.pk), robust=True)
    return message


def _schedule_send(message_id: int) -> None:
    try:
        message_send_task(message_id)
    except Exception:  # the periodic job sends it if the queue is unreachable now
        log.warning("could not enqueue message %s", message_id, exc_info=True)


def message_send(*, message_id: int) -> bool:
    """Send one pending (or failed) message; True when the sender accepted it.

    Claiming the message is a guarded UPDATE on its attempt count, so two workers (the job
    queued on commit and the periodic retry) never both send it.
    """
    message = OutgoingMessage.objects.filter(
        pk=message_id,
        status__in=[OutgoingMessage.Status.PENDING, OutgoingMessage.Status.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ).first()
    if message is None:
        return False
    claimed = OutgoingMessage.objects.filter(
        pk=message.pk, attempts=message.attempts, status=message.status
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return False
    try:
        sender_get().send(channel=message.channel, recipient=message.recipient, body=message.body)
    except Exception:
        log.warning("message %s could not be sent", message.pk, exc_info=True)
        OutgoingMessage.objects.filter(pk=message.pk).update(status=OutgoingMessage.Status.FAILED)
        return False
    OutgoingMessage.objects.filter(pk=message.pk).update(
        status=OutgoingMessage.Status.SENT, sent_at=clock.now()
    )
    return True


def messages_send_pending(*, batch_size: int = 100) -> int:
    """Send (or retry) messages still waiting, oldest first; returns how many went out."""
    ids = list(
        OutgoingMessage.objects.filter(
            status__in=[OutgoingMessage.Status.PENDING, OutgoingMessage.Status.FAILED],
            attempts__lt=MAX_ATTEMPTS,
        )
        .order_by("id")
        .values_list("id", flat=True)[:batch_size]
    )
    return sum(1 for message_id in ids if message_send(message_id=message_id))


@db_task()
def message_send_task(message_id: int) -> bool:
    return message_send(message_id=message_id)


@db_periodic_task(crontab(minute="*"))
def messages_send_pending_task() -> int:
    return messages_send_pending()
