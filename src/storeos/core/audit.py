"""Writing audit entries. Callers run inside the transaction of the change they record."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from storeos.core import clock
from storeos.core.models import AuditEntry


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    store_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    # Callers pass what they hold (Decimal prices, datetimes); store them as JSON text.
    before, after = (_as_json(before), _as_json(after))
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        store_id=store_id,
        before=before,
        after=after,
        reason=reason,
    )


def _as_json(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return json.loads(json.dumps(state, cls=DjangoJSONEncoder))
