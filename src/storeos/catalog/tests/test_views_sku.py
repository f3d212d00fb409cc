from decimal import Decimal

import pytest
from django.urls import reverse

from storeos.catalog.models import Sku
from storeos.catalog.services import price_change
from storeos.core.models import AuditEntry
from storeos.web.tests.factories import make_catalog, make_store, make_user, signed_in


@pytest.fixture
def catalog(db):
    return make_catalog()


def test_search_partial_returns_only_matching_skus(catalog):
    client = signed_in(make_user("wei", role="cashier", store=make_store()))

    response = client.get(reverse("catalog:sku_results"), {"q": "lego"})
    body = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in body  # a fragment for htmx to swap in, not a page
    assert "LEGO-42115" in body and "LEGO-60337" in body
    assert "MT-53-500" not in body
    assert 'data-total="2"' in body


def test_search_finds_a_sku_by_barcode(catalog):
    client = signed_in(make_user("lina", role="admin"))

    body = client.get(reverse("catalog:sku_results"), {"q": "5702016616217"}).content.decode()

    assert "LEGO-42115" in body and 'data-total="1"' in body


def test_search_filters_by_category(catalog):
    client = signed_in(make_user("lina", role="admin"))
    drinks = catalog["categories"]["drinks"]

    body = client.get(reverse("catalog:sku_results"), {"category": drinks.pk}).content.decode()

    assert "MT-53-500" in body and "LEGO" not in body


def test_search_pages_through_results_instead_of_loading_the_catalog(db, monkeypatch):
    from storeos.catalog import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    make_catalog()
    client = signed_in(make_user("lina", role="admin"))

    first = client.get(reverse("catalog:sku_results")).content.decode()
    second = client.get(reverse("catalog:sku_results"), {"page": 2}).content.decode()

    assert "LEGO-42115" in first and "LEGO-60337" in first and "MT-53-500" not in first
    assert "Page 1 of 2" in first and "page=2" in first
    assert "MT-53-500" in second and "LEGO" not in second


def test_list_page_has_the_search_box_wired_to_the_partial(catalog):
    client = signed_in(make_user("lina", role="admin"))

    body = client.get(reverse("catalog:sku_list")).content.decode()

    assert f'hx-get="{reverse("catalog:sku_results")}"' in body
    assert "Building sets" in body and "Liquor" in body  # the category filter
    assert "web/vendor/htmx.min.js" in body


def test_sku_page_shows_product_barcodes_and_prices(catalog):
    store = make_store()
    sku = catalog["skus"]["technic"]
    price_change(actor=None, sku=sku, new_price=Decimal("2799.00"), reason="Opening", store=store)
    client = signed_in(make_user("wei", role="store_manager", store=store))

    body = client.get(reverse("catalog:sku_detail", args=[sku.pk])).content.decode()

    assert "Lamborghini Sián" in body and "Building sets" in body
    assert "5702016616217" in body
    assert 'data-price="list">¥2999.00' in body
    assert 'data-price="effective">¥2799.00' in body


def test_sku_page_for_an_unknown_sku_is_404(db):
    client = signed_in(make_user("lina", role="admin"))

    assert client.get(reverse("catalog:sku_detail", args=[999999])).status_code == 404


def test_only_catalog_editors_see_the_edit_button(catalog):
    store = make_store()
    sku = catalog["skus"]["train"]
    url = reverse("catalog:sku_detail", args=[sku.pk])
    edit = reverse("catalog:sku_edit", args=[sku.pk])

    admin_page = signed_in(make_user("lina", role="admin")).get(url).content.decode()
    cashier = signed_in(make_user("wei", role="cashier", store=store))

    assert f'href="{edit}"' in admin_page
    assert f'href="{edit}"' not in cashier.get(url).content.decode()
    assert cashier.get(edit).status_code == 403
    assert cashier.post(edit, {"name": "Hacked", "unit": "pc"}).status_code == 403
    assert Sku.objects.get(pk=sku.pk).name == "Express Passenger Train"


