import pytest
from django.urls import reverse

from storeos.inventory.models import MoveKind
from storeos.inventory.stock import stock_issue
from storeos.inventory.tests.page_data import FAST_HASHERS, stock_room
from storeos.web.tests.factories import signed_in


@pytest.fixture
def room(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS  # signing in is not under test here
    return stock_room()


def _rows(client, **params) -> str:
    return client.get(reverse("inventory:stock_rows"), params).content.decode()


def test_overview_is_in_chinese_for_a_store_manager_with_the_stores_stock(room):
    client = signed_in(room["manager"], language="zh-hans")

    response = client.get(reverse("inventory:stock_overview"))
    body = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert "库存" in body and "在库" in body and "可售" in body and "临期" in body
    assert "调拨" in body and "盘点" in body and "报损" in body
    assert "On hand" not in body
    assert 'data-sku="LEGO-42115"' in body and 'data-sku="WINE-750"' in body
    assert 'data-nav="inventory"' in body


def test_overview_sums_the_store_and_flags_low_stock_and_near_expiry(room):
    client = signed_in(room["manager"])

    body = _rows(client)

    assert 'data-total="3"' in body  # technic, train, wine: stocked or with a policy here
    assert "MT-53-500" not in body  # in the catalog, never stocked here
    train = body.split('data-sku="LEGO-60337"')[1].split("</tr>")[0]
    assert ">5<" in train and "6 / 20" in train and "Low" in train
    wine = body.split('data-sku="WINE-750"')[1].split("</tr>")[0]
    assert ">18<" in wine and "20 days left" in wine


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"low_stock": "on"}, ["LEGO-60337"], ["LEGO-42115", "WINE-750"]),
        ({"near_expiry": "on"}, ["WINE-750"], ["LEGO-42115", "LEGO-60337"]),
        ({"q": "6901234567892"}, ["WINE-750"], ["LEGO-42115"]),
        ({"q": "lamborghini"}, ["LEGO-42115"], ["WINE-750"]),
        ({"slow_days": "30"}, ["LEGO-60337", "WINE-750"], ["LEGO-42115"]),
    ],
)
def test_overview_filters(room, params, shown, hidden):
    stock_issue(
        actor=None,
        location=room["shelf"],
        sku=room["skus"]["technic"],
        quantity=1,
        kind=MoveKind.SALE,
    )
    client = signed_in(room["manager"])

    body = _rows(client, **params)

    assert all(f'data-sku="{code}"' in body for code in shown)
    assert not any(f'data-sku="{code}"' in body for code in hidden)


def test_overview_filters_by_category_and_series(room):
    client = signed_in(room["manager"])

    drinks = _rows(client, category=room["categories"]["drinks"].pk)
    series = _rows(client, series=room["series"].pk)

    assert 'data-sku="WINE-750"' in drinks and "LEGO" not in drinks
    assert 'data-sku="WINE-750"' in series and "LEGO" not in series


def test_overview_pages_on_the_server(room, monkeypatch):
    from storeos.inventory import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = signed_in(room["manager"])

    first = _rows(client)
    second = _rows(client, page=2)

    assert first.count("data-sku=") == 2 and "Page 1 of 2" in first and "page=2" in first
    assert second.count("data-sku=") == 1 and 'data-sku="WINE-750"' in second


def test_the_filter_partial_is_a_fragment_and_keeps_the_address_bar_in_step(room):
    client = signed_in(room["manager"])

    response = client.get(reverse("inventory:stock_rows"), {"low_stock": "on"})

    assert "<html" not in response.content.decode()
    assert response["HX-Replace-Url"] == f"{reverse('inventory:stock_overview')}?low_stock=on"


def test_a_store_user_sees_only_their_stores_stock(room):
    client = signed_in(room["other_manager"])

    body = _rows(client)

    assert 'data-sku="LEGO-60337"' in body and 'data-total="1"' in body
    assert "LEGO-42115" not in body


def test_a_chain_wide_user_can_pick_one_location(room):
    client = signed_in(room["admin"])

    everything = _rows(client)
    one = _rows(client, location=room["other_shelf"].pk)

    assert 'data-total="3"' in everything
    assert 'data-total="1"' in one and 'data-sku="LEGO-60337"' in one


def test_stock_card_lists_moves_with_translated_kinds_and_the_running_balance(room):
    stock_issue(
        actor=room["manager"],
        location=room["shelf"],
        sku=room["skus"]["technic"],
        quantity=3,
        kind=MoveKind.SALE,
    )
    client = signed_in(room["manager"], language="zh-hans")
    url = reverse("inventory:stock_card", args=[room["shelf"].pk, room["skus"]["technic"].pk])

    body = client.get(url).content.decode()

    assert "库存卡" in body and "入库" in body and "销售" in body
    assert "<dd data-balance>7</dd>" in body
    assert "¥1800.00" in body and "Lina" in body
    assert body.index('data-kind="sale"') < body.index('data-kind="receive"')  # newest first


def test_stock_card_of_another_stores_location_is_not_found(room):
    client = signed_in(room["other_manager"])
    url = reverse("inventory:stock_card", args=[room["shelf"].pk, room["skus"]["technic"].pk])

    assert client.get(url).status_code == 404


def test_inventory_needs_sign_in_and_the_inventory_permission(room):
    from storeos.web.tests.factories import make_user

    marketer = signed_in(make_user("mei", role="marketing", store=room["store"]))

    assert signed_in(room["cashier"]).get(reverse("inventory:stock_overview")).status_code == 200
    assert marketer.get(reverse("inventory:stock_overview")).status_code == 403
