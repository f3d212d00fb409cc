import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from storeos.accounts.services import role_grant
from storeos.catalog.models import Barcode, Category, PriceList, PriceListItem, Product, Sku
from storeos.sales.pos_search import SEARCH_LIMIT, pos_sku_search
from storeos.web.current_store import SESSION_KEY
from storeos.web.tests.factories import make_catalog, make_store, make_user, signed_in

POS = "/pos/"


def _config(response) -> dict:
    html = response.content.decode()
    start = html.index('id="pos-config"')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def _select_store(client, store) -> None:
    session = client.session
    session[SESSION_KEY] = store.pk
    session.save()


@pytest.fixture
def shop(db):
    store = make_store("SH001", "Jing'an")
    catalog = make_catalog()
    return store, catalog["skus"]


def test_a_cashier_sees_the_till_of_their_store(shop):
    store, _ = shop
    client = signed_in(make_user("wei", role="cashier", store=store, first_name="Wei"))

    response = client.get(POS)

    assert response.status_code == 200
    config = _config(response)
    assert config["storeId"] == store.pk
    assert config["userName"] == "Wei"
    assert config["urls"]["checkout"] == "/api/v1/sales/orders"
    assert config["shiftId"] is None
    page = response.content.decode()
    assert "SH001" in page
    assert 'id="pos-scan"' in page
    # The member field is live (members at the till: test_pos_member.py).
    assert 'id="pos-member" type="text" autocomplete="off"' in page


def test_another_stores_cashier_only_ever_gets_their_own_till(shop):
    store, _ = shop
    other = make_store("BJ001", "Chaoyang")
    client = signed_in(make_user("li", role="cashier", store=other))
    # A stale or forged session value naming the other store is not trusted.
    _select_store(client, store)

    response = client.get(POS)

    assert _config(response)["storeId"] == other.pk
    assert "SH001" not in response.content.decode()


def test_a_user_who_may_not_sell_in_the_chosen_store_is_refused(shop):
    store, _ = shop
    other = make_store("BJ001", "Chaoyang")
    # Sees every store (HQ analyst) but sells only in Beijing.
    user = make_user("zhou", role="hq_analyst")
    role_grant(actor=None, user=user, role="cashier", store=other)
    client = signed_in(user)
    _select_store(client, store)

    page = client.get(POS)
    lookup = client.get(f"{POS}lookup", {"code": "5702016616217"})
    search = client.get(f"{POS}search", {"q": "LEGO"})

    assert page.status_code == 403
    assert (lookup.status_code, lookup.json()["code"]) == (403, "permission_denied")
    assert search.status_code == 403


def test_a_user_without_the_till_permission_is_refused(shop):
    store, _ = shop
    client = signed_in(make_user("chen", role="warehouse", store=store))

    assert client.get(POS).status_code == 403
    assert client.get(f"{POS}lookup", {"code": "5702016616217"}).status_code == 403


