"""`yoriai-server user import`: thousands of staff at once, all or nothing, every bad row named."""

from __future__ import annotations

import csv
import io
import os
import random
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from client.session import Session, Status
from rooms.people import Person, Role
from server.app import YoriaiServer
from server.onboarding import ImportRejected, import_people, plan_import, read_csv
from server.passwords import hash_password
from server.storage import StorageError, Store

from .support import db_cli, fast_config

LANGUAGES = ["ja", "en", "zh", "ko", "id", "th", "vi", "my", "es", "fr", "pt-BR", "fil"]
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["愛子", "健二", "結衣", "陽翔", "蓮", "美咲", "大翔", "さくら", "Emma", "Nguyen"]

# Cheap argon2id parameters keep a 4,000-person import to seconds in the suite; the same
# code path hashes with the real parameters in the CLI tests below and in
# bench/user_import.py, which measures 4,000 people at full cost.
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash


def staff_csv(n: int, *, seed: int = 8, with_password_every: int = 10) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as Excel writes it
    writer.writerow(["username", "display_name", "team", "role", "language", "password"])
    for i in range(n):
        role = "admin" if i % 997 == 0 else "manager" if i % 40 == 0 else "member"
        password = f"given-password-{i}" if i % with_password_every == 0 else ""
        writer.writerow(
            [
                f"staff{i:05d}",
                f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                f"課{i % 40:02d}",
                role,
                LANGUAGES[i % len(LANGUAGES)],
                password,
            ]
        )
    return out.getvalue()


def read_secrets(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["username"]: r["initial_password"] for r in rows}


async def sign_in(db: Path, username: str, password: str) -> Status:
    server = await YoriaiServer.open(fast_config(db))
    _host, port = await server.start()
    session = Session(f"ws://127.0.0.1:{port}", username=username, password=password)
    try:
        await session.connect()
        return session.status
    finally:
        await session.close()
        await server.close()


