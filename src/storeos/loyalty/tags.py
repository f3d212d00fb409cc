"""Member tags: rule tags earned from purchases (recomputed nightly), manual tags set by staff,
and the weight every tag loses as time passes since it was last earned.

A rule tag's `rule` is JSON such as

    {"scope": "series", "code": "technic", "min_count": 3, "days": 180, "min_amount": "500"}

meaning: at least `min_count` order lines of that series (or category, sub-categories included
through `Category.path`, or SKU) on paid orders (paid, ready for pick-up, shipped, completed)
in the last `days` days, and, when `min_amount` is given, at least that much spent on them.
We count order *lines*, not units: three separate Technic sets say "fan"; one line of three
identical sets (a gift, a reseller) says less. A line returned in full does not count, and the
amount is net of refunds. The window is measured on the order's payment time.

A tag's effective weight halves every `half_life_days` after `earned_at` (for a rule tag, the
latest qualifying purchase; for a manual tag, when staff last set it). The nightly job drops any
tag whose effective weight has fallen below 0.05 (about 4.3 half-lives at weight 1), manual tags
included: give a manual tag that should stay a long half-life.
"""

import datetime as dt
import logging
import math
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, DecimalField, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require
from storeos.catalog.models import Category
from storeos.core import clock
from storeos.core.audit import audit_record
from storeos.loyalty.errors import MemberNotFound, TagNotFound, TagRuleInvalid
from storeos.loyalty.models import Member, MemberStatus, MemberTag, TagDefinition
from storeos.sales.models import OrderLine, OrderStatus

PAID_STATUSES = [
    OrderStatus.PAID,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
]
DROP_BELOW = 0.05
logger = logging.getLogger(__name__)
_SCOPES = ("series", "category", "sku")
_FOUR_PLACES = Decimal("0.0001")


def tag_weight(member_tag: MemberTag, at: dt.datetime | None = None) -> Decimal:
    """The tag's weight now: its weight when earned, halved per half-life since (4 places)."""
    at = at or clock.now()
    age_days = max((at - member_tag.earned_at).total_seconds() / 86400, 0.0)
    half_life = max(member_tag.tag.half_life_days, 1)
    value = float(member_tag.weight) * 0.5 ** (age_days / half_life)
    return Decimal(repr(value)).quantize(_FOUR_PLACES)


def tag_rule_clean(rule: dict) -> dict:
    """The rule with its defaults, or `tag_rule_invalid` saying what is wrong."""
    if not isinstance(rule, dict) or rule.get("scope") not in _SCOPES:
        raise TagRuleInvalid(
            _("A rule's scope is series, category or sku."), details={"rule": rule}
        )
    code = str(rule.get("code") or "").strip()
    if not code:
        raise TagRuleInvalid(_("A rule names a series, category or SKU code."))
    try:
        min_count = int(rule.get("min_count", 1))
        days = int(rule.get("days", 365))
        min_amount = Decimal(str(rule["min_amount"])) if rule.get("min_amount") else None
    except (TypeError, ValueError, InvalidOperation):
        raise TagRuleInvalid(
            _("Counts, days and amounts are numbers."), details={"rule": rule}
        ) from None
    if min_count < 1 or days < 1 or (min_amount is not None and min_amount < 0):
        raise TagRuleInvalid(_("Counts and days are at least 1."), details={"rule": rule})
    return {
        "scope": rule["scope"],
        "code": code,
        "min_count": min_count,
        "days": days,
        "min_amount": min_amount,
    }


def _scope_filter(rule: dict) -> Q:
    if rule["scope"] == "series":
        return Q(sku__product__series__code=rule["code"])
    if rule["scope"] == "sku":
        return Q(sku__code=rule["code"])
    category = Category.objects.filter(code=rule["code"]).only("path").first()
    if category is None or not category.path:
        return Q(pk__in=[])
    return Q(sku__product__category__path__startswith=category.path)


