"""Member back-office pages: the member list, a member's 360 page, registration, manual points
changes and the segment overview.

Views stay thin: a decorator, a form, a loyalty selector or service. Members are scoped by their
home store to the stores where the user may view members (chain-wide grants see every member);
a member outside that scope answers 404. Phones and names are shown masked; the full phone only
through the audited reveal.
"""

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from storeos.accounts.permissions import Perm, has_perm, require
from storeos.core import clock
from storeos.core.errors import DomainError, NotFound
from storeos.core.idempotency import idempotent_call
from storeos.loyalty import forms, members, segments, selectors, tags
from storeos.loyalty.adjustments import points_adjust as points_adjust_post
from storeos.loyalty.models import MemberTag, Segment, Tier, TierChange
from storeos.web.current_store import current_store
from storeos.web.decorators import staff_page
from storeos.web.errors import error_message

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 20
SPEND_MONTHS = 12

# The loyalty refusals in the user's language (web/errors.py holds the shared ones).
MESSAGES = {
    "phone_already_registered": gettext_lazy("This phone number is already a member."),
    "phone_invalid": gettext_lazy("A mobile phone number is 11 digits starting with 1."),
    "programme_missing": gettext_lazy("No member programme is set up yet."),
    "insufficient_points": gettext_lazy(
        "The member has %(balance)s points; %(asked)s cannot be deducted."
    ),
    "points_invalid": gettext_lazy("Points are whole numbers above zero."),
    "permission_denied": gettext_lazy("You do not have permission to do this here."),
}


def refusal(exc: DomainError) -> str:
    """The refusal in the user's language (a NotFound stays a 404)."""
    if isinstance(exc, NotFound):
        raise exc
    if exc.code in MESSAGES:
        try:
            return str(MESSAGES[exc.code]) % exc.details
        except (KeyError, TypeError, ValueError):
            return str(MESSAGES[exc.code])
    return error_message(exc)


