"""Domain errors as people read them: a message in the user's language for each refusal.

Services write their messages in English for logs and the API; the UI shows its own translated
text chosen by the error's stable code, else by the kind of error.
"""

from django.utils.translation import gettext_lazy as _

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
