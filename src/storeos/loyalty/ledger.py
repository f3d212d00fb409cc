"""The points ledger: every change to a member's points is one appended, hash-chained entry.

A posting locks the member's row, appends the entry with the next sequence number and the hash
of (previous hash, canonical entry), and moves the balance on the row with a guarded UPDATE, all
in the caller's transaction. Spending takes points from the earliest-expiring lots first.

The balance is exactly the sum of the entries' points. Points a return takes back after they
were spent become `debt`, recorded on the entry (`debt_after`) and settled from the next
earnings by a separate `reverse` entry, so nothing is lost and the sum still holds.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction

from storeos.core import clock
from storeos.core.errors import IdempotencyConflict
from storeos.loyalty.errors import InsufficientPoints, MemberNotFound, PointsInvalid
from storeos.loyalty.models import EntryKind, Member, PointsEntry, PointsLot, PointsLotUse

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# The same stamp and date as PostgreSQL's to_char writes them (verify reads them as text).
PG_STAMP_SQL = """to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
PG_EXPIRES_SQL = "coalesce(to_char(expires_on, 'YYYY-MM-DD'), '')"


def entry_stamp(created_at: dt.datetime) -> str:
    """An entry's time as its hash covers it: UTC with microseconds."""
    return created_at.astimezone(dt.UTC).strftime(STAMP_FORMAT)


def canonical_text(
    member_id, seq, kind, points, balance_after, debt_after, key, source_type, source_id,
    expires, stamp,
) -> str:  # fmt: skip
    """The canonical form from already formatted parts (positional: the verifier's hot path)."""
    return (
        f"{member_id}|{seq}|{kind}|{points}|{balance_after}|{debt_after}|{key}|"
        f"{source_type}|{source_id}|{expires}|{stamp}"
    )


def entry_canonical(
    *,
    member_id: int,
    seq: int,
    kind: str,
    points: int,
    balance_after: int,
    debt_after: int,
    idempotency_key: str,
    source_type: str,
    source_id: str,
    expires_on: dt.date | None,
    created_at: dt.datetime,
) -> str:
    """The fields an entry's hash covers, in a fixed textual form (UTC, microseconds)."""
    return canonical_text(
        member_id,
        seq,
        kind,
        points,
        balance_after,
        debt_after,
        idempotency_key,
        source_type,
        source_id,
        expires_on.isoformat() if expires_on else "",
        entry_stamp(created_at),
    )


def entry_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def hash_of(entry: PointsEntry) -> str:
    """Recompute an entry's hash from its stored fields (what `loyalty verify` does)."""
    return entry_hash(
        entry.prev_hash,
        entry_canonical(
            member_id=entry.member_id,
            seq=entry.seq,
            kind=entry.kind,
            points=entry.points,
            balance_after=entry.balance_after,
            debt_after=entry.debt_after,
            idempotency_key=entry.idempotency_key,
            source_type=entry.source_type,
            source_id=entry.source_id,
            expires_on=entry.expires_on,
            created_at=entry.created_at,
        ),
    )


@dataclass(frozen=True)
class Source:
    """The document a posting belongs to: ("order", order uuid), ("activity", "sign_in")…"""

    type: str
    id: str


def _check_points(points) -> None:
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise PointsInvalid(
            "Points are whole numbers above zero.", details={"points": repr(points)}
        )


