"""A seeded demo per module: seeding is the slow part, so a module seeds each scenario once.

The seed runs inside a transaction rolled back when the module is done; each test runs in a
savepoint of its own, so a test that approves a scrap request or rings a sale leaves the next
test the same chain.
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from rich.console import Console

from storeos.core import clock
from storeos.demo.seed import seed_demo

SEEDS = {"lego": 42, "liquor": 7}
STORE_TZ = "Asia/Shanghai"


def last_afternoon() -> dt.datetime:
    """The latest 15:00 in the stores' time zone that has passed: a moment with a morning of
    sales behind it and the till still open, whenever the tests run."""
    tz = ZoneInfo(STORE_TZ)
    now = clock.now().astimezone(tz)
    afternoon = now.replace(hour=15, minute=0, second=0, microsecond=0)
    return afternoon if afternoon <= now else afternoon - dt.timedelta(days=1)


def quiet() -> Console:
    return Console(file=io.StringIO(), width=100)


_SEEDED_AT: dict[str, dt.datetime] = {}


@pytest.fixture(scope="module", params=sorted(SEEDS))
def demo(request, django_db_setup, django_db_blocker):
    """The scenario's name, with its demo seeded for the whole module at `last_afternoon()`."""
    # Argon2 costs ~0.1 s per demo user; these tests read stock and sales, not password hashes.
    md5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=md5),
        transaction.atomic(),
    ):
        _SEEDED_AT[request.param] = last_afternoon()
        with clock.frozen(_SEEDED_AT[request.param]):
            seed_demo(scenario=request.param, seed=SEEDS[request.param], console=quiet())
        yield request.param
        transaction.set_rollback(True)


@pytest.fixture
def seed_day(demo) -> dt.date:
    """The business day the demo was seeded on (its history ends that afternoon)."""
    return _SEEDED_AT[demo].astimezone(ZoneInfo(STORE_TZ)).date()
