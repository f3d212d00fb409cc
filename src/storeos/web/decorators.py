"""View decorators for staff pages: sign-in, a permission held somewhere, domain errors as pages."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from storeos.accounts.permissions import Perm
from storeos.core.errors import NotFound, PermissionDenied
from storeos.web.errors import error_message
from storeos.web.navigation import holds_anywhere


def _refused(request, exc):
    return render(
        request, "web/error.html", {"error": error_message(exc), "code": exc.code}, status=403
    )


def _to_login(request):
    """Send a signed-out visitor to the login page, then back to the page they were on.

    An htmx request (a search while typing after the session expired) must not get the login
    page swapped into a fragment: htmx is told to load the login page as a whole instead.
    """
    if request.headers.get("HX-Request"):
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = page.path + (f"?{page.query}" if page.query else "") or "/"
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': back})}"
        return response
    return redirect_to_login(request.get_full_path())


def staff_page(perm: Perm | None = None):
    """Sign-in required; `perm` must be held in some store. Services still check the exact store.

    A NotFound from a service becomes a 404 and a PermissionDenied a 403 page in the user's
    language, so views stay a decorator and one call.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _to_login(request)
            if perm is not None and not holds_anywhere(request.user, perm):
                return _refused(request, PermissionDenied("missing permission"))
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(error_message(exc)) from exc
            except PermissionDenied as exc:
                return _refused(request, exc)

        return wrapper

    return decorate
