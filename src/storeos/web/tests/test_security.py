"""Security of the web front: CSRF on every form, cookies and headers over TLS, login throttling
behind a reverse proxy, the password policy, and API tokens that expire or are revoked."""

import datetime as dt
import json
import os
import re
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from storeos.accounts.models import LoginAttempt, Role, User
from storeos.accounts.services import (
    api_token_issue,
    api_token_revoke,
    client_ip,
    user_create,
)
from storeos.core import clock
from storeos.core.errors import ValidationFailed
from storeos.web.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
PROXY = "127.0.0.1"  # the test client's REMOTE_ADDR: a proxy on the same host
ATTACKER, CUSTOMER = "203.0.113.7", "198.51.100.9"  # documentation ranges


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin():
    return make_user("sec.admin", role=Role.ADMIN)


# --- CSRF -----------------------------------------------------------------------------------------

_FILLERS = {"int": "1", "uuid": str(uuid.UUID(int=1)), "path": "1"}


def _routes(patterns, prefix: str = ""):
    """Every concrete URL of the site's own pages and the admin (the API is checked apart)."""
    for pattern in patterns:
        route = getattr(pattern.pattern, "_route", None)
        if route is None:  # regex patterns (admin's app index and catch-all): their paths vary
            continue
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield re.sub(
                r"<(?:(\w+):)?\w+>",
                lambda m: _FILLERS.get(m.group(1) or "str", "x"),
                prefix + route,
            )


def _site_urls() -> list[str]:
    urls = sorted({"/" + route for route in _routes(get_resolver().url_patterns)})
    return [url for url in urls if not url.startswith("/api/")]


def _csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def test_the_walk_finds_the_form_pages_of_every_app():
    urls = _site_urls()
    for form_page in [
        "/login/",
        "/logout/",
        "/store/switch/",
        "/members/new/",
        "/members/1/points/",
        "/members/1/phone/",
        "/promotions/new/",
        "/promotions/1/edit/",
        "/inventory/transfers/new/",
        "/inventory/counts/1/record/",
        "/inventory/scrap/1/approve/",
        "/catalog/skus/1/price/",
        "/pos/member/points",
        "/admin/login/",
        "/admin/accounts/user/add/",
    ]:
        assert form_page in urls


def test_a_post_without_the_csrf_token_is_refused_on_every_page(admin):
    # given a signed-in administrator whose browser was tricked into posting from another site
    client = _csrf_client(admin)
    # when it posts to every page of the site without the token
    let_through = {}
    for url in _site_urls():
        response = client.post(url, {"x": "1"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            let_through[url] = response.status_code
    # then each one is refused by the CSRF check before the page does anything
    assert let_through == {}


def test_the_same_post_with_the_token_gets_through(admin):
    # the refusals above are the CSRF check, not a lack of rights
    client = _csrf_client(admin)
    assert client.get("/").status_code == 200  # the shell's sign-out form sets the cookie
    token = client.cookies["csrftoken"].value
    response = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # signed out: sent to the login page


def test_every_post_form_on_the_pages_carries_a_csrf_token(admin):
    client = _csrf_client(admin)
    checked = []
    for url in _site_urls():
        if "/1" in url or url.endswith((".csv", ".pdf", ".svg", "/x")) or "logout" in url:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        forms = re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I)
        for form in forms:
            if re.search(r"method=[\"']?post", form, flags=re.I):
                assert "csrfmiddlewaretoken" in form, (url, form[:200])
                checked.append(url)
    # the sign-out form in the shell, the member registration form, ... were looked at
    assert "/members/new/" in checked
    assert len(set(checked)) >= 5


def test_the_api_refuses_a_session_write_without_the_token_but_not_a_bearer_token(admin):
    token, secret = api_token_issue(actor=None, user=admin, name="ERP")
    url = f"/api/v1/auth/tokens/{token.pk}"
    # a browser session carries the user's rights, so a cross-site write must be refused
    refused = _csrf_client(admin).delete(url)
    assert refused.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    # an integration's bearer token is not sent by a browser on its own: no CSRF needed
    allowed = _csrf_client().delete(url, headers={"Authorization": f"Bearer {secret}"})
    assert allowed.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- Cookies and headers over TLS -----------------------------------------------------------------

_PRINT_SETTINGS = """
import json, sys, django
django.setup()
from django.conf import settings
from django.core.checks import run_checks
names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
         "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_HTTPONLY", "STOREOS_TRUSTED_PROXIES"]
values = {name: getattr(settings, name) for name in names}
if "--deploy-checks" in sys.argv:
    values["deploy_warnings"] = sorted(m.id for m in run_checks(include_deployment_checks=True))
print(json.dumps(values))
"""


def _settings_with(data_dir, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter with `env` set, as `storeos serve` would."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STOREOS_")}
    clean |= {
        "DJANGO_SETTINGS_MODULE": "storeos.settings",
        "STOREOS_DATA_DIR": str(data_dir),
        "STOREOS_SECRET_KEY": "s" * 60 + "-not-a-real-key-" + "k" * 10,
        "STOREOS_ALLOWED_HOSTS": "shop.example.com",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS, *args], env=clean, capture_output=True, text=True
    )


