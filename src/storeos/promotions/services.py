"""Promotion lifecycle: draft → waiting for approval → approved (active) ⇄ paused → ended.

Every write is one service here: the back office, the API, the clearance suggestions and the
seed all call them. Decisions:
- Editing needs `promotions.edit`, approving, pausing and ending `promotions.approve`, in every
  store the promotion targets, or chain-wide when it targets every store (empty `store_ids`).
  A store manager therefore approves a clearance markdown for their own store only. Rejecting
  sends a promotion waiting for approval back to draft, with the reason in the audit.
- Only drafts and paused promotions can be edited. A paused promotion goes live again by being
  approved again, so an edit made while paused is always seen by an approver.
- Every change bumps `updated_at` (strictly, even under a frozen clock): the engine's catalogue
  cache reloads when it moves. Recording uses at checkout (uses.py) does not bump it.
- Approving, pausing and ending are audited and announced on the outbox
  ("promotion.approved", "promotion.paused", "promotion.ended"; the label feed listens).
- A refusal raises a DomainError with a stable code and changes nothing.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require_somewhere, require_unless_system
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.channels import Channel
from storeos.core.errors import Conflict, NotFound
from storeos.core.outbox import event_emit
from storeos.promotions.errors import DatesReversed, PromotionInvalid
from storeos.promotions.models import Promotion, PromotionKind, PromotionStatus
from storeos.promotions.rules import promotion_rule_validate
from storeos.stores.models import Store


class PromotionStateInvalid(Conflict):
    code = "promotion_state_invalid"


class PromotionNotFound(NotFound):
    code = "promotion_not_found"


# What a caller may set on a draft; counters, status and approval are the services' own.
EDITABLE_FIELDS = frozenset(
    {
        "code",
        "name",
        "kind",
        "rule",
        "scope",
        "channels",
        "store_ids",
        "starts_at",
        "ends_at",
        "weekdays",
        "hours",
        "tier_codes",
        "tag_codes",
        "members_only",
        "new_members_days",
        "min_quantity",
        "min_amount",
        "total_uses",
        "per_member_uses",
        "budget",
        "priority",
        "stacking_group",
        "stackable",
        "exclusive",
        "label",
        "origin",
    }
)
EDITABLE_STATES = (PromotionStatus.DRAFT, PromotionStatus.PAUSED)
APPROVABLE_STATES = (PromotionStatus.DRAFT, PromotionStatus.PENDING, PromotionStatus.PAUSED)


def promotion_stores_require(actor, perm: Perm, store_ids: list) -> None:
    """`perm` in every targeted store, or chain-wide when the promotion targets all stores."""
    if not store_ids:
        require_unless_system(actor, perm, None)
    for store_id in sorted(set(store_ids)):
        require_unless_system(actor, perm, store_id)


@transaction.atomic
def promotion_create(*, actor, **fields) -> Promotion:
    """A new draft promotion, validated whole (dates, rule, scope, conditions, limits)."""
    if actor is not None:
        # Whoever may edit promotions nowhere is refused before their draft is read.
        require_somewhere(actor, Perm.PROMOTIONS_EDIT)
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise PromotionInvalid(
            _("Unknown promotion fields: %(fields)s.") % {"fields": ", ".join(unknown)},
            details={"fields": unknown},
        )
    promotion = Promotion(status=PromotionStatus.DRAFT, **fields)
    _validate(promotion)
    promotion_stores_require(actor, Perm.PROMOTIONS_EDIT, promotion.store_ids)
    now = clock.now()
    promotion.created_by = actor if getattr(actor, "pk", None) else None
    promotion.created_at = promotion.updated_at = now
    try:
        with transaction.atomic():
            promotion.save(force_insert=True)
    except IntegrityError as exc:
        raise PromotionInvalid(
            _("A promotion with the code %(code)s already exists.") % {"code": promotion.code},
            code="promotion_code_taken",
            status=409,
            details={"code": promotion.code},
        ) from exc
    audit_record(actor=actor, action="promotion.created", obj=promotion, after=_snapshot(promotion))
    return promotion


@transaction.atomic
def promotion_update(*, actor, promotion: Promotion, **fields) -> Promotion:
    """Change a draft or paused promotion; the whole promotion is validated again."""
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise PromotionInvalid(
            _("Unknown promotion fields: %(fields)s.") % {"fields": ", ".join(unknown)},
            details={"fields": unknown},
        )
    current = _lock(promotion)
    # Both the stores it targeted and those it will target must be the editor's.
    promotion_stores_require(actor, Perm.PROMOTIONS_EDIT, current.store_ids)
    _require_state(current, EDITABLE_STATES, action=_("edited"))
    before = _snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    _validate(current)
    promotion_stores_require(actor, Perm.PROMOTIONS_EDIT, current.store_ids)
    _touch(current)
    try:
        with transaction.atomic():
            current.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:
        raise PromotionInvalid(
            _("A promotion with the code %(code)s already exists.") % {"code": current.code},
            code="promotion_code_taken",
            status=409,
            details={"code": current.code},
        ) from exc
    audit_record(
        actor=actor,
        action="promotion.updated",
        obj=current,
        before=before,
        after=_snapshot(current),
    )
    return current


@transaction.atomic
def promotion_submit(*, actor, promotion: Promotion) -> Promotion:
    """Send a draft for approval."""
    current = _lock(promotion)
    promotion_stores_require(actor, Perm.PROMOTIONS_EDIT, current.store_ids)
    _require_state(current, (PromotionStatus.DRAFT,), action=_("submitted"))
    return _move(actor=actor, promotion=current, status=PromotionStatus.PENDING, action="submitted")


@transaction.atomic
def promotion_approve(*, actor, promotion: Promotion) -> Promotion:
    """Put a promotion live (from draft, pending or paused). Refused once it is over."""
    current = _lock(promotion)
    promotion_stores_require(actor, Perm.PROMOTIONS_APPROVE, current.store_ids)
    _require_state(current, APPROVABLE_STATES, action=_("approved"))
    now = clock.now()
    if current.ends_at <= now:
        raise PromotionStateInvalid(
            _("Promotion %(code)s ended on %(ends)s; it can no longer be approved.")
            % {"code": current.code, "ends": current.ends_at.isoformat()},
            code="promotion_expired",
            details={"promotion": current.code, "ends_at": current.ends_at},
        )
    _validate(current)
    current.approved_by = actor if getattr(actor, "pk", None) else None
    current.approved_at = now
    current.save(update_fields=["approved_by", "approved_at"])
    current = _move(
        actor=actor, promotion=current, status=PromotionStatus.ACTIVE, action="approved"
    )
    event_emit(topic="promotion.approved", payload=_event_payload(current))
    return current


@transaction.atomic
def promotion_reject(*, actor, promotion: Promotion, reason: str = "") -> Promotion:
    """Send a promotion waiting for approval back to draft, saying why (kept in the audit)."""
    current = _lock(promotion)
    promotion_stores_require(actor, Perm.PROMOTIONS_APPROVE, current.store_ids)
    _require_state(current, (PromotionStatus.PENDING,), action=_("sent back"))
    return _move(
        actor=actor,
        promotion=current,
        status=PromotionStatus.DRAFT,
        action="rejected",
        reason=(reason or "").strip()[:200],
    )


@transaction.atomic
def promotion_pause(*, actor, promotion: Promotion) -> Promotion:
    """Take a live promotion off the tills for now; approving it again resumes it."""
    current = _lock(promotion)
    promotion_stores_require(actor, Perm.PROMOTIONS_APPROVE, current.store_ids)
    _require_state(current, (PromotionStatus.ACTIVE,), action=_("paused"))
    current = _move(actor=actor, promotion=current, status=PromotionStatus.PAUSED, action="paused")
    event_emit(topic="promotion.paused", payload=_event_payload(current))
    return current


@transaction.atomic
def promotion_end(*, actor, promotion: Promotion) -> Promotion:
    """End a promotion for good (any state but ended)."""
    current = _lock(promotion)
    promotion_stores_require(actor, Perm.PROMOTIONS_APPROVE, current.store_ids)
    _require_state(current, tuple(set(PromotionStatus) - {PromotionStatus.ENDED}), _("ended"))
    was = current.status
    current = _move(actor=actor, promotion=current, status=PromotionStatus.ENDED, action="ended")
    event_emit(
        topic="promotion.ended",
        payload={**_event_payload(current), "was": was, "ended_at": current.updated_at},
    )
    return current


# --- internals ------------------------------------------------------------------------------


def _lock(promotion: Promotion) -> Promotion:
    current = Promotion.objects.select_for_update().filter(pk=promotion.pk).first()
    if current is None:
        raise PromotionNotFound(_("That promotion does not exist."))
    return current


def _require_state(promotion: Promotion, allowed: tuple, action: str) -> None:
    if promotion.status not in allowed:
        raise PromotionStateInvalid(
            _("Promotion %(code)s is %(status)s and cannot be %(action)s.")
            % {
                "code": promotion.code,
                "status": promotion.get_status_display(),
                "action": action,
            },
            details={"promotion": promotion.code, "status": promotion.status},
        )


def _touch(promotion: Promotion) -> None:
    """updated_at moves forward on every change, even twice in one frozen instant."""
    now = clock.now()
    previous = promotion.updated_at
    promotion.updated_at = (
        max(now, previous + dt.timedelta(microseconds=1)) if previous is not None else now
    )


def _move(*, actor, promotion: Promotion, status: str, action: str, reason: str = "") -> Promotion:
    before = promotion.status
    promotion.status = status
    _touch(promotion)
    promotion.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=f"promotion.{action}",
        obj=promotion,
        store_id=promotion.store_ids[0] if len(promotion.store_ids) == 1 else None,
        before={"status": before},
        after={"status": status},
        reason=reason,
    )
    return promotion


def _event_payload(promotion: Promotion) -> dict:
    return {
        "id": promotion.pk,
        "code": promotion.code,
        "kind": promotion.kind,
        "status": promotion.status,
        "starts_at": promotion.starts_at,
        "ends_at": promotion.ends_at,
        "store_ids": list(promotion.store_ids),
    }


def _snapshot(promotion: Promotion) -> dict:
    return {name: getattr(promotion, name) for name in sorted(EDITABLE_FIELDS)} | {
        "status": promotion.status
    }


def _validate(promotion: Promotion) -> None:
    """The whole promotion: its own fields here, the kind's rule and scope in promotions.rules
    (dates first, so reversed dates say so whatever else is wrong)."""
    if not (promotion.code or "").strip() or not (promotion.name or "").strip():
        raise PromotionInvalid(_("A promotion needs a code and a name."), code="promotion_invalid")
    if promotion.kind not in PromotionKind.values:
        raise PromotionInvalid(
            _("Unknown promotion kind %(kind)r.") % {"kind": promotion.kind},
            details={"kind": promotion.kind},
        )
    starts, ends = promotion.starts_at, promotion.ends_at
    if not isinstance(starts, dt.datetime) or not isinstance(ends, dt.datetime):
        raise PromotionInvalid(_("A promotion needs a start and an end."), code="dates_missing")
    if starts.tzinfo is None or ends.tzinfo is None:
        raise PromotionInvalid(_("Start and end must carry a time zone."), code="dates_invalid")
    if ends <= starts:
        raise DatesReversed(
            _("The promotion ends before it starts."),
            details={"starts_at": starts, "ends_at": ends},
        )
    _validate_conditions(promotion)
    _validate_limits(promotion)
    promotion_rule_validate(promotion.kind, promotion.rule, promotion.scope)


def _validate_conditions(promotion: Promotion) -> None:
    lists = ("channels", "store_ids", "weekdays", "hours", "tier_codes", "tag_codes")
    for name in lists:
        if not isinstance(getattr(promotion, name), list):
            raise PromotionInvalid(
                _("%(field)s must be a list.") % {"field": name}, details={"field": name}
            )
    if bad := [c for c in promotion.channels if c not in Channel.values]:
        raise PromotionInvalid(_("Unknown channels."), details={"channels": bad})
    if bad := [d for d in promotion.weekdays if not (isinstance(d, int) and 0 <= d <= 6)]:
        raise PromotionInvalid(_("Weekdays run from 0 (Monday) to 6."), details={"weekdays": bad})
    hours = promotion.hours
    if hours and not (
        len(hours) == 2
        and all(isinstance(h, int) and 0 <= h <= 24 for h in hours)
        and hours[0] < hours[1]
    ):
        raise PromotionInvalid(_("Hours are [from, to) with 0 ≤ from < to ≤ 24."))
    store_ids = promotion.store_ids
    if not all(isinstance(s, int) for s in store_ids) or Store.objects.filter(
        pk__in=list(store_ids)
    ).count() != len(set(store_ids)):
        raise PromotionInvalid(
            _("Some of the stores do not exist."),
            code="store_invalid",
            details={"store_ids": store_ids},
        )


def _validate_limits(promotion: Promotion) -> None:
    for name in ("total_uses", "per_member_uses", "new_members_days", "min_quantity"):
        value = getattr(promotion, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PromotionInvalid(
                _("%(field)s must be a whole number, zero or more.") % {"field": name},
                details={"field": name},
            )
    for name in ("budget", "min_amount"):
        amount = _decimal(getattr(promotion, name))
        if amount is None or amount < 0:
            raise PromotionInvalid(
                _("%(field)s must be an amount, zero or more.") % {"field": name},
                details={"field": name},
            )


def _decimal(value) -> Decimal | None:
    if isinstance(value, float | bool) or value is None:
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None
