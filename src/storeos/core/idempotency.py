"""Idempotent calls: the same key and payload replay the first response; a different payload is 409.

Every call that moves money, stock or points runs through `idempotent_call`, so a retried
request (a flaky network, an offline till syncing) changes things once.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction

from storeos.core import clock
from storeos.core.errors import IdempotencyConflict
from storeos.core.models import IdempotencyRecord

Response = tuple[int, Any]


def payload_hash(payload: Any) -> str:
    canonical = json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise IdempotencyConflict(
            "This idempotency key was already used with a different request.",
            details={"key": record.key},
        )
    return record.response_status, record.response_body


def _serialise_key(scope: str, key: str) -> None:
    """On PostgreSQL, make callers of the same key queue until the first one's transaction ends.

    Without it two concurrent twins would both run the action and one would be rolled back on
    the unique constraint; with it the second waits, then finds the record and replays it. SQLite
    needs nothing: IMMEDIATE transactions already take the database's single write lock.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


def idempotent_call(
    *, scope: str, key: str, payload: Any, action: Callable[[], Response]
) -> Response:
    """Run `action` once per (scope, key); its (status, JSON body) is stored with the change.

    The record is written in the same transaction as the action's own writes, so either both
    exist or neither. A concurrent twin with the same key waits for the first (see
    `_serialise_key`) and replays its response; should one still slip through, it loses on the
    unique constraint and rolls back everything it did. Domain errors are not stored: a refused
    request may be retried with the same key once the cause is fixed.
    """
    request_hash = payload_hash(payload)
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is not None:
        return _replay(existing, request_hash)
    try:
        with transaction.atomic():
            _serialise_key(scope, key)
            existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if existing is not None:
                return _replay(existing, request_hash)
            status, body = action()
            body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.create(
                scope=scope,
                key=key,
                request_hash=request_hash,
                response_status=status,
                response_body=body,
                created_at=clock.now(),
            )
    except IntegrityError:
        winner = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if winner is None:
            raise
        return _replay(winner, request_hash)
    return status, body