def _qualifiers(tag: TagDefinition, at: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(member id, latest qualifying purchase) for everyone the rule qualifies: one query."""
    rule = tag_rule_clean(tag.rule)
    since = at - dt.timedelta(days=rule["days"])
    purchased_at = Coalesce("order__paid_at", "order__created_at")
    active_members = Member.objects.filter(status=MemberStatus.ACTIVE).values("pk")
    rows = (
        OrderLine.objects.filter(_scope_filter(rule))
        .filter(
            order__status__in=PAID_STATUSES,
            order__member_id__in=active_members,
            returned_quantity__lt=F("quantity"),
        )
        .annotate(purchased_at=purchased_at)
        .filter(purchased_at__gt=since, purchased_at__lte=at)
        .values("order__member_id")
        .annotate(
            lines=Count("pk"),
            spent=Coalesce(
                Sum(F("line_total") - F("refunded_amount")),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            latest=Max("purchased_at"),
        )
        .filter(lines__gte=rule["min_count"])
    )
    if rule["min_amount"] is not None:
        rows = rows.filter(spent__gte=rule["min_amount"])
    return [(row["order__member_id"], row["latest"]) for row in rows]


def tags_recompute(*, at: dt.datetime | None = None) -> int:
    """Give every active rule tag to the members its rule qualifies today (earned_at = their
    latest qualifying purchase, weight 1). Members who no longer qualify keep their tag, which
    fades and is dropped by `tags_drop_faded`. Returns how many member tags were written."""
    at = at or clock.now()
    written = 0
    for tag in TagDefinition.objects.filter(kind=TagDefinition.Kind.RULE, is_active=True):
        try:
            qualifiers = _qualifiers(tag, at)
        except TagRuleInvalid:
            # One badly written rule must not stop every other tag's nightly run.
            logger.warning("tag %s has an invalid rule %r; skipped", tag.code, tag.rule)
            continue
        rows = [
            MemberTag(member_id=member_id, tag=tag, weight=Decimal(1), earned_at=latest)
            for member_id, latest in qualifiers
        ]
        with transaction.atomic():
            MemberTag.objects.bulk_create(
                rows,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["member", "tag"],
                update_fields=["weight", "earned_at"],
            )
        written += len(rows)
    return written


def tags_drop_faded(*, at: dt.datetime | None = None) -> int:
    """Delete member tags whose effective weight is below 0.05. One DELETE per tag and weight:
    weight × 0.5^(age / half-life) < 0.05 ⇔ age > half-life × log2(weight / 0.05)."""
    at = at or clock.now()
    dropped = 0
    for tag in TagDefinition.objects.all():
        weights = set(MemberTag.objects.filter(tag=tag).values_list("weight", flat=True))
        for weight in weights:
            if weight <= 0 or float(weight) < DROP_BELOW:
                cutoff = at
            else:
                age = tag.half_life_days * math.log2(float(weight) / DROP_BELOW)
                cutoff = at - dt.timedelta(days=age)
            dropped += MemberTag.objects.filter(
                tag=tag, weight=weight, earned_at__lt=cutoff
            ).delete()[0]
    return dropped


def _manual_target(actor, member: Member, tag_code: str) -> TagDefinition:
    require(actor, Perm.MEMBERS_EDIT, member.home_store_id)
    if member.status != MemberStatus.ACTIVE:
        raise MemberNotFound(_("No such member."), details={"member": member.code})
    tag = TagDefinition.objects.filter(code=(tag_code or "").strip()).first()
    if tag is None:
        raise TagNotFound(_("No tag has this code."), details={"tag": tag_code})
    return tag


@transaction.atomic
def member_tag_add(*, actor, member: Member, tag_code: str) -> MemberTag:
    """Staff tag a member by hand (MEMBERS_EDIT where the member belongs). Only manual tags can
    be set by hand (`tag_not_manual`); setting one again renews it. Audited."""
    tag = _manual_target(actor, member, tag_code)
    if tag.kind != TagDefinition.Kind.MANUAL or not tag.is_active:
        raise TagRuleInvalid(
            _("This tag is computed from purchases and cannot be set by hand."),
            code="tag_not_manual",
            details={"tag": tag.code},
        )
    now = clock.now()
    member_tag, created = MemberTag.objects.update_or_create(
        member=member,
        tag=tag,
        defaults={"weight": Decimal(1), "earned_at": now, "assigned_by_id": actor.pk},
    )
    audit_record(
        actor=actor,
        action="member.tag_add",
        obj=member,
        store_id=member.home_store_id,
        after={"tag": tag.code, "renewed": not created},
    )
    return member_tag


@transaction.atomic
def member_tag_remove(*, actor, member: Member, tag_code: str) -> None:
    """Staff take a tag off a member (any tag; a rule tag comes back if the member still
    qualifies at the next nightly run). Audited; a tag the member lacks is
    `member_tag_not_found`."""
    tag = _manual_target(actor, member, tag_code)
    member_tag = MemberTag.objects.filter(member=member, tag=tag).first()
    if member_tag is None:
        raise TagNotFound(
            _("The member does not carry this tag."),
            code="member_tag_not_found",
            details={"tag": tag.code},
        )
    member_tag.delete()
    audit_record(
        actor=actor,
        action="member.tag_remove",
        obj=member,
        store_id=member.home_store_id,
        before={"tag": tag.code, "earned_at": member_tag.earned_at},
    )
