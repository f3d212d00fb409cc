"""Ledger checkpoints: a chained digest of every member's chain head, so a deleted tail (which
leaves a valid, shorter chain) is still caught by `loyalty verify`."""

import datetime as dt
import hashlib

from django.db import transaction
from django.db.models import Max

from storeos.core import clock
from storeos.loyalty.models import GENESIS_HASH, CheckpointHead, LedgerCheckpoint, Member

HEADS_CHUNK = 5000


def heads_digest(heads: dict[int, tuple[int, str]]) -> str:
    """SHA-256 over every member's head (member id, seq, entry hash) in member id order."""
    digest = hashlib.sha256()
    for member_id in sorted(heads):
        seq, head = heads[member_id]
        digest.update(f"{member_id}:{seq}:{head}\n".encode())
    return digest.hexdigest()


def checkpoint_hash(
    *, prev_hash: str, seq: int, stamp: str, members: int, entries: int, digest: str
) -> str:
    canonical = f"{seq}|{stamp}|{members}|{entries}|{digest}"
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def checkpoint_stamp(checkpoint: LedgerCheckpoint) -> str:
    return checkpoint.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@transaction.atomic
def ledger_checkpoint_create() -> LedgerCheckpoint:
    """Record every member's current head (members with no entries are skipped), chained to the
    previous checkpoint. Only heads that moved since they were last recorded get a row; the
    digest covers all of them, and `loyalty verify` rebuilds it from the rows."""
    previous = LedgerCheckpoint.objects.select_for_update().order_by("-seq").first()
    recorded = dict(
        CheckpointHead.objects.values("member_id")
        .annotate(top=Max("seq"))
        .values_list("member_id", "top")
    )
    heads: dict[int, tuple[int, str]] = {}
    rows = (
        Member.objects.filter(ledger_seq__gt=0)
        .order_by("id")
        .values_list("id", "ledger_seq", "ledger_head")
    )
    for member_id, seq, head in rows.iterator(chunk_size=HEADS_CHUNK):
        heads[member_id] = (seq, head)
    checkpoint = LedgerCheckpoint(
        seq=(previous.seq + 1) if previous else 1,
        created_at=clock.now(),
        members=len(heads),
        entries=sum(seq for seq, _ in heads.values()),
        heads_digest=heads_digest(heads),
        prev_hash=previous.checkpoint_hash if previous else GENESIS_HASH,
    )
    checkpoint.checkpoint_hash = checkpoint_hash(
        prev_hash=checkpoint.prev_hash,
        seq=checkpoint.seq,
        stamp=checkpoint_stamp(checkpoint),
        members=checkpoint.members,
        entries=checkpoint.entries,
        digest=checkpoint.heads_digest,
    )
    checkpoint.save()
    moved = [
        CheckpointHead(checkpoint=checkpoint, member_id=member_id, seq=seq, entry_hash=head)
        for member_id, (seq, head) in heads.items()
        if recorded.get(member_id) != seq
    ]
    CheckpointHead.objects.bulk_create(moved, batch_size=HEADS_CHUNK)
    return checkpoint
