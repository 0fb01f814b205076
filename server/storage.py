"""Durable storage in SQLite (WAL): the directory, check-ins, sessions, the audit log.

Presence is not stored: it lives in memory and comes back as people reconnect.
Writes are synchronous=FULL so a committed change survives a killed process and a
power cut alike.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Self

import aiosqlite
import msgspec

from rooms.captions import HISTORY_LIMIT, CaptionLine, CaptionPolicy
from rooms.checkin import CheckIn, HalfDay
from rooms.office import (
    Audit,
    DeleteHistoryRecords,
    DeleteRoomRecord,
    Effect,
    SaveCaption,
    SaveCheckIn,
    SaveLanguage,
    SaveNoticeAck,
    SaveRollCall,
    SaveRollCallAnswer,
    SaveRoom,
    SaveSchedule,
)
from rooms.people import Person, Role
from rooms.presence import Location, LocationKind
from rooms.protocol import AuditEntry, HistoryEntry, TeamPost
from rooms.rollcall import RollCall, RollCallAnswer, Safety
from rooms.room import Access, Room
from rooms.schedule import Schedule, ScheduleEntry
from rooms.site import Site
from rooms.telework import day_shares
from server.backup import BackupError, keep_before_upgrade
from server.migrations import MIGRATIONS, SCHEMA_VERSION

RETENTION_KEY = "retention_days"
# A year and a month: a fiscal year's figures can still be reported after it ends.
DEFAULT_RETENTION_DAYS = 400


def checkin_values(c: CheckIn) -> tuple[Any, ...]:
    """A check-in as the row values of _CHECKIN_COLUMNS (the bench writes rows this way too)."""
    return (
        c.id,
        c.person_id,
        c.location.kind.value,
        c.location.site_id,
        c.start,
        c.end,
        c.half_day.value if c.half_day else None,
        c.plan,
        c.report,
        c.seat,
        int(c.verified),
        c.closes_at,
        int(c.auto_ended),
    )


class Tx(Protocol):
    """A transaction under way, for steps that read before they write."""

    async def rows(self, sql: str, params: Sequence[Any]) -> list[Any]: ...

    async def execute(self, sql: str, params: Sequence[Any]) -> int: ...


class _SqliteTx:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        async with self._db.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        cur = await self._db.execute(sql, params)
        return cur.rowcount


Step = Callable[[Tx], Awaitable[None]]
Statement = tuple[str, Sequence[Any]] | Step


@dataclass(frozen=True, slots=True)
class AppliedRequest:
    """A request that changed the database, and the reply it got (encoded)."""

    session: str
    request_id: int
    reply: str


class StorageError(Exception):
    """The database could not do what was asked (locked, full, gone, newer schema)."""


@dataclass(frozen=True, slots=True)
class Credentials:
    person: Person
    password_hash: str
    disabled: bool


_PERSON_COLUMNS = "id, display_name, team, role, language, tenant, manages"
_strings = msgspec.json.Decoder(list[str])
_schedule = msgspec.json.Decoder(list[ScheduleEntry])


def _json_list(values: Iterable[str]) -> str:
    return msgspec.json.encode(
        sorted(values) if isinstance(values, frozenset) else list(values)
    ).decode()


def _person(row: Sequence[Any]) -> Person:
    return Person(
        id=row[0],
        display_name=row[1],
        team=row[2],
        role=Role(row[3]),
        language=row[4],
        tenant=row[5],
        manages=frozenset(_strings.decode(row[6])),
    )


def _person_values(p: Person) -> tuple[Any, ...]:
    return (p.id, p.display_name, p.team, p.role.value, p.language, p.tenant, _json_list(p.manages))


_SHARE_COLUMNS = "day, kind_days, telework_days, work_days"
_CHECKIN_COLUMNS = (
    'id, person_id, kind, site_id, start, "end", half_day, plan, report, seat, verified,'
    " closes_at, auto_ended"
)


class Store:
    dialect = "sqlite"
    # The leader's term when its writes must be fenced (PostgreSQL; see server/postgres.py).
    fence: int | None = None

    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        self._db = db
        self.path = path
        # One connection serves every coroutine: writes must not interleave in a transaction.
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Self:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            db = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {path}: {exc}") from exc
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=FULL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA busy_timeout=5000")
            store = cls(db, path)
            await store._migrate()
        except BaseException as exc:
            await db.close()  # a failed migration's open transaction rolls back here
            if isinstance(exc, sqlite3.Error):
                raise StorageError(f"cannot open database {path}: {exc}") from exc
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def _migrate(self) -> None:
        version = await self.schema_version()
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"database schema {version} is newer than this server ({SCHEMA_VERSION})"
            )
        if 0 < version < SCHEMA_VERSION and self.path != ":memory:":
            # The old database stays beside the new one until the admin removes it.
            try:
                await asyncio.to_thread(keep_before_upgrade, Path(self.path), version)
            except BackupError as exc:
                raise StorageError(f"not upgrading: cannot keep a copy first: {exc}") from exc
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits on its own, so the version bump rides inside it.
            await self._db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )

    async def schema_version(self) -> int:
        return int(await self._scalar("PRAGMA user_version") or 0)

    async def data_version(self) -> int:
        """Changes when another connection (say, the admin CLI) commits."""
        return int(await self._scalar("PRAGMA data_version") or 0)

    async def ping(self) -> None:
        await self._scalar("SELECT 1")

    async def take_term(self) -> int:
        """Start a new term as the office's leader (one SQLite server always leads)."""
        await self._write([("UPDATE cluster SET term = term + 1 WHERE id = 1", ())])
        return int(await self._scalar("SELECT term FROM cluster WHERE id = 1") or 0)

    async def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = await self._rows(sql, params)
        return rows[0][0] if rows else None

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            async with self._db.execute(sql, params) as cur:
                return list(await cur.fetchall())
        except sqlite3.Error as exc:
            raise StorageError(str(exc)) from exc

    async def _write(self, statements: Iterable[Statement]) -> list[int]:
        """Run statements in one transaction: all of them land, or none.

        A statement is SQL with its parameters, or a step that reads before it writes.
        Returns how many rows each statement changed (0 for a step).
        """
        counts: list[int] = []
        try:
            async with self._write_lock:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    tx = _SqliteTx(self._db)
                    for statement in statements:
                        if callable(statement):
                            await statement(tx)
                            counts.append(0)
                        else:
                            counts.append(await tx.execute(*statement))
                except BaseException:
                    await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"conflict: {exc}") from exc
        except sqlite3.Error as exc:
            raise StorageError(str(exc)) from exc
        return counts

    def _directory_changed(self) -> list[tuple[str, Sequence[Any]]]:
        """Statements that tell other servers the directory changed (SQLite needs none:
        `PRAGMA data_version` does it)."""
        return []

    # ------------------------------------------------------------ people

    async def people(self, *, include_disabled: bool = False) -> list[Person]:
        where = "" if include_disabled else "WHERE disabled = 0"
        rows = await self._rows(
            f"SELECT {_PERSON_COLUMNS} FROM people {where} ORDER BY id"  # noqa: S608
        )
        return [_person(r) for r in rows]

    async def credentials(self, person_id: str) -> Credentials | None:
        rows = await self._rows(
            f"SELECT {_PERSON_COLUMNS}, password_hash, disabled FROM people WHERE id = ?",  # noqa: S608
            (person_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return Credentials(_person(row), row[7], bool(row[8]))

    async def add_person(self, person: Person, password_hash: str) -> None:
        await self.add_people([(person, password_hash)])

    async def add_people(self, people: Iterable[tuple[Person, str]]) -> None:
        await self._write(
            [
                *(
                    (
                        f"INSERT INTO people ({_PERSON_COLUMNS}, password_hash)"  # noqa: S608
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (*_person_values(p), h),
                    )
                    for p, h in people
                ),
                *self._directory_changed(),
            ]
        )

    async def update_person(self, person: Person) -> bool:
        """Change a person's directory entry (not their password)."""
        values = _person_values(person)
        return await self._update(
            "UPDATE people SET display_name = ?, team = ?, role = ?, language = ?, tenant = ?,"
            " manages = ? WHERE id = ?",
            (*values[1:], values[0]),
        )

    async def set_password(self, person_id: str, password_hash: str) -> bool:
        return await self._update(
            "UPDATE people SET password_hash = ? WHERE id = ?",
            (password_hash, person_id),
            directory=False,
        )

    async def set_disabled(self, person_id: str, disabled: bool) -> bool:
        changed = await self._update(
            "UPDATE people SET disabled = ? WHERE id = ?", (int(disabled), person_id)
        )
        if changed and disabled:
            await self.revoke_sessions_of(person_id)
        return changed

    async def _update(self, sql: str, params: Sequence[Any], *, directory: bool = True) -> bool:
        extra = self._directory_changed() if directory else []
        counts = await self._write([(sql, params), *extra])
        return counts[0] > 0

    # ------------------------------------------------------------ rooms and sites

    async def rooms(self) -> list[Room]:
        members: dict[str, set[str]] = {}
        for room_id, person_id in await self._rows("SELECT room_id, person_id FROM room_members"):
            members.setdefault(room_id, set()).add(person_id)
        rows = await self._rows(
            "SELECT id, name, capacity, access, locked,"
            " captions_live, captions_saving, captions_keep_s FROM rooms ORDER BY position, id"
        )
        return [
            Room(
                id=r[0],
                name=r[1],
                capacity=r[2],
                access=Access(r[3]),
                locked=bool(r[4]),
                members=frozenset(members.get(r[0], ())),
                captions=CaptionPolicy(live=bool(r[5]), saving=bool(r[6]), keep_s=int(r[7])),
            )
            for r in rows
        ]

    def _save_room(self, room: Room) -> list[tuple[str, Sequence[Any]]]:
        return [
            (
                "INSERT INTO rooms (id, name, capacity, access, locked, position)"
                " VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM rooms))"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
                " capacity = excluded.capacity, access = excluded.access,"
                " locked = excluded.locked",
                (room.id, room.name, room.capacity, room.access.value, int(room.locked)),
            ),
            (
                "UPDATE rooms SET captions_live = ?, captions_saving = ?, captions_keep_s = ?"
                " WHERE id = ?",
                (
                    int(room.captions.live),
                    int(room.captions.saving),
                    room.captions.keep_s,
                    room.id,
                ),
            ),
            ("DELETE FROM room_members WHERE room_id = ?", (room.id,)),
            *(
                ("INSERT INTO room_members (room_id, person_id) VALUES (?, ?)", (room.id, m))
                for m in sorted(room.members)
            ),
        ]

    async def save_room(self, room: Room) -> None:
        await self._write([*self._save_room(room), *self._directory_changed()])

    async def delete_room(self, room_id: str) -> bool:
        return await self._update("DELETE FROM rooms WHERE id = ?", (room_id,))

    async def sites(self) -> list[Site]:
        rows = await self._rows(
            "SELECT id, name, region, seats, time_zone, operator, seat_names, tenants, networks,"
            " closes FROM sites ORDER BY id"
        )
        return [
            Site(
                id=r[0],
                name=r[1],
                region=r[2],
                seats=r[3],
                time_zone=r[4],
                operator=r[5],
                seat_names=tuple(_strings.decode(r[6])),
                tenants=frozenset(_strings.decode(r[7])),
                networks=tuple(_strings.decode(r[8])),
                closes=r[9],
            )
            for r in rows
        ]

    async def save_site(self, site: Site) -> None:
        await self._write(
            [
                (
                    "INSERT INTO sites (id, name, region, seats, time_zone, operator, seat_names,"
                    " tenants, networks, closes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
                    " region = excluded.region, seats = excluded.seats,"
                    " time_zone = excluded.time_zone, operator = excluded.operator,"
                    " seat_names = excluded.seat_names, tenants = excluded.tenants,"
                    " networks = excluded.networks, closes = excluded.closes",
                    (
                        site.id,
                        site.name,
                        site.region,
                        site.seats,
                        site.time_zone,
                        site.operator,
                        _json_list(site.seat_names),
                        _json_list(site.tenants),
                        _json_list(site.networks),
                        site.closes,
                    ),
                ),
                *self._directory_changed(),
            ]
        )

    async def delete_site(self, site_id: str) -> bool:
        return await self._update("DELETE FROM sites WHERE id = ?", (site_id,))

    # ------------------------------------------------------------ check-ins

    @staticmethod
    def _save_checkin(c: CheckIn, day: str) -> Step:
        """Insert a check-in with its share of the person's day, or update its ending."""

        async def step(tx: Tx) -> None:
            rows = await tx.rows(
                "SELECT kind, half_day FROM checkins WHERE person_id = ? AND day = ? AND id <> ?",
                (c.person_id, day, c.id),
            )
            same_day = [(LocationKind(k), HalfDay(h) if h else None) for k, h in rows]
            shares = day_shares(same_day, (c.location.kind, c.half_day))
            await tx.execute(
                f"INSERT INTO checkins ({_CHECKIN_COLUMNS}, {_SHARE_COLUMNS})"  # noqa: S608
                f" VALUES ({', '.join('?' * 17)}) ON CONFLICT(id) DO UPDATE SET"
                ' "end" = excluded."end", report = excluded.report, plan = excluded.plan,'
                " auto_ended = excluded.auto_ended",
                (*checkin_values(c), day, *shares),
            )

        return step

    async def checkins(self, person_id: str | None = None) -> list[CheckIn]:
        sql = f"SELECT {_CHECKIN_COLUMNS} FROM checkins"  # noqa: S608
        params: tuple[Any, ...] = ()
        if person_id is not None:
            sql += " WHERE person_id = ?"
            params = (person_id,)
        return [self._checkin(r) for r in await self._rows(sql + " ORDER BY start", params)]

    async def open_checkins(self) -> list[CheckIn]:
        rows = await self._rows(
            f'SELECT {_CHECKIN_COLUMNS} FROM checkins WHERE "end" IS NULL ORDER BY start'  # noqa: S608
        )
        return [self._checkin(r) for r in rows]

    async def history(
        self, person_id: str, start: str | None, end: str | None, limit: int
    ) -> list[HistoryEntry]:
        """A person's check-ins, newest first, by local day (inclusive bounds)."""
        rows = await self._rows(
            f"SELECT {_CHECKIN_COLUMNS}, day FROM checkins WHERE person_id = ?"  # noqa: S608
            " AND day >= ? AND day <= ? ORDER BY start DESC LIMIT ?",
            (person_id, start or "0000", end or "9999", max(1, min(limit, 5000))),
        )
        return [HistoryEntry(day=r[13], checkin=self._checkin(r)) for r in rows]

    async def last_days(self) -> list[tuple[str, str]]:
        rows = await self._rows("SELECT person_id, MAX(day) FROM checkins GROUP BY person_id")
        return [(r[0], r[1]) for r in rows if r[1] is not None]

    @staticmethod
    def _checkin(r: Sequence[Any]) -> CheckIn:
        return CheckIn(
            id=r[0],
            person_id=r[1],
            location=Location(kind=LocationKind(r[2]), site_id=r[3]),
            start=r[4],
            end=r[5],
            half_day=HalfDay(r[6]) if r[6] else None,
            plan=r[7],
            report=r[8],
            seat=r[9],
            verified=bool(r[10]),
            closes_at=r[11],
            auto_ended=bool(r[12]),
        )

    async def feed(self, people: Iterable[str] | None, since: float, limit: int) -> list[TeamPost]:
        """Plans and reports of these people (None: everyone) since a moment, newest first."""
        who, params = "", [since, since]
        if people is not None:
            member, value = self.member_of("c.person_id", people)
            who = f" AND {member}"
            params = [since, value, since, value]
        rows = await self._rows(
            "SELECT * FROM ("  # noqa: S608 (`who` is one of two fixed strings)
            " SELECT c.id AS checkin_id, c.person_id, COALESCE(p.team, '') AS team,"
            " 'plan' AS kind, c.plan AS text, c.start AS at"
            " FROM checkins c LEFT JOIN people p ON p.id = c.person_id"
            f" WHERE c.start >= ? {who} AND c.plan <> ''"
            " UNION ALL"
            " SELECT c.id, c.person_id, COALESCE(p.team, ''), 'report', c.report, c.\"end\" AS at"
            " FROM checkins c LEFT JOIN people p ON p.id = c.person_id"
            f" WHERE c.\"end\" >= ? {who} AND c.report <> ''"
            ") AS posts ORDER BY at DESC, checkin_id DESC, kind LIMIT ?",
            (*params, max(1, min(limit, 1000))),
        )
        return [
            TeamPost(checkin_id=r[0], person_id=r[1], team=r[2], kind=r[3], text=r[4], at=r[5])
            for r in rows
        ]

    def member_of(self, column: str, values: Iterable[str]) -> tuple[str, Any]:
        """`column` is one of `values`: SQL with one parameter, and that parameter."""
        return f"{column} IN (SELECT value FROM json_each(?))", _json_list(list(values))  # noqa: S608

    # ------------------------------------------------------------ schedules, notices, roll-calls

    async def schedules(self) -> list[tuple[str, Schedule]]:
        rows = await self._rows("SELECT person_id, entries FROM schedules")
        return [(r[0], tuple(_schedule.decode(r[1]))) for r in rows]

    async def notice_acks(self) -> list[tuple[str, int]]:
        rows = await self._rows("SELECT person_id, version FROM notice_acks")
        return [(r[0], r[1]) for r in rows]

    async def active_rollcall(self) -> tuple[RollCall | None, list[RollCallAnswer]]:
        rows = await self._rows(
            "SELECT id, started_by, started_at, message, ended_at FROM rollcalls"
            " WHERE ended_at IS NULL ORDER BY started_at DESC LIMIT 1"
        )
        if not rows:
            return None, []
        r = rows[0]
        rollcall = RollCall(id=r[0], started_by=r[1], started_at=r[2], message=r[3])
        return rollcall, await self.rollcall_answers(rollcall.id)

    async def rollcall_answers(
        self, rollcall_id: str | None = None, person_id: str | None = None
    ) -> list[RollCallAnswer]:
        rows = await self._rows(
            "SELECT rollcall_id, person_id, answer, kind, site_id, note, at FROM rollcall_answers"
            " WHERE (CAST(? AS TEXT) IS NULL OR rollcall_id = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR person_id = ?) ORDER BY at",
            (rollcall_id, rollcall_id, person_id, person_id),
        )
        return [
            RollCallAnswer(
                rollcall_id=r[0],
                person_id=r[1],
                answer=Safety(r[2]),
                location=Location(kind=LocationKind(r[3]), site_id=r[4]) if r[3] else None,
                note=r[5],
                at=r[6],
            )
            for r in rows
        ]

    # ------------------------------------------------------------ settings and retention

    async def setting(self, key: str) -> str | None:
        value = await self._scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def set_setting(self, key: str, value: str | None) -> None:
        if value is None:
            await self._write([("DELETE FROM settings WHERE key = ?", (key,))])
        else:
            await self._write(
                [
                    (
                        "INSERT INTO settings (key, value) VALUES (?, ?)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, value),
                    )
                ]
            )

    async def retention_days(self) -> int:
        value = await self.setting(RETENTION_KEY)
        return DEFAULT_RETENTION_DAYS if value is None else int(value)

    async def purgeable(self, before_day: str) -> int:
        """How many check-ins a purge of the days before `before_day` would delete."""
        return int(
            await self._scalar(
                'SELECT COUNT(*) FROM checkins WHERE "end" IS NOT NULL AND day < ?', (before_day,)
            )
        )

    async def purge(self, before: float, before_day: str) -> dict[str, int]:
        """Delete history older than a moment: the check-ins of the days before
        `before_day` (whole days, so the day shares of what stays still add up) and the
        roll-calls that ended before `before`.

        Open check-ins and a roll-call under way are kept whatever their age.
        """
        checkins, answers, rollcalls = await self._write(
            [
                ('DELETE FROM checkins WHERE "end" IS NOT NULL AND day < ?', (before_day,)),
                (
                    "DELETE FROM rollcall_answers WHERE rollcall_id IN"
                    " (SELECT id FROM rollcalls WHERE ended_at < ?)",
                    (before,),
                ),
                ("DELETE FROM rollcalls WHERE ended_at < ?", (before,)),
            ]
        )
        return {"checkins": checkins, "rollcall_answers": answers, "rollcalls": rollcalls}

    # ------------------------------------------------------------ effects of the office

    async def apply(
        self, effects: Iterable[Effect], now: float, *, request: AppliedRequest | None = None
    ) -> None:
        """Make an outcome's effects durable, all in one transaction.

        `request`, when given, is recorded in the same transaction: a retry of it is then
        answered with the same reply and never done twice, even after a crash.
        """
        statements: list[Statement] = []
        if request is not None:
            statements.append(
                (
                    "INSERT INTO applied_requests (session, request_id, at, reply)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (session, request_id) DO NOTHING",
                    (request.session, request.request_id, now, request.reply),
                )
            )
        for effect in effects:
            match effect:
                case SaveRoom(room=room):
                    statements.extend(self._save_room(room))
                case DeleteRoomRecord(room_id=room_id):
                    statements.append(("DELETE FROM rooms WHERE id = ?", (room_id,)))
                    statements.append(("DELETE FROM captions WHERE room_id = ?", (room_id,)))
                case SaveCaption(line=line):
                    statements.append(self._save_caption(line))
                case SaveCheckIn(checkin=checkin, day=day):
                    statements.append(self._save_checkin(checkin, day))
                case Audit(actor=actor, action=action, detail=detail):
                    statements.append(self._audit(now, actor, action, detail))
                case SaveSchedule(person_id=pid, entries=entries):
                    statements.append(
                        (
                            "INSERT INTO schedules (person_id, entries) VALUES (?, ?)"
                            " ON CONFLICT(person_id) DO UPDATE SET entries = excluded.entries",
                            (pid, msgspec.json.encode(list(entries)).decode()),
                        )
                    )
                case SaveNoticeAck(person_id=pid, version=version):
                    statements.append(
                        (
                            "INSERT INTO notice_acks (person_id, version, at) VALUES (?, ?, ?)"
                            " ON CONFLICT(person_id) DO UPDATE SET version = excluded.version,"
                            " at = excluded.at",
                            (pid, version, now),
                        )
                    )
                case DeleteHistoryRecords(person_id=pid):
                    statements.append(("DELETE FROM checkins WHERE person_id = ?", (pid,)))
                    # Answers to a roll-call still under way stay: people are looking.
                    statements.append(
                        (
                            "DELETE FROM rollcall_answers WHERE person_id = ? AND rollcall_id"
                            " IN (SELECT id FROM rollcalls WHERE ended_at IS NOT NULL)",
                            (pid,),
                        )
                    )
                case SaveRollCall(rollcall=r):
                    statements.append(
                        (
                            "INSERT INTO rollcalls (id, started_by, started_at, message, ended_at)"
                            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                            " ended_at = excluded.ended_at",
                            (r.id, r.started_by, r.started_at, r.message, r.ended_at),
                        )
                    )
                case SaveRollCallAnswer(answer=a):
                    loc = a.location
                    statements.append(
                        (
                            "INSERT INTO rollcall_answers (rollcall_id, person_id, answer, kind,"
                            " site_id, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                            " ON CONFLICT(rollcall_id, person_id) DO UPDATE SET"
                            " answer = excluded.answer, kind = excluded.kind,"
                            " site_id = excluded.site_id, note = excluded.note, at = excluded.at",
                            (
                                a.rollcall_id,
                                a.person_id,
                                a.answer.value,
                                loc.kind.value if loc else None,
                                loc.site_id if loc else None,
                                a.note,
                                a.at,
                            ),
                        )
                    )
                case SaveLanguage(person_id=person_id, language=language):
                    statements.append(
                        ("UPDATE people SET language = ? WHERE id = ?", (language, person_id))
                    )
        await self._write(statements)

    # ------------------------------------------------------------ captions kept by policy

    @staticmethod
    def _save_caption(c: CaptionLine) -> tuple[str, Sequence[Any]]:
        return (
            "INSERT INTO captions"
            ' (room_id, speaker_id, utterance, text, language, start, "end", at)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (c.room_id, c.speaker_id, c.utterance, c.text, c.language, c.start, c.end, c.at),
        )

    async def caption_lines(
        self, room_id: str, since: float = 0.0, limit: int = HISTORY_LIMIT
    ) -> list[CaptionLine]:
        rows = await self._rows(
            'SELECT room_id, speaker_id, utterance, text, language, start, "end", at'
            " FROM captions WHERE room_id = ? AND at >= ? ORDER BY at, id LIMIT ?",
            (room_id, since, limit),
        )
        return [
            CaptionLine(
                room_id=r[0],
                speaker_id=r[1],
                utterance=r[2],
                text=r[3],
                language=r[4],
                start=r[5],
                end=r[6],
                at=r[7],
            )
            for r in rows
        ]

    async def purge_captions(self, cutoffs: dict[str, float]) -> int:
        """Delete kept captions older than their room's cutoff, and those of rooms gone."""
        statements: list[tuple[str, Sequence[Any]]] = [
            ("DELETE FROM captions WHERE room_id NOT IN (SELECT id FROM rooms)", ())
        ]
        for room_id, cutoff in cutoffs.items():
            if cutoff == float("inf"):
                statements.append(("DELETE FROM captions WHERE room_id = ?", (room_id,)))
            else:
                statements.append(
                    ("DELETE FROM captions WHERE room_id = ? AND at < ?", (room_id, cutoff))
                )
        before = int(await self._scalar("SELECT COUNT(*) FROM captions") or 0)
        await self._write(statements)
        after = int(await self._scalar("SELECT COUNT(*) FROM captions") or 0)
        return before - after

    # ------------------------------------------------------------ sessions

    async def add_session(self, token_hash: str, person_id: str, now: float, ttl: float) -> None:
        await self._write(
            [
                ("DELETE FROM sessions WHERE expires < ?", (now,)),
                (
                    "INSERT INTO sessions (token_hash, person_id, created, expires)"
                    " VALUES (?, ?, ?, ?)",
                    (token_hash, person_id, now, now + ttl),
                ),
            ]
        )

    async def session(self, token_hash: str) -> tuple[str, float] | None:
        rows = await self._rows(
            "SELECT person_id, expires FROM sessions WHERE token_hash = ?", (token_hash,)
        )
        return (rows[0][0], rows[0][1]) if rows else None

    async def revoke_session(self, token_hash: str) -> None:
        await self._update(
            "DELETE FROM sessions WHERE token_hash = ?", (token_hash,), directory=False
        )

    async def revoke_sessions_of(self, person_id: str) -> None:
        await self._update(
            "DELETE FROM sessions WHERE person_id = ?", (person_id,), directory=False
        )

    # ------------------------------------------------------------ requests already applied

    async def applied_requests(self, since: float) -> list[AppliedRequest]:
        rows = await self._rows(
            "SELECT session, request_id, reply FROM applied_requests WHERE at >= ?", (since,)
        )
        return [AppliedRequest(r[0], r[1], r[2]) for r in rows]

    async def forget_applied_requests(self, before: float) -> None:
        await self._write([("DELETE FROM applied_requests WHERE at < ?", (before,))])

    # ------------------------------------------------------------ failed sign-ins

    async def sign_in_failures(self, keys: Sequence[str]) -> dict[str, tuple[int, float, float]]:
        """Failures so far for each key: (count, last failure, locked until)."""
        found: dict[str, tuple[int, float, float]] = {}
        for key in keys:
            rows = await self._rows(
                "SELECT failures, last_at, locked_until FROM sign_in_failures WHERE key = ?",
                (key,),
            )
            if rows:
                found[key] = (int(rows[0][0]), float(rows[0][1]), float(rows[0][2]))
        return found

    async def record_sign_in_failure(
        self, key: str, failures: int, now: float, until: float
    ) -> None:
        await self._write(
            [
                (
                    "INSERT INTO sign_in_failures (key, failures, last_at, locked_until)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                    " failures = excluded.failures, last_at = excluded.last_at,"
                    " locked_until = excluded.locked_until",
                    (key, failures, now, until),
                )
            ]
        )

    async def clear_sign_in_failures(self, key: str) -> None:
        await self._write([("DELETE FROM sign_in_failures WHERE key = ?", (key,))])

    # ------------------------------------------------------------ secrets

    async def secret(self, name: str, make: Callable[[], bytes]) -> bytes:
        """A named server secret, made (once, by `make`) on first use."""
        await self._write(
            [
                (
                    "INSERT INTO server_secrets (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO NOTHING",
                    (name, make()),
                )
            ]
        )
        value = await self._scalar("SELECT value FROM server_secrets WHERE name = ?", (name,))
        return bytes(value)

    # ------------------------------------------------------------ audit

    @staticmethod
    def _audit(now: float, actor: str, action: str, detail: str) -> tuple[str, Sequence[Any]]:
        return (
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (now, actor, action, detail),
        )

    async def audit(self, now: float, actor: str, action: str, detail: str = "") -> None:
        await self._write([self._audit(now, actor, action, detail)])

    async def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        rows = await self._rows(
            "SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?",
            (max(1, min(limit, 1000)),),
        )
        return [AuditEntry(at=r[0], actor=r[1], action=r[2], detail=r[3]) for r in rows]