def test_edit_saves_name_spec_unit_and_flags(catalog):
    sku = catalog["skus"]["train"]
    client = signed_in(make_user("lina", role="admin"))

    response = client.post(
        reverse("catalog:sku_edit", args=[sku.pk]),
        {"name": "Express Train 60337", "spec": "764 pcs", "unit": "box", "batch_tracked": "on"},
    )

    sku.refresh_from_db()
    assert response.url == reverse("catalog:sku_detail", args=[sku.pk])
    assert (sku.name, sku.spec, sku.unit) == ("Express Train 60337", "764 pcs", "box")
    assert sku.batch_tracked and not sku.is_active and not sku.age_restricted


def test_price_change_without_a_reason_shows_the_error_and_changes_nothing(catalog):
    sku = catalog["skus"]["technic"]
    client = signed_in(make_user("lina", role="admin"))

    response = client.post(
        reverse("catalog:price_change", args=[sku.pk]), {"new_price": "2499.00", "reason": " "}
    )

    assert response.status_code == 422
    assert "A reason is required for a price change." in response.content.decode()
    assert Sku.objects.get(pk=sku.pk).list_price == Decimal("2999.00")
    assert not AuditEntry.objects.filter(action="price.change").exists()


def test_price_change_error_is_shown_in_chinese(catalog):
    sku = catalog["skus"]["technic"]
    client = signed_in(make_user("lina", role="admin"), language="zh-hans")

    response = client.post(
        reverse("catalog:price_change", args=[sku.pk]), {"new_price": "2999.00", "reason": "x"}
    )

    assert "新价格与当前价格相同。" in response.content.decode()


def test_price_change_with_a_reason_changes_the_list_price_and_shows_in_history(catalog):
    sku = catalog["skus"]["technic"]
    client = signed_in(make_user("lina", role="admin", first_name="Lina"))

    response = client.post(
        reverse("catalog:price_change", args=[sku.pk]),
        {"new_price": "2499.00", "reason": "Spring campaign"},
        follow=True,
    )
    body = response.content.decode()

    assert Sku.objects.get(pk=sku.pk).list_price == Decimal("2499.00")
    assert "The price has been changed." in body
    history = body[body.index('id="price-history"') :]
    assert "Lina" in history and "Spring campaign" in history
    assert "¥2999.00" in history and "¥2499.00" in history


def test_store_manager_changes_the_price_of_their_store_only(catalog):
    store = make_store()
    sku = catalog["skus"]["moutai"]
    client = signed_in(make_user("wei", role="store_manager", store=store))

    form = client.get(reverse("catalog:price_change", args=[sku.pk])).content.decode()
    client.post(
        reverse("catalog:price_change", args=[sku.pk]),
        {"new_price": "1399.00", "reason": "Match the mall", "this_store_only": "on"},
    )
    detail = client.get(reverse("catalog:sku_detail", args=[sku.pk])).content.decode()

    assert 'name="this_store_only"' in form
    assert Sku.objects.get(pk=sku.pk).list_price == Decimal("1499.00")
    assert 'data-price="effective">¥1399.00' in detail
    assert "Match the mall" in detail


def test_store_manager_cannot_change_the_chain_wide_price(catalog):
    store = make_store()
    sku = catalog["skus"]["moutai"]
    client = signed_in(make_user("wei", role="store_manager", store=store))

    response = client.post(
        reverse("catalog:price_change", args=[sku.pk]),
        {"new_price": "1399.00", "reason": "Try chain-wide"},
    )

    assert response.status_code == 403
    assert "You do not have permission to do this here." in response.content.decode()
    assert Sku.objects.get(pk=sku.pk).list_price == Decimal("1499.00")


def test_cashier_has_no_price_change_button_or_page(catalog):
    store = make_store()
    sku = catalog["skus"]["moutai"]
    client = signed_in(make_user("wei", role="cashier", store=store))

    detail = client.get(reverse("catalog:sku_detail", args=[sku.pk])).content.decode()

    assert reverse("catalog:price_change", args=[sku.pk]) not in detail
    assert client.get(reverse("catalog:price_change", args=[sku.pk])).status_code == 403
