"""Personal data at rest: members written through the real services leave no phone number or name
readable in the raw database (SQLite file bytes, PostgreSQL table dumps), audit log, outbox and
outgoing messages included."""

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from storeos.accounts.models import Role
from storeos.accounts.services import api_token_issue, role_grant, user_create
from storeos.core import clock
from storeos.loyalty import registration
from storeos.loyalty.adjustments import points_adjust
from storeos.loyalty.members import member_create
from storeos.loyalty.models import Member, OutgoingMessage, Programme, Tier
from storeos.loyalty.selectors import member_phone_reveal
from storeos.stores.services import region_create, store_create

# Distinctive enough that no other test, seed or fixture writes them.
MEMBERS = {
    "direct": ("13812345678", "欧阳娜娜"),
    "app": ("13987654321", "司马相如"),
    "till": ("13724681357", "诸葛孔明"),
    "api": ("13500009999", "慕容复"),
}
RENAMED = "上官婉儿"
STAFF_PHONE = "13611223344"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _programme() -> Programme:
    programme = Programme.objects.create(code="PII", name="PII test programme")
    Tier.objects.create(
        programme=programme,
        code="basic",
        name="Basic",
        rank=0,
        upgrade_threshold=0,
        retention_threshold=0,
        discount_rate=Decimal("0"),
        points_multiplier=Decimal("1"),
    )
    return programme


def _last_code() -> str:
    body = OutgoingMessage.objects.order_by("-id").first().body
    return re.search(r"\d{6}", body).group()


def _write_members() -> list[Member]:
    """Every path that takes a phone or a name: the services, the app's code flow, the API."""
    _programme()
    region = region_create(actor=None, code="R-PII", name="East")
    store = store_create(actor=None, code="PII01", name="Shanghai", region=region, city="Shanghai")
    admin = user_create(
        actor=None, username="pii.admin", password="kettle-harbour-91", phone=STAFF_PHONE
    )
    role_grant(actor=None, user=admin, role=Role.ADMIN)

    phone, name = MEMBERS["direct"]
    direct = member_create(
        phone=f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}",
        name=name,
        home_store=store,
        marketing_consent=True,
        consent_source="pos",
    )
    registration.member_profile_update(member=direct, name=RENAMED)

    phone, name = MEMBERS["app"]
    registration.verification_code_request(phone=phone, purpose="register")
    app = registration.member_register(phone=phone, code=_last_code(), name=name, consent=True)

    phone, name = MEMBERS["till"]
    till = registration.member_register_at_till(
        actor=admin, store=store, phone=f"{phone[:3]} {phone[3:7]} {phone[7:]}", name=name
    )
    points_adjust(actor=admin, member=till, points=50, reason="goodwill", key="pii-at-rest")
    assert member_phone_reveal(user=admin, member=till) == phone

    phone, name = MEMBERS["api"]
    _, secret = api_token_issue(actor=None, user=admin, name="till")
    response = Client().post(
        "/api/v1/loyalty/members",
        {"store_id": store.pk, "phone": phone, "name": name},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.content
    api = Member.objects.get(pk=response.json()["id"])

    # a member signs in to the app later: another code, another message to the phone
    with clock.frozen(clock.now() + dt.timedelta(minutes=5)):
        registration.verification_code_request(phone=MEMBERS["app"][0], purpose="sign_in")
        registration.member_sign_in(phone=MEMBERS["app"][0], code=_last_code())
    return [direct, app, till, api]


def _needles() -> dict[str, list[bytes]]:
    """What a reader of the raw data would search for, in the forms it could be stored in."""
    needles = {}
    for phone in [p for p, _ in MEMBERS.values()] + [STAFF_PHONE]:
        needles[phone] = [
            phone.encode(),
            f"{phone[:3]}-{phone[3:7]}-{phone[7:]}".encode(),
            f"{phone[:3]} {phone[3:7]} {phone[7:]}".encode(),
        ]
    for name in [n for _, n in MEMBERS.values()] + [RENAMED]:
        needles[name] = [
            name.encode(),
            # JSON columns (audit rows, outbox payloads) may keep \\uXXXX escapes on SQLite
            json.dumps(name)[1:-1].encode(),
        ]
    return needles


def _table_dumps() -> dict[str, bytes]:
    """Every table's rows as text: COPY on PostgreSQL, a plain SELECT on SQLite."""
    dumps = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                sql = f"COPY {quoted} TO STDOUT WITH (FORMAT csv)"
                with cursor.cursor.copy(sql) as copy:
                    dumps[table] = b"".join(bytes(chunk) for chunk in copy)
            else:
                cursor.execute(f"SELECT * FROM {quoted}")
                rows = ["\t".join(map(str, row)) for row in cursor.fetchall()]
                dumps[table] = "\n".join(rows).encode()
    return dumps


def _sqlite_file_bytes() -> dict[str, bytes]:
    """The database file and its write-ahead log, as a thief with the disk would read them."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(FULL)")
    path = Path(connection.settings_dict["NAME"])
    files = [path, path.with_name(path.name + "-wal")]
    return {str(f): f.read_bytes() for f in files if f.exists()}


def _found(haystacks: dict[str, bytes], needles: dict[str, list[bytes]]) -> list[str]:
    return [
        f"{what!r} as {form!r} in {where}"
        for where, data in haystacks.items()
        for what, forms in needles.items()
        for form in forms
        if form in data
    ]


# SQLite: committed, so the rows are in the file on disk. PostgreSQL: COPY on the test's own
# connection sees them anyway, and a transactional test would cost a flush of every table.
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_member_phones_and_names_are_not_readable_in_the_raw_database():
    # given members written through every registration path, then edited, adjusted and revealed
    members = _write_members()
    # when someone reads the raw tables (and, on SQLite, the database file itself)
    dumps = _table_dumps()
    files = _sqlite_file_bytes() if connection.vendor == "sqlite" else {}
    haystacks = dumps | files
    # then the search works: what is stored in the clear is there to be found...
    for source in [dumps, files] if files else [dumps]:
        for member in members:
            assert any(member.code.encode() in data for data in source.values()), member.code
    assert b"member.phone_reveal" in dumps["core_auditentry"]
    # ...but no phone number or name is, in any form, in any table or file
    assert _found(haystacks, _needles()) == []


def test_the_search_finds_a_phone_left_in_the_clear(db):
    # the check above must be able to fail: a raw phone in an audit row is caught
    from storeos.core.audit import audit_record

    phone, name = MEMBERS["direct"]
    audit_record(actor=None, action="leak", after={"phone": phone, "name": name})
    found = _found(_table_dumps(), _needles())
    assert any(f"{phone!r}" in line for line in found)
    assert any(f"{name!r}" in line for line in found)
