"""Promotions back-office pages: the promotion list, the create and edit form, a promotion's page
with its approval steps, the approval queue, simulation, coupon templates with their code
batches, and the shelf-label feed monitor.

Views stay thin: a decorator, a form, one promotions service or selector. Refusals from the
services are shown in the user's language on the page they came from.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from storeos.accounts.permissions import Perm, has_perm, store_ids_with
from storeos.core.errors import DomainError, NotFound, PermissionDenied
from storeos.promotions import coupons, forms, labels, selectors, services, simulation
from storeos.promotions.models import PromotionStatus
from storeos.stores.models import Store
from storeos.web.decorators import staff_page
from storeos.web.errors import error_message

PAGE_SIZE = 50
LABEL_PREVIEW = 10


def refusal(exc: DomainError) -> str:
    """The refusal in the user's language (a NotFound stays a 404)."""
    if isinstance(exc, NotFound) and exc.code not in {"sku_not_found"}:
        raise exc
    return error_message(exc)


def _stores_for(user, perm: Perm) -> list[Store]:
    ids = store_ids_with(user, perm)
    stores = Store.objects.order_by("code")
    return list(stores if ids is None else stores.filter(pk__in=sorted(ids)))


def _can(user, perm: Perm, promotion=None) -> bool:
    """`perm` where the promotion applies (every targeted store, or chain-wide)."""
    store_ids = promotion.store_ids if promotion is not None else []
    if not store_ids:
        return has_perm(user, perm)
    return all(has_perm(user, perm, store_id) for store_id in store_ids)


# --- the promotion list ------------------------------------------------------------------------
@require_GET
@staff_page(Perm.PROMOTIONS_VIEW)
def promotion_list(request):
    form = forms.PromotionFilterForm(request.GET)
    form.is_valid()
    status = form.cleaned_data.get("status") or None
    found = selectors.promotion_list(user=request.user, status=status)
    rows = list(found[:PAGE_SIZE])
    for row in rows:
        row.budget_left = row.budget - row.discount_used if row.budget else None
    context = {
        "form": form,
        "rows": rows,
        "total": found.count(),
        "statuses": PromotionStatus.choices,
        "tab": "promotions",
        "can_create": has_perm(request.user, Perm.PROMOTIONS_EDIT)
        or bool(store_ids_with(request.user, Perm.PROMOTIONS_EDIT)),
    }
    template = "promotions/partials/promotion_rows.html"
    if not request.headers.get("HX-Request"):
        template = "promotions/promotion_list.html"
    return render(request, template, context)


