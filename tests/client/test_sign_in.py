"""Sign-in through the window, the token in the keyring, silent sign-in, sign-out."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from client import credentials
from client import settings as settings_store
from client.app import YoriaiApp
from rooms.presence import Link
from server.demo import DEMO_PASSWORD, DEMO_ROOMS
from tests.integration.support import ServerProcess, free_port

from .conftest import running_server, until, url_of, window


def test_sign_in_remembers_the_token_and_the_next_start_is_silent(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            app = YoriaiApp(settings_store.load())
            await app.start(url, "yui")  # no password and nothing saved: the sign-in window
            w = app.sign_in_window
            assert w is not None and w.isVisible() and app.window is None
            w.password.setText("wrong password")
            QTest.mouseClick(w.sign_in, Qt.MouseButton.LeftButton)
            await until(lambda: w.error.isVisible(), what="the sign-in error")
            assert "wrong" in w.error.text()
            assert app.announcer.history[-1] == w.error.text()
            w.password.setText(DEMO_PASSWORD)
            QTest.mouseClick(w.sign_in, Qt.MouseButton.LeftButton)
            await until(lambda: app.window is not None, what="the main window")
            main = window(app)
            assert main.rooms_model.room_ids() == [r.id for r in DEMO_ROOMS]
            assert main.people.model.rowCount() == 12
            assert server.office.state.presence_of("yui").link is Link.ONLINE
            assert app.session is not None
            token = app.session.token
            assert token and credentials.load_token(url, "yui") == token
            saved = settings_store.load()
            assert (saved.server_url, saved.user_name) == (url, "yui")
            await app.close()

            # The next start signs in silently with the saved token: no window asks.
            again = YoriaiApp(settings_store.load())
            await again.start()
            assert again.sign_in_window is None
            assert again.session is not None and again.session.token == token
            assert window(again).isVisible()

            # Signing out forgets the token here and on the server.
            await again.sign_out_now()
            assert credentials.load_token(url, "yui") is None
            assert again.sign_in_window is not None and again.sign_in_window.isVisible()
            assert again.window is None
            await until(lambda: server.office.state.presence_of("yui").link is Link.OFFLINE)
            await again.close()

            third = YoriaiApp(settings_store.load())
            await third.start()
            assert third.window is None and third.sign_in_window is not None
            await third.close()

    qloop.run_until_complete(scenario())


def test_a_revoked_saved_session_falls_back_to_the_sign_in_window(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            settings_store.save(settings_store.Settings(server_url=url, user_name="yui"))
            credentials.save_token(url, "yui", "not-a-token-the-server-gave")
            app = YoriaiApp(settings_store.load())
            await app.start()
            assert app.window is None
            assert app.sign_in_window is not None and app.sign_in_window.error.isVisible()
            assert credentials.load_token(url, "yui") is None
            await app.close()

    qloop.run_until_complete(scenario())


def test_a_start_with_a_password_shows_the_office_at_once_or_the_error(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            app = YoriaiApp(settings_store.load())
            await app.start(url, "yui", "not the password")
            assert app.window is None  # the early office window went again
            assert app.sign_in_window is not None and app.sign_in_window.error.isVisible()
            assert "wrong user name or password" in app.sign_in_window.error.text()
            await app.close()

            ok = YoriaiApp(settings_store.load())
            await ok.start(url, "yui", DEMO_PASSWORD)
            w = window(ok)
            assert w.windowTitle() == "Yoriai — 高橋 結衣 (Yui Takahashi)"
            assert w.rooms_model.rowCount() == len(DEMO_ROOMS)
            assert w.connection.text() == "Connected"
            assert list(ok.announcer.history) == ["Signed in as 高橋 結衣 (Yui Takahashi)"]
            await ok.close()

    qloop.run_until_complete(scenario())


def test_a_session_revoked_while_signed_in_returns_to_the_sign_in_window(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            first = YoriaiApp(settings_store.load())
            await first.start(url, "yui", DEMO_PASSWORD)
            await first.close()
            app = YoriaiApp(settings_store.load())
            await app.start()  # silently, with the saved token only
            assert app.window is not None and app.session is not None
            app.session._backoff = (0.05, 0.2)
            # An admin changes Yui's password: her sessions end and she is cut off.
            await server.store.revoke_sessions_of("yui")
            for conn in server.hub.connections_of("yui"):
                await conn.close()
            await until(lambda: app.window is None, what="the office window closed")
            assert app.sign_in_window is not None and app.sign_in_window.isVisible()
            assert app.sign_in_window.error.text() == "the session ended: sign in again"
            assert credentials.load_token(url, "yui") is None
            await app.close()

    qloop.run_until_complete(scenario())


def test_an_unreachable_server_is_reported_in_the_sign_in_window(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        port = free_port()  # nothing listens there
        app = YoriaiApp(settings_store.load())
        app.connect_timeout = 1.0
        await app.start(f"ws://127.0.0.1:{port}", "yui")
        w = app.sign_in_window
        assert w is not None
        w.password.setText(DEMO_PASSWORD)
        w.sign_in.click()
        await until(lambda: w.error.isVisible(), within=10, what="the error")
        assert w.error.text() == f"Cannot reach the server at ws://127.0.0.1:{port}."
        assert app.window is None and app.session is None
        assert w.sign_in.isEnabled()  # ready to try again
        await app.close()

    qloop.run_until_complete(scenario())


def test_a_silent_start_while_the_server_is_down_waits_in_the_office_window(
    qloop: asyncio.AbstractEventLoop, server_child: ServerProcess
) -> None:
    async def scenario() -> None:
        url = server_child.url
        first = YoriaiApp(settings_store.load())
        await first.start(url, "yui", DEMO_PASSWORD)
        await first.close()
        await asyncio.to_thread(server_child.stop)

        app = YoriaiApp(settings_store.load())
        starting = asyncio.ensure_future(app.start())
        await until(lambda: app.window is not None, what="the office window")
        w = window(app)
        assert w.connection.text() in ("Connecting…", "Connection lost: reconnecting…")
        assert w.rooms_model.rowCount() == 0
        assert app.session is not None
        app.session._backoff = (0.05, 0.2)
        await asyncio.to_thread(server_child.start)
        await starting
        await until(lambda: w.connection.text() == "Connected", within=20)
        assert w.rooms_model.room_ids() == [r.id for r in DEMO_ROOMS]
        assert w.windowTitle() == "Yoriai — 高橋 結衣 (Yui Takahashi)"
        await app.close()

    qloop.run_until_complete(scenario())
