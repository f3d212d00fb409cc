import datetime as dt
import hashlib

import pytest

from storeos.accounts.models import ApiToken, Role
from storeos.accounts.services import api_token_authenticate, api_token_issue, api_token_revoke
from storeos.core import clock
from storeos.core.errors import PermissionDenied, ValidationFailed
from storeos.core.models import AuditEntry

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 4, 1, 8, 0, tzinfo=dt.UTC)


def test_an_issued_token_authenticates_its_user_and_only_its_hash_is_kept(analyst):
    with clock.frozen(T0):
        token, secret = api_token_issue(actor=analyst, user=analyst, name="BI export")
        assert api_token_authenticate(raw_token=secret) == analyst
    assert secret.startswith("sos_") and len(secret) > 40
    assert token.prefix == secret[:12]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert not ApiToken.objects.filter(token_hash__contains=secret[4:]).exists()
    assert token.expires_at == T0 + dt.timedelta(days=90)
    assert AuditEntry.objects.filter(action="api_token.issue").count() == 1


def test_each_token_is_a_new_secret(analyst):
    _, first = api_token_issue(actor=analyst, user=analyst, name="a")
    _, second = api_token_issue(actor=analyst, user=analyst, name="a")
    assert first != second


@pytest.mark.parametrize("raw", ["", "sos_", "sos_not-a-real-token", "Bearer x"])
def test_unknown_tokens_authenticate_nobody(analyst, raw):
    api_token_issue(actor=analyst, user=analyst, name="real")
    assert api_token_authenticate(raw_token=raw) is None


def test_a_revoked_token_stops_working(analyst):
    token, secret = api_token_issue(actor=analyst, user=analyst, name="ERP")
    api_token_revoke(actor=analyst, token=token)
    assert token.revoked_at is not None
    assert api_token_authenticate(raw_token=secret) is None
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1
    # revoking again changes nothing
    api_token_revoke(actor=analyst, token=token)
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_a_token_stops_working_when_it_expires(analyst):
    with clock.frozen(T0):
        _, secret = api_token_issue(actor=analyst, user=analyst, name="short", days=1)
    with clock.frozen(T0 + dt.timedelta(hours=23)):
        assert api_token_authenticate(raw_token=secret) == analyst
    with clock.frozen(T0 + dt.timedelta(days=1)):
        assert api_token_authenticate(raw_token=secret) is None


def test_a_deactivated_users_tokens_stop_working(analyst):
    _, secret = api_token_issue(actor=analyst, user=analyst, name="ERP")
    analyst.is_active = False
    analyst.save(update_fields=["is_active"])
    assert api_token_authenticate(raw_token=secret) is None


def test_last_use_is_recorded_at_most_once_a_minute(analyst):
    with clock.frozen(T0):
        token, secret = api_token_issue(actor=analyst, user=analyst, name="ERP")
        api_token_authenticate(raw_token=secret)
    token.refresh_from_db()
    assert token.last_used_at == T0
    with clock.frozen(T0 + dt.timedelta(seconds=30)):
        api_token_authenticate(raw_token=secret)
    token.refresh_from_db()
    assert token.last_used_at == T0
    with clock.frozen(T0 + dt.timedelta(seconds=61)):
        api_token_authenticate(raw_token=secret)
    token.refresh_from_db()
    assert token.last_used_at == T0 + dt.timedelta(seconds=61)


def test_a_cashier_may_not_hold_api_tokens(cashier):
    with pytest.raises(PermissionDenied):
        api_token_issue(actor=cashier, user=cashier, name="mine")
    assert not ApiToken.objects.exists()


def test_a_store_role_with_token_rights_may_issue_for_itself(make_user, store):
    marketer = make_user("marketing.he", role=Role.MARKETING, store=store)
    token, _ = api_token_issue(actor=marketer, user=marketer, name="campaign tool")
    assert token.user == marketer


def test_issuing_for_someone_else_needs_user_management(chain_admin, analyst, cashier):
    with pytest.raises(PermissionDenied):
        api_token_issue(actor=analyst, user=cashier, name="for you")
    token, _ = api_token_issue(actor=chain_admin, user=analyst, name="provisioned")
    assert token.user == analyst


def test_revoking_someone_elses_token_needs_user_management(chain_admin, analyst, make_user):
    token, _ = api_token_issue(actor=analyst, user=analyst, name="ERP")
    other = make_user("analyst.two", role=Role.HQ_ANALYST)
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=other, token=token)
    api_token_revoke(actor=chain_admin, token=token)
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    ("name", "days", "code"),
    [
        ("", None, "token_name_invalid"),
        ("   ", None, "token_name_invalid"),
        ("x" * 101, None, "token_name_invalid"),
        ("ok", 0, "token_days_invalid"),
        ("ok", 3651, "token_days_invalid"),
    ],
)
def test_bad_token_requests_are_refused(analyst, name, days, code):
    with pytest.raises(ValidationFailed) as refused:
        api_token_issue(actor=analyst, user=analyst, name=name, days=days)
    assert refused.value.code == code
    assert not ApiToken.objects.exists()
