import datetime as dt
from decimal import Decimal

import pytest

from storeos.catalog.pricing import price_change, price_list_create, price_list_item_set
from storeos.core import clock
from storeos.promotions import labels, tasks_labels
from storeos.promotions.engine import cart_price
from storeos.promotions.models import LabelUpdate, PromotionKind, PromotionStatus
from storeos.promotions.tests.conftest import promotion_make
from storeos.sales.tests.conftest import user_with_role
from storeos.stores.models import Store

API = "/api/v1/labels"
T0 = dt.datetime(2031, 3, 2, 9, 0, tzinfo=dt.UTC)
STARTS = T0 + dt.timedelta(days=3)
ENDS = T0 + dt.timedelta(days=10)


@pytest.fixture
def other_store(store):
    return Store.objects.create(code="S2", name="Store two", region=store.region)


def engine_prices_promotions() -> bool:
    try:
        cart_price(store=None, channel="pos", items=[])
    except NotImplementedError:
        return False
    except Exception:
        return True
    return True


def labels_of(store, sku) -> list[LabelUpdate]:
    return list(LabelUpdate.objects.filter(store=store, sku=sku).order_by("id"))


def test_a_list_price_change_writes_one_update_per_store_with_the_new_price(
    catalogue, other_store, django_capture_on_commit_callbacks
):
    car = catalogue.sku("CAR")

    with django_capture_on_commit_callbacks(execute=True):
        price_change(actor=None, sku=car, new_price=Decimal("89.00"), reason="competitor")

    updates = list(LabelUpdate.objects.filter(sku=car).order_by("store_id"))
    assert [(u.store_id, u.display_price, u.regular_price) for u in updates] == [
        (catalogue_store.pk, Decimal("89.00"), Decimal("89.00"))
        for catalogue_store in Store.objects.order_by("pk")
    ]
    assert {u.reason for u in updates} == {labels.PRICE_CHANGE}
    assert len(updates) == 2


def test_a_store_price_change_touches_only_that_stores_label(
    store, catalogue, other_store, django_capture_on_commit_callbacks
):
    doll = catalogue.sku("DOLL")

    with django_capture_on_commit_callbacks(execute=True):
        price_change(actor=None, sku=doll, new_price=Decimal("25.00"), reason="local", store=store)

    assert [(u.store_id, u.display_price) for u in LabelUpdate.objects.all()] == [
        (store.pk, Decimal("25.00"))
    ]


