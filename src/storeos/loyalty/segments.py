"""Member segments for marketing: members picked by RFM segment, tags, tier, home store and
points, within the asker's store scope, and the audited CSV export of such a list."""

import csv
import io

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from storeos.accounts.permissions import Perm, require, store_ids_with
from storeos.core.audit import audit_record
from storeos.core.errors import PermissionDenied, ValidationFailed
from storeos.loyalty.models import Member, MemberStatus, MemberTag, Segment

EXPORT_COLUMNS = ["code", "phone", "name", "tier", "points", "segment", "tags"]


def _clean_tags(tags) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    return sorted({str(code).strip() for code in tags if str(code).strip()})


def member_segment_query(
    *,
    user,
    segment: str | None = None,
    tags: list[str] | None = None,
    tier=None,
    store=None,
    min_points: int | None = None,
) -> QuerySet:
    """Active members whose home store is one where `user` may view members (members with no
    home store only for chain-wide grants), narrowed by RFM `segment`, `tags` (carrying every
    one of these codes), `tier` (a code or a Tier), `store` (a Store or id) and `min_points`."""
    store_ids = store_ids_with(user, Perm.MEMBERS_VIEW)
    if store_ids == set():
        raise PermissionDenied(
            _("You do not have permission to do this here."),
            details={"permission": str(Perm.MEMBERS_VIEW)},
        )
    queryset = Member.objects.filter(status=MemberStatus.ACTIVE)
    if store_ids is not None:
        queryset = queryset.filter(home_store_id__in=sorted(store_ids))
    if segment:
        if segment not in Segment.values:
            raise ValidationFailed(
                _("Unknown segment."), code="segment_invalid", details={"segment": segment}
            )
        queryset = queryset.filter(rfm__segment=segment)
    for code in _clean_tags(tags):
        carries = MemberTag.objects.filter(member=OuterRef("pk"), tag__code=code)
        queryset = queryset.filter(Exists(carries))
    if tier is not None and tier != "":
        if hasattr(tier, "pk"):
            queryset = queryset.filter(tier_id=tier.pk)
        else:
            queryset = queryset.filter(tier__code=tier)
    if store is not None:
        queryset = queryset.filter(home_store_id=getattr(store, "pk", store))
    if min_points is not None:
        queryset = queryset.filter(points_balance__gte=int(min_points))
    return queryset.order_by("id")


def _filters_for_audit(filters: dict) -> dict:
    out = {}
    for name, value in filters.items():
        if value is None or value == "" or value == []:
            continue
        if name == "tier" and hasattr(value, "code"):
            value = value.code
        elif hasattr(value, "pk"):
            value = value.pk
        elif name == "tags":
            value = _clean_tags(value)
        out[name] = value
    return out


@transaction.atomic
def member_segment_export(*, user, **filters) -> str:
    """The members `member_segment_query` picks, as CSV with masked phones and names. Needs
    MEMBERS_EXPORT chain-wide (marketing, HQ); every export is audited with its filters and
    row count. Phones never leave unmasked."""
    require(user, Perm.MEMBERS_EXPORT)
    queryset = (
        member_segment_query(user=user, **filters)
        .select_related("tier", "rfm")
        .prefetch_related(
            Prefetch("tags", queryset=MemberTag.objects.select_related("tag").order_by("tag__code"))
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    rows = 0
    for member in queryset.iterator(chunk_size=2000):
        rfm = getattr(member, "rfm", None)
        writer.writerow(
            [
                member.code,
                member.phone_masked,
                member.name_masked,
                member.tier.code,
                member.points_balance,
                rfm.segment if rfm else "",
                ";".join(t.tag.code for t in member.tags.all()),
            ]
        )
        rows += 1
    audit_record(
        actor=user,
        action="member.segment_export",
        object_type=Member._meta.label_lower,
        object_id="segment",
        after={"filters": _filters_for_audit(filters), "rows": rows},
    )
    return buffer.getvalue()
