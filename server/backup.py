"""Online backup and verified restore of the server's SQLite database.

Backup uses SQLite's online backup API in one step: it reads one consistent snapshot
(in WAL mode a reader never blocks the server's writes, and committed changes still in
the WAL are included), writes it to a temporary file beside the destination, turns it
into a self-contained rollback-journal database, checks it, and only then renames it
into place. A running server is never paused.

Restore refuses while a server holds the database (see serverlock), checks the source
(integrity_check, a Yoriai schema no newer than this server), keeps the current database
as `<db>.before-restore-<time>`, and swaps the copy in with an atomic rename. An older
schema is upgraded in place the next time the server or any command opens it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from server.migrations import SCHEMA_VERSION
from server.serverlock import hold, match_owner

# Tables every Yoriai database has had since schema 1: a cheap "is this ours?" check.
_CORE_TABLES = frozenset({"people", "rooms", "sites", "checkins", "sessions", "audit_log"})


class BackupError(Exception):
    """The backup or restore could not be made, or the file is not a sound Yoriai database."""


@dataclass(frozen=True, slots=True)
class Inspection:
    path: Path
    schema: int
    people: int
    rooms: int
    size: int


def _connect(path: Path) -> sqlite3.Connection:
    # Not mode=ro: a WAL database needs its -shm writable even to be read.
    return sqlite3.connect(path, isolation_level=None)


def inspect(path: Path) -> Inspection:
    """Check that `path` is a whole, Yoriai database this server can use."""
    if not path.is_file():
        raise BackupError(f"no database file at {path}")
    try:
        with contextlib.closing(_connect(path)) as db:
            rows = db.execute("PRAGMA integrity_check").fetchall()
            if rows != [("ok",)]:
                problems = "; ".join(str(r[0]) for r in rows[:5])
                raise BackupError(f"{path} fails SQLite's integrity check: {problems}")
            schema = int(db.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if schema < 1 or not tables >= _CORE_TABLES:
                raise BackupError(f"{path} is not a Yoriai database")
            if schema > SCHEMA_VERSION:
                raise BackupError(
                    f"{path} has schema {schema}, newer than this server ({SCHEMA_VERSION}):"
                    " restore it with the version that made it"
                )
            people = int(db.execute("SELECT COUNT(*) FROM people").fetchone()[0])
            rooms = int(db.execute("SELECT COUNT(*) FROM rooms").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a usable SQLite database: {exc}") from None
    return Inspection(path, schema, people, rooms, path.stat().st_size)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(src: Path, dest: Path) -> None:
    """A consistent, self-contained copy of `src` at `dest` (created 0600), fsynced."""
    dest.unlink(missing_ok=True)
    # Password hashes and session-token hashes: readable by the owner only.
    os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            contextlib.closing(_connect(src)) as source,
            contextlib.closing(_connect(dest)) as target,
        ):
            source.execute("PRAGMA busy_timeout = 5000")
            source.backup(target)  # all pages in one step: one snapshot
            # The copy inherits WAL mode from the source's header; a backup is one file.
            target.execute("PRAGMA journal_mode = DELETE")
        with dest.open("rb+") as f:
            os.fsync(f.fileno())
    except sqlite3.Error as exc:
        dest.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {src}: {exc}") from None
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def keep_before_upgrade(db: Path, schema: int) -> Path:
    """Copy a database about to be upgraded to `<db>.schema-<n>.bak` (kept if one exists)."""
    kept = db.with_name(f"{db.name}.schema-{schema}.bak")
    if not kept.exists():
        partial = kept.with_name(f".{kept.name}.partial")
        _copy(db, partial)
        match_owner(partial)
        os.replace(partial, kept)
        _fsync_dir(db.parent)
    return kept


def backup(db: Path, dest: Path) -> Inspection:
    """Copy the live database to `dest` (a file, or a folder for a time-stamped name)."""
    inspect(db)
    if dest.is_dir():
        dest = dest / time.strftime("yoriai-%Y%m%d-%H%M%S.db")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    _copy(db, partial)
    try:
        inspect(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, dest)
    _fsync_dir(dest.parent)
    return inspect(dest)


def restore(src: Path, db: Path) -> tuple[Inspection, Path | None]:
    """Replace `db` with the backup `src`. Returns what was restored and where the old one went.

    Raises DatabaseInUse (from serverlock) while a server runs on `db`.
    """
    inspect(src)
    db.parent.mkdir(parents=True, exist_ok=True)
    with hold(db, "restore"):
        incoming = db.with_name(f".{db.name}.restoring")
        _copy(src, incoming)
        try:
            restored = inspect(incoming)
        except BackupError:
            incoming.unlink(missing_ok=True)
            raise
        kept: Path | None = None
        if db.exists():
            kept = db.with_name(f"{db.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
            _copy(db, kept)  # includes what is still in the WAL
            match_owner(kept)
            # A WAL left beside the new file would be replayed into it: clear it out.
            with contextlib.closing(_connect(db)) as old:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for suffix in ("-wal", "-shm"):
                db.with_name(db.name + suffix).unlink(missing_ok=True)
        match_owner(incoming)
        os.replace(incoming, db)
        _fsync_dir(db.parent)
    return restored, kept
