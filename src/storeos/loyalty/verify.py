"""`loyalty verify`: walk every member's hash chain and the checkpoints, and name what is broken.

One streamed pass over the entries ordered by (member, seq), reading plain tuples (no model
instances) so a million entries take seconds. A member's first break is reported and the rest
of that member's chain is skipped (everything after a break would cascade).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.expressions import RawSQL

from storeos.loyalty.checkpoints import checkpoint_hash, checkpoint_stamp, heads_digest
from storeos.loyalty.ledger import (
    PG_EXPIRES_SQL,
    PG_STAMP_SQL,
    canonical_text,
    entry_hash,
    entry_stamp,
)
from storeos.loyalty.models import (
    GENESIS_HASH,
    CheckpointHead,
    LedgerCheckpoint,
    Member,
    PointsEntry,
    PointsLot,
)

# In the order `canonical_text` takes them, then the entry's id and its two hashes.
ENTRY_FIELDS = (
    "member_id",
    "seq",
    "kind",
    "points",
    "balance_after",
    "debt_after",
    "idempotency_key",
    "source_type",
    "source_id",
    "expires_text",
    "stamp",
    "id",
    "prev_hash",
    "entry_hash",
)


@dataclass(frozen=True)
class LedgerBreak:
    problem: str
    member_code: str = ""
    seq: int | None = None
    entry_id: int | None = None
    checkpoint: int | None = None

    def __str__(self) -> str:
        where = []
        if self.checkpoint is not None:
            where.append(f"checkpoint {self.checkpoint}")
        if self.member_code:
            where.append(f"member {self.member_code}")
        if self.seq is not None:
            where.append(f"entry #{self.seq}")
        if self.entry_id is not None:
            where.append(f"(id {self.entry_id})")
        return f"{' '.join(where)}: {self.problem}"


@dataclass
class VerifyReport:
    members: int = 0
    entries: int = 0
    checkpoints: int = 0
    breaks: list[LedgerBreak] = field(default_factory=list)
    broken_count: int = 0
    max_breaks: int = 100

    @property
    def ok(self) -> bool:
        return self.broken_count == 0

    @property
    def first(self) -> LedgerBreak | None:
        return self.breaks[0] if self.breaks else None

    def add(self, found: LedgerBreak) -> None:
        self.broken_count += 1
        if len(self.breaks) < self.max_breaks:
            self.breaks.append(found)


@dataclass
class _Chain:
    """Where the walk is in one member's chain."""

    member_id: int
    seq: int = 0
    head: str = GENESIS_HASH
    balance: int = 0
    debt: int = 0
    broken: bool = False


def ledger_verify(*, chunk_size: int = 10_000, max_breaks: int = 100) -> VerifyReport:
    """Check every chain, every member row against its chain, the lots against the balances,
    and the checkpoints (their own chain, and that every head they recorded is still there)."""
    report = VerifyReport(max_breaks=max_breaks)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for the whole walk, so postings made meanwhile are not "breaks".
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        _verify(report, chunk_size)
    return report


def _verify(report: VerifyReport, chunk_size: int) -> None:
    members = {
        row[0]: row[1:]
        for row in Member.objects.values_list(
            "id", "code", "points_balance", "points_debt", "ledger_seq", "ledger_head"
        ).iterator(chunk_size=chunk_size)
    }
    lots = dict(
        PointsLot.objects.filter(remaining__gt=0)
        .values("member_id")
        .annotate(left=Sum("remaining"))
        .values_list("member_id", "left")
    )
    expected = _checkpoints_verify(report)
    seen: set[int] = set()
    broken: set[int] = set()
    chain: _Chain | None = None
    for row in _entries(chunk_size):
        report.entries += 1
        if chain is None or row[0] != chain.member_id:
            if chain is not None:
                _chain_finish(report, chain, members, lots, broken)
            chain = _Chain(member_id=row[0])
            seen.add(row[0])
        if not chain.broken:
            _entry_check(report, chain, row, members, expected)
    if chain is not None:
        _chain_finish(report, chain, members, lots, broken)
    report.members = len(seen)
    for member_id, (code, balance, _debt, seq, _head) in members.items():
        if member_id not in seen and (seq or balance or lots.get(member_id)):
            broken.add(member_id)
            report.add(
                LedgerBreak(
                    f"the member row says {seq} entries and {balance} points but the ledger "
                    "has no entries",
                    member_code=code,
                )
            )
    for (member_id, seq), (_hash, checkpoint) in sorted(expected.items()):
        if member_id not in broken:
            report.add(
                LedgerBreak(
                    f"the entry this checkpoint recorded at #{seq} is gone "
                    "(entries were deleted from the end of the chain)",
                    member_code=members.get(member_id, (str(member_id),))[0],
                    seq=seq,
                    checkpoint=checkpoint,
                )
            )


