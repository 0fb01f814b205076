"""`yoriai-server backup` while a real server keeps writing, and `restore` round trips."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from client.session import Session
from rooms.protocol import RoomSpec
from server import backup as backups
from server.demo import DEMO_PASSWORD, DEMO_PEOPLE
from server.migrations import SCHEMA_VERSION

from .support import ServerProcess, db_cli, make_demo_db


def rooms_in(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT id FROM rooms")}


def scalar(db: Path, sql: str) -> object:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


async def test_online_backup_while_the_server_writes_then_restore_round_trip(
    server_process: ServerProcess, tmp_path: Path
) -> None:
    db = server_process.db
    aiko = Session(server_process.url, username="aiko", password=DEMO_PASSWORD)
    await aiko.connect()
    try:
        await aiko.create_room(RoomSpec(id="before", name="Before the backup"))
        # Acknowledged = committed, and still in the WAL: the backup must include it.
        assert os.path.getsize(db.with_name(db.name + "-wal")) > 0

        stop = asyncio.Event()
        created: list[str] = []

        async def keep_writing() -> None:
            n = 0
            while not stop.is_set():
                await aiko.create_room(RoomSpec(id=f"busy-{n}", name=f"Busy {n}"))
                created.append(f"busy-{n}")
                n += 1
                await asyncio.sleep(0.08)  # under the per-connection rate limit

        writer = asyncio.create_task(keep_writing())
        await asyncio.sleep(0.5)
        done_before = len(created)
        out = await asyncio.to_thread(db_cli, db, "backup", str(tmp_path / "backups") + "/")
        done_after = len(created)
        stop.set()
        await writer
        assert out.returncode == 0, out.stderr
        [made] = list((tmp_path / "backups").glob("yoriai-*.db"))
        assert f"to {made}: schema {SCHEMA_VERSION}, {len(DEMO_PEOPLE)} people" in out.stdout

        # One self-contained file, readable by its owner only, whole, and consistent:
        # every room acknowledged before the backup started, none made after it ended.
        assert stat.S_IMODE(made.stat().st_mode) == 0o600
        assert not made.with_name(made.name + "-wal").exists()
        assert scalar(made, "PRAGMA journal_mode") == "delete"
        assert scalar(made, "PRAGMA integrity_check") == "ok"
        saved = rooms_in(made)
        assert "before" in saved
        assert set(created[:done_before]) <= saved
        assert not set(created[done_after + 1 :]) & saved
        assert len(created) > done_before  # the server kept serving writes meanwhile

        # Restore is refused while the server runs, and changes nothing.
        refused = await asyncio.to_thread(db_cli, db, "restore", str(made))
        assert refused.returncode == 1
        assert "in use by serve pid" in refused.stderr and "stop the server first" in refused.stderr
        await aiko.create_room(RoomSpec(id="after", name="After the backup"))
    finally:
        await aiko.close()

    server_process.stop()
    live = rooms_in(db)
    assert "after" in live
    out = await asyncio.to_thread(db_cli, db, "restore", str(made))
    assert out.returncode == 0, out.stderr
    assert rooms_in(db) == saved and "after" not in rooms_in(db)
    # The database that was replaced is kept, with everything it had (WAL included).
    [kept] = list(db.parent.glob(f"{db.name}.before-restore-*"))
    assert f"kept as {kept}" in out.stdout
    assert rooms_in(kept) == live

    # The restored office serves again, with the backed-up rooms.
    await asyncio.to_thread(server_process.start)
    yui = Session(server_process.url, username="yui", password=DEMO_PASSWORD)
    await yui.connect()
    try:
        assert "before" in yui.state.rooms and "after" not in yui.state.rooms
    finally:
        await yui.close()


async def test_restore_refuses_damaged_foreign_and_newer_files(tmp_path: Path) -> None:
    db = await make_demo_db(tmp_path / "office.db")
    original = rooms_in(db)

    damaged = tmp_path / "damaged.db"
    assert db_cli(db, "backup", str(damaged)).returncode == 0
    data = bytearray(damaged.read_bytes())
    page = 4096
    data[3 * page : 3 * page + 512] = os.urandom(512)  # scribble over a b-tree page
    damaged.write_bytes(bytes(data))
    out = db_cli(db, "restore", str(damaged))
    assert out.returncode == 1
    assert "integrity check" in out.stderr or "not a usable SQLite database" in out.stderr

    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    out = db_cli(db, "restore", str(foreign))
    assert out.returncode == 1 and "is not a Yoriai database" in out.stderr

    newer = tmp_path / "newer.db"
    assert db_cli(db, "backup", str(newer)).returncode == 0
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    out = db_cli(db, "restore", str(newer))
    assert out.returncode == 1
    assert f"schema {SCHEMA_VERSION + 1}, newer than this server ({SCHEMA_VERSION})" in out.stderr

    text = tmp_path / "notes.db"
    text.write_text("not a database at all " * 100)
    out = db_cli(db, "restore", str(text))
    assert out.returncode == 1 and "not a usable SQLite database" in out.stderr

    out = db_cli(db, "restore", str(tmp_path / "absent.db"))
    assert out.returncode == 1 and "no database file at" in out.stderr

    # Nothing was swapped in, and nothing was left lying around.
    assert rooms_in(db) == original
    assert not list(tmp_path.glob("*.before-restore-*"))
    assert not list(tmp_path.glob(".*restoring*"))


async def test_backup_of_a_damaged_database_fails_and_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    with pytest.raises(backups.BackupError):
        backups.backup(db, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["broken.db"]


async def test_restore_into_an_empty_place_and_a_backup_file_path(tmp_path: Path) -> None:
    db = await make_demo_db(tmp_path / "office.db")
    copy = tmp_path / "nightly" / "office.db"
    assert db_cli(db, "backup", str(copy)).returncode == 0
    # A second backup to the same file replaces it atomically.
    assert db_cli(db, "backup", str(copy)).returncode == 0
    fresh = tmp_path / "new-machine" / "yoriai.db"
    out = db_cli(fresh, "restore", str(copy))
    assert out.returncode == 0, out.stderr
    assert "kept as" not in out.stdout
    assert rooms_in(fresh) == rooms_in(db)
    assert db_cli(fresh, "user", "list").stdout.count("\n") == len(DEMO_PEOPLE)


async def test_files_root_makes_in_the_services_folder_go_to_the_service(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: the point is what root leaves behind (CI runs as root)")
    db = await make_demo_db(tmp_path / "source.db")
    copy = tmp_path / "copy.db"
    assert db_cli(db, "backup", str(copy)).returncode == 0
    state = tmp_path / "state"
    state.mkdir()
    os.chown(state, 4242, 4243)  # as /var/lib/yoriai belongs to the yoriai user
    target = await make_demo_db(state / "yoriai.db")
    os.chown(target, 4242, 4243)
    out = db_cli(target, "restore", str(copy))
    assert out.returncode == 0, out.stderr
    made = [p for p in state.iterdir() if p.name != "yoriai.db-wal" and p.name != "yoriai.db-shm"]
    assert {p.name.split(".before-restore-")[0] for p in made} == {
        "yoriai.db",
        "yoriai.db.lock",
    }
    for path in made:
        assert (path.stat().st_uid, path.stat().st_gid) == (4242, 4243), path