def _loaded(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def tls_settings(tmp_path_factory) -> dict:
    """What a deployment with STOREOS_TLS=1 loads (a fresh interpreter: slow, so once)."""
    data_dir = tmp_path_factory.mktemp("tls")
    return _loaded(_settings_with(data_dir, "--deploy-checks", STOREOS_TLS="1"))


def test_over_tls_cookies_are_secure_and_hsts_is_on(tls_settings):
    assert tls_settings["SESSION_COOKIE_SECURE"] is True
    assert tls_settings["CSRF_COOKIE_SECURE"] is True
    assert tls_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert tls_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert tls_settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # Django's deployment checks find nothing to say about cookies or HSTS
    warnings = set(tls_settings["deploy_warnings"])
    assert {"security.W004", "security.W012", "security.W016"} & warnings == set()


def test_without_tls_cookies_still_work_over_plain_http(tmp_path):
    # a laptop demo on http://localhost must still be able to sign in
    plain = _loaded(_settings_with(tmp_path, STOREOS_TRUSTED_PROXIES="127.0.0.1, 192.0.2.0/24"))
    assert plain["SESSION_COOKIE_SECURE"] is False
    assert plain["CSRF_COOKIE_SECURE"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0
    assert plain["STOREOS_TRUSTED_PROXIES"] == ["127.0.0.1", "192.0.2.0/24"]


def test_a_mistyped_trusted_proxy_stops_the_server_with_a_clear_message(tmp_path):
    bad = _settings_with(tmp_path, STOREOS_TRUSTED_PROXIES="127.0.0.1,proxy.local")
    assert bad.returncode != 0
    assert "STOREOS_TRUSTED_PROXIES: 'proxy.local' is not an IP address" in bad.stderr


def test_signing_in_over_tls_sets_secure_cookies_and_hsts(settings, tls_settings, admin):
    # given the settings a TLS deployment loads
    for name in ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"]:
        setattr(settings, name, tls_settings[name])
    settings.SECURE_PROXY_SSL_HEADER = tuple(tls_settings["SECURE_PROXY_SSL_HEADER"])
    # when someone signs in through the TLS-terminating proxy
    client = Client(headers={"X-Forwarded-Proto": "https"})
    page = client.get("/login/")
    response = client.post("/login/", {"username": "sec.admin", "password": PASSWORD})
    # then the browser is told to keep the cookies to TLS and to use nothing but TLS
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True
    assert page.cookies["csrftoken"]["secure"] is True
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("url", ["/login/", "/api/v1/auth/me"])
def test_responses_carry_the_security_headers(client, url):
    response = client.get(url)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"


# --- Login throttling behind a reverse proxy ------------------------------------------------------


def _fail_logins(client: Client, *, xff: str | None = None, times: int = 5) -> None:
    for n in range(times):
        headers = {"X-Forwarded-For": xff.format(n=n)} if xff else {}
        response = client.post(
            "/login/", {"username": f"guess-{n}", "password": "wrong-guess"}, headers=headers
        )
        assert response.status_code in {401, 429}


def _sign_in(client: Client, *, xff: str | None = None):
    headers = {"X-Forwarded-For": xff} if xff else {}
    return client.post("/login/", {"username": "sec.admin", "password": PASSWORD}, headers=headers)


def test_behind_a_trusted_proxy_one_guesser_does_not_lock_out_everyone(settings, admin):
    settings.STOREOS_TRUSTED_PROXIES = [PROXY]
    # given a guesser who failed five times, with five usernames, through the store's proxy
    _fail_logins(Client(), xff=ATTACKER)
    # then the guesser is refused, even with a right password...
    assert _sign_in(Client(), xff=ATTACKER).status_code == 429
    # ...while a colleague behind the same proxy signs in
    assert _sign_in(Client(), xff=CUSTOMER).status_code == 302
    assert set(LoginAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_without_trusting_the_proxy_everyone_behind_it_shares_one_budget(settings, admin):
    # the problem the setting solves: the proxy's address is all the server sees
    settings.STOREOS_TRUSTED_PROXIES = []
    _fail_logins(Client(), xff=ATTACKER)
    assert _sign_in(Client(), xff=CUSTOMER).status_code == 429


def test_a_forged_forwarded_for_from_an_untrusted_client_is_ignored(settings, admin):
    # the guesser talks to the server directly and invents a new address for every try
    settings.STOREOS_TRUSTED_PROXIES = [PROXY]
    direct = Client(REMOTE_ADDR=ATTACKER)
    _fail_logins(direct, xff="192.0.2.{n}")
    assert _sign_in(Client(REMOTE_ADDR=ATTACKER), xff=CUSTOMER).status_code == 429


def test_a_forged_hop_in_front_of_the_proxys_own_is_ignored(settings, admin):
    # the guesser sends its own X-Forwarded-For; the proxy appends the address it really saw
    settings.STOREOS_TRUSTED_PROXIES = [PROXY]
    _fail_logins(Client(), xff="192.0.2.{n}, " + ATTACKER)
    assert _sign_in(Client(), xff=f"{CUSTOMER}, {ATTACKER}").status_code == 429


def test_the_client_is_the_nearest_hop_that_is_not_one_of_our_proxies(settings):
    settings.STOREOS_TRUSTED_PROXIES = ["127.0.0.1", "192.0.2.0/24"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"9.9.9.9, {CUSTOMER}, 192.0.2.10"
    )
    assert client_ip(request) == CUSTOMER
    untrusted = RequestFactory().get("/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=CUSTOMER)
    assert client_ip(untrusted) == ATTACKER


# --- Password policy ------------------------------------------------------------------------------


def test_the_password_validators_are_configured():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert names >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


@pytest.mark.parametrize(
    "password",
    ["short-1", "password123", "1234567890123", "zhang.wei.sh01"],
    ids=["too_short", "common", "numeric", "like_the_username"],
)
def test_a_weak_password_is_refused_with_a_clear_code(password):
    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=None, username="zhang.wei.sh01", password=password)
    assert refused.value.code == "password_invalid"
    assert refused.value.details["errors"]
    assert not User.objects.filter(username="zhang.wei.sh01").exists()


# --- API tokens -----------------------------------------------------------------------------------


def _me(secret: str) -> int:
    return (
        Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"}).status_code
    )


def test_an_api_token_works_until_the_second_it_expires(admin):
    with clock.frozen(T0):
        _, secret = api_token_issue(actor=None, user=admin, name="ERP", days=30)
    with clock.frozen(T0 + dt.timedelta(days=30, seconds=-1)):
        assert _me(secret) == 200
    with clock.frozen(T0 + dt.timedelta(days=30)):
        assert _me(secret) == 401


def test_a_revoked_api_token_is_refused_at_once_though_not_expired(admin):
    with clock.frozen(T0):
        token, secret = api_token_issue(actor=None, user=admin, name="ERP", days=30)
        assert _me(secret) == 200
    with clock.frozen(T0 + dt.timedelta(minutes=5)):
        api_token_revoke(actor=admin, token=token)
        assert _me(secret) == 401
