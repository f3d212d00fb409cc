"""Forms of the stock-room pages. They check the shape of the input (numbers, dates, codes that
exist); the business rules (enough stock, who may approve) stay in the services."""

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from storeos.inventory.models import ScrapRequest, StockCount, Transfer
from storeos.inventory.overview import sku_for_code

MAX_SCAN_FILE_BYTES = 2 * 1024 * 1024
MAX_LINES = 500
_LINE_SPLIT = re.compile(r"[,\t ]+")


def _choices(locations) -> list[tuple[int, str]]:
    return [(loc.pk, str(loc)) for loc in locations]


def _with_empty(choices, label) -> list:
    return [("", label), *choices]


class FormKeyMixin:
    """A hidden key per rendered form, so a double-tapped button or a resent POST acts once."""

    def add_form_key(self):
        self.fields["form_key"] = forms.CharField(
            widget=forms.HiddenInput, max_length=64, initial=uuid.uuid4().hex
        )


class OverviewFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    location = forms.IntegerField(label=_("Location"), required=False)
    category = forms.IntegerField(label=_("Category"), required=False)
    series = forms.IntegerField(label=_("Series"), required=False)
    low_stock = forms.BooleanField(label=_("Low stock"), required=False)
    near_expiry = forms.BooleanField(label=_("Near expiry"), required=False)
    slow_days = forms.IntegerField(
        label=_("No sales for (days)"), required=False, min_value=1, max_value=730
    )
    page = forms.IntegerField(required=False, min_value=1)


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Number"), required=False, max_length=40)
    status = forms.CharField(label=_("Status"), required=False, max_length=24)
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("In and out")), ("out", _("Outgoing")), ("in", _("Incoming"))],
        widget=forms.Select(attrs={"id": "filter-direction"}),
    )
    location = forms.IntegerField(label=_("Location"), required=False)
    page = forms.IntegerField(required=False, min_value=1)