def test_an_online_only_price_change_leaves_shelf_labels_alone(
    store, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        price_change(
            actor=None,
            sku=catalogue.sku("MUG"),
            new_price=Decimal("8.00"),
            reason="online",
            channel="online_mall",
        )

    assert not LabelUpdate.objects.exists()


def test_recomputing_an_unchanged_label_writes_nothing(store, catalogue):
    car = catalogue.sku("CAR")
    assert labels.labels_for_price(sku_id=car.pk, store_id=None, reason="price_change") == 1

    again = labels.labels_for_price(sku_id=car.pk, store_id=None, reason="price_change")

    assert again == 0
    assert len(labels_of(store, car)) == 1


def test_a_price_list_starting_later_changes_the_label_when_it_starts(
    store, catalogue, django_capture_on_commit_callbacks
):
    mug = catalogue.sku("MUG")
    with clock.frozen(T0):
        season = price_list_create(
            actor=None, code="SPRING", name="Spring", valid_from=STARTS, valid_to=ENDS
        )
        with django_capture_on_commit_callbacks(execute=True):
            price_list_item_set(actor=None, price_list=season, sku=mug, price=Decimal("7.50"))
        assert labels_of(store, mug) == []

    with clock.frozen(STARTS):
        tasks_labels.price_labels_task.call_local(mug.pk, None, labels.PRICE_LIST_START)
    with clock.frozen(ENDS):
        tasks_labels.price_labels_task.call_local(mug.pk, None, labels.PRICE_LIST_END)

    assert [u.display_price for u in labels_of(store, mug)] == [Decimal("7.50"), Decimal("10.00")]


def approve_later_promotion(kind, rule, label, scope, capture):
    from storeos.promotions.services import promotion_approve

    promotion = promotion_make(
        kind,
        rule,
        scope=scope,
        label=label,
        status=PromotionStatus.DRAFT,
        starts_at=STARTS,
        ends_at=ENDS,
    )
    with clock.frozen(T0), capture(execute=True):
        promotion_approve(actor=None, promotion=promotion)
    return promotion


def test_a_promotion_approved_for_later_updates_labels_when_it_starts_and_when_it_ends(
    store, catalogue, django_capture_on_commit_callbacks
):
    # Given a "second at half price" on the doll, approved now for next week
    doll = catalogue.sku("DOLL")
    promotion = approve_later_promotion(
        PromotionKind.NTH_ITEM,
        {"nth": 2, "percent": "50"},
        "第二件半价",
        {"skus": [doll.pk]},
        django_capture_on_commit_callbacks,
    )
    assert labels_of(store, doll) == []

    # When it starts, and later ends
    with clock.frozen(STARTS):
        tasks_labels.promotion_labels_task.call_local(promotion.pk, labels.PROMOTION_START)
    with clock.frozen(ENDS):
        tasks_labels.promotion_labels_task.call_local(promotion.pk, labels.PROMOTION_END)

    # Then the label shows the offer, then no offer; one unit still costs its price
    assert [(u.display_price, u.promo_text, u.reason) for u in labels_of(store, doll)] == [
        (Decimal("30.00"), "第二件半价", labels.PROMOTION_START),
        (Decimal("30.00"), "", labels.PROMOTION_END),
    ]
    assert LabelUpdate.objects.exclude(sku=doll).count() == 0


@pytest.mark.skipif(not engine_prices_promotions(), reason="the promotions engine is not in yet")
def test_a_percent_off_promotion_shows_its_price_on_the_label_while_it_runs(
    store, catalogue, django_capture_on_commit_callbacks
):
    car = catalogue.sku("CAR")
    promotion = approve_later_promotion(
        PromotionKind.PERCENT_OFF,
        {"percent": "20"},
        "八折",
        {"skus": [car.pk]},
        django_capture_on_commit_callbacks,
    )

    with clock.frozen(STARTS):
        tasks_labels.promotion_labels_task.call_local(promotion.pk, labels.PROMOTION_START)

    latest = labels_of(store, car)[-1]
    assert (latest.display_price, latest.regular_price, latest.promo_text) == (
        Decimal("80.00"),
        Decimal("100.00"),
        "八折",
    )


def test_ending_a_running_promotion_updates_its_labels_at_once(
    store, catalogue, django_capture_on_commit_callbacks
):
    from storeos.promotions.services import promotion_end

    doll = catalogue.sku("DOLL")
    promotion = promotion_make(
        PromotionKind.NTH_ITEM, {"nth": 2, "percent": "50"}, scope={"skus": [doll.pk]}, label="x2"
    )
    labels.labels_for_promotion(promotion_id=promotion.pk, reason=labels.PROMOTION_START)

    with django_capture_on_commit_callbacks(execute=True):
        promotion_end(actor=None, promotion=promotion)

    assert [u.promo_text for u in labels_of(store, doll)] == ["x2", ""]


# --- The device API -----------------------------------------------------------------------------
@pytest.fixture
def gateway():
    from storeos.accounts.services import api_token_issue

    def make(store) -> dict[str, str]:
        user = user_with_role("store_manager", store)
        _, secret = api_token_issue(actor=None, user=user, name="esl gateway")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


def test_a_label_gateway_pulls_its_stores_updates_and_acknowledges_them_twice_safely(
    client, store, other_store, catalogue, gateway
):
    car, doll = catalogue.sku("CAR"), catalogue.sku("DOLL")
    labels.labels_refresh(stores=[store, other_store], skus=[car, doll], reason="price_change")
    headers = gateway(store)

    pulled = client.get(f"{API}/pending", {"store_id": store.pk}, **headers)

    assert pulled.status_code == 200
    body = pulled.json()
    assert [(u["sku_code"], u["display_price"]) for u in body["updates"]] == [
        ("CAR", "100.00"),
        ("DOLL", "30.00"),
    ]
    ids = [u["id"] for u in body["updates"]]
    assert body["last_id"] == ids[-1]

    ack = {"ids": ids, "device": "esl-gw-01"}
    first = client.post(f"{API}/ack", ack, content_type="application/json", **headers)
    second = client.post(f"{API}/ack", ack, content_type="application/json", **headers)

    assert (first.status_code, first.json()) == (200, {"acknowledged": 2})
    assert (second.status_code, second.json()) == (200, {"acknowledged": 0})
    again = client.get(f"{API}/pending", {"store_id": store.pk}, **headers).json()
    assert again["updates"] == []
    assert LabelUpdate.objects.filter(store=other_store, acknowledged_at__isnull=True).count() == 2


def test_a_gateway_cannot_see_or_acknowledge_another_stores_labels(
    client, store, other_store, catalogue, gateway
):
    labels.labels_refresh(stores=[other_store], skus=[catalogue.sku("CAR")], reason="x")
    theirs = LabelUpdate.objects.get(store=other_store)
    headers = gateway(store)

    pulled = client.get(f"{API}/pending", {"store_id": other_store.pk}, **headers)
    acked = client.post(
        f"{API}/ack",
        {"ids": [theirs.pk], "device": "esl-gw-01"},
        content_type="application/json",
        **headers,
    )

    assert pulled.status_code == 403
    assert (acked.status_code, acked.json()["code"]) == (404, "label_update_not_found")
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None


def test_a_newer_update_supersedes_an_unacknowledged_one(store, catalogue):
    car = catalogue.sku("CAR")
    manager = user_with_role("store_manager", store)
    labels.labels_refresh(stores=[store], skus=[car], reason="price_change")
    price_change(actor=None, sku=car, new_price=Decimal("95.00"), reason="promo")
    labels.labels_refresh(stores=[store], skus=[car], reason="price_change")

    pending = labels.labels_pending(user=manager, store_id=store.pk)

    assert [u.display_price for u in pending] == [Decimal("95.00")]
    assert labels.labels_ack(user=manager, ids=[pending[0].pk], device="gw") == 2


def test_an_acknowledgement_without_a_device_is_refused_and_changes_nothing(
    client, store, catalogue, gateway
):
    labels.labels_refresh(stores=[store], skus=[catalogue.sku("CAR")], reason="x")
    update = LabelUpdate.objects.get()

    response = client.post(
        f"{API}/ack",
        {"ids": [update.pk], "device": ""},
        content_type="application/json",
        **gateway(store),
    )

    assert response.status_code == 422
    update.refresh_from_db()
    assert update.acknowledged_at is None


def test_a_weekend_promotions_labels_change_as_the_weekend_starts_and_ends(store, catalogue):
    # 2031-03-07 is a Friday; the store keeps Shanghai time (UTC+8).
    car = catalogue.sku("CAR")
    promotion_make(
        PromotionKind.PERCENT_OFF,
        {"percent": "20"},
        scope={"skus": [car.pk]},
        weekdays=[5, 6],
        label="周末八折",
    )
    friday_evening = dt.datetime(2031, 3, 7, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    labels.labels_refresh(stores=[store], skus=[car], reason=labels.PRICE_CHANGE, at=friday_evening)
    assert labels_of(store, car)[-1].promo_text == ""  # not in the window: no promotion text

    shown = []
    for hours_later in (0, 1, 2, 49, 50):  # Fri 23:00, Sat 00:00, Sat 01:00, Mon 00:00, Mon 01:00
        labels.labels_for_windows(at=friday_evening + dt.timedelta(hours=hours_later))
        latest = labels_of(store, car)[-1]
        shown.append((latest.display_price, latest.promo_text, latest.reason))

    assert shown == [
        (Decimal("100.00"), "", labels.PRICE_CHANGE),
        (Decimal("80.00"), "周末八折", labels.PROMOTION_WINDOW),
        (Decimal("80.00"), "周末八折", labels.PROMOTION_WINDOW),
        (Decimal("100.00"), "", labels.PROMOTION_WINDOW),
        (Decimal("100.00"), "", labels.PROMOTION_WINDOW),
    ]
    assert len(labels_of(store, car)) == 3  # one update per change, none while nothing changes
