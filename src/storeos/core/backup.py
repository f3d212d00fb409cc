"""`storeos backup` / `storeos restore`: a consistent copy of the configured database, and back.

SQLite: SQLite's online backup API copies a consistent snapshot while the app keeps running
(readers and writers just wait their turn page by page), into a temporary file renamed into place,
so a backup is never half written. Restoring goes through the same API into the live file, which
keeps its WAL consistent (copying the file over it would not); stop the server and the workers
first. PostgreSQL: `pg_dump -Fc` (a consistent snapshot, online) and `pg_restore --clean
--if-exists` in one transaction, so a failed restore leaves the database as it was.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections
from django.utils.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore refused or failed; `code` is stable, the message says what to do."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    database: str
    size: int


def _database(database: dict | None) -> dict:
    return database if database is not None else connections["default"].settings_dict


def _vendor(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(
        _("Backups support SQLite and PostgreSQL, not %(engine)s.") % {"engine": engine},
        code="backup_engine_unsupported",
    )


def _file_kind(path: Path) -> str:
    """'sqlite', 'postgresql' (a pg_dump custom-format archive) or '' for anything else."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    return ""


def backup_create(*, path: Path, database: dict | None = None) -> BackupResult:
    """Write a backup of the configured database (or `database`, a Django settings dict)."""
    database = _database(database)
    vendor = _vendor(database)
    path = Path(path).resolve()
    if not path.parent.is_dir():
        raise BackupError(
            _("The folder %(folder)s does not exist.") % {"folder": path.parent},
            code="backup_folder_missing",
        )
    if path.is_dir():
        raise BackupError(
            _("%(path)s is a folder; give a file name.") % {"path": path},
            code="backup_path_is_folder",
        )
    partial = path.with_name(f".{path.name}.partial")
    try:
        if vendor == "sqlite":
            _sqlite_copy(source=str(database["NAME"]), target=str(partial))
        else:
            _pg_run(
                ["pg_dump", "-Fc", "--no-owner", "-f", str(partial), str(database["NAME"])],
                database,
            )
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path, vendor, str(database["NAME"]), path.stat().st_size)


def backup_restore(*, path: Path, database: dict | None = None) -> BackupResult:
    """Replace the configured database's contents (or `database`'s) with the backup at `path`.
    The backup must come from the same kind of database; nothing changes when it is refused."""
    database = _database(database)
    vendor = _vendor(database)
    path = Path(path).resolve()
    if not path.is_file():
        raise BackupError(
            _("There is no backup file at %(path)s.") % {"path": path}, code="backup_missing"
        )
    kind = _file_kind(path)
    if kind != vendor:
        found = {
            "sqlite": _("an SQLite backup"),
            "postgresql": _("a PostgreSQL backup"),
        }.get(kind, _("not a StoreOS backup"))
        raise BackupError(
            _("%(path)s is %(found)s; the configured database is %(vendor)s.")
            % {"path": path, "found": found, "vendor": vendor},
            code="backup_wrong_format",
        )
    # Our own connections must not hold the database while it is replaced.
    for alias in connections:
        if connections[alias].settings_dict.get("NAME") == database.get("NAME"):
            connections[alias].close()
    if vendor == "sqlite":
        _sqlite_check(path)
        _sqlite_copy(source=str(path), target=str(database["NAME"]))
    else:
        _pg_run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                str(database["NAME"]),
                str(path),
            ],
            database,
        )
    return BackupResult(path, vendor, str(database["NAME"]), path.stat().st_size)


# --- SQLite ------------------------------------------------------------------------------------
def _sqlite_check(path: Path) -> None:
    """Refuse a file that is not a whole, StoreOS SQLite database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
            (integrity,) = probe.execute("PRAGMA quick_check").fetchone()
            has_migrations = probe.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        probe.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            _("%(path)s is damaged or not a StoreOS database (%(error)s).")
            % {"path": path, "error": exc},
            code="backup_wrong_format",
        ) from exc
    if integrity != "ok" or not has_migrations:
        raise BackupError(
            _("%(path)s is damaged or not a StoreOS database.") % {"path": path},
            code="backup_wrong_format",
        )


def _sqlite_copy(*, source: str, target: str) -> None:
    try:
        src = sqlite3.connect(source, timeout=30)
        try:
            dst = sqlite3.connect(target, timeout=30)
            try:
                # Pages in steps, so a running app's writers only ever wait a moment.
                src.backup(dst, pages=1024)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(
            _("Copying the SQLite database failed: %(error)s") % {"error": exc},
            code="backup_failed",
        ) from exc


# --- PostgreSQL --------------------------------------------------------------------------------
def _pg_run(command: list[str], database: dict) -> None:
    program = command[0]
    if shutil.which(program) is None:
        raise BackupError(
            _("%(program)s is not installed (Debian: apt-get install postgresql-client).")
            % {"program": program},
            code="backup_tool_missing",
        )
    env = os.environ.copy()
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    env["PGDATABASE"] = str(database["NAME"])
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": program, "error": done.stderr.strip()[-2000:]},
            code="backup_failed",
        )
