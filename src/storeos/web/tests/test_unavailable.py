"""When the database cannot be reached, pages say so with a 503 (safe to retry), not a 500."""

import socket
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from storeos.web.tests.factories import make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # A real refused connection: the server's port is swapped for a closed one. SQLite's test
    # database lives in memory and would vanish with its connection.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    real = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(_closed_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real


def test_a_page_and_the_api_answer_503_while_the_database_is_unreachable():
    client = Client(raise_request_exception=False)
    client.force_login(make_user("lin", role="store_manager"))
    client.cookies["django_language"] = "en"

    with database_unreachable():
        page = client.get("/")
        api = client.get("/api/v1/auth/me")

    assert page.status_code == 503 and page["Retry-After"] == "2"
    assert "cannot reach its database" in page.content.decode()
    assert api.status_code == 503 and api.json()["code"] == "database_unavailable"
    # and once it is back, the same page works again
    assert client.get("/").status_code == 200