def _replay(key: str, member_id: int, kind: str, points: int) -> PointsEntry | None:
    """The entry an earlier call with this key wrote; a different posting under it is refused."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, member_id, kind, points FROM {PointsEntry._meta.db_table}"
            " WHERE idempotency_key = %s",
            [key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    entry_id, entry_member, entry_kind, entry_points = row
    if entry_member != member_id or entry_kind != kind or abs(entry_points) != points:
        raise IdempotencyConflict(
            "This points key was already used for a different posting.",
            details={"idempotency_key": key},
        )
    return PointsEntry.objects.get(pk=entry_id)


# The posting path is written as SQL: a posting is a handful of one-row statements, and building
# them through the ORM cost more CPU than the database spent running them.
_MEMBERS = Member._meta.db_table
_ENTRIES = PointsEntry._meta.db_table
_LOTS = PointsLot._meta.db_table


def _lock_member(member_id: int) -> Member:
    """The member's balance and chain head, with the row locked until the transaction ends
    (SQLite's IMMEDIATE transactions already hold the write lock)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT points_balance, points_debt, ledger_seq, ledger_head FROM {_MEMBERS}"
            f" WHERE id = %s{lock}",
            [member_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise MemberNotFound("No such member.", details={"member_id": member_id})
    balance, debt, seq, head = row
    return Member(
        id=member_id, points_balance=balance, points_debt=debt, ledger_seq=seq, ledger_head=head
    )


def _append(
    member: Member,
    *,
    kind: str,
    points: int,
    debt_after: int,
    key: str,
    source: Source,
    expires_on: dt.date | None = None,
    memo: str = "",
    actor_id: int | None = None,
    at: dt.datetime,
) -> PointsEntry:
    """Write the next entry of a locked member's chain and move the row's balance with it."""
    seq = member.ledger_seq + 1
    balance_after = member.points_balance + points
    if balance_after < 0:
        raise InsufficientPoints(
            f"The member has {member.points_balance} points; {-points} were asked.",
            details={"balance": member.points_balance, "asked": -points},
        )
    canonical = entry_canonical(
        member_id=member.pk,
        seq=seq,
        kind=kind,
        points=points,
        balance_after=balance_after,
        debt_after=debt_after,
        idempotency_key=key,
        source_type=source.type,
        source_id=source.id,
        expires_on=expires_on,
        created_at=at,
    )
    values = {
        "member_id": member.pk,
        "seq": seq,
        "kind": kind,
        "points": points,
        "balance_after": balance_after,
        "debt_after": debt_after,
        "idempotency_key": key,
        "source_type": source.type,
        "source_id": source.id,
        "expires_on": expires_on,
        "memo": memo[:200],
        "actor_id": actor_id,
        "created_at": at,
        "prev_hash": member.ledger_head,
        "entry_hash": entry_hash(member.ledger_head, canonical),
    }
    entry = PointsEntry(
        id=_insert(
            _ENTRIES, **values | {"created_at": connection.ops.adapt_datetimefield_value(at)}
        ),
        **values,
    )
    entry._state.adding = False
    # The row is locked, so the guard only documents the invariant (and catches a bug).
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_MEMBERS} SET points_balance = %s, points_debt = %s, ledger_seq = %s,"
            " ledger_head = %s WHERE id = %s AND ledger_seq = %s",
            [balance_after, debt_after, seq, entry.entry_hash, member.pk, member.ledger_seq],
        )
        moved = cursor.rowcount
    if moved != 1:
        raise RuntimeError(f"member {member.pk} ledger moved under its lock")
    member.points_balance, member.points_debt = balance_after, debt_after
    member.ledger_seq, member.ledger_head = seq, entry.entry_hash
    return entry


def _insert(table: str, **values) -> int:
    """INSERT one row; its id."""
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id", list(values.values())
        )
        return cursor.fetchone()[0]


def _open_lots(member_id: int) -> list[PointsLot]:
    """The member's lots with points left, locked, earliest expiry first."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, remaining, expires_on FROM {_LOTS}"
            f" WHERE member_id = %s AND remaining > 0 ORDER BY expires_on, id{lock}",
            [member_id],
        )
        rows = cursor.fetchall()
    return [
        PointsLot(id=lot_id, member_id=member_id, remaining=remaining, expires_on=_date(expires))
        for lot_id, remaining, expires in rows
    ]


def _date(value) -> dt.date:
    # SQLite hands a DATE column back as text through a plain cursor.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _expire_due(
    member: Member, lots: list[PointsLot], *, today: dt.date, at: dt.datetime
) -> tuple[PointsEntry | None, list[PointsLot]]:
    """Expire the locked member's lots that ran out before `today` as one entry; return it
    and the lots still open. Caller holds the member's and the lots' locks."""
    due = [lot for lot in lots if lot.expires_on < today]
    if not due:
        return None, lots
    points = sum(lot.remaining for lot in due)
    key = f"expire:{member.pk}:{today.isoformat()}"
    if PointsEntry.objects.filter(idempotency_key=key).exists():
        # Lots already past their date when earned, after today's run: a second entry.
        key = f"{key}:{member.ledger_seq + 1}"
    entry = _append(
        member,
        kind=EntryKind.EXPIRE,
        points=-points,
        debt_after=member.points_debt,
        key=key,
        source=Source("expiry", today.isoformat()),
        memo="points expired",
        at=at,
    )
    _consume_lots(member, entry, points, due)
    return entry, [lot for lot in lots if lot.expires_on >= today]


def _consume_lots(member: Member, entry: PointsEntry, points: int, lots=None) -> None:
    """Take `points` from the member's open lots, earliest expiry first (or from `lots`)."""
    if lots is None:
        lots = _open_lots(member.pk)
    uses, left = [], points
    with connection.cursor() as cursor:
        for lot in lots:
            take = min(left, lot.remaining)
            if take <= 0:
                continue
            cursor.execute(
                f"UPDATE {_LOTS} SET remaining = remaining - %s WHERE id = %s", [take, lot.pk]
            )
            lot.remaining -= take
            uses.append((entry.pk, lot.pk, take))
            left -= take
            if left == 0:
                break
        if left:
            # The balance said there were enough points: the lots disagree with the ledger.
            raise RuntimeError(f"member {member.pk}: lots short by {left} points")
        marks = ", ".join(["(%s, %s, %s)"] * len(uses))
        cursor.execute(
            f"INSERT INTO {PointsLotUse._meta.db_table} (entry_id, lot_id, points) VALUES {marks}",
            [value for use in uses for value in use],
        )