# --- create and edit ---------------------------------------------------------------------------
def _form_page(request, form, promotion=None, error=None, status=200):
    return render(
        request,
        "promotions/promotion_form.html",
        {
            "form": form,
            "promotion": promotion,
            "error": error,
            "rule_fields": [form[name] for name in forms.RULE_FIELDS],
            "tab": "new" if promotion is None else "promotions",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_page(Perm.PROMOTIONS_EDIT)
def promotion_create(request):
    stores = _stores_for(request.user, Perm.PROMOTIONS_EDIT)
    if request.method == "GET":
        return _form_page(request, forms.PromotionForm(stores=stores, initial={"priority": 0}))
    form = forms.PromotionForm(request.POST, stores=stores)
    if not form.is_valid():
        return _form_page(request, form, status=422)
    fields = form.service_fields()
    if form.errors:
        return _form_page(request, form, status=422)
    try:
        promotion = services.promotion_create(actor=request.user, **fields)
    except DomainError as exc:
        return _form_page(request, form, error=refusal(exc), status=422)
    messages.success(request, _("Promotion %(code)s saved as a draft.") % {"code": promotion.code})
    return redirect("promotions:promotion_detail", promotion_id=promotion.pk)


@require_http_methods(["GET", "POST"])
@staff_page(Perm.PROMOTIONS_EDIT)
def promotion_edit(request, promotion_id: int):
    promotion = selectors.promotion_get(user=request.user, promotion_id=promotion_id)
    stores = _stores_for(request.user, Perm.PROMOTIONS_EDIT)
    if request.method == "GET":
        form = forms.PromotionForm(stores=stores, initial=forms.promotion_initial(promotion))
        return _form_page(request, form, promotion)
    form = forms.PromotionForm(request.POST, stores=stores)
    if not form.is_valid():
        return _form_page(request, form, promotion, status=422)
    fields = form.service_fields()
    if form.errors:
        return _form_page(request, form, promotion, status=422)
    try:
        services.promotion_update(actor=request.user, promotion=promotion, **fields)
    except DomainError as exc:
        return _form_page(request, form, promotion, error=refusal(exc), status=422)
    messages.success(request, _("Promotion %(code)s saved.") % {"code": fields["code"]})
    return redirect("promotions:promotion_detail", promotion_id=promotion.pk)


# --- a promotion's page and its steps ----------------------------------------------------------
def _detail_context(request, promotion, **extra) -> dict:
    user = request.user
    return {
        "promotion": promotion,
        "usage": selectors.promotion_usage(promotion=promotion),
        "can_edit": _can(user, Perm.PROMOTIONS_EDIT, promotion)
        and promotion.status in (PromotionStatus.DRAFT, PromotionStatus.PAUSED),
        "can_submit": _can(user, Perm.PROMOTIONS_EDIT, promotion)
        and promotion.status == PromotionStatus.DRAFT,
        "can_approve": _can(user, Perm.PROMOTIONS_APPROVE, promotion),
        "tab": "promotions",
        **extra,
    }


@require_GET
@staff_page(Perm.PROMOTIONS_VIEW)
def promotion_detail(request, promotion_id: int):
    promotion = selectors.promotion_get(user=request.user, promotion_id=promotion_id)
    return render(request, "promotions/promotion_detail.html", _detail_context(request, promotion))


STEPS = {
    "submit": services.promotion_submit,
    "approve": services.promotion_approve,
    "reject": services.promotion_reject,
    "pause": services.promotion_pause,
    "end": services.promotion_end,
}
STEP_DONE = {
    "submit": gettext_lazy("Sent for approval."),
    "approve": gettext_lazy("Approved: the promotion is live in its dates."),
    "reject": gettext_lazy("Sent back to draft."),
    "pause": gettext_lazy("Paused."),
    "end": gettext_lazy("Ended."),
}


@require_POST
@staff_page(Perm.PROMOTIONS_VIEW)
def promotion_step(request, promotion_id: int, step: str):
    """Submit, approve, reject, pause or end. From the approval queue (htmx) the row is
    replaced by its new state; from the promotion's page the page is shown again."""
    if step not in STEPS:
        raise NotFound("No such step.")
    promotion = selectors.promotion_get(user=request.user, promotion_id=promotion_id)
    extra = {"reason": request.POST.get("reason", "")[:200]} if step == "reject" else {}
    error, done = None, None
    try:
        promotion = STEPS[step](actor=request.user, promotion=promotion, **extra)
        done = str(STEP_DONE[step])
    except PermissionDenied:
        raise  # the 403 page, not a refusal shown as if the step could be retried
    except DomainError as exc:
        error = refusal(exc)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "promotions/partials/queue_row.html",
            {"row": promotion, "error": error, "done": done},
        )  # 200 either way: htmx swaps only successful answers, and the row shows the refusal
    if error:
        context = _detail_context(request, promotion, error=error)
        return render(request, "promotions/promotion_detail.html", context, status=409)
    messages.success(request, done)
    return redirect("promotions:promotion_detail", promotion_id=promotion.pk)


@require_GET
@staff_page(Perm.PROMOTIONS_APPROVE)
def approval_queue(request):
    """What waits for this approver: promotions sent for approval and clearance suggestions."""
    user = request.user
    waiting = list(selectors.promotion_list(user=user, status=PromotionStatus.PENDING))
    suggested = list(
        selectors.promotion_list(user=user, status=PromotionStatus.DRAFT, origin="clearance")
    )
    rows = [p for p in waiting + suggested if _can(user, Perm.PROMOTIONS_APPROVE, p)]
    return render(request, "promotions/approval_queue.html", {"rows": rows, "tab": "approvals"})


# --- simulation ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@staff_page(Perm.PROMOTIONS_VIEW)
def promotion_simulate(request, promotion_id: int):
    promotion = selectors.promotion_get(user=request.user, promotion_id=promotion_id)
    form = forms.SimulationForm(request.POST or None)
    result, error = None, None
    if request.method == "POST" and form.is_valid():
        try:
            result = simulation.promotion_simulate(
                user=request.user, promotion=promotion, days=form.cleaned_data["days"]
            )
        except DomainError as exc:
            error = refusal(exc)
    context = {
        "promotion": promotion,
        "form": form,
        "result": result,
        "error": error,
        "tab": "promotions",
    }
    return render(request, "promotions/simulation.html", context)


# --- coupon templates and code batches ---------------------------------------------------------
@require_http_methods(["GET", "POST"])
@staff_page(Perm.PROMOTIONS_VIEW)
def coupon_template_list(request):
    can_edit = has_perm(request.user, Perm.PROMOTIONS_EDIT)
    form, error, status = forms.CouponTemplateForm(), None, 200
    if request.method == "POST":
        form = forms.CouponTemplateForm(request.POST)
        if form.is_valid():
            fields = form.service_fields()
            if not form.errors:
                try:
                    template = coupons.coupon_template_create(actor=request.user, **fields)
                except DomainError as exc:
                    error = refusal(exc)
                else:
                    messages.success(
                        request, _("Coupon template %(code)s created.") % {"code": template.code}
                    )
                    return redirect("promotions:coupon_template_detail", template_id=template.pk)
        status = 422
    context = {
        "rows": list(selectors.coupon_template_list(user=request.user)),
        "form": form,
        "error": error,
        "can_edit": can_edit,
        "tab": "coupons",
    }
    return render(request, "promotions/coupon_templates.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_page(Perm.PROMOTIONS_VIEW)
def coupon_template_detail(request, template_id: int):
    template = selectors.coupon_template_get(user=request.user, template_id=template_id)
    form, error, status = forms.CodeBatchForm(), None, 200
    if request.method == "POST":
        form = forms.CodeBatchForm(request.POST)
        if form.is_valid():
            try:
                batch = coupons.code_batch_create(
                    actor=request.user,
                    template=template,
                    quantity=form.cleaned_data["quantity"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                error = refusal(exc)
            else:
                messages.success(request, _("%(n)s codes generated.") % {"n": batch.quantity})
                return redirect("promotions:coupon_template_detail", template_id=template.pk)
        status = 422
    context = {
        "template": template,
        "batches": list(template.batches.order_by("-created_at", "-pk")),
        "form": form,
        "error": error,
        "can_edit": has_perm(request.user, Perm.PROMOTIONS_EDIT),
        "tab": "coupons",
    }
    return render(request, "promotions/coupon_template_detail.html", context, status=status)


@require_GET
@staff_page(Perm.PROMOTIONS_EDIT)
def code_batch_csv(request, batch_id: int):
    batch = selectors.code_batch_get(user=request.user, batch_id=batch_id)
    response = HttpResponse(
        coupons.code_batch_export(actor=request.user, batch=batch), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="codes-{batch.pk}.csv"'
    return response


# --- the shelf-label feed ------------------------------------------------------------------------
@require_GET
@staff_page(Perm.PROMOTIONS_VIEW)
def label_monitor(request):
    """Per store: label updates waiting for the devices to pull them, oldest first."""
    rows = []
    for store in _stores_for(request.user, Perm.PROMOTIONS_VIEW):
        pending = labels.labels_pending(
            user=request.user, store_id=store.pk, limit=labels.PULL_LIMIT
        )
        rows.append(
            {
                "store": store,
                "count": len(pending),
                "more": len(pending) >= labels.PULL_LIMIT,
                "oldest": pending[0].created_at if pending else None,
                "preview": pending[:LABEL_PREVIEW],
            }
        )
    return render(request, "promotions/label_monitor.html", {"rows": rows, "tab": "labels"})
