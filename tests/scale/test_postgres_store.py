"""The PostgreSQL store against a real PostgreSQL: the same migrations as SQLite, the
same answers to the same reads after the same writes, the telework reports against
figures worked out by hand, fencing of a deposed leader, and clear errors when the
database is gone."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from rooms.captions import CaptionLine
from rooms.checkin import CheckIn, HalfDay
from rooms.office import (
    Audit,
    SaveCaption,
    SaveCheckIn,
    SaveLanguage,
    SaveRollCall,
    SaveRollCallAnswer,
    SaveRoom,
)
from rooms.presence import Location, LocationKind
from rooms.rollcall import RollCall, RollCallAnswer, Safety
from rooms.room import Room
from rooms.telework import ReportName
from server.migrations import MIGRATIONS, POSTGRES_MIGRATIONS
from server.passwords import hash_password
from server.postgres import FencedOff, PgReportReader, PgStore, dollar_params
from server.reports import ReportReader
from server.storage import StorageError, Store
from server.stores import open_store
from tests.sites.support import PEOPLE, SITES, at
from tests.sites.test_reports import CORE, END, START, by_hand, check, generate

from .services import PostgresServer


def test_placeholders_become_numbered_and_quoted_text_is_left_alone() -> None:
    assert dollar_params("SELECT ? , '?' , \"a?\" , ?") == "SELECT $1 , '?' , \"a?\" , $2"


async def _schema_pg(url: str) -> dict[str, list[str]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name <> 'schema_version'"
            " ORDER BY table_name, ordinal_position"
        )
        indexes = await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
            " AND indexname NOT LIKE '%_pkey'"
        )
    finally:
        await conn.close()
    schema: dict[str, list[str]] = {}
    for r in rows:
        schema.setdefault(r["table_name"], []).append(r["column_name"])
    schema["(indexes)"] = sorted(r["indexname"] for r in indexes)
    return schema


def _schema_sqlite(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        schema = {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
        schema["(indexes)"] = sorted(
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        )
    finally:
        conn.close()
    return schema


async def test_both_dialects_build_the_same_schema_at_every_version(
    pg_url: str, tmp_path: Path
) -> None:
    assert len(MIGRATIONS) == len(POSTGRES_MIGRATIONS)
    pg = await open_store(pg_url)
    lite = await open_store(tmp_path / "same.db")
    try:
        assert isinstance(pg, PgStore) and type(lite) is Store
        assert await pg.schema_version() == await lite.schema_version() == len(MIGRATIONS)
    finally:
        await pg.close()
        await lite.close()
    assert await _schema_pg(pg_url) == _schema_sqlite(tmp_path / "same.db")
    # Opening again migrates nothing and keeps the version.
    again = await open_store(pg_url)
    assert await again.schema_version() == len(MIGRATIONS)
    await again.close()


async def _fill(store: Store) -> list[tuple[str, str, str, str | None, str | None]]:
    digest = hash_password("correct horse battery")
    await store.add_people((p, digest) for p in PEOPLE)
    for site in SITES:
        await store.save_site(site)
    records = generate()
    effects: list[Any] = []
    for n, (pid, day, kind, site, half) in enumerate(records):
        start = at(day, "13:00" if half == "afternoon" else "09:00")
        checkin = CheckIn(
            id=f"g{n:05d}",
            person_id=pid,
            location=Location(kind=LocationKind(kind), site_id=site),
            start=start,
            end=start + 4 * 3600,
            half_day=HalfDay(half) if half else None,
            plan="plan" if n % 3 == 0 else "",
            report="done" if n % 4 == 0 else "",
        )
        effects.append(SaveCheckIn(checkin, day=day))
    room = Room(id="r1", name="Room 1", capacity=4, members=frozenset({"taro"}))
    rollcall = RollCall(id="rc1", started_by="taro", started_at=at(START, "10:00"), message="ok?")
    effects += [
        SaveRoom(room),
        SaveCaption(
            CaptionLine(
                room_id="r1",
                speaker_id="taro",
                utterance="u1",
                text="こんにちは",
                language="ja",
                start=1.0,
                end=2.0,
                at=at(START, "10:00"),
            )
        ),
        SaveRollCall(rollcall),
        SaveRollCallAnswer(
            RollCallAnswer(rollcall_id="rc1", person_id="taro", answer=Safety.SAFE, at=1.0)
        ),
        Audit("taro", "room.create", "r1"),
    ]
    await store.apply(effects, 1.0)
    return records


def _rounded(value: object) -> object:
    return round(value, 9) if isinstance(value, float) else value


async def _reads(store: Store) -> dict[str, Any]:
    people = [p.id for p in PEOPLE]
    return {
        "people": await store.people(),
        "rooms": await store.rooms(),
        "sites": await store.sites(),
        "open": await store.open_checkins(),
        "history": await store.history("taro", START, END, 100),
        "feed_all": await store.feed(None, 0.0, 50),
        "feed_some": await store.feed(people[:2], 0.0, 50),
        "last_days": sorted(await store.last_days()),
        "rollcall": await store.active_rollcall(),
        "answers": await store.rollcall_answers(person_id="taro"),
        "captions": await store.caption_lines("r1"),
        "audit": [(e.actor, e.action, e.detail) for e in await store.audit_entries()],
    }


async def test_postgres_answers_as_sqlite_does_and_its_reports_match_the_hand_figures(
    pg_url: str, tmp_path: Path
) -> None:
    pg = await open_store(pg_url)
    lite = await open_store(tmp_path / "twin.db")
    assert isinstance(pg, PgStore)
    try:
        records = await _fill(pg)
        await _fill(lite)
        assert await _reads(pg) == await _reads(lite)

        people = [p.id for p in PEOPLE]
        pg_reader = PgReportReader(pg)
        lite_reader = ReportReader(lite.path)
        try:
            for scope in (None, people[:3]):
                tables = {}
                for name in ReportName:
                    mine = await pg_reader.run_async(name, START, END, people=scope, core_day=CORE)
                    theirs = await lite_reader.run_async(
                        name, START, END, people=scope, core_day=CORE
                    )
                    assert len(mine.rows) == len(theirs.rows)
                    for a, b in zip(mine.rows, theirs.rows, strict=True):
                        assert [_rounded(x) for x in a] == [_rounded(x) for x in b], name
                    tables[name] = mine
                wanted = people if scope is None else scope
                check(tables, by_hand(records, wanted), wanted)
        finally:
            lite_reader.close()

        # Purge removes the same whole days on both.
        cutoff = at(END, "00:00")
        assert await pg.purge(cutoff, END) == await lite.purge(cutoff, END)
        assert await _reads(pg) == await _reads(lite)
    finally:
        await pg.close()
        await lite.close()


async def test_a_deposed_leader_cannot_write(pg_url: str) -> None:
    old = await open_store(pg_url)
    new = await open_store(pg_url)
    assert isinstance(old, PgStore) and isinstance(new, PgStore)
    try:
        first = await old.take_term()
        await old.audit(1.0, "node-a", "test.write")  # the leader writes
        second = await new.take_term()
        assert second == first + 1
        with pytest.raises(FencedOff, match="newer leader"):
            await old.audit(2.0, "node-a", "test.stale")
        await new.audit(3.0, "node-b", "test.write")
        actions = [(e.actor, e.action) for e in await new.audit_entries()]
        assert ("node-a", "test.stale") not in actions
        assert ("node-a", "test.write") in actions and ("node-b", "test.write") in actions
    finally:
        await old.close()
        await new.close()


async def test_a_stopped_database_gives_clear_errors_and_the_store_recovers(
    postgres: PostgresServer, pg_url: str
) -> None:
    store = await open_store(pg_url)
    try:
        await store.ping()
        postgres.stop()
        with pytest.raises(StorageError, match=r"unreachable|connection|closed|shut"):
            await store.people()
        with pytest.raises(StorageError):
            await store.audit(1.0, "x", "y")
        postgres.start()
        # The pool replaces its dead connections by itself.
        for _ in range(3):
            try:
                await store.ping()
                break
            except StorageError:
                continue
        await store.audit(1.0, "x", "after")
        assert [e.action for e in await store.audit_entries()] == ["after"]
    finally:
        if not postgres.running:
            postgres.start()
        await store.close()


async def test_opening_an_unreachable_database_says_so() -> None:
    with pytest.raises(StorageError, match="cannot open database postgresql://yoriai:\\*\\*\\*@"):
        await open_store("postgresql://yoriai:secret@127.0.0.1:1/nowhere")


async def test_secrets_languages_and_user_import_work_on_postgres_as_on_sqlite(
    pg_url: str, tmp_path: Path
) -> None:
    # The features main added after the Store API split: they must hold on both.
    pg = await open_store(pg_url)
    lite = await open_store(tmp_path / "twin.db")
    try:
        for store in (pg, lite):
            made = [b"first-secret", b"second-secret"]
            # Made once, then kept: a second call (or another server) gets the same key.
            assert await store.secret("invite", lambda m=made: m.pop(0)) == b"first-secret"
            assert await store.secret("invite", lambda m=made: m.pop(0)) == b"first-secret"
            await store.add_people(
                [(PEOPLE[0], hash_password("correct horse battery")), (PEOPLE[1], "x")]
            )
            await store.apply([SaveLanguage(person_id=PEOPLE[0].id, language="es")], 1.0)
            creds = await store.credentials(PEOPLE[0].id)
            assert creds is not None and creds.person.language == "es"
        assert sorted(p.id for p in await pg.people()) == sorted(p.id for p in await lite.people())
    finally:
        await pg.close()
        await lite.close()


def test_backup_refuses_a_postgres_database_clearly(pg_url: str, capsys: Any) -> None:
    from server.cli import main

    assert main(["--db", pg_url, "backup", "/tmp/nowhere.db"]) == 2
    assert "pg_dump" in capsys.readouterr().err
