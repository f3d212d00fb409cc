import json
import re

from django.urls import reverse

from storeos.accounts.services import role_grant
from storeos.web.tests.factories import make_catalog, make_store, make_user, signed_in


def _nav_keys(response) -> set[str]:
    return set(re.findall(r'data-nav="([a-z_]+)"', response.content.decode()))


def test_admin_sees_every_entry_of_the_navigation(db):
    client = signed_in(make_user("lina", role="admin"))

    response = client.get(reverse("web:home"))

    assert _nav_keys(response) == {
        "home",
        "catalog",
        "inventory",
        "members",
        "promotions",
        "stores",
        "sales_dashboard",
        "pos",
        "admin",
        "api_docs",
    }


def test_cashier_sees_no_admin_link(db):
    store = make_store()
    client = signed_in(make_user("wei", role="cashier", store=store))

    response = client.get(reverse("web:home"))

    assert _nav_keys(response) == {
        "home",
        "catalog",
        "inventory",
        "members",
        "promotions",
        "stores",
        "pos",
        "api_docs",
    }
    assert 'href="/admin/"' not in response.content.decode()


def test_store_bound_admin_grant_does_not_open_the_admin_link(db):
    # The admin site is chain-wide: an admin role in one store does not show it.
    store = make_store()
    client = signed_in(make_user("zhou", role="admin", store=store))

    assert "admin" not in _nav_keys(client.get(reverse("web:home")))


def test_user_without_roles_sees_only_dashboard_and_api_docs(db):
    client = signed_in(make_user("guest"))

    response = client.get(reverse("web:home"))

    assert _nav_keys(response) == {"home", "api_docs"}
    assert client.get(reverse("catalog:sku_list")).status_code == 403


def test_store_switcher_lists_only_the_users_stores_and_remembers_the_choice(db):
    mine, other = make_store("SH001", "Jing'an"), make_store("BJ001", "Chaoyang")
    second = make_store("SH002", "Xuhui")
    user = make_user("wei", role="store_manager", store=mine)
    role_grant(actor=None, user=user, role="store_manager", store=second)
    client = signed_in(user)

    page = client.get(reverse("web:home")).content.decode()
    response = client.post(
        reverse("web:switch_store"), {"store_id": second.pk, "next": reverse("web:stores")}
    )

    assert f'value="{mine.pk}"' in page and f'value="{second.pk}"' in page
    assert f'value="{other.pk}"' not in page
    assert response.url == reverse("web:stores")
    assert client.session["store_id"] == second.pk
    assert "Working in SH002 Xuhui" in client.get(reverse("web:home")).content.decode()


def test_store_switcher_refuses_a_store_without_a_grant(db):
    mine, other = make_store("SH001", "Jing'an"), make_store("BJ001", "Chaoyang")
    client = signed_in(make_user("wei", role="cashier", store=mine))

    response = client.post(reverse("web:switch_store"), {"store_id": other.pk}, follow=True)

    assert "store_id" not in client.session
    assert "You cannot work in that store." in response.content.decode()
    assert "Working in SH001 Jing&#x27;an" in response.content.decode()


def test_a_stale_store_in_the_session_is_dropped(db):
    mine, other = make_store("SH001", "Jing'an"), make_store("BJ001", "Chaoyang")
    client = signed_in(make_user("wei", role="cashier", store=mine))
    session = client.session
    session["store_id"] = other.pk
    session.save()

    response = client.get(reverse("web:home"))

    assert "Chaoyang" not in response.content.decode()
    assert "store_id" not in client.session


def test_chain_wide_user_may_clear_the_store(db):
    store = make_store()
    client = signed_in(make_user("lina", role="hq_analyst"))
    client.post(reverse("web:switch_store"), {"store_id": store.pk})

    client.post(reverse("web:switch_store"), {"store_id": ""})

    assert "store_id" not in client.session
    assert "Working chain-wide" in client.get(reverse("web:home")).content.decode()


def test_dashboard_counts_and_chart_come_from_the_catalog(db):
    make_store()
    make_catalog()
    client = signed_in(make_user("lina", role="admin"))

    body = client.get(reverse("web:home")).content.decode()

    assert re.search(r'data-figure="skus">3<', body)
    assert re.search(r'data-figure="stores">1<', body)
    data = re.search(r'id="skus-per-category-data"[^>]*>(.*?)</script>', body).group(1)
    assert json.loads(data) == [
        {"name": "Building sets", "count": 2},
        {"name": "Liquor", "count": 1},
    ]
    assert "web/vendor/echarts.min.js" in body


def test_stores_page_lists_the_stores_the_user_works_in(db):
    mine, _other = make_store("SH001", "Jing'an"), make_store("BJ001", "Chaoyang")
    client = signed_in(make_user("wei", role="cashier", store=mine))

    body = client.get(reverse("web:stores")).content.decode()

    assert "Jing&#x27;an" in body
    assert "Chaoyang" not in body


def test_vendored_scripts_are_served(db):
    client = signed_in(make_user("lina", role="admin"))

    for name in ("htmx.min.js", "echarts.min.js"):
        response = client.get(f"/static/web/vendor/{name}")
        assert response.status_code == 200
        b"".join(response.streaming_content)
