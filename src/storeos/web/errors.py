"""Domain errors as people read them: a message in the user's language for each refusal.

Services write their messages in English for logs and the API; the UI shows its own translated
text chosen by the error's stable code, else by the kind of error.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from storeos.core.errors import DomainError

MESSAGES = {
    "invalid_credentials": _("The username or password is not correct."),
    "login_throttled": _(
        "Too many failed attempts. Sign-in is paused for a while; please try again later."
    ),
    "reason_required": _("A reason is required for a price change."),
    "price_invalid": _("The price must be zero or more, with at most two decimal places."),
    "price_unchanged": _("The new price is the same as the current price."),
    "text_too_long": _("This text is too long."),
    "use_price_change": _("Change a price with a price change, which records who, why and when."),
    "last_admin": _("This is the last administrator: make someone else an administrator first."),
    # Inventory
    "insufficient_stock": _("There is not enough stock for this."),
    "quantity_invalid": _("The quantity must be a whole number above zero."),
    "batch_required": _("This SKU is batch-tracked: give the lot code."),
    "batch_invalid": _("That batch does not belong to this SKU."),
    "batch_not_found": _("This SKU has no batch with that lot code."),
    "batch_expired": _("This batch has expired and cannot be sold or reserved."),
    "expiry_before_production": _("The expiry date is before the production date."),
    "count_already_posted": _("This count has already been posted."),
    "count_not_open": _("This count is no longer open."),
    "count_batch_required": _(
        "A batch-tracked SKU was counted without a batch and has no batch on record here: "
        "count it by lot code before posting."
    ),
    "count_scope_invalid": _("Choose all SKUs, one category, or a list of SKUs."),
    "sku_out_of_scope": _("This SKU is not part of this count."),
    "own_request": _("You cannot approve your own request; another store manager must."),
    "discrepancy_reason_required": _("Give a reason for every line that arrived short."),
    "receipt_exceeds_shipped": _("More cannot be received than was shipped."),
    "scan_line_invalid": _("A line of the scan file is not a code or code,quantity."),
    "transfer_not_draft": _("This transfer has already been shipped or cancelled."),
    "transfer_not_shipped": _("This transfer is not in transit."),
    "transfer_same_location": _("A transfer must go to another location."),
    "location_inactive": _("That location is not active."),
    "scrap_already_decided": _("This scrap request has already been decided."),
    "scrap_reason_invalid": _("Choose a scrap reason from the list."),
    "note_required": _("Write a note saying why."),
    "lines_required": _("Add at least one line."),
    "document_status_invalid": _("This document is no longer in a state that allows this."),
    "period_invalid": _("The period ends before it starts."),
    "idempotency_conflict": _("This form was already sent with other values. Reload the page."),
}

BY_STATUS = {
    401: _("Please sign in first."),
    403: _("You do not have permission to do this here."),
    404: _("It does not exist or has been removed."),
    409: _("This conflicts with a change made meanwhile. Reload the page and try again."),
    429: _("Too many requests. Please wait a moment and try again."),
}


def error_message(exc: DomainError) -> str:
    """The message for `exc` in the active language."""
    if exc.code in MESSAGES:
        return str(MESSAGES[exc.code])
    if exc.code.endswith("_required"):
        return str(_("This field is required."))
    if exc.code.endswith("_invalid"):
        return str(_("This value is not valid."))
    return str(BY_STATUS.get(exc.status, _("Please check the values you entered.")))


def server_error(request):
    """Django's handler500: an unreachable database is a 503 page saying so (the request's
    transaction rolled back, so trying again is safe); anything else is the usual 500."""
    failure = sys.exc_info()[1]  # called while Django handles the request's exception
    if isinstance(failure, (OperationalError, InterfaceError)):
        logging.getLogger(__name__).warning("database unavailable: %s", failure)
        # No request context: its processors read the user and the stores from the database.
        page = render_to_string("web/unavailable.html", {"retry_url": request.get_full_path()})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = "2"
        return response
    return defaults.server_error(request)
