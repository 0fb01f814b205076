"""A real presence server on 127.0.0.1, in this process or as a child process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from client.session import Session
from rooms.office import Rules
from server.app import YoriaiServer
from server.cli import create_demo
from server.config import ServerConfig
from server.demo import DEMO_PASSWORD
from server.storage import Store

ROOT = Path(__file__).resolve().parents[2]
FAST_RULES = Rules(knock_timeout=1.0, tap_timeout=1.0, reconnect_grace=1.0)


async def make_demo_db(path: Path) -> Path:
    store = await Store.open(path)
    await create_demo(store)
    await store.close()
    return path


@dataclass
class Office:
    server: YoriaiServer
    url: str
    sessions: list[Session] = field(default_factory=list)

    async def session(self, username: str, password: str = DEMO_PASSWORD, **kw: object) -> Session:
        s = Session(self.url, username=username, password=password, **kw)  # type: ignore[arg-type]
        self.sessions.append(s)
        await s.connect()
        return s


def fast_config(db: Path, **overrides: object) -> ServerConfig:
    base: dict[str, object] = {
        "host": "127.0.0.1",
        "port": 0,
        "db_path": db,
        "tick_s": 0.05,
        "directory_poll_s": 0.2,
        "rules": FAST_RULES,
    }
    base.update(overrides)
    return ServerConfig(**base)  # type: ignore[arg-type]


@pytest.fixture
async def start_office(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[Office]]]:
    offices: list[Office] = []

    async def start(**overrides: object) -> Office:
        db = tmp_path / f"office{len(offices)}.db"
        await make_demo_db(db)
        server = await YoriaiServer.open(fast_config(db, **overrides))
        _host, port = await server.start()
        scheme = "wss" if "tls_cert" in overrides else "ws"
        office = Office(
            server, f"{scheme}://localhost:{port}" if scheme == "wss" else f"ws://127.0.0.1:{port}"
        )
        offices.append(office)
        return office

    yield start
    for office in offices:
        for s in office.sessions:
            with contextlib.suppress(Exception):
                await s.close()
        await office.server.close()


@pytest.fixture
async def office(start_office: Callable[..., Awaitable[Office]]) -> Office:
    return await start_office()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """`yoriai-server serve` as a child process, to kill it for real."""

    db: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None
    args: tuple[str, ...] = ()  # more `serve` options

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "--db",
                str(self.db),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "WARNING",
                *self.args,
            ],
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
async def server_process(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    db = await make_demo_db(tmp_path / "killable.db")
    proc = ServerProcess(db, free_port())
    await asyncio.to_thread(proc.start)
    yield proc
    proc.stop()


def assert_mirror_matches(session: Session, server: YoriaiServer) -> None:
    """A client's mirror holds exactly what the server holds."""
    mine, theirs = session.state, server.office.state
    assert mine.seq == theirs.seq
    assert mine.people == theirs.people
    assert mine.presence == theirs.presence
    assert mine.rooms == theirs.rooms
    assert mine.sites == theirs.sites
    assert {k: v for k, v in mine.occupants.items() if v} == {
        k: v for k, v in theirs.occupants.items() if v
    }


def server_cli(
    *args: str | Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`yoriai-server ARGS` (python -m server.cli) as a child process, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})),
        timeout=120,
        check=False,
    )


def db_cli(
    db: Path, *args: str | Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`yoriai-server --db DB ARGS`."""
    return server_cli("--db", db, *args, stdin=stdin)


def sh(*cmd: str | Path, check: bool = True, **kw: Any) -> subprocess.CompletedProcess[str]:
    """A command, output captured as text; raises on failure unless check=False."""
    result: subprocess.CompletedProcess[str] = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, timeout=600, check=check, **kw
    )
    return result


def wait_healthy(
    base_url: str, context: ssl.SSLContext | None = None, within: float = 20.0
) -> dict[str, Any]:
    """GET base_url/healthz until it answers; its JSON body."""
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=1, context=context) as r:
                body: dict[str, Any] = json.loads(r.read())
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
