"""`yoriai-server serve --config FILE` as a real process: the file's settings, flags over it,
TLS from the file, refusals that name the problem, and one server per database."""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from client.session import Session, Status
from server.demo import DEMO_PASSWORD

from .support import ROOT, free_port, make_demo_db, server_cli, wait_healthy


def spawn(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.terminate()
            p.wait(10)
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()


async def test_serve_reads_the_file_and_a_flag_overrides_it(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    db = await make_demo_db(tmp_path / "data" / "office.db")
    file_port, flag_port = free_port(), free_port()
    config = tmp_path / "server.toml"
    config.write_text(
        f'[server]\nhost = "127.0.0.1"\nport = {file_port}\ndb_path = "data/office.db"\n'
        'log_level = "warning"\n[rules]\nreconnect_grace = 1\n',
        encoding="utf-8",
    )
    processes.append(spawn("serve", "--config", str(config)))
    assert wait_healthy(f"http://127.0.0.1:{file_port}")["status"] == "ok"
    session = Session(f"ws://127.0.0.1:{file_port}", username="yui", password=DEMO_PASSWORD)
    await session.connect()
    assert session.status is Status.ONLINE
    await session.close()
    processes[0].terminate()
    processes[0].wait(10)

    # --port beats the file; the database still comes from the file (relative to it).
    processes.append(spawn("--config", str(config), "serve", "--port", str(flag_port)))
    assert wait_healthy(f"http://127.0.0.1:{flag_port}")["status"] == "ok"
    assert db.with_name("office.db.lock").exists()


async def test_tls_from_the_file(tmp_path: Path, processes: list[subprocess.Popen[str]]) -> None:
    await make_demo_db(tmp_path / "office.db")
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp_path / "cert.pem"))
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(
        f'[server]\nport = {port}\ndb_path = "office.db"\n'
        '[tls]\ncert = "cert.pem"\nkey = "key.pem"\n',
        encoding="utf-8",
    )
    processes.append(spawn("serve", "--config", str(config)))
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    assert wait_healthy(f"https://localhost:{port}", trusting)["status"] == "ok"
    session = Session(
        f"wss://localhost:{port}", username="kenji", password=DEMO_PASSWORD, ssl_context=trusting
    )
    await session.connect()
    assert session.status is Status.ONLINE
    await session.close()


def test_refusals_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[server]\nport = "eighty"\n', encoding="utf-8")
    out = server_cli("serve", "--config", str(bad))
    assert out.returncode == 2
    assert "[server] port: expected a whole number, got 'eighty'" in out.stderr

    missing_cert = tmp_path / "tls.toml"
    missing_cert.write_text(
        f'[server]\ndb_path = "x.db"\nport = {free_port()}\n'
        '[tls]\ncert = "none.pem"\nkey = "none.pem"\n',
        encoding="utf-8",
    )
    out = server_cli("serve", "--config", str(missing_cert))
    assert out.returncode == 2 and "cannot load the TLS certificate" in out.stderr
    assert "none.pem" in out.stderr

    out = server_cli("config", "check", env={"YORIAI_CONFIG": str(tmp_path / "absent.toml")})
    assert out.returncode == 2 and "no configuration file at" in out.stderr


def test_config_check_prints_the_settings_in_force(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text('[limits]\nburst = 99\n[server]\ndb_path = "a.db"\n', encoding="utf-8")
    out = server_cli("config", "check", env={"YORIAI_CONFIG": str(config)})
    assert out.returncode == 0, out.stderr
    assert "burst = 99.0" in out.stdout and "rate_per_s = 20.0" in out.stdout
    assert f'db_path = "{tmp_path / "a.db"}"' in out.stdout


async def test_a_second_server_on_the_same_database_is_refused(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    db = await make_demo_db(tmp_path / "office.db")
    port = free_port()
    processes.append(spawn("--db", str(db), "serve", "--port", str(port)))
    wait_healthy(f"http://127.0.0.1:{port}")
    out = server_cli("--db", str(db), "serve", "--port", str(free_port()))
    assert out.returncode == 1
    assert f"{db} is in use by serve pid {processes[0].pid}" in out.stderr


async def test_sigterm_stops_the_server_cleanly(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    # systemctl stop sends SIGTERM: clients are told the server is going away, and the
    # database is closed (its write-ahead log checkpointed away), exit status 0.
    db = await make_demo_db(tmp_path / "office.db")
    port = free_port()
    processes.append(spawn("--db", str(db), "serve", "--port", str(port)))
    wait_healthy(f"http://127.0.0.1:{port}")
    session = Session(
        f"ws://127.0.0.1:{port}", username="yui", password=DEMO_PASSWORD, backoff=(5.0, 5.0)
    )
    await session.connect()
    try:
        await session.join("room-1")
        assert db.with_name("office.db-wal").exists()
        processes[0].send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(processes[0].wait, 15) == 0
        await session.wait_until(lambda: session.status is not Status.ONLINE, within=5)
    finally:
        await session.close()
    assert not db.with_name("office.db-wal").exists()
    assert not db.with_name("office.db-shm").exists()
    assert "stopped" in (processes[0].stderr.read() if processes[0].stderr else "")
