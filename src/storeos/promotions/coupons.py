"""Coupons: templates, codes generated in bulk, issuing and claiming into a member's wallet, the
wallet itself and the daily expiry. Redemption at checkout lives in `coupon_redemption`.

Decisions:
- A code is 16 symbols from 31 (no 0/O/1/I/L): about 79 bits, so guessing a live code is hopeless.
  Codes are matched case-insensitively with spaces and dashes ignored (people type them).
- Validity is the template's fixed dates, or N days from issuing. A batch code with N-day validity
  is valid N days from its generation until a member claims it; claiming starts the N days again
  from the claim (the flyer's code "is valid for N days in your wallet").
- Every limit is guarded in the database: the template's issued count is a conditional UPDATE,
  claiming a batch code is `UPDATE … WHERE member IS NULL`, so two members cannot both own it.
"""

import csv
import datetime as dt
import io
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require_unless_system
from storeos.catalog.models import Sku
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.core.errors import Conflict, ValidationFailed
from storeos.promotions.errors import CouponExpired, CouponNotFound, CouponUsed, CouponVoid
from storeos.promotions.models import (
    CodeBatch,
    Coupon,
    CouponKind,
    CouponStatus,
    CouponTemplate,
)

# 16 characters from 31 symbols ≈ 79 bits: guessing a live code is hopeless.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16
BATCH_MAX = 100_000
_CHUNK = 2_000


class CouponUnavailable(Conflict):
    code = "coupon_unavailable"


class CouponClaimed(Conflict):
    code = "coupon_claimed"


class CouponTemplateInvalid(ValidationFailed):
    code = "coupon_template_invalid"


_SPACE = len(_ALPHABET) ** CODE_LENGTH


def coupon_code_new() -> str:
    """A uniformly random code: one draw from the whole code space, written in base 31."""
    number, symbols = secrets.randbelow(_SPACE), []
    for _position in range(CODE_LENGTH):
        number, digit = divmod(number, len(_ALPHABET))
        symbols.append(_ALPHABET[digit])
    return "".join(symbols)


def coupon_code_clean(code: str) -> str:
    """The code as stored: upper case, without the spaces and dashes people type."""
    return "".join(str(code or "").split()).replace("-", "").upper()


