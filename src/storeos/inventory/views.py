"""Stock-room pages: the stock overview and stock card, transfers, scrap and alerts (counts:
count_views.py).

Views stay thin: a decorator, a form, one inventory selector or service. The services check the
exact store and refuse bad input with a domain error, shown here in the user's language.
Documents of stores the user does not work in answer 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from storeos.accounts.permissions import Perm, has_perm
from storeos.catalog import selectors as catalog
from storeos.core.errors import DomainError, NotFound
from storeos.core.idempotency import idempotent_call
from storeos.inventory import forms, overview, scrap, selectors, services, transfers
from storeos.inventory.models import ScrapRequest, Transfer
from storeos.web.current_store import current_store
from storeos.web.decorators import staff_page
from storeos.web.errors import error_message

PAGE_SIZE = 25
CARD_PAGE_SIZE = 100


# --- helpers -----------------------------------------------------------------------------------
class NotFoundLot(Exception):
    """A lot code the SKU has no batch for (a form error, not a domain refusal)."""


def page_where(request, location_id=None) -> dict:
    """The locations a page covers: the current store's (all locations the user sees when
    working chain-wide), or the one location picked from them."""
    store = current_store(request)
    choices = overview.stock_locations(user=request.user, store=store)
    chosen = next((loc for loc in choices if loc.pk == location_id), None)
    return {
        "store": store,
        "location_choices": choices,
        "location": chosen,
        "locations": [chosen] if chosen else choices,
    }


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


def filter_form(form_class, request):
    """The form and its valid fields: one bad value drops that filter, not all of them."""
    form = form_class(request.GET)
    form.is_valid()
    return form, form.cleaned_data


# Refusals whose details make the message more useful than the generic one in web/errors.py.
DETAILED = {
    "insufficient_stock": gettext_lazy(
        "Not enough stock of %(sku)s at %(location)s: %(available)s available, "
        "%(requested)s needed."
    ),
    "scan_line_invalid": gettext_lazy(
        "Line %(line)s of the scan file is not a code or code,quantity; nothing was recorded."
    ),
    "discrepancy_reason_required": gettext_lazy(
        "%(missing)s units did not arrive on a line: give a reason for the discrepancy."
    ),
}


def refusal(exc: DomainError) -> str:
    """The refusal in the user's language (a NotFound stays a 404)."""
    if isinstance(exc, NotFound):
        raise exc
    if exc.code in DETAILED:
        try:
            return str(DETAILED[exc.code]) % exc.details
        except (KeyError, TypeError, ValueError):
            pass
    return error_message(exc)


def run_once(request, form, scope: str, action, extra=None) -> dict:
    """Run `action` once per rendered form (its hidden key): a resent POST replays the result."""
    payload = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    if extra is not None:
        payload["extra"] = extra
    _status, body = idempotent_call(
        scope=f"web.inventory.{scope}:{request.user.pk}",
        key=form.cleaned_data["form_key"],
        payload=payload,
        action=lambda: (201, action()),
    )
    return body


def category_choices(user) -> list[tuple[int, str]]:
    def walk(nodes, depth=0):
        for node in nodes:
            yield node.category.pk, "\u2003" * depth + node.category.name
            yield from walk(node.children, depth + 1)

    return list(walk(catalog.category_tree(user=user)))


