"""`loyalty verify` finds an edited, deleted or reordered entry and a deleted tail."""

import datetime as dt

import pytest
from django.db import connection

from storeos import cli
from storeos.loyalty.checkpoints import ledger_checkpoint_create
from storeos.loyalty.ledger import Source, points_earn, points_spend
from storeos.loyalty.models import Member, PointsEntry, PointsLot, PointsLotUse
from storeos.loyalty.verify import ledger_verify

LATER = dt.date(2099, 12, 31)
ENTRIES = PointsEntry._meta.db_table
USES = PointsLotUse._meta.db_table
MEMBERS = Member._meta.db_table


def _history(member, other_member):
    """Member: earn 100, earn 50, spend 30, earn 20 (seq 1-4). Other member: earn 10."""
    for key, points in (("a1", 100), ("a2", 50)):
        points_earn(
            member_id=member.pk, points=points, key=key, source=Source("o", key), expires_on=LATER
        )
    points_spend(member_id=member.pk, points=30, key="a3", source=Source("o", "a3"))
    points_earn(
        member_id=member.pk, points=20, key="a4", source=Source("o", "a4"), expires_on=LATER
    )
    points_earn(
        member_id=other_member.pk, points=10, key="b1", source=Source("o", "b1"), expires_on=LATER
    )


def _sql(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _entry(member, seq):
    return PointsEntry.objects.get(member=member, seq=seq)


def test_a_clean_ledger_passes_and_the_cli_exits_0(member, other_member, capsys):
    _history(member, other_member)
    ledger_checkpoint_create()

    report = ledger_verify()
    code = cli.main(["loyalty", "verify"])

    assert report.ok and report.breaks == []
    assert (report.members, report.entries, report.checkpoints) == (2, 5, 1)
    assert code == 0
    assert "OK" in capsys.readouterr().err


def test_an_empty_ledger_passes(programme):
    report = ledger_verify()

    assert report.ok and report.entries == 0


def test_an_entry_edited_in_the_database_is_named_and_the_cli_exits_1(member, other_member, capsys):
    _history(member, other_member)
    edited = _entry(member, 2)
    _sql(f"UPDATE {ENTRIES} SET points = 500 WHERE id = %s", edited.pk)

    report = ledger_verify()
    code = cli.main(["loyalty", "verify"])

    assert not report.ok
    first = report.first
    assert (first.member_code, first.seq, first.entry_id) == (member.code, 2, edited.pk)
    assert "edited" in first.problem
    assert report.broken_count == 1  # the other member's chain is fine
    assert code == 1
    err = capsys.readouterr().err
    assert member.code in err and "#2" in err


def test_a_deleted_entry_is_found(member, other_member):
    _history(member, other_member)
    spend = _entry(member, 3)
    _sql(f"DELETE FROM {USES} WHERE entry_id = %s", spend.pk)
    _sql(f"DELETE FROM {ENTRIES} WHERE id = %s", spend.pk)

    report = ledger_verify()

    assert (report.first.member_code, report.first.seq) == (member.code, 4)
    assert "missing" in report.first.problem


def test_two_swapped_entries_are_found(member, other_member):
    _history(member, other_member)
    second, third = _entry(member, 2), _entry(member, 3)
    _sql(f"UPDATE {ENTRIES} SET seq = 99 WHERE id = %s", second.pk)
    _sql(f"UPDATE {ENTRIES} SET seq = 2 WHERE id = %s", third.pk)
    _sql(f"UPDATE {ENTRIES} SET seq = 3 WHERE id = %s", second.pk)

    report = ledger_verify()

    assert (report.first.member_code, report.first.seq) == (member.code, 2)
    assert report.first.entry_id == third.pk
    assert "reordered" in report.first.problem


def test_a_tail_deleted_after_a_checkpoint_is_caught_even_with_the_member_row_rewound(
    member, other_member
):
    # Given a checkpoint that saw the member's chain end at #4
    _history(member, other_member)
    ledger_checkpoint_create()
    tail, before = _entry(member, 4), _entry(member, 3)
    # When someone deletes the last entry and rewinds the row, leaving a valid shorter chain
    PointsLot.objects.filter(entry=tail).delete()
    _sql(f"DELETE FROM {ENTRIES} WHERE id = %s", tail.pk)
    _sql(
        f"UPDATE {MEMBERS} SET ledger_seq = 3, ledger_head = %s, points_balance = %s WHERE id = %s",
        before.entry_hash,
        before.balance_after,
        member.pk,
    )

    report = ledger_verify()

    # Then the checkpoint names the missing head
    assert not report.ok
    assert (report.first.member_code, report.first.seq) == (member.code, 4)
    assert report.first.checkpoint == 1
    assert "gone" in report.first.problem


def test_a_tail_deleted_without_rewinding_the_row_is_caught_by_the_row(member, other_member):
    _history(member, other_member)
    tail = _entry(member, 4)
    PointsLot.objects.filter(entry=tail).delete()
    _sql(f"DELETE FROM {ENTRIES} WHERE id = %s", tail.pk)

    report = ledger_verify()

    assert report.first.member_code == member.code
    assert "member row" in report.first.problem


def test_a_balance_changed_on_the_member_row_is_caught(member, other_member):
    _history(member, other_member)
    _sql(f"UPDATE {MEMBERS} SET points_balance = 9999 WHERE id = %s", member.pk)

    report = ledger_verify()

    assert report.first.member_code == member.code
    assert "9999" in report.first.problem


def test_lots_that_disagree_with_the_balance_are_caught(member, other_member):
    _history(member, other_member)
    PointsLot.objects.filter(member=other_member).update(remaining=3)

    report = ledger_verify()

    assert report.first.member_code == other_member.code
    assert "lots" in report.first.problem


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL streaming cursor")
def test_verify_streams_many_entries_in_small_chunks(member):
    for n in range(30):
        points_earn(
            member_id=member.pk, points=1, key=f"s{n}", source=Source("o", "s"), expires_on=LATER
        )

    report = ledger_verify(chunk_size=7)

    assert report.ok and report.entries == 30
