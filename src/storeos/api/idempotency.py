"""Idempotent API calls: every request that moves money, stock or points carries an
`Idempotency-Key` header; a replay returns the first response and changes nothing."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from storeos.core.errors import ValidationFailed
from storeos.core.idempotency import Response, idempotent_call

HEADER = "Idempotency-Key"


def idempotency_key(request: HttpRequest) -> str:
    key = request.headers.get(HEADER, "").strip()
    if not key or len(key) > 128:
        raise ValidationFailed(
            f"Send an {HEADER} header (1–128 characters) so a retry cannot apply twice.",
            code="idempotency_key_required",
        )
    return key


def run_idempotent(
    request: HttpRequest, *, scope: str, payload: Any, action: Callable[[], Response]
) -> Response:
    """Run `action` once per (user, scope, key): keys are private to the caller."""
    user_id = getattr(request.auth, "pk", None) or getattr(request.user, "pk", "anon")
    return idempotent_call(
        scope=f"{scope}:{user_id}",
        key=idempotency_key(request),
        payload=payload,
        action=action,
    )
