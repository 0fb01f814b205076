"""Health and metrics on the WebSocket port; the admin CLI, also against a running server."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rooms.people import Role
from server.demo import DEMO_PEOPLE, DEMO_ROOMS, DEMO_SITES

from .support import ROOT, Office


def http_get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def cli(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


async def test_healthz_and_metrics(office: Office) -> None:
    await office.session("yui")
    await office.session("kenji")
    base = office.url.replace("ws://", "http://")
    status, ctype, body = await asyncio.to_thread(http_get, base + "/healthz")
    assert status == 200 and ctype == "application/json"
    health = json.loads(body)
    assert health["status"] == "ok" and health["online"] == 2 and health["protocol"] == 1

    status, ctype, body = await asyncio.to_thread(http_get, base + "/metrics")
    assert status == 200 and ctype.startswith("text/plain")
    assert "yoriai_connections 2.0" in body
    assert "yoriai_people_online 2.0" in body
    assert 'yoriai_logins_total{result="ok"} 2.0' in body


def test_init_demo_creates_the_demo_office_and_prints_credentials(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    out = cli(db, "init", "--demo")
    assert out.returncode == 0, out.stderr
    assert "yoriai-demo" in out.stdout
    for person in DEMO_PEOPLE:
        assert person.id in out.stdout
    roles = {p.role for p in DEMO_PEOPLE}
    # Every directory role; guests come by invitation, never from the directory.
    assert roles == set(Role) - {Role.GUEST} and len({p.team for p in DEMO_PEOPLE}) == 2
    assert len(DEMO_ROOMS) == 10 and len(DEMO_SITES) == 3
    rooms = cli(db, "room", "list").stdout.splitlines()
    assert len(rooms) == 10
    assert sum("private" in r for r in rooms) == 1 and sum("locked" in r for r in rooms) == 1
    assert len(cli(db, "site", "list").stdout.splitlines()) == 3
    # Running it again does not duplicate anything.
    again = cli(db, "init", "--demo")
    assert again.returncode == 0 and "already has people" in again.stdout


def test_user_room_and_site_administration(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    assert cli(db, "init").returncode == 0
    add = cli(
        db,
        "user",
        "add",
        "tomo",
        "--name",
        "Tomo",
        "--team",
        "ops",
        "--role",
        "manager",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert add.returncode == 0, add.stderr
    dup = cli(db, "user", "add", "tomo", "--name", "T", "--password-stdin", stdin="another pass\n")
    assert dup.returncode == 2 and "exists" in dup.stderr
    short = cli(db, "user", "add", "kei", "--name", "Kei", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
    bad_id = cli(
        db, "user", "add", "bad id!", "--name", "X", "--password-stdin", stdin="longenough\n"
    )
    assert bad_id.returncode == 2
    assert (
        cli(db, "user", "passwd", "tomo", "--password-stdin", stdin="new secret words\n").returncode
        == 0
    )
    assert (
        cli(
            db, "user", "passwd", "ghost", "--password-stdin", stdin="new secret words\n"
        ).returncode
        == 2
    )
    assert cli(db, "user", "disable", "tomo").returncode == 0
    listing = cli(db, "user", "list").stdout
    assert "tomo\tmanager\tops" in listing and "(disabled)" in listing

    assert (
        cli(
            db, "room", "add", "huddle", "--name", "Huddle", "--capacity", "3", "--private", "tomo"
        ).returncode
        == 0
    )
    assert "huddle\t3\tprivate\tHuddle" in cli(db, "room", "list").stdout
    assert cli(db, "room", "add", "big", "--name", "Big", "--capacity", "5000").returncode == 2
    assert cli(db, "room", "remove", "huddle").returncode == 0
    assert cli(db, "room", "remove", "huddle").returncode == 2
    assert (
        cli(
            db, "site", "add", "kamaishi", "--name", "Kamaishi", "--region", "Iwate", "--seats", "8"
        ).returncode
        == 0
    )
    assert "kamaishi\t8\tIwate\tKamaishi" in cli(db, "site", "list").stdout
    assert cli(db, "site", "remove", "kamaishi").returncode == 0
    assert cli(db, "site", "list").stdout == ""


@pytest.mark.parametrize("what", ["room", "site"])
async def test_a_running_server_picks_up_cli_changes(office: Office, what: str) -> None:
    yui = await office.session("yui")
    db = office.server.config.db_path
    if what == "room":
        args = ["room", "add", "pop-up", "--name", "Pop-up", "--capacity", "2"]
    else:
        args = ["site", "add", "pop-up", "--name", "Pop-up", "--seats", "2"]
    assert (await asyncio.to_thread(cli, db, *args)).returncode == 0
    table = yui.state.rooms if what == "room" else yui.state.sites
    await yui.wait_until(lambda: "pop-up" in table, within=10)
    assert (await asyncio.to_thread(cli, db, what, "remove", "pop-up")).returncode == 0
    await yui.wait_until(lambda: "pop-up" not in table, within=10)
