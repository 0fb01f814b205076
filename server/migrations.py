"""Schema migrations, applied in order, for SQLite and for PostgreSQL side by side.

`MIGRATIONS[n]` and `POSTGRES_MIGRATIONS[n]` are the same version n in each dialect:
same tables, columns, keys and indexes; only the spelling differs (REAL is DOUBLE
PRECISION, AUTOINCREMENT is an identity, `end` is quoted, SQLite's date functions and
rowid have PostgreSQL equivalents). A test compares the two schemas column by column.
SQLite records how far a database got in `PRAGMA user_version`, PostgreSQL in the
`schema_version` table.

Never edit a migration that has shipped: add a new one, in both dialects.
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
    # 5: many servers over one database. `cluster.term` is the office leader's term: a
    # deposed leader's writes are refused (fencing). `directory_version` moves when the
    # admin changes the directory, so every server notices. `applied_requests`: requests
    # that changed the database, with their replies, so a retried request is answered
    # again and not done twice. `sign_in_failures`: failed sign-ins per account and per
    # address, for the lockout.
    """
    CREATE TABLE cluster (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        term              INTEGER NOT NULL DEFAULT 0,
        directory_version INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO cluster (id) VALUES (1);
    CREATE TABLE applied_requests (
        session    TEXT NOT NULL,
        request_id INTEGER NOT NULL,
        at         REAL NOT NULL,
        reply      TEXT NOT NULL,
        PRIMARY KEY (session, request_id)
    );
    CREATE INDEX applied_requests_at ON applied_requests(at);
    CREATE TABLE sign_in_failures (
        key          TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL,
        last_at      REAL NOT NULL,
        locked_until REAL NOT NULL DEFAULT 0
    );
    """,
)

POSTGRES_MIGRATIONS: Final[tuple[str, ...]] = (
    # 1
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
        start     DOUBLE PRECISION NOT NULL,
        "end"     DOUBLE PRECISION,
        half_day  TEXT,
        plan      TEXT NOT NULL DEFAULT '',
        report    TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX checkins_person_start ON checkins(person_id, start);
    CREATE INDEX checkins_open ON checkins(person_id) WHERE "end" IS NULL;
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        person_id  TEXT NOT NULL,
        created    DOUBLE PRECISION NOT NULL,
        expires    DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX sessions_person ON sessions(person_id);
    CREATE TABLE audit_log (
        id     BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at     DOUBLE PRECISION NOT NULL,
        actor  TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    """,
    # 2
    """
    ALTER TABLE rooms ADD COLUMN captions_live   INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE rooms ADD COLUMN captions_saving INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE rooms ADD COLUMN captions_keep_s INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE captions (
        id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        room_id    TEXT NOT NULL,
        speaker_id TEXT NOT NULL,
        utterance  TEXT NOT NULL,
        text       TEXT NOT NULL,
        language   TEXT NOT NULL,
        start      DOUBLE PRECISION NOT NULL,
        "end"      DOUBLE PRECISION NOT NULL,
        at         DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX captions_room_at ON captions(room_id, at);
    """,
    # 3. SQLite's rowid (insertion order) has no PostgreSQL twin: the backfill orders
    # by start time, then id. (A PostgreSQL database is always created at the latest
    # version, so its backfill only ever meets an empty table.)
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
    ALTER TABLE checkins ADD COLUMN closes_at DOUBLE PRECISION;
    ALTER TABLE checkins ADD COLUMN auto_ended INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE checkins ADD COLUMN kind_days DOUBLE PRECISION NOT NULL DEFAULT 0;
    ALTER TABLE checkins ADD COLUMN telework_days DOUBLE PRECISION NOT NULL DEFAULT 0;
    ALTER TABLE checkins ADD COLUMN work_days DOUBLE PRECISION NOT NULL DEFAULT 0;
    UPDATE checkins SET day = to_char(to_timestamp(start) AT TIME ZONE 'UTC'
        + INTERVAL '9 hours', 'YYYY-MM-DD') WHERE day IS NULL;
    UPDATE checkins SET kind_days = CASE WHEN id = (
            SELECT c.id FROM checkins c WHERE c.person_id = checkins.person_id
            AND c.day = checkins.day AND c.kind = checkins.kind
            ORDER BY c.half_day IS NOT NULL, c.start, c.id LIMIT 1)
        THEN (CASE WHEN half_day IS NULL THEN 1.0 ELSE 0.5 END) ELSE 0 END;
    UPDATE checkins SET
        telework_days = CASE WHEN kind <> 'main-office' AND id = (
                SELECT c.id FROM checkins c WHERE c.person_id = checkins.person_id
                AND c.day = checkins.day AND c.kind <> 'main-office'
                ORDER BY c.start, c.id LIMIT 1)
            THEN LEAST(1.0, (SELECT COALESCE(SUM(c.kind_days), 0) FROM checkins c
                WHERE c.person_id = checkins.person_id AND c.day = checkins.day
                AND c.kind <> 'main-office')) ELSE 0 END,
        work_days = CASE WHEN id = (
                SELECT c.id FROM checkins c WHERE c.person_id = checkins.person_id
                AND c.day = checkins.day ORDER BY c.start, c.id LIMIT 1)
            THEN LEAST(1.0, (SELECT COALESCE(SUM(c.kind_days), 0) FROM checkins c
                WHERE c.person_id = checkins.person_id AND c.day = checkins.day)) ELSE 0 END;
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
        at        DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE rollcalls (
        id         TEXT PRIMARY KEY,
        started_by TEXT NOT NULL,
        started_at DOUBLE PRECISION NOT NULL,
        message    TEXT NOT NULL DEFAULT '',
        ended_at   DOUBLE PRECISION
    );
    CREATE TABLE rollcall_answers (
        rollcall_id TEXT NOT NULL REFERENCES rollcalls(id) ON DELETE CASCADE,
        person_id   TEXT NOT NULL,
        answer      TEXT NOT NULL,
        kind        TEXT,
        site_id     TEXT,
        note        TEXT NOT NULL DEFAULT '',
        at          DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (rollcall_id, person_id)
    );
    CREATE INDEX rollcall_answers_person ON rollcall_answers(person_id);
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 4
    """
    CREATE TABLE server_secrets (
        name  TEXT PRIMARY KEY,
        value BYTEA NOT NULL
    );
    """,
    # 5 (request ids are 64-bit: BIGINT)
    """
    CREATE TABLE cluster (
        id                INTEGER PRIMARY KEY CHECK (id = 1),
        term              BIGINT NOT NULL DEFAULT 0,
        directory_version BIGINT NOT NULL DEFAULT 0
    );
    INSERT INTO cluster (id) VALUES (1);
    CREATE TABLE applied_requests (
        session    TEXT NOT NULL,
        request_id BIGINT NOT NULL,
        at         DOUBLE PRECISION NOT NULL,
        reply      TEXT NOT NULL,
        PRIMARY KEY (session, request_id)
    );
    CREATE INDEX applied_requests_at ON applied_requests(at);
    CREATE TABLE sign_in_failures (
        key          TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL,
        last_at      DOUBLE PRECISION NOT NULL,
        locked_until DOUBLE PRECISION NOT NULL DEFAULT 0
    );
    """,
)

SCHEMA_VERSION: Final = len(MIGRATIONS)
assert len(POSTGRES_MIGRATIONS) == SCHEMA_VERSION, "every migration in both dialects"