async def test_four_thousand_staff_with_teams_roles_and_languages(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    text = staff_csv(4000)
    store = await Store.open(db)
    progress: list[tuple[int, int]] = []
    try:
        plan = plan_import(text, "staff.csv", [])
        assert len(plan.rows) == 4000 and plan.generated == 3600
        secrets_file = tmp_path / "initial-passwords.csv"
        result = await import_people(
            store,
            plan,
            passwords_out=secrets_file,
            hasher=CHEAP_HASH,
            workers=4,
            progress=lambda done, total: progress.append((done, total)),
        )
        assert (result.imported, result.generated, result.skipped) == (4000, 3600, 0)
        people = {p.id: p for p in await store.people()}
    finally:
        await store.close()

    assert len(people) == 4000
    assert len({p.team for p in people.values()}) == 40
    assert people["staff00040"].role is Role.MANAGER and people["staff00997"].role is Role.ADMIN
    assert people["staff00011"].language == "fil" and people["staff00010"].language == "pt-BR"
    assert sum(p.role is Role.MEMBER for p in people.values()) == 4000 - 100 - 5 + 1
    assert progress[-1] == (4000, 4000) and [d for d, _ in progress] == list(range(1, 4001))

    secrets = read_secrets(secrets_file)
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert len(secrets) == 3600 and "staff00010" not in secrets  # had a password in the file
    assert len(set(secrets.values())) == 3600  # no two alike
    assert all(len(pw) == 14 and pw.count("-") == 2 for pw in secrets.values())

    # Both kinds of newcomer sign in to a real server.
    assert await sign_in(db, "staff00001", secrets["staff00001"]) is Status.ONLINE
    assert await sign_in(db, "staff00010", "given-password-10") is Status.ONLINE


async def test_a_file_with_bad_rows_names_every_one_and_imports_nothing(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    store = await Store.open(db)
    await store.add_person(Person(id="staff02500", display_name="Already here"), "x")
    await store.close()

    lines = staff_csv(4000).split("\r\n")
    # Line numbers in the file: the header is line 1, staffNNNNN is on line NNNNN + 2.
    lines[17 - 1] = "staff00015,木村 拓,課15,boss,ja,"
    lines[120 - 1] = "staff00118,,課18,member,ja,"
    lines[333 - 1] = "staff 331,Space Name,課11,member,en,"
    lines[900 - 1] = "staff00898,Short Pw,課18,member,en,short"
    lines[1500 - 1] = "staff00010,Dup Name,課01,member,en,"  # staff00010 is on line 12
    lines[2222 - 1] = "staff02220,Too,Many,Cells,member,ja,x"
    lines[3000 - 1] = "staff02998,Bad Lang,課01,member,日本語,"
    path = tmp_path / "staff.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")

    out = db_cli(db, "user", "import", str(path), "--passwords-out", str(tmp_path / "pw.csv"))
    assert out.returncode == 3
    assert "8 problems; nothing was imported" in out.stderr
    expected = [
        "line 17: role 'boss' is not one of member, manager, admin",
        "line 120: display_name is empty",
        "line 333: username 'staff 331' must be 1-64 letters",
        "line 900: password is shorter than 8 characters",
        "line 1500: username 'staff00010' is also on line 12",
        "line 2222: 7 cells where the header has 6",
        "line 2502: username 'staff02500' exists already",
        "line 3000: language '日本語' is not a language tag",
    ]
    for message in expected:
        assert message in out.stderr
    assert out.stderr.count("\nline ") == len(expected)
    store = await Store.open(db)
    try:
        assert [p.id for p in await store.people()] == ["staff02500"]
    finally:
        await store.close()
    assert not (tmp_path / "pw.csv").exists()


async def test_real_cli_import_with_real_hashing_progress_dry_run_and_rerun(
    tmp_path: Path,
) -> None:
    db = tmp_path / "office.db"
    path = tmp_path / "team.csv"
    path.write_text(
        "\ufeffUsername,Display_Name,Team,Role,Language,Password\r\n"  # Excel's BOM, capitals
        'aiko,"佐藤, 愛子",総務,admin,ja,\r\n'
        "min,Lee Min-jun,開発,member,ko,min-password\r\n"
        "\r\n"
        'nhan,"Nguyễn Văn Nhân\n(Nhan)",開発,,vi,\r\n',
        encoding="utf-8",
    )
    dry = db_cli(db, "user", "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "3 people in 2 teams (2 with generated passwords)" in dry.stdout
    assert "nothing imported" in dry.stdout
    assert db_cli(db, "user", "list").stdout == ""

    missing_out = db_cli(db, "user", "import", str(path))
    assert missing_out.returncode == 3 and "give --passwords-out FILE" in missing_out.stderr

    secrets_file = tmp_path / "initial.csv"
    out = db_cli(db, "user", "import", str(path), "--passwords-out", str(secrets_file))
    assert out.returncode == 0, out.stderr
    assert "imported 3 people in 2 teams" in out.stdout
    assert "hashing passwords: 3/3" in out.stderr
    listing = db_cli(db, "user", "list").stdout
    assert "aiko\tadmin\t総務\tja\t佐藤, 愛子" in listing
    assert "nhan\tmember\t開発\tvi\tNguyễn Văn Nhân\n(Nhan)" in listing
    secrets = read_secrets(secrets_file)
    assert set(secrets) == {"aiko", "nhan"}
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert await sign_in(db, "aiko", secrets["aiko"]) is Status.ONLINE
    assert await sign_in(db, "min", "min-password") is Status.ONLINE

    # Importing the same file again: existing people are problems, unless skipped.
    again = db_cli(db, "user", "import", str(path), "--passwords-out", str(tmp_path / "2.csv"))
    assert again.returncode == 3
    assert "line 2: username 'aiko' exists already" in again.stderr
    assert "line 5: username 'nhan' exists already" in again.stderr  # after a 2-line cell
    skipped = db_cli(db, "user", "import", str(path), "--skip-existing")
    assert skipped.returncode == 0 and "0 people in 0 teams" in skipped.stdout
    assert "3 existing skipped" in skipped.stdout

    # The initial-password file is never overwritten.
    extra = tmp_path / "extra.csv"
    extra.write_text("username,display_name\nnew1,New One\n", encoding="utf-8")
    clash = db_cli(db, "user", "import", str(extra), "--passwords-out", str(secrets_file))
    assert clash.returncode == 3 and "exists already; choose a new file" in clash.stderr
    assert read_secrets(secrets_file) == secrets
    assert "new1" not in db_cli(db, "user", "list").stdout


async def test_shift_jis_files_from_excel(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    path = tmp_path / "sjis.csv"
    path.write_bytes("username,display_name,team\r\nhana,山田 花子,経理課\r\n".encode("cp932"))
    out = db_cli(db, "user", "import", str(path), "--passwords-out", str(tmp_path / "p.csv"))
    assert out.returncode == 3 and "try --encoding cp932" in out.stderr
    out = db_cli(
        db, "user", "import", str(path), "--encoding", "cp932",
        "--passwords-out", str(tmp_path / "p.csv"),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "hana\tmember\t経理課\tja\t山田 花子" in db_cli(db, "user", "list").stdout


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ("username,dispaly_name\nx,y\n", "unknown column(s) 'dispaly_name'"),
        ("display_name,team\nA,B\n", "missing column(s) username"),
        ("username,display_name,username\n", "a column appears twice"),
    ],
)
def test_headers_are_checked(text: str, problem: str) -> None:
    with pytest.raises(ImportRejected) as err:
        plan_import(text, "f.csv", [])
    assert problem in str(err.value) and "nothing was imported" in str(err.value)


async def test_a_conflict_at_commit_imports_nobody_and_leaves_no_password_file(
    tmp_path: Path,
) -> None:
    store = await Store.open(tmp_path / "office.db")
    try:
        plan = plan_import(staff_csv(50), "staff.csv", [])
        # Someone adds one of these people between the check and the import.
        await store.add_person(
            Person(id="staff00049", display_name="Early"), hash_password("x" * 8)
        )
        out = tmp_path / "pw.csv"
        with pytest.raises(StorageError, match="conflict"):
            await import_people(store, plan, passwords_out=out, hasher=CHEAP_HASH)
        assert [p.id for p in await store.people()] == ["staff00049"]
        assert not out.exists()
    finally:
        await store.close()


def test_read_csv_errors(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="no such file"):
        read_csv(tmp_path / "absent.csv")
    (tmp_path / "x.csv").write_text("a", encoding="utf-8")
    with pytest.raises(ImportRejected, match="unknown encoding 'klingon'"):
        read_csv(tmp_path / "x.csv", "klingon")
    assert os.path.exists(tmp_path / "x.csv")