def coupon_validity(
    template: CouponTemplate, issued_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """(valid from, valid until): the template's fixed dates, or N days from issuing."""
    if template.valid_days:
        return issued_at, issued_at + dt.timedelta(days=template.valid_days)
    start = max(template.valid_from or issued_at, issued_at)
    until = template.valid_until
    if until is None or until <= start:
        raise CouponUnavailable(
            _("Coupon %(code)s is no longer valid to issue.") % {"code": template.code},
            details={"template": template.code},
        )
    return start, until


def _require_active(template: CouponTemplate) -> None:
    if not template.is_active:
        raise CouponUnavailable(
            _("Coupon %(code)s is not active.") % {"code": template.code},
            details={"template": template.code},
        )


def _count_issued(template: CouponTemplate, quantity: int) -> None:
    """Grow the template's issued count by `quantity` under the total limit (a guarded UPDATE
    whose row lock serialises issues of the template until commit)."""
    counted = CouponTemplate.objects.filter(pk=template.pk, is_active=True).filter(
        Q(total_limit=0) | Q(issued_count__lte=F("total_limit") - quantity)
    )
    if not counted.update(issued_count=F("issued_count") + quantity):
        raise CouponUnavailable(
            _("All %(code)s coupons have been given out.") % {"code": template.code},
            details={"template": template.code, "quantity": quantity},
        )


def _check_member_limit(template: CouponTemplate, member_id: int, adding: int = 1) -> None:
    """Caller holds the template's row lock (so two claims of one member queue here)."""
    if not template.per_member_limit:
        return
    held = Coupon.objects.filter(template=template, member_id=member_id).exclude(
        status=CouponStatus.VOID
    )
    if held.count() + adding > template.per_member_limit:
        raise CouponUnavailable(
            _("This member already has %(limit)s %(code)s coupon(s).")
            % {"limit": template.per_member_limit, "code": template.code},
            code="coupon_limit_reached",
            details={"template": template.code, "limit": template.per_member_limit},
        )


@transaction.atomic
def coupon_issue(*, template: CouponTemplate, member_id: int | None, source: str) -> Coupon:
    """Put one coupon of `template` in a member's wallet (or issue an unclaimed one when
    `member_id` is None). The template's total and per-member limits hold under concurrency:
    the issued count is a guarded UPDATE and the member's count is checked under it."""
    now = clock.now()
    _require_active(template)
    _count_issued(template, 1)
    # The current terms, read under the row lock the UPDATE took (the caller's object may be old).
    template = CouponTemplate.objects.get(pk=template.pk)
    valid_from, valid_until = coupon_validity(template, now)
    if member_id is not None:
        _check_member_limit(template, member_id)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Coupon.objects.create(
                    code=coupon_code_new(),
                    template=template,
                    member_id=member_id,
                    source=source,
                    claimed_at=now if member_id is not None else None,
                    issued_at=now,
                    valid_from=valid_from,
                    valid_until=valid_until,
                )
        except IntegrityError:
            continue  # a code collision (about 1 in 2^79): draw again
    raise RuntimeError("could not draw a unique coupon code")


# --- Templates -------------------------------------------------------------------------------

TEMPLATE_FIELDS = frozenset(
    {
        "code",
        "name",
        "kind",
        "value",
        "free_sku",
        "free_sku_id",
        "min_spend",
        "scope",
        "valid_from",
        "valid_until",
        "valid_days",
        "per_member_limit",
        "total_limit",
        "stackable",
        "return_on_refund",
        "is_active",
    }
)
SCOPE_KEYS = frozenset({"categories", "series", "skus", "exclude_skus", "exclude_categories"})


def _invalid(message: str, code: str, **details) -> CouponTemplateInvalid:
    return CouponTemplateInvalid(message, code=code, details=details)


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid(
            _("%(field)s must be an amount.") % {"field": field}, "value_invalid"
        ) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise _invalid(
            _("%(field)s must be an amount of at least zero, to the cent.") % {"field": field},
            "value_invalid",
            field=field,
        )
    return amount


def _count(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _invalid(
            _("%(field)s must be a whole number, zero or more.") % {"field": field},
            "value_invalid",
            field=field,
        )
    return value


def _scope_clean(scope) -> dict:
    if scope in (None, ""):
        return {}
    if not isinstance(scope, dict) or set(scope) - SCOPE_KEYS:
        raise _invalid(_("The scope names unknown kinds of goods."), "scope_invalid")
    for key, ids in scope.items():
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise _invalid(_("A scope lists ids."), "scope_invalid", key=key)
    return {key: sorted(set(ids)) for key, ids in scope.items() if ids}


def template_validate(template: CouponTemplate) -> None:
    """Refuse a template whose values cannot make a sensible coupon (nothing is saved)."""
    if not (template.code or "").strip() or not (template.name or "").strip():
        raise _invalid(_("A coupon template needs a code and a name."), "required")
    if template.kind not in CouponKind.values:
        raise _invalid(_("Unknown coupon kind."), "kind_invalid", kind=template.kind)
    template.value = _money(template.value, "value")
    template.min_spend = _money(template.min_spend, "min_spend")
    for field in ("valid_days", "per_member_limit", "total_limit"):
        _count(getattr(template, field), field)
    template.scope = _scope_clean(template.scope)
    if template.kind == CouponKind.PERCENT_OFF and not (0 < template.value <= 100):
        raise _invalid(
            _("A percentage off is above 0 and at most 100."),
            "percent_invalid",
            value=template.value,
        )
    if template.kind == CouponKind.AMOUNT_OFF and template.value <= 0:
        raise _invalid(_("An amount off is above zero."), "value_invalid", value=template.value)
    if template.kind == CouponKind.FREE_ITEM and template.free_sku_id is None:
        raise _invalid(_("A free-item coupon names the SKU it gives."), "free_sku_missing")
    if (
        template.free_sku_id is not None
        and not Sku.objects.filter(pk=template.free_sku_id).exists()
    ):
        raise _invalid(_("The free SKU does not exist."), "free_sku_missing")
    start, until = template.valid_from, template.valid_until
    if start is not None and until is not None and until <= start:
        raise _invalid(_("The coupon ends before it starts."), "dates_reversed")
    if not template.valid_days and until is None:
        raise _invalid(
            _("Give the coupon fixed dates or a number of days after claiming."),
            "validity_missing",
        )
    if template.total_limit and template.total_limit < template.issued_count:
        raise _invalid(
            _("%(issued)s coupons were already issued: the limit cannot be lower.")
            % {"issued": template.issued_count},
            "total_limit_invalid",
        )


def _template_state(template: CouponTemplate) -> dict:
    return {f: getattr(template, f) for f in TEMPLATE_FIELDS - {"free_sku"}}


def _template_set(template: CouponTemplate, fields: dict) -> None:
    unknown = set(fields) - TEMPLATE_FIELDS
    if unknown:
        raise _invalid(_("Unknown fields."), "validation_error", fields=sorted(unknown))
    for name, value in fields.items():
        setattr(template, name, value)


@transaction.atomic
def coupon_template_create(*, actor, **fields) -> CouponTemplate:
    """A new coupon template (PROMOTIONS_EDIT chain-wide); audited."""
    require_unless_system(actor, Perm.PROMOTIONS_EDIT)
    template = CouponTemplate(created_at=clock.now())
    _template_set(template, fields)
    template.code = (template.code or "").strip().upper()
    template_validate(template)
    if CouponTemplate.objects.filter(code=template.code).exists():
        raise _invalid(_("That coupon code is taken."), "code_taken", template=template.code)
    template.save()
    audit_record(
        actor=actor, action="coupon_template.create", obj=template, after=_template_state(template)
    )
    return template


@transaction.atomic
def coupon_template_update(*, actor, template: CouponTemplate, **fields) -> CouponTemplate:
    """Change a template; coupons already issued keep their own validity. The code and kind
    are fixed once coupons exist (they are printed and priced by them). Audited."""
    require_unless_system(actor, Perm.PROMOTIONS_EDIT)
    template = CouponTemplate.objects.select_for_update().get(pk=template.pk)
    before = _template_state(template)
    if template.issued_count and any(
        f in fields and fields[f] != getattr(template, f) for f in ("code", "kind")
    ):
        raise _invalid(
            _("Coupons of this template exist: its code and kind cannot change."),
            "template_in_use",
        )
    _template_set(template, fields)
    template_validate(template)
    changed = [f for f, v in _template_state(template).items() if before[f] != v]
    if changed:
        template.save(update_fields=changed)
        audit_record(
            actor=actor,
            action="coupon_template.update",
            obj=template,
            before={f: before[f] for f in changed},
            after={f: _template_state(template)[f] for f in changed},
        )
    return template


def coupon_template_deactivate(*, actor, template: CouponTemplate) -> CouponTemplate:
    """No more coupons of it are issued or claimed, and the engine refuses its coupons at
    checkout as void (a template withdrawn by mistake is simply activated again)."""
    return coupon_template_update(actor=actor, template=template, is_active=False)


# --- Code batches ----------------------------------------------------------------------------


def _fresh_codes(quantity: int) -> list[str]:
    """`quantity` distinct new codes none of which exists yet (one query per chunk)."""
    codes: set[str] = set()
    while len(codes) < quantity:
        draw = {coupon_code_new() for _n in range(min(_CHUNK, quantity - len(codes)))} - codes
        taken = set(Coupon.objects.filter(code__in=sorted(draw)).values_list("code", flat=True))
        codes |= draw - taken
    return sorted(codes)


@transaction.atomic
def code_batch_create(
    *, actor, template: CouponTemplate, quantity: int, note: str = ""
) -> CodeBatch:
    """Generate `quantity` unclaimed coupons of `template` (source "batch") within its total
    limit. Audited (the codes themselves are not: they are exported, audited, on their own)."""
    require_unless_system(actor, Perm.PROMOTIONS_EDIT)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= BATCH_MAX:
        raise CouponTemplateInvalid(
            _("A batch has between 1 and %(max)s codes.") % {"max": BATCH_MAX},
            code="quantity_invalid",
            details={"quantity": quantity},
        )
    template = CouponTemplate.objects.get(pk=template.pk)
    _require_active(template)
    now = clock.now()
    valid_from, valid_until = coupon_validity(template, now)
    _count_issued(template, quantity)
    batch = CodeBatch.objects.create(
        template=template,
        quantity=quantity,
        note=(note or "").strip()[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    coupons = [
        Coupon(
            code=code,
            template=template,
            source="batch",
            batch=batch,
            issued_at=now,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        for code in _fresh_codes(quantity)
    ]
    Coupon.objects.bulk_create(coupons, batch_size=_CHUNK)
    audit_record(
        actor=actor,
        action="coupon_batch.create",
        obj=batch,
        after={"template": template.code, "quantity": quantity, "note": batch.note},
    )
    return batch


EXPORT_COLUMNS = ["code", "template", "status", "claimed", "valid_from", "valid_until"]


@transaction.atomic
def code_batch_export(*, actor, batch: CodeBatch) -> str:
    """The batch's codes as CSV, for printing or a partner. Codes are worth money: the export
    needs PROMOTIONS_EDIT and is audited with its row count."""
    require_unless_system(actor, Perm.PROMOTIONS_EDIT)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    rows = Coupon.objects.filter(batch_id=batch.pk).order_by("id")
    count = 0
    for coupon in rows.values_list("code", "status", "member_id", "valid_from", "valid_until"):
        code, status, member_id, valid_from, valid_until = coupon
        writer.writerow(
            [
                code,
                batch.template.code,
                status,
                "yes" if member_id else "no",
                valid_from.isoformat(),
                valid_until.isoformat(),
            ]
        )
        count += 1
    audit_record(actor=actor, action="coupon_batch.export", obj=batch, after={"rows": count})
    return buffer.getvalue()


# --- Claiming and the wallet -----------------------------------------------------------------


def _member_require(member_id: int) -> None:
    from storeos.loyalty.errors import MemberNotFound
    from storeos.loyalty.models import Member, MemberStatus

    if not Member.objects.filter(pk=member_id, status=MemberStatus.ACTIVE).exists():
        raise MemberNotFound(_("No such member."), details={"member_id": member_id})


def coupon_refusal(coupon: Coupon, at: dt.datetime) -> Exception | None:
    """Why `coupon` cannot be used or claimed at `at`, or None when it can."""
    if coupon.status == CouponStatus.USED:
        return CouponUsed(
            _("Coupon %(code)s has already been used.") % {"code": coupon.code},
            details={"coupon": coupon.code},
        )
    if coupon.status == CouponStatus.EXPIRED or coupon.valid_until <= at:
        return CouponExpired(
            _("Coupon %(code)s has expired.") % {"code": coupon.code},
            details={"coupon": coupon.code, "valid_until": coupon.valid_until},
        )
    if coupon.status != CouponStatus.AVAILABLE:
        return CouponVoid(
            _("Coupon %(code)s is void.") % {"code": coupon.code}, details={"coupon": coupon.code}
        )
    return None


def coupon_get(code: str) -> Coupon:
    coupon = Coupon.objects.select_related("template").filter(code=coupon_code_clean(code)).first()
    if coupon is None:
        raise CouponNotFound(_("There is no coupon with that code."), details={"coupon": code})
    return coupon


@transaction.atomic
def coupon_claim(
    *, member_id: int, template: CouponTemplate | None = None, code: str | None = None
) -> Coupon:
    """A member takes a coupon into their wallet: a new one of `template` (source "claim",
    within the per-member limit), or the batch coupon with `code`. Claiming a code again is a
    no-op; a code someone else claimed is refused with `coupon_claimed`."""
    if (template is None) == (code is None):
        raise ValidationFailed(_("Claim a template or a code, not both."), code="claim_invalid")
    _member_require(member_id)
    if template is not None:
        return coupon_issue(template=template, member_id=member_id, source="claim")
    coupon = coupon_get(code)
    if coupon.member_id == member_id:
        return coupon
    if coupon.member_id is not None:
        raise CouponClaimed(
            _("This coupon is already in another member's wallet."),
            details={"coupon": coupon.code},
        )
    now = clock.now()
    if (refusal := coupon_refusal(coupon, now)) is not None:
        raise refusal
    _require_active(coupon.template)
    # Lock the template row: one member's claims of one template queue, so the limit is exact.
    template = CouponTemplate.objects.select_for_update().get(pk=coupon.template_id)
    _check_member_limit(template, member_id)
    changes = {"member_id": member_id, "claimed_at": now}
    if template.valid_days:
        changes.update(valid_from=now, valid_until=now + dt.timedelta(days=template.valid_days))
    claimed = Coupon.objects.filter(
        pk=coupon.pk, member__isnull=True, status=CouponStatus.AVAILABLE
    ).update(**changes)
    if not claimed:
        coupon.refresh_from_db()
        if coupon.member_id == member_id:
            return coupon
        raise coupon_refusal(coupon, now) or CouponClaimed(
            _("This coupon is already in another member's wallet."),
            details={"coupon": coupon.code},
        )
    coupon.refresh_from_db()
    return coupon


@dataclass(frozen=True)
class WalletCoupon:
    code: str
    template_code: str
    name: str
    kind: str
    value: Decimal
    min_spend: Decimal
    valid_from: dt.datetime
    valid_until: dt.datetime
    used_at: dt.datetime | None
    # An available coupon whose validity has not begun yet (fixed dates in the future).
    not_yet_valid: bool = False


@dataclass(frozen=True)
class Wallet:
    available: list[WalletCoupon]
    used: list[WalletCoupon]
    expired: list[WalletCoupon]


def wallet(member_id: int, at: dt.datetime | None = None) -> Wallet:
    """A member's coupons at `at` (default now): available (soonest to expire first), used
    (latest first) and expired — including those past their date the daily job has not marked."""
    at = at or clock.now()
    available, used, expired = [], [], []
    coupons = (
        Coupon.objects.filter(member_id=member_id)
        .exclude(status=CouponStatus.VOID)
        .select_related("template")
        .order_by("valid_until", "id")
    )
    for coupon in coupons:
        entry = WalletCoupon(
            code=coupon.code,
            template_code=coupon.template.code,
            name=coupon.template.name,
            kind=coupon.template.kind,
            value=coupon.template.value,
            min_spend=coupon.template.min_spend,
            valid_from=coupon.valid_from,
            valid_until=coupon.valid_until,
            used_at=coupon.used_at,
            not_yet_valid=coupon.valid_from > at,
        )
        if coupon.status == CouponStatus.USED:
            used.append(entry)
        elif coupon.status == CouponStatus.EXPIRED or coupon.valid_until <= at:
            expired.append(entry)
        else:
            available.append(entry)
    used.sort(key=lambda c: c.used_at, reverse=True)
    return Wallet(available=available, used=used, expired=expired)


def coupons_expire(at: dt.datetime | None = None) -> int:
    """Mark every available coupon past its date expired (the daily job). How many."""
    at = at or clock.now()
    return Coupon.objects.filter(status=CouponStatus.AVAILABLE, valid_until__lte=at).update(
        status=CouponStatus.EXPIRED
    )
