"""Stock-count pages: open a count, record by hand or with a scan file, read the variance,
post it (store managers) or cancel it."""

import hashlib

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from storeos.accounts.permissions import Perm, has_perm
from storeos.catalog import selectors as catalog
from storeos.core.errors import DomainError
from storeos.inventory import counts, forms, overview, selectors
from storeos.inventory.models import StockCount
from storeos.inventory.views import (
    NotFoundLot,
    category_choices,
    document_list,
    paging,
    refusal,
    run_once,
)
from storeos.web.current_store import current_store
from storeos.web.decorators import staff_page

VARIANCE_PAGE_SIZE = 100


@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def count_list(request):
    return document_list(
        request,
        selector=overview.count_list,
        statuses=StockCount.Status.choices,
        tab="counts",
        template="inventory/count_list.html",
    )


@require_http_methods(["GET", "POST"])
@staff_page(Perm.INVENTORY_MOVE)
def count_open(request):
    locations = overview.move_locations(user=request.user, store=current_store(request))
    data = request.POST if request.method == "POST" else None
    form = forms.CountOpenForm(data, locations=locations, categories=category_choices(request.user))
    status = 400 if data is not None else 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            body = run_once(
                request,
                form,
                "count_open",
                lambda: {
                    "id": counts.count_open(
                        actor=request.user,
                        location=next(loc for loc in locations if loc.pk == data["location"]),
                        scope=data["scope"],
                        category=catalog.category_get(category_id=data["category"])
                        if data["scope"] == StockCount.Scope.CATEGORY
                        else None,
                        skus=data.get("sku_list") or None,
                        note=data["note"],
                    ).pk
                },
            )
        except DomainError as exc:
            form.add_error(None, refusal(exc))
            status = exc.status
        else:
            messages.success(request, _("The count is open. Count by hand or upload a scan file."))
            return redirect("inventory:count_detail", count_id=body["id"])
    context = {"form": form, "tab": "counts"}
    return render(request, "inventory/count_form.html", context, status=status)


def _count_page(request, count, *, status=200, **extra):
    user = request.user
    report = counts.count_variance(count=count, user=user)
    is_open = count.status == StockCount.Status.OPEN
    page = request.GET.get("page", "")
    page = max(1, int(page)) if page.isdigit() else 1
    start = (page - 1) * VARIANCE_PAGE_SIZE
    can_record = is_open and has_perm(user, Perm.INVENTORY_MOVE, count.location.store_id)
    context = {
        "count": count,
        "report": report,
        "rows": report.rows[start : start + VARIANCE_PAGE_SIZE],
        **paging(request, page, len(report.rows), VARIANCE_PAGE_SIZE),
        "can_record": can_record,
        "can_post": is_open and has_perm(user, Perm.INVENTORY_APPROVE, count.location.store_id),
        "record_form": extra.pop("record_form", None) or forms.CountRecordForm(),
        "upload_form": extra.pop("upload_form", None) or forms.ScanUploadForm(),
        "tab": "counts",
        **extra,
    }
    return render(request, "inventory/count_detail.html", context, status=status)


@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def count_detail(request, count_id: int):
    return _count_page(request, selectors.count_get(user=request.user, count_id=count_id))


@require_POST
@staff_page(Perm.INVENTORY_MOVE)
def count_record(request, count_id: int):
    count = selectors.count_get(user=request.user, count_id=count_id)
    form = forms.CountRecordForm(request.POST)
    if form.is_valid():
        sku, lot = form.cleaned_data["code"], form.cleaned_data["lot_code"]
        batch = overview.batch_for_lot(sku=sku, lot_code=lot) if lot else None
        try:
            if lot and batch is None:
                raise NotFoundLot(lot)
            counts.count_record(
                actor=request.user,
                count=count,
                sku=sku,
                counted=form.cleaned_data["counted"],
                batch=batch,
            )
        except NotFoundLot:
            form.add_error("lot_code", _("This SKU has no batch with that lot code."))
        except DomainError as exc:
            return _count_page(
                request, count, status=exc.status, record_form=form, error=refusal(exc)
            )
        else:
            messages.success(
                request,
                _("Recorded %(counted)s × %(sku)s.")
                % {"counted": form.cleaned_data["counted"], "sku": sku.code},
            )
            return redirect("inventory:count_detail", count_id=count.pk)
    return _count_page(request, count, status=400, record_form=form)


@require_POST
@staff_page(Perm.INVENTORY_MOVE)
def count_upload(request, count_id: int):
    count = selectors.count_get(user=request.user, count_id=count_id)
    form = forms.ScanUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _count_page(request, count, status=400, upload_form=form)
    text = form.cleaned_data["scan_file"]

    def upload():
        result = counts.count_upload(actor=request.user, count=count, text=text)
        return {
            "lines": result.lines_read,
            "units": result.units_counted,
            "unknown": result.unknown_units,
            "out_of_scope": [code for _line, code in result.out_of_scope],
        }

    try:
        digest = hashlib.sha256(text.encode()).hexdigest()
        body = run_once(request, form, "count_upload", upload, extra=digest)
    except DomainError as exc:
        return _count_page(request, count, status=exc.status, upload_form=form, error=refusal(exc))
    messages.success(
        request,
        _("Read %(lines)s lines: %(units)s units counted, %(unknown)s units with unknown codes.")
        % body,
    )
    if body["out_of_scope"]:
        messages.warning(
            request,
            _("Not part of this count, so not recorded: %(codes)s")
            % {"codes": ", ".join(body["out_of_scope"][:20])},
        )
    return redirect("inventory:count_detail", count_id=count.pk)


def _count_action(request, count_id: int, action, done_message: str):
    count = selectors.count_get(user=request.user, count_id=count_id)
    try:
        action(count)
    except DomainError as exc:
        return _count_page(request, count, status=exc.status, error=refusal(exc))
    messages.success(request, done_message)
    return redirect("inventory:count_detail", count_id=count.pk)


@require_POST
@staff_page(Perm.INVENTORY_APPROVE)
def count_post(request, count_id: int):
    return _count_action(
        request,
        count_id,
        lambda c: counts.count_post(actor=request.user, count=c),
        _("The count has been posted; stock now matches what was counted."),
    )


@require_POST
@staff_page(Perm.INVENTORY_MOVE)
def count_cancel(request, count_id: int):
    return _count_action(
        request,
        count_id,
        lambda c: counts.count_cancel(actor=request.user, count=c),
        _("The count has been cancelled; stock is unchanged."),
    )
