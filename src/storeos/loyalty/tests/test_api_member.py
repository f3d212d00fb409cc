import datetime as dt
import re

import pytest

from storeos.core import clock
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.models import Member, MemberSession, Reward, RewardKind
from storeos.loyalty.registration import member_session_open

API = "/api/v1/member"
PHONE = "13500135000"
AT = dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def outbox(settings, tmp_path):
    settings.STOREOS_SMS_SENDER = "file"
    settings.DATA_DIR = tmp_path
    return tmp_path / "outbox" / "sms.log"


def post(client, path, body, headers=None, **extra):
    return client.post(
        f"{API}{path}", body, content_type="application/json", **(headers or {}), **extra
    )


@pytest.fixture
def ask_code(client, outbox, django_capture_on_commit_callbacks):
    def ask(phone=PHONE, purpose="register"):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, "/codes", {"phone": phone, "purpose": purpose})
        if response.status_code != 202:
            return response, None
        last = outbox.read_text().splitlines()[-1]
        return response, re.search(r"\b(\d{6})\b", last.split("\t")[2]).group(1)

    return ask


@pytest.fixture
def signed_in(member):
    token = member_session_open(member=member).token
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_customer_joins_from_the_app_with_the_code_texted_to_them(client, programme, ask_code):
    with clock.frozen(AT):
        sent, code = ask_code()
        joined = post(
            client,
            "/register",
            {"phone": PHONE, "code": code, "name": "王五", "marketing_consent": True},
        )
        token = joined.json().get("token")
        me = client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert sent.status_code == 202
    assert joined.status_code == 201
    body = joined.json()
    member = Member.objects.get()
    assert body["member"]["code"] == member.code
    assert (member.channel, member.consent_source) == ("mini_program", "mini_program")
    assert me.json()["name"] == "王五"
    assert me.json()["phone_masked"] == "135****5000"


def test_a_registered_phone_is_refused_and_nothing_changes(client, member, ask_code):
    _, code = ask_code(phone="13800138000")

    response = post(client, "/register", {"phone": "13800138000", "code": code, "name": "X"})

    assert response.status_code == 409
    assert response.json()["code"] == "phone_already_registered"
    assert Member.objects.count() == 1
    assert not MemberSession.objects.exists()


def test_wrong_codes_are_refused_and_the_code_burns_after_five(client, programme, ask_code):
    _, code = ask_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    answers = [post(client, "/register", {"phone": PHONE, "code": wrong}) for _ in range(5)]
    last = post(client, "/register", {"phone": PHONE, "code": code})

    assert {a.status_code for a in answers} == {422}
    assert {a.json()["code"] for a in answers} == {"verification_failed"}
    assert last.json()["details"]["reason"] == "too_many_attempts"
    assert not Member.objects.exists()


def test_a_phone_gets_one_code_a_minute(client, programme, ask_code, outbox):
    with clock.frozen(AT):
        ask_code()
        again, _ = ask_code()

    assert again.status_code == 429
    assert again.json()["code"] == "too_many_requests"
    assert len(outbox.read_text().splitlines()) == 1


def test_a_member_signs_in_with_a_code(client, member, ask_code):
    _, code = ask_code(phone="13800138000", purpose="sign_in")

    response = post(client, "/sign-in", {"phone": "13800138000", "code": code})

    assert response.status_code == 200
    summary = client.get(
        f"{API}/me/summary", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}"
    )
    assert summary.json()["id"] == member.pk


def test_member_endpoints_need_a_member_session(client, member, signed_in):
    assert client.get(f"{API}/me").status_code == 401
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
    post(client, "/sign-out", {}, signed_in)
    assert client.get(f"{API}/me", **signed_in).status_code == 401


def test_a_member_sets_a_birthday_once_and_changes_consent(client, member, signed_in):
    path = f"{API}/me"

    first = client.patch(path, {"birthday": "1990-06-01"}, "application/json", **signed_in)
    second = client.patch(path, {"birthday": "1991-01-01"}, "application/json", **signed_in)
    consent = client.patch(path, {"marketing_consent": False}, "application/json", **signed_in)

    assert first.json()["birthday"] == "1990-06-01"
    assert second.status_code == 409
    assert second.json()["code"] == "birthday_already_set"
    member.refresh_from_db()
    assert member.birthday == dt.date(1990, 6, 1)
    assert consent.json()["marketing_consent"] is False
    assert member.consent_source == "app"


def test_the_member_qr_code_is_an_svg(client, member, signed_in):
    response = client.get(f"{API}/me/qr", **signed_in)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_tier_progress_and_points_history(client, member, signed_in):
    points_earn(
        member_id=member.pk,
        points=30,
        key="o1",
        source=Source("order", "1"),
        expires_on=dt.date(2030, 1, 31),
    )

    tier = client.get(f"{API}/me/tier", **signed_in).json()
    history = client.get(f"{API}/me/points", **signed_in).json()

    assert (tier["tier_code"], tier["next_tier_name"], tier["growth_to_next_tier"]) == (
        "bronze",
        "Silver",
        1000,
    )
    assert [e["points"] for e in history] == [30]
    assert client.get(f"{API}/me/coupons", **signed_in).json() == []


def test_a_member_redeems_a_reward_once_per_key(client, member, signed_in):
    Reward.objects.create(code="MUG", name="Mug", kind=RewardKind.GOODS, points_cost=100, stock=3)
    points_earn(
        member_id=member.pk,
        points=250,
        key="o1",
        source=Source("order", "1"),
        expires_on=dt.date(2030, 1, 31),
    )

    listed = client.get(f"{API}/me/rewards", **signed_in).json()
    first = post(client, "/me/rewards/MUG/redeem", {}, signed_in, HTTP_IDEMPOTENCY_KEY="r1")
    replay = post(client, "/me/rewards/MUG/redeem", {}, signed_in, HTTP_IDEMPOTENCY_KEY="r1")

    assert [r["code"] for r in listed] == ["MUG"]
    assert first.status_code == replay.status_code == 201
    assert first.json() == replay.json()
    member.refresh_from_db()
    assert member.points_balance == 150
    assert Reward.objects.get().stock == 2
