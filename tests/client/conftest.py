"""Real Qt widgets (offscreen) on a qasync loop, against a real server on 127.0.0.1.

Each test runs its scenario with `qloop.run_until_complete(...)`: the asyncio loop is
Qt's, so the server, the session and the widgets all run on it, as in the app.
Settings go to a temporary folder and tokens to a keyring file there (keyrings.alt's
plaintext backend, a real keyring backend that does not touch the desktop's keyring).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_ACCESSIBILITY", "1")

import keyring
import pytest
import qasync
from keyrings.alt.file import PlaintextKeyring
from PySide6.QtWidgets import QApplication

from client import settings as settings_store
from client.app import YoriaiApp
from client.views.main_window import MainWindow
from server.app import YoriaiServer
from server.demo import DEMO_PASSWORD
from tests.integration.support import (
    ServerProcess,
    fast_config,
    free_port,
    make_demo_db,
    office,
    start_office,
)

__all__ = ["office", "start_office"]


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    # Nothing of a test may outlive its loop: leftover tasks would fire Qt timers later.
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def server_child(tmp_path: Path) -> Iterator[ServerProcess]:
    """The demo office served by a child process, to SIGKILL and restart.

    A plain fixture (not an async one): the Qt tests run their own qasync loop, and an
    async fixture would run on a second loop beside it.
    """
    loop = asyncio.new_event_loop()
    try:
        db = loop.run_until_complete(make_demo_db(tmp_path / "killable.db"))
    finally:
        loop.close()
    proc = ServerProcess(db, free_port())
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("YORIAI_CONFIG_DIR", str(tmp_path / "config"))
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield tmp_path
    keyring.set_keyring(previous)
    for w in QApplication.topLevelWidgets():
        w.close()
        w.deleteLater()
    QApplication.processEvents()


async def until(predicate: Callable[[], object], within: float = 10.0, what: str = "") -> None:
    """Let the loop (Qt and asyncio) run until the predicate holds."""
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def running_server(tmp_path: Path) -> AsyncIterator[YoriaiServer]:
    db = await make_demo_db(tmp_path / "office.db")
    server = await YoriaiServer.open(fast_config(db))
    await server.start()
    try:
        yield server
    finally:
        await server.close()


def url_of(server: YoriaiServer) -> str:
    assert server._server is not None
    port = next(iter(server._server.sockets)).getsockname()[1]
    return f"ws://127.0.0.1:{port}"


async def signed_in_app(url: str, user: str = "yui", **kw: object) -> YoriaiApp:
    app = YoriaiApp(settings_store.load(), **kw)  # type: ignore[arg-type]
    await app.start(url, user, DEMO_PASSWORD)
    assert app.window is not None, "sign-in failed"
    return app


def window(app: YoriaiApp) -> MainWindow:
    assert app.window is not None
    return app.window
