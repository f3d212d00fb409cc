from django.urls import reverse

from storeos.web.tests.factories import PASSWORD, make_user, signed_in


def _client(client, language="en"):
    client.cookies["django_language"] = language
    return client


def test_login_with_the_right_password_signs_in_and_goes_to_the_dashboard(client, db):
    make_user("lina", role="admin")

    response = _client(client).post(
        reverse("web:login"), {"username": "lina", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_login_follows_a_local_next_but_not_another_site(client, db):
    make_user("lina", role="admin")
    login = reverse("web:login")

    local = _client(client).post(
        login, {"username": "lina", "password": PASSWORD, "next": "/catalog/skus/"}
    )
    client.post(reverse("web:logout"))
    foreign = client.post(
        login, {"username": "lina", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert local.url == "/catalog/skus/"
    assert foreign.url == reverse("web:home")


def test_wrong_password_shows_invalid_credentials_and_stays_signed_out(client, db):
    make_user("lina", role="admin")

    response = _client(client).post(
        reverse("web:login"), {"username": "lina", "password": "not-the-password"}
    )

    assert response.status_code == 401
    assert "The username or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_are_throttled_with_a_too_many_attempts_message(client, db, settings):
    settings.STOREOS_LOGIN_MAX_FAILURES = 3
    make_user("lina", role="admin")
    login = reverse("web:login")
    for _ in range(3):
        _client(client).post(login, {"username": "lina", "password": "wrong-password"})

    # Even the right password is refused while the throttle holds.
    response = client.post(login, {"username": "lina", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_message_is_translated_for_zh_hans(client, db, settings):
    settings.STOREOS_LOGIN_MAX_FAILURES = 1
    login = reverse("web:login")
    _client(client, "zh-hans").post(login, {"username": "nobody", "password": "wrong-password"})

    response = client.post(login, {"username": "nobody", "password": "wrong-password"})

    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()


def test_login_form_carries_a_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    page = client.get(reverse("web:login"))
    refused = client.post(reverse("web:login"), {"username": "x", "password": "y"})

    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert refused.status_code == 403


def test_logout_needs_a_post_and_signs_out(db):
    client = signed_in(make_user("lina", role="admin"))

    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))

    assert response.url == reverse("web:login")
    assert client.get(reverse("web:home")).status_code == 302


def test_pages_send_signed_out_visitors_to_the_login_page(client, db):
    response = client.get(reverse("catalog:sku_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


def test_an_expired_session_during_an_htmx_search_reloads_the_login_page(client, db):
    response = client.get(
        reverse("catalog:sku_results"),
        {"q": "lego"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/catalog/skus/?q=le"},
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/?next=%2Fcatalog%2Fskus%2F%3Fq%3Dle"


def test_login_applies_the_users_preferred_language(client, db):
    user = make_user("lina", role="admin")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])

    client.post(reverse("web:login"), {"username": "lina", "password": PASSWORD})

    assert client.cookies["django_language"].value == "en"
    assert "Dashboard" in client.get(reverse("web:home")).content.decode()


def test_unknown_pages_get_a_translated_404(client, db):
    client.cookies["django_language"] = "zh-hans"

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "未找到" in response.content.decode()
