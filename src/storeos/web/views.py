"""The shell pages: sign-in and sign-out, the dashboard, the store list and the store switcher."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from storeos.accounts.permissions import Perm
from storeos.accounts.services import authenticate_user
from storeos.core.errors import NotAuthenticated, TooManyRequests
from storeos.web.current_store import select_store, stores_for
from storeos.web.dashboard import dashboard_figures
from storeos.web.decorators import staff_page
from storeos.web.errors import error_message
from storeos.web.forms import LoginForm, StoreSwitchForm


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    """Sign in through accounts' throttled authentication, never Django's unthrottled one."""
    home = reverse(settings.LOGIN_REDIRECT_URL)
    if request.user.is_authenticated:
        return redirect(_safe_next(request, home))
    form = LoginForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            user = authenticate_user(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except (NotAuthenticated, TooManyRequests) as exc:
            error, status = error_message(exc), exc.status
        else:
            login(request, user)
            response = redirect(_safe_next(request, home))
            if user.preferred_language in dict(settings.LANGUAGES):
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax"
                )
            return response
    context = {"form": form, "error": error, "next": _safe_next(request, "")}
    return render(request, "web/login.html", context, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_GET
@staff_page()
def home(request):
    figures = dashboard_figures(user=request.user)
    return render(request, "web/home.html", {"figures": figures})


@require_GET
@staff_page(Perm.STORES_VIEW)
def stores(request):
    return render(request, "web/stores.html", {"stores": stores_for(request)})


@require_POST
@staff_page()
def switch_store(request):
    form = StoreSwitchForm(request.POST)
    store_id = form.cleaned_data["store_id"] if form.is_valid() else -1
    if not select_store(request, store_id):
        messages.error(request, _("You cannot work in that store."))
    return redirect(_safe_next(request, reverse("web:home")))
