"""Schema migrations, applied in order. `PRAGMA user_version` records how far a database got.

Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from typing import Final

MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: the directory, check-ins, sessions and the audit log
    """
    CREATE TABLE people (
        id            TEXT PRIMARY KEY,
        display_name  TEXT NOT NULL,
        team          TEXT NOT NULL DEFAULT '',
        role          TEXT NOT NULL DEFAULT 'member',
        language      TEXT NOT NULL DEFAULT 'ja',
        password_hash TEXT NOT NULL,
        disabled      INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE rooms (
        id       TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        capacity INTEGER NOT NULL,
        access   TEXT NOT NULL DEFAULT 'open',
        locked   INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE room_members (
        room_id   TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        person_id TEXT NOT NULL,
        PRIMARY KEY (room_id, person_id)
    );
    CREATE TABLE sites (
        id     TEXT PRIMARY KEY,
        name   TEXT NOT NULL,
        region TEXT NOT NULL DEFAULT '',
        seats  INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE checkins (
        id        TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        kind      TEXT NOT NULL,
        site_id   TEXT,
        start     REAL NOT NULL,
        end       REAL,
        half_day  TEXT,
        plan      TEXT NOT NULL DEFAULT '',
        report    TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX checkins_person_start ON checkins(person_id, start);
    CREATE INDEX checkins_open ON checkins(person_id) WHERE end IS NULL;
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        person_id  TEXT NOT NULL,
        created    REAL NOT NULL,
        expires    REAL NOT NULL
    );
    CREATE INDEX sessions_person ON sessions(person_id);
    CREATE TABLE audit_log (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,
        at     REAL NOT NULL,
        actor  TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    """,
    # 2: server secrets (the key that signs guest invitations)
    """
    CREATE TABLE server_secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    """,
)

SCHEMA_VERSION: Final = len(MIGRATIONS)
