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
    # 2: each room's caption policy, and the captions a room's policy lets us keep
    """
    ALTER TABLE rooms ADD COLUMN captions_live   INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE rooms ADD COLUMN captions_saving INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE rooms ADD COLUMN captions_keep_s INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE captions (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id    TEXT NOT NULL,
        speaker_id TEXT NOT NULL,
        utterance  TEXT NOT NULL,
        text       TEXT NOT NULL,
        language   TEXT NOT NULL,
        start      REAL NOT NULL,
        end        REAL NOT NULL,
        at         REAL NOT NULL
    );
    CREATE INDEX captions_room_at ON captions(room_id, at);
    """,
    # 3: sites (time zone, operator, seats, tenants, network hints, closing time), each
    # person's employer, check-in seats and verification, the working day of each
    # check-in with indexes for the telework figures, schedules, privacy notice
    # acknowledgements, safety roll-calls and settings (the retention period).
    """
    ALTER TABLE people ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
    ALTER TABLE people ADD COLUMN manages TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE sites ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Tokyo';
    ALTER TABLE sites ADD COLUMN operator TEXT NOT NULL DEFAULT '';
    ALTER TABLE sites ADD COLUMN seat_names TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE sites ADD COLUMN tenants TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE sites ADD COLUMN networks TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE sites ADD COLUMN closes TEXT NOT NULL DEFAULT '';
    ALTER TABLE checkins ADD COLUMN day TEXT;
    ALTER TABLE checkins ADD COLUMN seat TEXT;
    ALTER TABLE checkins ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE checkins ADD COLUMN closes_at REAL;
    ALTER TABLE checkins ADD COLUMN auto_ended INTEGER NOT NULL DEFAULT 0;
    -- Each check-in's share of its person's day (rooms.telework.day_shares), so the
    -- telework figures are single sums over this table.
    ALTER TABLE checkins ADD COLUMN kind_days REAL NOT NULL DEFAULT 0;
    ALTER TABLE checkins ADD COLUMN telework_days REAL NOT NULL DEFAULT 0;
    ALTER TABLE checkins ADD COLUMN work_days REAL NOT NULL DEFAULT 0;
    -- Check-ins made before sites had time zones counted on the default clock (UTC+9).
    UPDATE checkins SET day = date(start, 'unixepoch', '+9 hours') WHERE day IS NULL;
    -- Their shares: a kind's weight on its first check-in (a full day first), and the
    -- day's capped telework and work on the day's first such check-in.
    UPDATE checkins SET kind_days = CASE WHEN rowid = (
            SELECT c.rowid FROM checkins c WHERE c.person_id = checkins.person_id
            AND c.day = checkins.day AND c.kind = checkins.kind
            ORDER BY c.half_day IS NOT NULL, c.rowid LIMIT 1)
        THEN (CASE WHEN half_day IS NULL THEN 1.0 ELSE 0.5 END) ELSE 0 END;
    UPDATE checkins SET
        telework_days = CASE WHEN kind <> 'main-office' AND rowid = (
                SELECT MIN(c.rowid) FROM checkins c WHERE c.person_id = checkins.person_id
                AND c.day = checkins.day AND c.kind <> 'main-office')
            THEN MIN(1.0, (SELECT TOTAL(c.kind_days) FROM checkins c
                WHERE c.person_id = checkins.person_id AND c.day = checkins.day
                AND c.kind <> 'main-office')) ELSE 0 END,
        work_days = CASE WHEN rowid = (
                SELECT MIN(c.rowid) FROM checkins c WHERE c.person_id = checkins.person_id
                AND c.day = checkins.day)
            THEN MIN(1.0, (SELECT TOTAL(c.kind_days) FROM checkins c
                WHERE c.person_id = checkins.person_id AND c.day = checkins.day)) ELSE 0 END;
    -- Covering indexes: each report reads one of them in order, never the table.
    CREATE INDEX checkins_person_kind
        ON checkins(person_id, kind, day, kind_days, telework_days, work_days);
    CREATE INDEX checkins_day_person ON checkins(day, person_id, kind);
    CREATE INDEX checkins_site_day ON checkins(site_id, day, person_id, half_day)
        WHERE site_id IS NOT NULL;
    CREATE TABLE schedules (
        person_id TEXT PRIMARY KEY,
        entries   TEXT NOT NULL
    );
    CREATE TABLE notice_acks (
        person_id TEXT PRIMARY KEY,
        version   INTEGER NOT NULL,
        at        REAL NOT NULL
    );
    CREATE TABLE rollcalls (
        id         TEXT PRIMARY KEY,
        started_by TEXT NOT NULL,
        started_at REAL NOT NULL,
        message    TEXT NOT NULL DEFAULT '',
        ended_at   REAL
    );
    CREATE TABLE rollcall_answers (
        rollcall_id TEXT NOT NULL REFERENCES rollcalls(id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL,
        answer      TEXT NOT NULL,
        kind        TEXT,
        site_id     TEXT,
        note        TEXT NOT NULL DEFAULT '',
        at          REAL NOT NULL,
        PRIMARY KEY (rollcall_id, person_id)
    );
    CREATE INDEX rollcall_answers_person ON rollcall_answers(person_id);
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 4: server secrets (the key that signs guest invitations)
    """
    CREATE TABLE server_secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    """,
)

SCHEMA_VERSION: Final = len(MIGRATIONS)
