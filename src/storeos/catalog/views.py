"""Catalog pages: SKU search, the SKU page with its prices and price history, edit and re-price.

Views stay thin: they parse a form and call one catalog selector or service; the services check
permissions and refuse bad input with a domain error, which the page shows in the user's language.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from storeos.accounts.permissions import Perm, has_perm
from storeos.catalog import selectors, services
from storeos.core.channels import Channel
from storeos.core.errors import DomainError
from storeos.web.current_store import current_store, stores_for
from storeos.web.decorators import staff_page
from storeos.web.errors import error_message

PAGE_SIZE = 25


class SkuSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": gettext_lazy("SKU code, name or barcode"),
                "autocomplete": "off",
            }
        ),
    )
    category = forms.IntegerField(label=gettext_lazy("Category"), required=False)
    page = forms.IntegerField(required=False, min_value=1)


class SkuEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    spec = forms.CharField(label=gettext_lazy("Specification"), max_length=100, required=False)
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=16)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False)
    batch_tracked = forms.BooleanField(label=gettext_lazy("Batch tracked"), required=False)
    age_restricted = forms.BooleanField(label=gettext_lazy("Age restricted"), required=False)

    @classmethod
    def for_sku(cls, sku, data=None):
        return cls(data, initial={name: getattr(sku, name) for name in cls.base_fields})


class PriceChangeForm(forms.Form):
    new_price = forms.DecimalField(
        label=gettext_lazy("New price"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    # Required by the service (one home for the rule); the browser asks for it up front too.
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        help_text=gettext_lazy("Why the price changes; kept in the audit log."),
    )
    this_store_only = forms.BooleanField(label=gettext_lazy("This store only"), required=False)

    def __init__(self, *args, store=None, **kwargs):
        super().__init__(*args, **kwargs)
        if store is None:
            del self.fields["this_store_only"]
        else:
            self.fields["this_store_only"].help_text = _(
                "Set the price for %(store)s only; other stores keep theirs."
            ) % {"store": store}


def _search(request) -> dict:
    form = SkuSearchForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    page = params.get("page") or 1
    items, total = selectors.sku_search(
        user=request.user,
        q=params.get("q") or "",
        category_id=params.get("category"),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    last_page = max(1, -(-total // PAGE_SIZE))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "items": items,
        "total": total,
        "page": page,
        "last_page": last_page,
        "first_shown": (page - 1) * PAGE_SIZE + 1 if items else 0,
        "last_shown": (page - 1) * PAGE_SIZE + len(items),
        "query": query.urlencode(),
    }


def _category_options(nodes, depth: int = 0) -> list[tuple[int, str]]:
    """Flatten the category tree into (id, indented name) pairs for a select."""
    options = []
    for node in nodes:
        options.append((node.category.pk, "\u2003" * depth + node.category.name))
        options.extend(_category_options(node.children, depth + 1))
    return options


@require_GET
@staff_page(Perm.CATALOG_VIEW)
def sku_list(request):
    context = _search(request)
    context["categories"] = _category_options(selectors.category_tree(user=request.user))
    return render(request, "catalog/sku_list.html", context)


@require_GET
@staff_page(Perm.CATALOG_VIEW)
def sku_results(request):
    """The results table alone: what the search box fetches while the user types."""
    response = render(request, "catalog/partials/sku_results.html", _search(request))
    # The address bar follows the search, so a reload or a shared link shows the same results.
    response["HX-Replace-Url"] = f"{reverse('catalog:sku_list')}?{request.GET.urlencode()}"
    return response


def _history_rows(request, entries) -> list[dict]:
    names = {store.pk: str(store) for store in stores_for(request)}
    rows = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        store_id = entry.store_id or after.get("store_id")
        rows.append(
            {
                "at": entry.at,
                "actor": (entry.actor.get_full_name() or entry.actor.get_username())
                if entry.actor
                else "",
                "old": before.get("price"),
                "new": after.get("price"),
                "reason": entry.reason,
                "store": names.get(store_id, store_id) if store_id else None,
                "channel": Channel(after["channel"]).label
                if after.get("channel") in Channel.values
                else "",
            }
        )
    return rows


def _sku_context(request, sku) -> dict:
    store = current_store(request)
    return {
        "sku": sku,
        "store": store,
        "effective_price": selectors.price_for(sku=sku, store=store, channel="pos"),
        "history": _history_rows(request, selectors.sku_price_history(user=request.user, sku=sku)),
        "blocked_channels": [Channel(c).label for c in sku.blocked_channels if c in Channel.values],
        "can_edit": has_perm(request.user, Perm.CATALOG_EDIT),
        "can_change_price": has_perm(request.user, Perm.PRICE_CHANGE)
        or (store is not None and has_perm(request.user, Perm.PRICE_CHANGE, store)),
    }


@require_GET
@staff_page(Perm.CATALOG_VIEW)
def sku_detail(request, sku_id: int):
    sku = selectors.sku_get(sku_id=sku_id, user=request.user)
    return render(request, "catalog/sku_detail.html", _sku_context(request, sku))


@require_http_methods(["GET", "POST"])
@staff_page(Perm.CATALOG_EDIT)
def sku_edit(request, sku_id: int):
    sku = selectors.sku_get(sku_id=sku_id, user=request.user)
    form = SkuEditForm.for_sku(sku, request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        try:
            services.sku_update(actor=request.user, sku=sku, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(_field_of(exc, form), error_message(exc))
            status = exc.status
        else:
            messages.success(request, _("The SKU has been saved."))
            return redirect("catalog:sku_detail", sku_id=sku.pk)
    return render(request, "catalog/sku_edit.html", {"sku": sku, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_page(Perm.PRICE_CHANGE)
def price_change(request, sku_id: int):
    sku = selectors.sku_get(sku_id=sku_id, user=request.user)
    store = current_store(request)
    data = request.POST if request.method == "POST" else None
    initial = {"this_store_only": not has_perm(request.user, Perm.PRICE_CHANGE)}
    form = PriceChangeForm(data, store=store, initial=initial)
    status = 200
    if form.is_valid():
        only_here = form.cleaned_data.get("this_store_only", False)
        try:
            services.price_change(
                actor=request.user,
                sku=sku,
                new_price=form.cleaned_data["new_price"],
                reason=form.cleaned_data["reason"],
                store=store if only_here else None,
            )
        except DomainError as exc:
            form.add_error(_field_of(exc, form), error_message(exc))
            status = exc.status
        else:
            messages.success(request, _("The price has been changed."))
            return redirect("catalog:sku_detail", sku_id=sku.pk)
    context = {
        "sku": sku,
        "form": form,
        "store": store,
        "store_price": selectors.price_for(sku=sku, store=store) if store else None,
    }
    return render(request, "catalog/price_change.html", context, status=status)


_FIELD_BY_CODE = {"reason_required": "reason", "price_invalid": "new_price"}


def _field_of(exc: DomainError, form: forms.Form) -> str | None:
    """The form field an error belongs to, so it shows next to the input; else the whole form."""
    field = _FIELD_BY_CODE.get(exc.code) or exc.details.get("field")
    return field if field in form.fields else None