def _entries(chunk_size: int) -> Iterator[tuple]:
    """Every entry as a tuple in ENTRY_FIELDS order, by member then seq, streamed. PostgreSQL
    formats the date and the time itself (parsing and formatting them in Python costs more
    than hashing)."""
    entries = PointsEntry.objects.order_by("member_id", "seq")
    if connection.vendor == "postgresql":
        rows = entries.annotate(
            expires_text=RawSQL(PG_EXPIRES_SQL, ()), stamp=RawSQL(PG_STAMP_SQL, ())
        ).values_list(*ENTRY_FIELDS)
        yield from rows.iterator(chunk_size=chunk_size)
        return
    fields = [{"expires_text": "expires_on", "stamp": "created_at"}.get(f, f) for f in ENTRY_FIELDS]
    for row in entries.values_list(*fields).iterator(chunk_size=chunk_size):
        expires, created_at = row[9], row[10]
        yield (*row[:9], expires.isoformat() if expires else "", entry_stamp(created_at), *row[11:])


def _entry_check(report, chain: _Chain, row, members, expected) -> None:
    member_id, seq, points, balance_after = row[0], row[1], row[3], row[4]
    entry_id, prev_hash, stored_hash = row[11], row[12], row[13]
    problem = None
    if seq != chain.seq + 1:
        problem = f"expected entry #{chain.seq + 1} next but found #{seq} (entries missing)"
    elif prev_hash != chain.head:
        problem = "does not link to the entry before it (entries removed or reordered)"
    elif entry_hash(prev_hash, canonical_text(*row[:11])) != stored_hash:
        problem = "its contents do not match its hash (the entry was edited)"
    elif balance_after != chain.balance + points:
        problem = (
            f"balance after is {balance_after} but {chain.balance} {points:+d} "
            f"makes {chain.balance + points}"
        )
    want = expected.pop((member_id, seq), None) if problem is None else None
    if want is not None and want[0] != stored_hash:
        problem = f"differs from the head checkpoint {want[1]} recorded"
    if problem is not None:
        chain.broken = True
        code = members.get(member_id, (str(member_id),))[0]
        report.add(LedgerBreak(problem, member_code=code, seq=seq, entry_id=entry_id))
        return
    chain.seq, chain.head = seq, stored_hash
    chain.balance, chain.debt = balance_after, row[5]


def _chain_finish(report, chain: _Chain, members, lots, broken: set[int]) -> None:
    """Compare the member row and the lots with the chain just walked."""
    if chain.broken:
        broken.add(chain.member_id)
        return
    code, balance, debt, seq, head = members[chain.member_id]
    problem = None
    if (seq, head) != (chain.seq, chain.head):
        problem = (
            f"the member row says the chain ends at #{seq} but it ends at #{chain.seq} "
            "(or with another hash)"
        )
    elif (balance, debt) != (chain.balance, chain.debt):
        problem = (
            f"the member row says {balance} points ({debt} owed) but the ledger says "
            f"{chain.balance} ({chain.debt} owed)"
        )
    elif lots.get(chain.member_id, 0) != chain.balance:
        problem = (
            f"the unspent lots hold {lots.get(chain.member_id, 0)} points but the balance "
            f"is {chain.balance}"
        )
    if problem is not None:
        broken.add(chain.member_id)
        report.add(LedgerBreak(problem, member_code=code, seq=chain.seq))


def _checkpoints_verify(report: VerifyReport) -> dict[tuple[int, int], tuple[str, int]]:
    """Check the checkpoints' own chain and each one's digest (rebuilt from the heads recorded
    so far); return every recorded head: (member id, seq) → (entry hash, checkpoint seq)."""
    expected: dict[tuple[int, int], tuple[str, int]] = {}
    heads: dict[int, tuple[int, str]] = {}
    recorded: dict[int, list[tuple[int, int, str]]] = {}
    for checkpoint_id, member_id, seq, head in CheckpointHead.objects.values_list(
        "checkpoint_id", "member_id", "seq", "entry_hash"
    ).iterator(chunk_size=10_000):
        recorded.setdefault(checkpoint_id, []).append((member_id, seq, head))
    prev_hash, prev_seq = GENESIS_HASH, 0
    for checkpoint in LedgerCheckpoint.objects.order_by("seq"):
        report.checkpoints += 1
        problem = None
        for member_id, seq, head in recorded.get(checkpoint.pk, []):
            heads[member_id] = (seq, head)
            expected[(member_id, seq)] = (head, checkpoint.seq)
        recomputed = checkpoint_hash(
            prev_hash=checkpoint.prev_hash,
            seq=checkpoint.seq,
            stamp=checkpoint_stamp(checkpoint),
            members=checkpoint.members,
            entries=checkpoint.entries,
            digest=checkpoint.heads_digest,
        )
        if checkpoint.seq != prev_seq + 1:
            problem = f"expected checkpoint {prev_seq + 1} next (checkpoints missing)"
        elif checkpoint.prev_hash != prev_hash:
            problem = "does not link to the checkpoint before it"
        elif recomputed != checkpoint.checkpoint_hash:
            problem = "its contents do not match its hash (the checkpoint was edited)"
        elif heads_digest(heads) != checkpoint.heads_digest:
            problem = "the heads it recorded no longer match its digest (heads edited or deleted)"
        if problem is not None:
            report.add(LedgerBreak(problem, checkpoint=checkpoint.seq))
        prev_hash, prev_seq = checkpoint.checkpoint_hash, checkpoint.seq
    return expected
