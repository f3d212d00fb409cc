import datetime as dt

import pytest
from django.test import RequestFactory

from storeos.accounts.models import LoginAttempt
from storeos.accounts.services import (
    authenticate_user,
    login_attempts_purge,
    login_check_allowed,
    login_failed,
    login_succeeded,
)
from storeos.core import clock
from storeos.core.errors import NotAuthenticated, TooManyRequests

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 4, 1, 8, 0, tzinfo=dt.UTC)


def _request(ip: str = "10.0.0.1"):
    return RequestFactory().post("/login/", REMOTE_ADDR=ip)


def test_the_right_password_logs_in(cashier):
    assert authenticate_user(request=_request(), username="cashier.wang", password=PASSWORD) == (
        cashier
    )


def test_a_wrong_password_is_refused_and_counted(cashier):
    with pytest.raises(NotAuthenticated) as refused:
        authenticate_user(request=_request(), username="cashier.wang", password="wrong")
    assert refused.value.code == "invalid_credentials"
    assert refused.value.status == 401
    assert LoginAttempt.objects.filter(username="cashier.wang", ip_address="10.0.0.1").count() == 1


def test_an_inactive_user_cannot_log_in(make_user):
    make_user("left.company", is_active=False)
    with pytest.raises(NotAuthenticated):
        authenticate_user(request=_request(), username="left.company", password=PASSWORD)


def test_after_five_failures_even_the_right_password_is_refused(cashier):
    # given five wrong guesses
    with clock.frozen(T0):
        for _ in range(5):
            with pytest.raises(NotAuthenticated):
                authenticate_user(request=_request(), username="cashier.wang", password="guess")
        # when the right password comes next
        with pytest.raises(TooManyRequests) as refused:
            authenticate_user(request=_request(), username="cashier.wang", password=PASSWORD)
    # then it is throttled, with a hint of how long to wait
    assert refused.value.code == "login_throttled"
    assert refused.value.status == 429
    assert 0 < refused.value.details["retry_after_seconds"] <= 900


def test_the_throttle_counts_per_username_across_addresses_and_letter_case(cashier):
    with clock.frozen(T0):
        for i in range(5):
            login_failed(username="Cashier.Wang" if i % 2 else "cashier.wang", ip=f"10.0.0.{i}")
        with pytest.raises(TooManyRequests):
            login_check_allowed(username="cashier.wang", ip="192.168.1.1")


def test_the_throttle_counts_per_address_across_usernames():
    with clock.frozen(T0):
        for i in range(5):
            login_failed(username=f"guess{i}", ip="203.0.113.9")
        with pytest.raises(TooManyRequests):
            login_check_allowed(username="someone.else", ip="203.0.113.9")
        # another address trying another name is unaffected
        login_check_allowed(username="someone.else", ip="203.0.113.10")


def test_failures_stop_counting_once_the_window_has_passed(cashier):
    with clock.frozen(T0):
        for _ in range(5):
            login_failed(username="cashier.wang", ip="10.0.0.1")
    with clock.frozen(T0 + dt.timedelta(seconds=901)):
        user = authenticate_user(request=_request(), username="cashier.wang", password=PASSWORD)
        assert user == cashier
        assert login_attempts_purge() == 0  # the success already cleared them


def test_a_successful_login_clears_that_usernames_failures(cashier):
    with clock.frozen(T0):
        for _ in range(4):
            login_failed(username="cashier.wang", ip="10.0.0.1")
        login_failed(username="other", ip="10.0.0.2")
        login_succeeded(username="cashier.wang")
    assert list(LoginAttempt.objects.values_list("username", flat=True)) == ["other"]


def test_old_failures_are_purged(cashier):
    with clock.frozen(T0):
        login_failed(username="cashier.wang", ip="10.0.0.1")
    with clock.frozen(T0 + dt.timedelta(minutes=10)):
        login_failed(username="cashier.wang", ip="10.0.0.1")
    with clock.frozen(T0 + dt.timedelta(minutes=20)):
        assert login_attempts_purge() == 1
    assert LoginAttempt.objects.count() == 1


def test_callers_without_an_address_are_throttled_by_username_only():
    with clock.frozen(T0):
        for i in range(5):
            login_failed(username=f"script{i}", ip="")
        login_check_allowed(username="script9", ip="")
