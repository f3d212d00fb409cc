"""The transactional outbox: events are rows written in the same transaction as the change.

Subscribers register a handler per topic; `outbox_dispatch` (run by a Huey job, and kicked on
commit) hands each pending event to its handlers and marks it dispatched. A handler that fails
leaves the event pending for the next run, so delivery is at least once: handlers are idempotent.
"""

import json
import logging
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from storeos.core import clock
from storeos.core.models import OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
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
    delivered = 0
    pending = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True).order_by("id")[:batch_size]
    )
    for event in pending:
        handlers = _handlers.get(event.topic, []) + _handlers.get("*", [])
        try:
            for handler in handlers:
                handler(event)
        except Exception as exc:
            logger.exception("outbox handler failed for %s", event)
            OutboxEvent.objects.filter(pk=event.pk).update(
                attempts=event.attempts + 1, last_error=repr(exc)[:2000]
            )
            continue
        OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=clock.now(), attempts=event.attempts + 1, last_error=""
        )
        delivered += 1
    return delivered
