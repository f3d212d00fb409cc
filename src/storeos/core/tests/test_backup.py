"""`storeos backup` / `storeos restore`: a backup taken while the data is live restores to exactly
that moment (later sales and points gone), reconciles and its ledgers verify; a wrong or missing
file is refused with exit code 2 and changes nothing.

The round trip restores into a scratch database (an SQLite file, or a PostgreSQL database made
and dropped with psql), never over the test database, and checks it with the real commands.
"""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation

from storeos.cli import main
from storeos.core import clock
from storeos.core.backup import backup_restore
from storeos.core.tests.test_reconcile import MORNING, _sell, spine_make
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.models import Member
from storeos.sales.checkout import CartLine
from storeos.sales.models import Order


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (the default language is Chinese)."""
    with translation.override("en"):
        yield


def _scratch(tmp_path: Path):
    """(Django settings dict, DATABASE_URL, query function, drop function) for an empty
    database of the same kind as the test database."""
    here = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def query(sql: str) -> str:
            with sqlite3.connect(path) as db:
                return str(db.execute(sql).fetchone()[0])

        settings = {"ENGINE": here["ENGINE"], "NAME": str(path)}
        return settings, f"sqlite:///{path}", query, lambda: None
    name = f"{here['NAME']}_restore"
    host, port, user = here.get("HOST") or "127.0.0.1", here.get("PORT") or 5432, here["USER"]
    env = {**os.environ, "PGPASSWORD": here.get("PASSWORD") or ""}

    def psql(sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            ["psql", "-h", host, "-p", str(port), "-U", user, "-d", database, "-tAc", sql],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    settings = {**here, "NAME": name}
    password = f":{here['PASSWORD']}" if here.get("PASSWORD") else ""
    url = f"postgres://{user}{password}@{host}:{port}/{name}"
    return (
        settings,
        url,
        lambda sql: psql(sql, name),
        lambda: psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'),
    )


def storeos(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "storeos.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_is_the_chain_as_it_was_and_reconciles(tmp_path, capsys):
    # Given: a morning of sales, then a backup taken with the app's database live
    spine = spine_make()
    member = Member.objects.get(pk=spine.member.pk)
    orders_then = Order.objects.count()
    early = tmp_path / "early.backup"
    assert main(["backup", str(early)]) == 0
    assert "Backed up" in capsys.readouterr().err

    # When: the day goes on (a sale and points), is backed up too, and the early backup is
    # restored over a database holding that later day
    with clock.frozen(MORNING + dt.timedelta(hours=2)):
        later_order = _sell(
            (spine.store, spine.cashier), [CartLine(spine.figure, 1)], member=spine.member
        )
        points_earn(
            member_id=member.pk,
            points=777,
            key=f"later-{uuid.uuid4()}",
            source=Source("activity", "later"),
            expires_on=dt.date(2027, 6, 30),
        )
    later = tmp_path / "later.backup"
    assert main(["backup", str(later)]) == 0
    target, url, query, drop = _scratch(tmp_path)
    try:
        backup_restore(path=later, database=target)
        assert query("SELECT COUNT(*) FROM sales_order") == str(orders_then + 1)
        backup_restore(path=early, database=target)

        # Then: the later sale and points are gone, and the restored chain adds up
        assert query("SELECT COUNT(*) FROM sales_order") == str(orders_then)
        assert (
            query(f"SELECT COUNT(*) FROM sales_order WHERE number = '{later_order.number}'") == "0"
        )
        assert query(f"SELECT points_balance FROM loyalty_member WHERE id = {member.pk}") == str(
            member.points_balance
        )
        reconciled = storeos(url, "audit", "reconcile")
        verified = storeos(url, "loyalty", "verify")
    finally:
        drop()
    assert reconciled.returncode == 0, reconciled.stderr
    assert "Everything reconciles" in reconciled.stderr
    assert verified.returncode == 0, verified.stderr
    assert "points ledger intact" in verified.stderr


def words(text: str) -> str:
    """The console wraps long messages; compare them as words."""
    return " ".join(text.split())


def _orders() -> int:
    return Order.objects.count()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_missing_or_foreign_file_with_exit_code_2(tmp_path, capsys):
    spine_make()
    before = _orders()
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    other_kind = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other_kind.write_bytes(b"PGDMP" + b"\0" * 100)
        other_name = "a PostgreSQL backup"
    else:
        other_kind.write_bytes(b"SQLite format 3\x00" + b"\0" * 100)
        other_name = "an SQLite backup"

    missing = main(["restore", str(tmp_path / "nowhere.backup")])
    missing_err = capsys.readouterr().err
    wrong = main(["restore", str(text)])
    wrong_err = capsys.readouterr().err
    foreign = main(["restore", str(other_kind)])
    foreign_err = capsys.readouterr().err
    no_folder = main(["backup", str(tmp_path / "no" / "such" / "folder.backup")])
    no_folder_err = capsys.readouterr().err

    assert (missing, wrong, foreign, no_folder) == (2, 2, 2, 2)
    assert "There is no backup file" in words(missing_err)
    assert "not a StoreOS backup" in words(wrong_err)
    assert other_name in words(foreign_err)
    assert "does not exist" in words(no_folder_err)
    assert _orders() == before
    assert not list((tmp_path).glob(".*.partial"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own integrity check")
@pytest.mark.django_db(transaction=True)
def test_a_damaged_sqlite_backup_is_refused_and_changes_nothing(tmp_path, capsys):
    spine_make()
    before = _orders()
    whole = tmp_path / "whole.backup"
    assert main(["backup", str(whole)]) == 0
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(whole.read_bytes()[: 4096 * 3])

    code = main(["restore", str(damaged)])

    assert code == 2
    assert "damaged or not a StoreOS database" in words(capsys.readouterr().err)
    assert _orders() == before