def _open_lot(member: Member, entry: PointsEntry, points: int, expires_on: dt.date) -> None:
    _insert(
        _LOTS,
        member_id=member.pk,
        entry_id=entry.pk,
        points=points,
        remaining=points,
        expires_on=expires_on,
    )


def points_earn(
    *,
    member_id: int,
    points: int,
    key: str,
    source: Source,
    expires_on: dt.date,
    kind: str = EntryKind.EARN,
    memo: str = "",
    actor_id: int | None = None,
) -> PointsEntry:
    """Add points that expire on `expires_on` (an earning, a give-back, a manual credit).

    Points the member owes are settled from them at once by a second entry.
    """
    _check_points(points)
    posting = {
        "member_id": member_id,
        "points": points,
        "key": key,
        "source": source,
        "expires_on": expires_on,
        "kind": kind,
        "memo": memo,
        "actor_id": actor_id,
    }
    if connection.in_atomic_block:
        # A failed insert would spoil the caller's transaction: look the key up first.
        if (existing := _replay(key, member_id, kind, points)) is not None:
            return existing
        return _earn(**posting)
    try:
        # On its own an earning lets the unique key catch a replay (one statement fewer); an
        # earning cannot be refused otherwise, so trying first never hides the first result.
        return _earn(**posting)
    except IntegrityError:
        if (existing := _replay(key, member_id, kind, points)) is not None:
            return existing
        raise


@transaction.atomic
def _earn(
    *,
    member_id: int,
    points: int,
    key: str,
    source: Source,
    expires_on: dt.date,
    kind: str,
    memo: str,
    actor_id: int | None,
) -> PointsEntry:
    member = _lock_member(member_id)
    at = clock.now()
    entry = _append(
        member,
        kind=kind,
        points=points,
        debt_after=member.points_debt,
        key=key,
        source=source,
        expires_on=expires_on,
        memo=memo,
        actor_id=actor_id,
        at=at,
    )
    _open_lot(member, entry, points, expires_on)
    if member.points_debt:
        settle = min(member.points_debt, points)
        settlement = _append(
            member,
            kind=EntryKind.REVERSE,
            points=-settle,
            debt_after=member.points_debt - settle,
            key=f"{key}:settle",
            source=Source("debt", str(entry.pk)),
            memo="settles points owed",
            at=at,
        )
        _consume_lots(member, settlement, settle)
    return entry


@transaction.atomic
def points_spend(
    *,
    member_id: int,
    points: int,
    key: str,
    source: Source,
    kind: str = EntryKind.REDEEM,
    memo: str = "",
    actor_id: int | None = None,
) -> PointsEntry:
    """Take points the member has (a redemption, a manual debit); never below zero."""
    _check_points(points)
    if (existing := _replay(key, member_id, kind, points)) is not None:
        return existing
    member = _lock_member(member_id)
    at = clock.now()
    # Points past their date are expired first, so they cannot be spent before the job runs.
    _, lots = _expire_due(member, _open_lots(member.pk), today=clock.business_date(at), at=at)
    entry = _append(
        member,
        kind=kind,
        points=-points,
        debt_after=member.points_debt,
        key=key,
        source=source,
        memo=memo,
        actor_id=actor_id,
        at=at,
    )
    _consume_lots(member, entry, points, lots)
    return entry


@transaction.atomic
def points_expire(*, member_id: int, today: dt.date) -> PointsEntry | None:
    """Expire every lot of the member with points left that ran out before `today` (one
    entry); None when nothing was due."""
    member = _lock_member(member_id)
    entry, _ = _expire_due(member, _open_lots(member.pk), today=today, at=clock.now())
    return entry


@transaction.atomic
def points_take_back(*, member_id: int, points: int, key: str, source: Source) -> PointsEntry:
    """Reverse points earned on returned goods. What was already spent becomes debt; when the
    balance is empty the entry takes nothing and records the whole amount as owed."""
    _check_points(points)
    if (existing := _replay_take_back(key, member_id)) is not None:
        return existing
    member = _lock_member(member_id)
    taken = min(points, member.points_balance)
    owed = points - taken
    entry = _append(
        member,
        kind=EntryKind.REVERSE,
        points=-taken,
        debt_after=member.points_debt + owed,
        key=key,
        source=source,
        memo=f"{owed} owed" if owed else "",
        at=clock.now(),
    )
    if taken:
        _consume_lots(member, entry, taken)
    return entry


def _replay_take_back(key: str, member_id: int) -> PointsEntry | None:
    # How much a take-back took depends on the balance then, so only member and kind must match.
    existing = PointsEntry.objects.filter(idempotency_key=key).first()
    if existing is not None and (
        existing.member_id != member_id or existing.kind != EntryKind.REVERSE
    ):
        raise IdempotencyConflict(
            "This points key was already used for a different posting.",
            details={"idempotency_key": key},
        )
    return existing