# --- stock overview and stock card -------------------------------------------------------------
def _overview(request) -> dict:
    form, params = filter_form(forms.OverviewFilterForm, request)
    page = params.get("page") or 1
    where = page_where(request, params.get("location"))
    filters = overview.OverviewFilters(
        q=params.get("q") or "",
        category_id=params.get("category"),
        series_id=params.get("series"),
        low_stock=bool(params.get("low_stock")),
        near_expiry=bool(params.get("near_expiry")),
        slow_days=params.get("slow_days"),
    )
    rows, total = overview.stock_overview(
        user=request.user,
        locations=where["locations"],
        filters=filters,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    card_location = where["location"] or next(
        (loc for loc in where["locations"] if loc.sellable), None
    )
    return {
        **where,
        **paging(request, page, total, PAGE_SIZE),
        "form": form,
        "rows": rows,
        "card_location": card_location or (where["locations"] or [None])[0],
    }


@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def stock_overview(request):
    context = _overview(request)
    context["categories"] = category_choices(request.user)
    context["series"] = list(catalog.series_list(user=request.user))
    context["tab"] = "stock"
    return render(request, "inventory/stock_overview.html", context)


@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def stock_rows(request):
    """The table alone, fetched by htmx while the filters change."""
    response = render(request, "inventory/partials/stock_rows.html", _overview(request))
    response["HX-Replace-Url"] = f"{reverse('inventory:stock_overview')}?{request.GET.urlencode()}"
    return response


@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def stock_card(request, location_id: int, sku_id: int):
    sku = catalog.sku_get(sku_id=sku_id, user=request.user)
    page = max(1, int(request.GET["page"])) if request.GET.get("page", "").isdigit() else 1
    location, lines, total = overview.stock_card_page(
        user=request.user,
        location_id=location_id,
        sku=sku,
        offset=(page - 1) * CARD_PAGE_SIZE,
        limit=CARD_PAGE_SIZE,
    )
    context = {
        "sku": sku,
        "card_location": location,
        "lines": lines,
        "balance": lines[0].balance if lines and page == 1 else None,
        "other_locations": overview.stock_locations(user=request.user, store=location.store)
        if location.store_id
        else [],
        "tab": "stock",
        **paging(request, page, total, CARD_PAGE_SIZE),
    }
    return render(request, "inventory/stock_card.html", context)


# --- transfers ---------------------------------------------------------------------------------
@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def transfer_list(request):
    return document_list(
        request,
        selector=overview.transfer_list,
        statuses=Transfer.Status.choices,
        tab="transfers",
        template="inventory/transfer_list.html",
        extra_filters=("direction", "q"),
    )


def document_list(request, *, selector, statuses, tab: str, template: str, extra_filters=()):
    """The list page of one kind of stock document (transfers, counts, scrap requests): the
    filter bar, one page of the selector's rows, and whether the user may start a new one."""
    form, params = filter_form(forms.DocumentFilterForm, request)
    page = params.get("page") or 1
    where = page_where(request, params.get("location"))
    items, total = selector(
        user=request.user,
        locations=where["locations"],
        status=params.get("status") or "",
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        **{name: params.get(name) or "" for name in extra_filters},
    )
    context = {
        **where,
        **paging(request, page, total, PAGE_SIZE),
        "form": form,
        "items": items,
        "statuses": statuses,
        "tab": tab,
        "can_create": bool(overview.move_locations(user=request.user, store=where["store"])),
    }
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@staff_page(Perm.INVENTORY_MOVE)
def transfer_create(request):
    store = current_store(request)
    sources = overview.move_locations(user=request.user, store=store)
    destinations = overview.transfer_destinations()
    data = request.POST if request.method == "POST" else None
    form = forms.TransferForm(data, sources=sources, destinations=destinations)
    status = 400 if data is not None else 200
    if form.is_valid():
        by_id = {loc.pk: loc for loc in destinations}
        data = form.cleaned_data
        try:
            body = run_once(
                request,
                form,
                "transfer_create",
                lambda: {
                    "id": transfers.transfer_create(
                        actor=request.user,
                        from_location=next(s for s in sources if s.pk == data["from_location"]),
                        to_location=by_id[data["to_location"]],
                        lines=data["lines"],
                        note=data["note"],
                    ).pk
                },
            )
        except DomainError as exc:
            form.add_error(None, refusal(exc))
            status = exc.status
        else:
            messages.success(request, _("The transfer has been created as a draft."))
            return redirect("inventory:transfer_detail", transfer_id=body["id"])
    context = {"form": form, "tab": "transfers"}
    return render(request, "inventory/transfer_form.html", context, status=status)


def _transfer_context(request, transfer, **extra) -> dict:
    user = request.user
    draft = transfer.status == Transfer.Status.DRAFT
    shipped = transfer.status == Transfer.Status.SHIPPED
    lines = overview.transfer_lines(transfer=transfer)
    can_receive = shipped and has_perm(user, Perm.INVENTORY_MOVE, transfer.to_location.store_id)
    return {
        "transfer": transfer,
        "lines": lines,
        "can_ship": draft and has_perm(user, Perm.INVENTORY_MOVE, transfer.from_location.store_id),
        "can_receive": can_receive,
        "receive_form": forms.ReceiveForm(lines=lines) if can_receive else None,
        "done": transfer.status in (Transfer.Status.RECEIVED, Transfer.Status.PARTIALLY_RECEIVED),
        "tab": "transfers",
        **extra,
    }


@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def transfer_detail(request, transfer_id: int):
    transfer = selectors.transfer_get(user=request.user, transfer_id=transfer_id)
    return render(request, "inventory/transfer_detail.html", _transfer_context(request, transfer))


def _transfer_action(request, transfer_id: int, action, done_message: str):
    transfer = selectors.transfer_get(user=request.user, transfer_id=transfer_id)
    try:
        action(transfer)
    except DomainError as exc:
        context = _transfer_context(request, transfer, error=refusal(exc))
        return render(request, "inventory/transfer_detail.html", context, status=exc.status)
    messages.success(request, done_message)
    return redirect("inventory:transfer_detail", transfer_id=transfer.pk)


@require_POST
@staff_page(Perm.INVENTORY_MOVE)
def transfer_ship(request, transfer_id: int):
    return _transfer_action(
        request,
        transfer_id,
        lambda t: transfers.transfer_ship(actor=request.user, transfer=t),
        _("The transfer has been shipped; the goods are in transit."),
    )


@require_POST
@staff_page(Perm.INVENTORY_MOVE)
def transfer_cancel(request, transfer_id: int):
    return _transfer_action(
        request,
        transfer_id,
        lambda t: transfers.transfer_cancel(actor=request.user, transfer=t),
        _("The transfer has been cancelled."),
    )


@require_POST
@staff_page(Perm.INVENTORY_MOVE)
def transfer_receive(request, transfer_id: int):
    transfer = selectors.transfer_get(user=request.user, transfer_id=transfer_id)
    form = forms.ReceiveForm(request.POST, lines=overview.transfer_lines(transfer=transfer))
    error, status = None, 400
    if form.is_valid():
        received, reasons = form.receipt()
        try:
            transfers.transfer_receive(
                actor=request.user, transfer=transfer, received=received, reasons=reasons
            )
        except DomainError as exc:
            error, status = refusal(exc), exc.status
        else:
            messages.success(request, _("The transfer has been received."))
            return redirect("inventory:transfer_detail", transfer_id=transfer.pk)
    context = _transfer_context(request, transfer, error=error)
    if context["can_receive"]:
        context["receive_form"] = form
    return render(request, "inventory/transfer_detail.html", context, status=status)


# --- scrap -------------------------------------------------------------------------------------
@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def scrap_list(request):
    return document_list(
        request,
        selector=overview.scrap_list,
        statuses=ScrapRequest.Status.choices,
        tab="scrap",
        template="inventory/scrap_list.html",
    )


@require_http_methods(["GET", "POST"])
@staff_page(Perm.INVENTORY_MOVE)
def scrap_create(request):
    locations = overview.move_locations(user=request.user, store=current_store(request))
    data = request.POST if request.method == "POST" else None
    form = forms.ScrapForm(data, locations=locations, initial=request.GET.dict() or None)
    status = 400 if data is not None else 200
    if form.is_valid():
        data = form.cleaned_data
        sku, lot = data["code"], data["lot_code"]
        batch = overview.batch_for_lot(sku=sku, lot_code=lot) if lot else None
        line = (sku, data["quantity"], batch) if batch else (sku, data["quantity"])
        try:
            if lot and batch is None:
                raise NotFoundLot(lot)
            body = run_once(
                request,
                form,
                "scrap_request",
                lambda: {
                    "id": scrap.scrap_request(
                        actor=request.user,
                        location=next(loc for loc in locations if loc.pk == data["location"]),
                        reason=data["reason"],
                        lines=[line],
                        note=data["note"],
                    ).pk
                },
            )
        except NotFoundLot:
            form.add_error("lot_code", _("This SKU has no batch with that lot code."))
        except DomainError as exc:
            form.add_error("lot_code" if exc.code == "batch_required" else None, refusal(exc))
            status = exc.status
        else:
            messages.success(request, _("The scrap request has been sent for approval."))
            return redirect("inventory:scrap_detail", request_id=body["id"])
    context = {"form": form, "tab": "scrap"}
    return render(request, "inventory/scrap_form.html", context, status=status)


def _scrap_context(request, scrap_request, **extra) -> dict:
    user = request.user
    can_decide = (
        scrap_request.status == ScrapRequest.Status.PENDING
        and scrap_request.requested_by_id != user.pk
        and has_perm(user, Perm.INVENTORY_APPROVE, scrap_request.location.store_id)
    )
    return {
        "scrap": scrap_request,
        "lines": list(scrap_request.lines.select_related("sku", "batch").order_by("pk")),
        "can_decide": can_decide,
        "note_form": extra.pop("note_form", None) or forms.NoteForm(),
        "tab": "scrap",
        **extra,
    }


@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def scrap_detail(request, request_id: int):
    scrap_request = selectors.scrap_get(user=request.user, request_id=request_id)
    return render(request, "inventory/scrap_detail.html", _scrap_context(request, scrap_request))


def _decide(request, request_id: int, decide, done_message: str):
    scrap_request = selectors.scrap_get(user=request.user, request_id=request_id)
    form = forms.NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        decide(scrap_request, note)
    except DomainError as exc:
        context = _scrap_context(request, scrap_request, note_form=form, error=refusal(exc))
        return render(request, "inventory/scrap_detail.html", context, status=exc.status)
    messages.success(request, done_message)
    return redirect("inventory:scrap_detail", request_id=scrap_request.pk)


@require_POST
@staff_page(Perm.INVENTORY_APPROVE)
def scrap_approve(request, request_id: int):
    return _decide(
        request,
        request_id,
        lambda r, note: scrap.scrap_approve(actor=request.user, request=r, note=note),
        _("Approved: the stock has been written off and the loss recorded."),
    )


@require_POST
@staff_page(Perm.INVENTORY_APPROVE)
def scrap_reject(request, request_id: int):
    return _decide(
        request,
        request_id,
        lambda r, note: scrap.scrap_reject(actor=request.user, request=r, note=note),
        _("The scrap request has been rejected; stock is unchanged."),
    )


@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def loss_report(request):
    store = current_store(request)
    today = overview.store_today(store)
    form = forms.PeriodForm(request.GET or {"date_from": today.replace(day=1), "date_to": today})
    report, error = None, None
    if form.is_valid():
        try:
            report = scrap.loss_report(
                store=store,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
                user=request.user,
            )
        except DomainError as exc:
            error = refusal(exc)
    reasons = dict(ScrapRequest.Reason.choices)
    context = {"form": form, "store": store, "report": report, "reasons": reasons, "error": error}
    context["tab"] = "losses"
    return render(request, "inventory/loss_report.html", context)


# --- alerts ------------------------------------------------------------------------------------
@require_GET
@staff_page(Perm.INVENTORY_VIEW)
def alert_list(request):
    where = page_where(request, None)
    show_all = request.GET.get("all") == "1"
    rows = overview.alert_rows(
        user=request.user, locations=where["locations"], open_only=not show_all
    )
    can_acknowledge = {
        loc.pk for loc in overview.move_locations(user=request.user, store=where["store"])
    }
    context = {**where, "rows": rows, "show_all": show_all, "can_acknowledge": can_acknowledge}
    context["tab"] = "alerts"
    return render(request, "inventory/alert_list.html", context)


@require_POST
@staff_page(Perm.INVENTORY_MOVE)
def alert_acknowledge(request, alert_id: int):
    alert = selectors.alert_get(user=request.user, alert_id=alert_id)
    try:
        services.alert_acknowledge(actor=request.user, alert=alert)
    except DomainError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect("inventory:alert_list")
