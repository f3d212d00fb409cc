"""Ledger checkpoints chain every member's head; verify checks them."""

import datetime as dt

from storeos import cli
from storeos.loyalty.checkpoints import heads_digest, ledger_checkpoint_create
from storeos.loyalty.ledger import Source, points_earn
from storeos.loyalty.models import GENESIS_HASH, CheckpointHead, LedgerCheckpoint
from storeos.loyalty.verify import ledger_verify

LATER = dt.date(2099, 12, 31)


def _earn(member, points, key):
    return points_earn(
        member_id=member.pk, points=points, key=key, source=Source("o", key), expires_on=LATER
    )


def test_a_checkpoint_records_every_member_with_entries_and_chains_to_the_one_before(
    member, other_member, programme
):
    # Given one member with two entries; the other has none
    _earn(member, 10, "a")
    _earn(member, 20, "b")

    first = ledger_checkpoint_create()

    member.refresh_from_db()
    assert (first.seq, first.members, first.entries, first.prev_hash) == (1, 1, 2, GENESIS_HASH)
    assert first.heads_digest == heads_digest({member.pk: (2, member.ledger_head)})
    assert list(first.heads.values_list("member_id", "seq", "entry_hash")) == [
        (member.pk, 2, member.ledger_head)
    ]

    # When the other member earns and a second checkpoint is taken
    _earn(other_member, 5, "c")
    second = ledger_checkpoint_create()

    # Then it chains to the first, counts both members, and stores only the head that moved
    assert (second.seq, second.prev_hash) == (2, first.checkpoint_hash)
    assert (second.members, second.entries) == (2, 3)
    assert list(second.heads.values_list("member_id", flat=True)) == [other_member.pk]
    assert ledger_verify().ok


def test_an_edited_checkpoint_is_caught(member):
    _earn(member, 10, "a")
    ledger_checkpoint_create()
    ledger_checkpoint_create()
    LedgerCheckpoint.objects.filter(seq=1).update(entries=999)

    report = ledger_verify()

    assert not report.ok
    assert report.first.checkpoint == 1 and "edited" in report.first.problem


def test_a_deleted_checkpoint_head_row_is_caught_by_the_digest(member, other_member):
    _earn(member, 10, "a")
    _earn(other_member, 10, "b")
    ledger_checkpoint_create()
    CheckpointHead.objects.filter(member_id=member.pk).delete()

    report = ledger_verify()

    assert report.first.checkpoint == 1 and "digest" in report.first.problem


def test_the_cli_takes_a_checkpoint(member, capsys):
    _earn(member, 10, "a")

    assert cli.main(["loyalty", "checkpoint"]) == 0

    assert LedgerCheckpoint.objects.get().members == 1
    assert "checkpoint 1" in capsys.readouterr().err