def test_a_chain_wide_user_who_may_not_sell_is_refused_not_asked_for_a_store(shop):
    client = signed_in(make_user("zhou", role="hq_analyst"))

    response = client.get(f"{POS}lookup", {"code": "5702016616217"})

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_signed_out_lookups_answer_401_json_not_the_login_page(shop):
    from django.test import Client

    response = Client().get(f"{POS}lookup", {"code": "5702016616217"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_chain_wide_user_without_a_store_is_asked_to_choose_one(shop):
    client = signed_in(make_user("lina", role="admin"))

    response = client.get(POS)

    assert response.status_code == 200
    assert 'id="pos-config"' not in response.content.decode()
    assert "Choose the store" in response.content.decode()


def test_the_till_is_remembered_per_browser(shop):
    store, _ = shop
    client = signed_in(make_user("wei", role="cashier", store=store))

    assert _config(client.get(POS, {"till": "T02"}))["till"] == "T02"
    assert _config(client.get(POS))["till"] == "T02"
    assert _config(client.get(POS, {"till": "bad till!"}))["till"] == "T02"


def test_scanning_a_barcode_gives_the_item_with_this_stores_till_price(shop):
    store, skus = shop
    store_prices = PriceList.objects.create(code="SH-POS", name="Jing'an till", store=store)
    PriceListItem.objects.create(price_list=store_prices, sku=skus["technic"], price="2799.00")
    client = signed_in(make_user("wei", role="cashier", store=store))

    response = client.get(f"{POS}lookup", {"code": "5702016616217"})

    assert response.status_code == 200
    assert response.json()["item"] == {
        "sku_id": skus["technic"].pk,
        "code": "LEGO-42115",
        "name": "Lamborghini Sián FKP 37",
        "spec": "3696 pcs",
        "unit": "pc",
        "price": "2799.00",
        "age_restricted": False,
        "barcode": "5702016616217",
    }


def test_a_typed_sku_code_is_found_in_any_case_and_says_when_age_restricted(shop):
    store, skus = shop
    client = signed_in(make_user("wei", role="cashier", store=store))

    item = client.get(f"{POS}lookup", {"code": "mt-53-500"}).json()["item"]

    assert (item["sku_id"], item["price"], item["age_restricted"]) == (
        skus["moutai"].pk,
        "1499.00",
        True,
    )
    assert item["barcode"] == ""


def test_an_unknown_code_is_a_404_with_a_code_and_a_message_in_the_cashiers_language(shop):
    store, _ = shop
    client = signed_in(make_user("wei", role="cashier", store=store), language="zh-hans")

    response = client.get(f"{POS}lookup", {"code": "0000000000000"})

    assert response.status_code == 404
    assert response.json()["code"] == "barcode_not_found"
    with translation.override("zh-hans"):
        in_chinese = translation.gettext("No item has this code.")
    assert in_chinese != "No item has this code."
    assert response.json()["message"] == in_chinese


def test_items_not_sold_at_the_till_are_neither_found_nor_listed(shop):
    store, skus = shop
    Sku.objects.filter(pk=skus["train"].pk).update(blocked_channels=["pos"])
    Sku.objects.filter(pk=skus["technic"].pk).update(is_active=False)
    client = signed_in(make_user("wei", role="cashier", store=store))

    assert client.get(f"{POS}lookup", {"code": "LEGO-60337"}).status_code == 404
    assert client.get(f"{POS}lookup", {"code": "5702016616217"}).status_code == 404
    assert client.get(f"{POS}search", {"q": "LEGO"}).json()["items"] == []


def test_search_puts_the_exact_code_first_then_code_prefixes_then_names(shop):
    store, _ = shop
    client = signed_in(make_user("wei", role="cashier", store=store))

    by_code = client.get(f"{POS}search", {"q": "lego-60337"}).json()["items"]
    by_name = client.get(f"{POS}search", {"q": "train"}).json()["items"]
    too_short = client.get(f"{POS}search", {"q": "L"}).json()["items"]

    assert [i["code"] for i in by_code] == ["LEGO-60337"]
    assert [(i["code"], i["price"]) for i in by_name] == [("LEGO-60337", "899.00")]
    assert too_short == []


def _big_catalog(size: int) -> None:
    """`size` SKUs under 100 products, each with a barcode: a chain's whole range."""
    category = Category.objects.create(code="BULK", name="Bulk", path="/bulk/")
    products = Product.objects.bulk_create(
        Product(code=f"BP-{n:03}", name=f"Bulk product {n}", category=category) for n in range(100)
    )
    skus = Sku.objects.bulk_create(
        (
            Sku(
                product=products[n % 100],
                code=f"BK-{n:05}",
                name=f"Brick set number {n:05}",
                list_price=Decimal("10.00") + n % 50,
            )
            for n in range(size)
        ),
        batch_size=2000,
    )
    Barcode.objects.bulk_create(
        (Barcode(sku=sku, code=f"69{sku.code[3:]:0>11}") for sku in skus), batch_size=2000
    )


def test_search_over_20000_skus_costs_at_most_four_queries_and_returns_at_most_twenty(
    shop, django_assert_max_num_queries
):
    store, _ = shop
    _big_catalog(20_000)
    user = make_user("wei", role="cashier", store=store)
    pos_sku_search(user=user, store=store, q="warm up")  # the user's grants are cached now

    with CaptureQueriesContext(connection) as by_name:
        name_hits = pos_sku_search(user=user, store=store, q="set number 1")
    with CaptureQueriesContext(connection) as by_barcode:
        barcode_hits = pos_sku_search(user=user, store=store, q="6900000012345")
    client = signed_in(user)
    with django_assert_max_num_queries(10):
        page = client.get(f"{POS}search", {"q": "brick"})

    # A barcode, codes, names, then the prices: however many of the 20,000 match.
    assert len(by_name) <= 4
    assert len(by_barcode) <= 4
    assert len(name_hits) == SEARCH_LIMIT
    assert all("set number 1" in item.name for item in name_hits)
    assert [item.code for item in barcode_hits] == ["BK-12345"]
    assert barcode_hits[0].price == Decimal("55.00")
    assert len(page.json()["items"]) == SEARCH_LIMIT