def _parse_sku_lines(text: str, *, with_quantity: bool) -> list:
    """Lines of `code, quantity` (or just `code`) → [(SKU, quantity)]; every problem is listed."""
    lines, errors = [], []
    rows = [(n, raw.strip()) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if len(rows) > MAX_LINES:
        raise forms.ValidationError(
            _("At most %(max)s lines at a time."), params={"max": MAX_LINES}, code="too_many"
        )
    for number, row in rows:
        parts = [p for p in _LINE_SPLIT.split(row) if p]
        quantity = 1
        if with_quantity:
            if len(parts) != 2 or not parts[1].isdigit() or not parts[1].isascii():
                errors.append(
                    _("Line %(line)s: write a code, a comma and a whole number, e.g. %(example)s.")
                    % {"line": number, "example": "LEGO-42115, 2"}
                )
                continue
            quantity = int(parts[1])
            if quantity <= 0:
                errors.append(
                    _("Line %(line)s: the quantity must be above zero.") % {"line": number}
                )
                continue
        elif len(parts) != 1:
            errors.append(_("Line %(line)s: write one code per line.") % {"line": number})
            continue
        sku = sku_for_code(parts[0])
        if sku is None:
            errors.append(
                _("Line %(line)s: no SKU has the code or barcode %(code)s.")
                % {"line": number, "code": parts[0][:64]}
            )
            continue
        lines.append((sku, quantity))
    if errors:
        raise forms.ValidationError(errors)
    return lines


class TransferForm(FormKeyMixin, forms.Form):
    from_location = forms.TypedChoiceField(label=_("From"), coerce=int)
    to_location = forms.TypedChoiceField(label=_("To"), coerce=int)
    lines = forms.CharField(
        label=_("Lines"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "LEGO-42115, 2\n5702016616217, 1"}),
        help_text=_("One line per SKU: SKU code or barcode, a comma, the quantity."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, sources, destinations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_location"].choices = _choices(sources)
        self.fields["to_location"].choices = _with_empty(_choices(destinations), "—")
        self.add_form_key()

    def clean_lines(self):
        return _parse_sku_lines(self.cleaned_data["lines"], with_quantity=True)


class ReceiveForm(forms.Form):
    """One received quantity (and a reason when short) per shipped line."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"received_{line.pk}"] = forms.IntegerField(
                label=_("Quantity received"), min_value=0, initial=line.shipped_quantity
            )
            self.fields[f"reason_{line.pk}"] = forms.CharField(
                label=_("Discrepancy reason"), required=False, max_length=255
            )

    def rows(self):
        return [
            (line, self[f"received_{line.pk}"], self[f"reason_{line.pk}"]) for line in self.lines
        ]

    def receipt(self) -> tuple[dict[int, int], dict[int, str]]:
        data = self.cleaned_data
        received = {line.pk: data[f"received_{line.pk}"] for line in self.lines}
        reasons = {line.pk: data[f"reason_{line.pk}"] for line in self.lines}
        return received, reasons


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )


class CountOpenForm(FormKeyMixin, forms.Form):
    location = forms.TypedChoiceField(label=_("Location"), coerce=int)
    scope = forms.ChoiceField(
        label=_("Scope"), choices=StockCount.Scope.choices, widget=forms.RadioSelect
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False)
    skus = forms.CharField(
        label=_("SKUs"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a list count: one SKU code or barcode per line."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, locations, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = _choices(locations)
        self.fields["category"].choices = _with_empty(categories, "—")
        self.fields["scope"].initial = StockCount.Scope.ALL
        self.add_form_key()

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == StockCount.Scope.CATEGORY and not data.get("category"):
            self.add_error("category", _("Choose the category to count."))
        if scope == StockCount.Scope.LIST:
            try:
                skus = _parse_sku_lines(data.get("skus") or "", with_quantity=False)
            except forms.ValidationError as exc:
                self.add_error("skus", exc)
                skus = None
            if skus == []:
                self.add_error("skus", _("List at least one SKU."))
            data["sku_list"] = [sku for sku, _qty in skus or []]
        return data


class CountRecordForm(forms.Form):
    code = forms.CharField(
        label=_("SKU code or barcode"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    lot_code = forms.CharField(label=_("Lot code"), required=False, max_length=64)
    counted = forms.IntegerField(
        label=_("Counted"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    def clean_code(self):
        sku = sku_for_code(self.cleaned_data["code"])
        if sku is None:
            raise forms.ValidationError(_("No SKU has this code or barcode."), code="unknown")
        return sku


class ScanUploadForm(FormKeyMixin, forms.Form):
    scan_file = forms.FileField(
        label=_("Scan file"),
        help_text=_("A text file: one code per line (one unit each), or code,quantity."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.csv,text/plain,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_form_key()

    def clean_scan_file(self):
        upload = self.cleaned_data["scan_file"]
        if upload.size > MAX_SCAN_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."), code="too_large")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("The file is not a UTF-8 text file."), code="not_text"
            ) from exc


class ScrapForm(FormKeyMixin, forms.Form):
    location = forms.TypedChoiceField(label=_("Location"), coerce=int)
    code = forms.CharField(
        label=_("SKU code or barcode"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    lot_code = forms.CharField(
        label=_("Lot code"),
        required=False,
        max_length=64,
        help_text=_("Required for batch-tracked SKUs."),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=ScrapRequest.Reason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = _choices(locations)
        self.add_form_key()

    def clean_code(self):
        sku = sku_for_code(self.cleaned_data["code"])
        if sku is None:
            raise forms.ValidationError(_("No SKU has this code or barcode."), code="unknown")
        return sku


class PeriodForm(forms.Form):
    # A date input wants ISO dates whatever the language's own date format.
    date_from = forms.DateField(
        label=_("From date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The period ends before it starts."))
        if start and end and (end - start).days > 366:
            self.add_error("date_to", _("Choose a period of at most a year."))
        return data


TRANSFER_STATUSES = Transfer.Status.choices
COUNT_STATUSES = StockCount.Status.choices
SCRAP_STATUSES = ScrapRequest.Status.choices
