"""The transactional outbox: events are rows written in the same transaction as the change.

Subscribers register a handler per topic; `outbox_dispatch` (run by a Huey job, and kicked on
commit) hands each pending event to its handlers and marks it dispatched. A handler that fails
leaves the event pending for the next run, so delivery is at least once: handlers are idempotent.
After MAX_ATTEMPTS failures the event is parked: no longer retried, reported by `storeos check`,
and sent again by `storeos outbox retry` once whatever failed is fixed.
"""

import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F

from storeos.core import clock
from storeos.core.models import OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
# A run every minute: about 20 minutes of failures before an event is parked.
MAX_ATTEMPTS = 20
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(topic: str, handler: Handler) -> None:
    """Register a handler for a topic ("*" receives every event)."""
    if handler not in _handlers[topic]:
        _handlers[topic].append(handler)


def unsubscribe(topic: str, handler: Handler) -> None:
    if handler in _handlers[topic]:
        _handlers[topic].remove(handler)


def event_emit(*, topic: str, payload: dict[str, Any]) -> OutboxEvent:
    """Write an event in the caller's transaction; schedule a dispatch once it commits."""
    clean = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    event = OutboxEvent.objects.create(topic=topic, payload=clean, created_at=clock.now())
    transaction.on_commit(partial(_schedule_dispatch), robust=True)
    return event


def _schedule_dispatch() -> None:
    from storeos.core.tasks import outbox_dispatch_task

    try:
        outbox_dispatch_task()
    except Exception:  # the periodic job picks the events up if the queue is unreachable now
        logger.warning("could not enqueue outbox dispatch", exc_info=True)


def outbox_dispatch(*, batch_size: int = 200) -> int:
    """Deliver pending events in id order; returns how many were delivered."""
    pending_ids = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .order_by("id")
        .values_list("id", flat=True)[:batch_size]
    )
    return sum(1 for event_id in pending_ids if _deliver(event_id))


def _deliver(event_id: int) -> bool:
    """Hand one event to its handlers; True when all of them accepted it.

    Where the database can skip locked rows (PostgreSQL), the event row stays locked while its
    handlers run, so two workers never deliver the same event at once, and a failing handler's
    writes roll back to a savepoint. On SQLite no transaction is held around the handlers: it
    would keep the single write lock (and every till) waiting while a handler calls out.
    """
    locking = connection.features.has_select_for_update_skip_locked
    with transaction.atomic() if locking else contextlib.nullcontext():
        pending = OutboxEvent.objects.filter(pk=event_id, dispatched_at__isnull=True)
        if locking:
            pending = pending.select_for_update(skip_locked=True)
        event = pending.first()
        if event is None:  # delivered meanwhile, or another worker holds it
            return False
        handlers = _handlers.get(event.topic, []) + _handlers.get("*", [])
        try:
            with transaction.atomic() if locking else contextlib.nullcontext():
                for handler in handlers:
                    handler(event)
        except Exception as exc:
            logger.exception("outbox handler failed for %s", event)
            OutboxEvent.objects.filter(pk=event.pk).update(
                attempts=F("attempts") + 1, last_error=repr(exc)[:2000]
            )
            return False
        OutboxEvent.objects.filter(pk=event.pk).update(
            dispatched_at=clock.now(), attempts=F("attempts") + 1, last_error=""
        )
        return True


def outbox_parked() -> list[OutboxEvent]:
    """Events that failed MAX_ATTEMPTS times and wait for `outbox_retry`, oldest first."""
    return list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True, attempts__gte=MAX_ATTEMPTS)
        .only("pk", "topic", "created_at", "attempts", "last_error")
        .order_by("id")
    )


def outbox_retry() -> int:
    """Put every parked event back in line (its handler was fixed); returns how many."""
    return OutboxEvent.objects.filter(
        dispatched_at__isnull=True, attempts__gte=MAX_ATTEMPTS
    ).update(attempts=0)
