"""Upgrading a database in place: older schemas come up to date with their data intact,
a copy of the old file is kept, a failed migration changes nothing, and a database from
a newer server is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from client.session import Session
from rooms.checkin import HalfDay
from rooms.people import Role
from rooms.presence import LocationKind
from rooms.room import Access
from server import migrations, storage
from server.app import YoriaiServer
from server.migrations import MIGRATIONS, SCHEMA_VERSION
from server.storage import StorageError, Store

from .support import ROOT, db_cli, fast_config

FIXTURE_V1 = ROOT / "tests" / "fixtures" / "schema_v1.sql"


def make_v1(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(FIXTURE_V1.read_text(encoding="utf-8"))
    conn.close()
    return path


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


async def test_a_schema_1_database_is_upgraded_in_place_with_everything_in_it(
    tmp_path: Path,
) -> None:
    db = make_v1(tmp_path / "yoriai.db")
    assert user_version(db) == 1
    store = await Store.open(db)
    try:
        assert await store.schema_version() == SCHEMA_VERSION
        people = {p.id: p for p in await store.people(include_disabled=True)}
        assert set(people) == {"sato", "lee", "gone"}
        assert people["sato"].display_name == "佐藤 愛子" and people["sato"].role is Role.ADMIN
        assert people["lee"].language == "ko" and people["lee"].team == "開発"
        gone = await store.credentials("gone")
        assert gone is not None and gone.disabled
        rooms = {r.id: r for r in await store.rooms()}
        assert [r.id for r in await store.rooms()] == ["lobby", "hr"]
        assert rooms["hr"].access is Access.PRIVATE and rooms["hr"].locked
        assert rooms["hr"].members == frozenset({"sato"})
        # Columns that migration 2 added take their defaults.
        assert not rooms["lobby"].captions.saving and rooms["lobby"].captions.keep_s == 0
        [site] = await store.sites()
        assert (site.id, site.name, site.seats) == ("tono", "遠野サテライト", 12)
        checkins = {c.id: c for c in await store.checkins()}
        assert checkins["c1"].location.kind is LocationKind.SATELLITE
        assert checkins["c1"].plan == "設計" and checkins["c1"].report == "done"
        assert checkins["c2"].half_day is HalfDay.MORNING and checkins["c2"].end is None
        assert await store.session("abc123hash") == ("lee", 4102444800.0)
        [entry] = await store.audit_entries()
        assert (entry.action, entry.detail) == ("user.add", "sato")
        assert await store.caption_lines("lobby") == []
    finally:
        await store.close()

    # The old file is kept beside it, untouched, for as long as the admin wants it.
    kept = db.with_name("yoriai.db.schema-1.bak")
    assert user_version(kept) == 1
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 3
    conn.close()

    # A second open changes nothing and keeps no second copy.
    store = await Store.open(db)
    await store.close()
    assert sorted(p.name for p in tmp_path.glob("*.bak")) == ["yoriai.db.schema-1.bak"]


async def test_the_upgraded_database_serves_sign_ins_and_new_captions_settings(
    tmp_path: Path,
) -> None:
    db = make_v1(tmp_path / "yoriai.db")
    server = await YoriaiServer.open(fast_config(db))
    _host, port = await server.start()
    session = Session(f"ws://127.0.0.1:{port}", username="sato", password="schema-one-pw")
    try:
        await session.connect()
        assert set(session.state.rooms) == {"lobby", "hr"}
        await session.join("lobby")
        assert session.my_room == "lobby"
    finally:
        await session.close()
        await server.close()


@pytest.mark.parametrize("previous", range(1, SCHEMA_VERSION))
async def test_every_previous_schema_upgrades_to_the_current_one(
    tmp_path: Path, previous: int
) -> None:
    db = tmp_path / f"at-{previous}.db"
    with sqlite3.connect(db) as conn:
        for number, script in enumerate(MIGRATIONS[:previous], start=1):
            conn.executescript(f"{script}\nPRAGMA user_version = {number};")
        conn.execute(
            "INSERT INTO people (id, display_name, team, role, language, password_hash)"
            " VALUES ('p1', 'Person One', 'team', 'manager', 'en', 'x')"
        )
        conn.execute("INSERT INTO rooms (id, name, capacity) VALUES ('r1', 'Room', 3)")
    conn.close()
    assert user_version(db) == previous
    out = db_cli(db, "init")
    assert out.returncode == 0, out.stderr
    assert f"at schema {SCHEMA_VERSION}" in out.stdout
    assert user_version(db) == SCHEMA_VERSION
    assert "p1\tmanager\tteam\ten\tPerson One" in db_cli(db, "user", "list").stdout
    assert db_cli(db, "room", "list").stdout.startswith("r1\t3\topen")


async def test_a_database_from_a_newer_server_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "newer.db"
    store = await Store.open(db)
    await store.close()
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    conn.close()
    before = db.read_bytes()

    with pytest.raises(StorageError, match=f"schema {SCHEMA_VERSION + 3} is newer than this"):
        await Store.open(db)
    for args in (("init",), ("user", "list"), ("serve", "--port", "0")):
        out = db_cli(db, *args)
        assert out.returncode == 1, args
        assert f"database schema {SCHEMA_VERSION + 3} is newer than this server" in out.stderr
    assert user_version(db) == SCHEMA_VERSION + 3
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))


async def test_a_failing_migration_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_v1(tmp_path / "yoriai.db")
    store = await Store.open(db)
    await store.close()
    broken = (
        *migrations.MIGRATIONS,
        "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);",
    )
    monkeypatch.setattr(storage, "MIGRATIONS", broken)
    monkeypatch.setattr(storage, "SCHEMA_VERSION", len(broken))
    with pytest.raises(StorageError, match="no such table: no_such_table"):
        await Store.open(db)
    assert user_version(db) == SCHEMA_VERSION
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert conn.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 3
    conn.close()
    assert "half_done" not in tables
