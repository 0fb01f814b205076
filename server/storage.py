"""Durable storage in SQLite (WAL): the directory, check-ins, sessions, the audit log.

Presence is not stored: it lives in memory and comes back as people reconnect.
Writes are synchronous=FULL so a committed change survives a killed process and a
power cut alike.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import aiosqlite

from rooms.captions import HISTORY_LIMIT, CaptionLine, CaptionPolicy
from rooms.checkin import CheckIn, HalfDay
from rooms.office import Audit, DeleteRoomRecord, Effect, SaveCaption, SaveCheckIn, SaveRoom
from rooms.people import Person, Role
from rooms.presence import Location, LocationKind
from rooms.protocol import AuditEntry
from rooms.room import Access, Room
from rooms.site import Site
from server.backup import BackupError, keep_before_upgrade
from server.migrations import MIGRATIONS, SCHEMA_VERSION


class StorageError(Exception):
    """The database could not do what was asked (locked, full, gone, newer schema)."""


@dataclass(frozen=True, slots=True)
class Credentials:
    person: Person
    password_hash: str
    disabled: bool


def _person(row: Sequence[Any]) -> Person:
    return Person(id=row[0], display_name=row[1], team=row[2], role=Role(row[3]), language=row[4])


class Store:
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

    async def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            async with self._db.execute(sql, params) as cur:
                row = await cur.fetchone()
        except sqlite3.Error as exc:
            raise StorageError(str(exc)) from exc
        return None if row is None else row[0]

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            async with self._db.execute(sql, params) as cur:
                return list(await cur.fetchall())
        except sqlite3.Error as exc:
            raise StorageError(str(exc)) from exc

    async def _write(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> None:
        """Run statements in one transaction: all of them land, or none."""
        try:
            async with self._write_lock:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    for sql, params in statements:
                        await self._db.execute(sql, params)
                except BaseException:
                    await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"conflict: {exc}") from exc
        except sqlite3.Error as exc:
            raise StorageError(str(exc)) from exc

    # ------------------------------------------------------------ people

    async def people(self, *, include_disabled: bool = False) -> list[Person]:
        where = "" if include_disabled else "WHERE disabled = 0"
        rows = await self._rows(
            f"SELECT id, display_name, team, role, language FROM people {where} ORDER BY id"  # noqa: S608
        )
        return [_person(r) for r in rows]

    async def credentials(self, person_id: str) -> Credentials | None:
        rows = await self._rows(
            "SELECT id, display_name, team, role, language, password_hash, disabled"
            " FROM people WHERE id = ?",
            (person_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return Credentials(_person(row), row[5], bool(row[6]))

    async def add_person(self, person: Person, password_hash: str) -> None:
        await self._write(
            [
                (
                    "INSERT INTO people (id, display_name, team, role, language, password_hash)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        person.id,
                        person.display_name,
                        person.team,
                        person.role.value,
                        person.language,
                        password_hash,
                    ),
                )
            ]
        )

    async def add_people(self, people: Iterable[tuple[Person, str]]) -> None:
        await self._write(
            (
                "INSERT INTO people (id, display_name, team, role, language, password_hash)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (p.id, p.display_name, p.team, p.role.value, p.language, h),
            )
            for p, h in people
        )

    async def set_password(self, person_id: str, password_hash: str) -> bool:
        return await self._update(
            "UPDATE people SET password_hash = ? WHERE id = ?", (password_hash, person_id)
        )

    async def set_disabled(self, person_id: str, disabled: bool) -> bool:
        changed = await self._update(
            "UPDATE people SET disabled = ? WHERE id = ?", (int(disabled), person_id)
        )
        if changed and disabled:
            await self.revoke_sessions_of(person_id)
        return changed

    async def _update(self, sql: str, params: Sequence[Any]) -> bool:
        try:
            async with self._write_lock:
                cur = await self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StorageError(str(exc)) from exc
        return cur.rowcount > 0

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
        await self._write(self._save_room(room))

    async def delete_room(self, room_id: str) -> bool:
        return await self._update("DELETE FROM rooms WHERE id = ?", (room_id,))

    async def sites(self) -> list[Site]:
        rows = await self._rows("SELECT id, name, region, seats FROM sites ORDER BY id")
        return [Site(id=r[0], name=r[1], region=r[2], seats=r[3]) for r in rows]

    async def save_site(self, site: Site) -> None:
        await self._write(
            [
                (
                    "INSERT INTO sites (id, name, region, seats) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
                    " region = excluded.region, seats = excluded.seats",
                    (site.id, site.name, site.region, site.seats),
                )
            ]
        )

    async def delete_site(self, site_id: str) -> bool:
        return await self._update("DELETE FROM sites WHERE id = ?", (site_id,))

    # ------------------------------------------------------------ check-ins

    @staticmethod
    def _save_checkin(c: CheckIn) -> tuple[str, Sequence[Any]]:
        return (
            "INSERT INTO checkins (id, person_id, kind, site_id, start, end, half_day, plan,"
            " report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " end = excluded.end, report = excluded.report, plan = excluded.plan",
            (
                c.id,
                c.person_id,
                c.location.kind.value,
                c.location.site_id,
                c.start,
                c.end,
                c.half_day.value if c.half_day else None,
                c.plan,
                c.report,
            ),
        )

    async def checkins(self, person_id: str | None = None) -> list[CheckIn]:
        sql = (
            "SELECT id, person_id, kind, site_id, start, end, half_day, plan, report FROM checkins"
        )
        params: tuple[Any, ...] = ()
        if person_id is not None:
            sql += " WHERE person_id = ?"
            params = (person_id,)
        return [self._checkin(r) for r in await self._rows(sql + " ORDER BY start", params)]

    async def open_checkins(self) -> list[CheckIn]:
        rows = await self._rows(
            "SELECT id, person_id, kind, site_id, start, end, half_day, plan, report"
            " FROM checkins WHERE end IS NULL ORDER BY start"
        )
        return [self._checkin(r) for r in rows]

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
        )

    # ------------------------------------------------------------ effects of the office

    async def apply(self, effects: Iterable[Effect], now: float) -> None:
        """Make an outcome's effects durable, all in one transaction."""
        statements: list[tuple[str, Sequence[Any]]] = []
        for effect in effects:
            match effect:
                case SaveRoom(room=room):
                    statements.extend(self._save_room(room))
                case DeleteRoomRecord(room_id=room_id):
                    statements.append(("DELETE FROM rooms WHERE id = ?", (room_id,)))
                    statements.append(("DELETE FROM captions WHERE room_id = ?", (room_id,)))
                case SaveCaption(line=line):
                    statements.append(self._save_caption(line))
                case SaveCheckIn(checkin=checkin):
                    statements.append(self._save_checkin(checkin))
                case Audit(actor=actor, action=action, detail=detail):
                    statements.append(self._audit(now, actor, action, detail))
        await self._write(statements)

    # ------------------------------------------------------------ captions kept by policy

    @staticmethod
    def _save_caption(c: CaptionLine) -> tuple[str, Sequence[Any]]:
        return (
            "INSERT INTO captions (room_id, speaker_id, utterance, text, language, start, end, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (c.room_id, c.speaker_id, c.utterance, c.text, c.language, c.start, c.end, c.at),
        )

    async def caption_lines(
        self, room_id: str, since: float = 0.0, limit: int = HISTORY_LIMIT
    ) -> list[CaptionLine]:
        rows = await self._rows(
            "SELECT room_id, speaker_id, utterance, text, language, start, end, at"
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
        await self._update("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    async def revoke_sessions_of(self, person_id: str) -> None:
        await self._update("DELETE FROM sessions WHERE person_id = ?", (person_id,))

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
