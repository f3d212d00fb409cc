"""The store sales dashboard page: one business day of the current store (or every store)."""

import datetime as dt

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from storeos.accounts.permissions import Perm
from storeos.core import clock
from storeos.sales.dashboard import SalesDay, reporting_time_zone, sales_day
from storeos.web.current_store import current_store
from storeos.web.decorators import staff_page


class DayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Business day"), required=False)


def _chart_data(figures: SalesDay) -> dict:
    """What the charts draw, as JSON-safe values (amounts as strings: Decimal, not float)."""
    return {
        "hours": [f"{h.hour:02d}" for h in figures.by_hour],
        "hourSales": [str(h.sales) for h in figures.by_hour],
        "hourOrders": [h.orders for h in figures.by_hour],
        "channels": [{"name": c.label, "value": str(c.sales)} for c in figures.by_channel],
    }


@require_GET
@staff_page(Perm.SALES_REPORTS)
def dashboard(request):
    store = current_store(request)
    today = clock.today(reporting_time_zone(store))
    form = DayForm(request.GET or None)
    day = (form.cleaned_data.get("day") if form.is_valid() else None) or today
    figures = sales_day(user=request.user, store=store, day=day)
    context = {
        "form": form,
        "figures": figures,
        "chart": _chart_data(figures),
        "day": day,
        "today": today,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1) if day < today else None,
        "time_zone": reporting_time_zone(store),
    }
    return render(request, "sales/dashboard.html", context)