def paging(request, page: int, total: int, size: int) -> dict:
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "total": total,
        "last_page": max(1, -(-total // size)),
        "first_shown": (page - 1) * size + 1 if total else 0,
        "last_shown": min(page * size, total),
        "query": query.urlencode(),
    }


def _tiers() -> list[Tier]:
    try:
        programme = members.programme_active()
    except DomainError:
        return []
    return list(Tier.objects.filter(programme=programme).order_by("rank"))


# --- member list -------------------------------------------------------------------------------
def _list_context(request) -> dict:
    form = forms.MemberFilterForm(request.GET)
    form.is_valid()
    params = form.cleaned_data
    page = params.get("page") or 1
    found = selectors.member_list(
        user=request.user, search=params.get("q") or "", tier=params.get("tier") or None
    )
    if params.get("segment"):
        found = found.filter(rfm__segment=params["segment"])
    total = found.count()
    rows = list(found.select_related("rfm")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return {
        "form": form,
        "rows": rows,
        "tiers": _tiers(),
        "segments": Segment.choices,
        "tab": "members",
        "can_register": has_perm(request.user, Perm.MEMBERS_EDIT, current_store(request)),
        **paging(request, page, total, PAGE_SIZE),
    }


@require_GET
@staff_page(Perm.MEMBERS_VIEW)
def member_list(request):
    return render(request, "loyalty/member_list.html", _list_context(request))


@require_GET
@staff_page(Perm.MEMBERS_VIEW)
def member_rows(request):
    """The table alone, fetched by htmx while the filters change."""
    response = render(request, "loyalty/partials/member_rows.html", _list_context(request))
    response["HX-Replace-Url"] = f"{reverse('loyalty:member_list')}?{request.GET.urlencode()}"
    return response


# --- the member 360 page -----------------------------------------------------------------------
def _tag_weights(member, now: dt.datetime) -> list[dict]:
    """Tags with their weight today (it fades by half every half-life since last earned)."""
    rows = [
        {"tag": member_tag.tag, "weight": tags.tag_weight(member_tag, now)}
        for member_tag in MemberTag.objects.select_related("tag").filter(
            member=member, tag__is_active=True
        )
    ]
    return sorted(rows, key=lambda row: row["weight"], reverse=True)


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _monthly_spend(orders: list, today: dt.date) -> dict:
    """What the member paid (net of refunds) per month over the last year, for the chart."""
    months = [_month_start(today, back) for back in range(SPEND_MONTHS - 1, -1, -1)]
    totals = {month: Decimal("0") for month in months}
    for order in orders:
        month = order.business_date.replace(day=1)
        if month in totals:
            totals[month] += order.total - order.refunded_total
    # Amounts as strings: Decimal, never float.
    return {
        "months": [month.strftime("%Y-%m") for month in months],
        "spend": [str(totals[month]) for month in months],
    }


def _orders(member, user, today: dt.date) -> tuple[list, dict]:
    from storeos.sales.models import Order  # sales keeps member_id; loyalty only reads it

    since = _month_start(today, SPEND_MONTHS - 1)
    paid = Order.objects.filter(member_id=member.pk, paid_at__isnull=False)
    chart = _monthly_spend(
        list(
            paid.filter(business_date__gte=since).only("business_date", "total", "refunded_total")
        ),
        today,
    )
    latest = list(paid.select_related("store").order_by("-created_at", "-pk")[:10])
    for order in latest:
        order.can_view_receipt = has_perm(user, Perm.SALES_VIEW, order.store_id)
    return latest, chart


def _wallet(member, now: dt.datetime) -> list:
    from storeos.promotions.models import Coupon, CouponStatus

    return list(
        Coupon.objects.select_related("template")
        .filter(member=member, status=CouponStatus.AVAILABLE, valid_until__gt=now)
        .order_by("valid_until", "pk")[:20]
    )


def _history_context(request, member) -> dict:
    before = request.GET.get("before", "")
    before_seq = int(before) if before.isdigit() else None
    entries = selectors.points_history(member, limit=HISTORY_PAGE_SIZE + 1, before_seq=before_seq)
    more = len(entries) > HISTORY_PAGE_SIZE
    entries = entries[:HISTORY_PAGE_SIZE]
    return {
        "member": member,
        "entries": entries,
        "older_than": entries[-1].seq if more else None,
        "paged": before_seq is not None,
    }


def _member_context(request, member, **extra) -> dict:
    user = request.user
    now = clock.now()
    today = clock.business_date(now)
    summary = selectors.member_summary(member)
    orders, chart = _orders(member, user, today)
    goal = summary.growth_value + (summary.growth_to_next_tier or 0)
    return {
        "member": member,
        "summary": summary,
        "progress_max": goal or 1,
        "rfm": getattr(member, "rfm", None),
        "tags": _tag_weights(member, now),
        "coupons": _wallet(member, now),
        "subscriptions": list(member.subscriptions.select_related("plan")[:5]),
        "tier_changes": list(
            TierChange.objects.select_related("from_tier", "to_tier").filter(member=member)[:10]
        ),
        "orders": orders,
        "chart": chart,
        "has_spend": any(Decimal(value) for value in chart["spend"]),
        "can_reveal": has_perm(user, Perm.MEMBERS_PII, member.home_store_id),
        "can_adjust": has_perm(user, Perm.POINTS_ADJUST, member.home_store_id),
        "tab": "members",
        **_history_context(request, member),
        **extra,
    }


@require_GET
@staff_page(Perm.MEMBERS_VIEW)
def member_detail(request, member_id: int):
    member = selectors.member_get(user=request.user, member_id=member_id)
    return render(request, "loyalty/member_detail.html", _member_context(request, member))


@require_GET
@staff_page(Perm.MEMBERS_VIEW)
def points_history(request, member_id: int):
    """One more page of the points history, fetched by htmx."""
    member = selectors.member_get(user=request.user, member_id=member_id)
    context = _history_context(request, member)
    return render(request, "loyalty/partials/points_history.html", context)


@require_POST
@staff_page(Perm.MEMBERS_PII)
def phone_reveal(request, member_id: int):
    """The full phone, once per click, audited. Refused where the user lacks MEMBERS_PII."""
    member = selectors.member_get(user=request.user, member_id=member_id)
    phone = selectors.member_phone_reveal(user=request.user, member=member)
    if request.headers.get("HX-Request"):
        return render(request, "loyalty/partials/phone.html", {"phone": phone})
    response = HttpResponse(phone, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


# --- registering a member ----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@staff_page(Perm.MEMBERS_EDIT)
def member_register(request):
    store = current_store(request)
    require(request.user, Perm.MEMBERS_EDIT, store)
    data = request.POST if request.method == "POST" else None
    form = forms.MemberRegisterForm(data)
    status = 400 if data is not None else 200
    if form.is_valid():
        fields = form.cleaned_data
        try:
            member = members.member_create(
                phone=fields["phone"],
                name=fields["name"],
                birthday=fields["birthday"],
                home_store=store,
                marketing_consent=fields["marketing_consent"],
                consent_source="back office" if fields["marketing_consent"] else "",
            )
        except DomainError as exc:
            field = "phone" if exc.code in ("phone_already_registered", "phone_invalid") else None
            form.add_error(field, refusal(exc))
            status = exc.status
        else:
            messages.success(
                request, _("Member %(code)s has been registered.") % {"code": member.code}
            )
            return redirect("loyalty:member_detail", member_id=member.pk)
    context = {"form": form, "store": store, "tab": "register"}
    return render(request, "loyalty/member_form.html", context, status=status)


# --- manual points changes ---------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@staff_page(Perm.POINTS_ADJUST)
def points_adjust(request, member_id: int):
    member = selectors.member_get(user=request.user, member_id=member_id)
    require(request.user, Perm.POINTS_ADJUST, member.home_store_id)
    data = request.POST if request.method == "POST" else None
    form = forms.PointsAdjustForm(data)
    status = 400 if data is not None else 200
    if form.is_valid():
        fields = form.cleaned_data
        payload = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
        try:
            _status, body = idempotent_call(
                scope=f"web.loyalty.points_adjust:{request.user.pk}:{member.pk}",
                key=fields["form_key"],
                payload=payload,
                action=lambda: (
                    201,
                    points_adjust_post(
                        actor=request.user,
                        member=member,
                        points=fields["points"]
                        * (1 if fields["direction"] == forms.PointsAdjustForm.ADD else -1),
                        reason=fields["reason"],
                        key=f"web:{request.user.pk}:{member.pk}:{fields['form_key']}",
                    ),
                ),
            )
        except DomainError as exc:
            form.add_error(None, refusal(exc))
            status = exc.status
        else:
            messages.success(
                request,
                _("Points changed by %(points)+d; the balance is now %(balance)s.") % body,
            )
            return redirect("loyalty:member_detail", member_id=member.pk)
    context = {"form": form, "member": member, "tab": "members"}
    return render(request, "loyalty/points_adjust.html", context, status=status)


# --- segments ----------------------------------------------------------------------------------
def _segment_counts(found) -> tuple[list[dict], list[dict]]:
    by_segment = dict(
        found.order_by()
        .values_list("rfm__segment")
        .annotate(n=Count("pk"))
        .values_list("rfm__segment", "n")
    )
    by_tier = dict(
        found.order_by().values_list("tier_id").annotate(n=Count("pk")).values_list("tier_id", "n")
    )
    segment_rows = [
        {"code": code, "name": str(label), "count": by_segment.get(code, 0)}
        for code, label in Segment.choices
    ]
    if by_segment.get(None):
        segment_rows.append({"code": "", "name": _("Not scored yet"), "count": by_segment[None]})
    tier_rows = [
        {"code": tier.code, "name": tier.name, "count": by_tier.get(tier.pk, 0)}
        for tier in _tiers()
    ]
    return segment_rows, tier_rows


def _segment_filters(form) -> dict:
    form.is_valid()
    params = form.cleaned_data
    return {
        "segment": params.get("segment") or None,
        "tier": params.get("tier") or None,
        "tags": params.get("tags") or None,
    }


@require_GET
@staff_page(Perm.MEMBERS_VIEW)
def segment_overview(request):
    form = forms.SegmentFilterForm(request.GET)
    found = segments.member_segment_query(user=request.user, **_segment_filters(form))
    by_segment, by_tier = _segment_counts(found)
    context = {
        "form": form,
        "segments": by_segment,
        "tier_counts": by_tier,
        "tiers": _tiers(),
        "segment_choices": Segment.choices,
        "total": sum(row["count"] for row in by_segment),
        "chart": {
            "segments": [{"name": row["name"], "value": row["count"]} for row in by_segment],
            "tiers": [{"name": row["name"], "value": row["count"]} for row in by_tier],
        },
        # Exports are chain-wide only (marketing, HQ): a store grant does not show the button.
        "can_export": has_perm(request.user, Perm.MEMBERS_EXPORT),
        "tab": "segments",
    }
    return render(request, "loyalty/segments.html", context)


@require_POST
@staff_page(Perm.MEMBERS_EXPORT)
def segment_export(request):
    """The filtered members as CSV (masked), through the audited export service."""
    form = forms.SegmentFilterForm(request.POST)
    csv_text = segments.member_segment_export(user=request.user, **_segment_filters(form))
    response = HttpResponse(csv_text, content_type="text/csv; charset=utf-8")
    stamp = clock.business_date(clock.now()).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
