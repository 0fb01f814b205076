"""Signing in: argon2 hashes, hashed tokens, resume, sign-out, disabled accounts, TLS."""

from __future__ import annotations

import asyncio
import sqlite3
import ssl
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import trustme

from client.session import Session, SessionError, Status
from rooms.errors import ErrorCode
from rooms.presence import Link
from server.demo import DEMO_PASSWORD
from server.tokens import token_hash

from .support import Office


def _db_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


async def test_passwords_are_argon2id_and_tokens_are_stored_only_as_hashes(office: Office) -> None:
    yui = await office.session("yui")
    assert yui.token
    db = office.server.config.db_path
    hashes = [h for (h,) in _db_rows(db, "SELECT password_hash FROM people")]
    assert hashes and all(str(h).startswith("$argon2id$") for h in hashes)
    assert not any(DEMO_PASSWORD in str(h) for h in hashes)
    stored = [t for (t,) in _db_rows(db, "SELECT token_hash FROM sessions")]
    assert token_hash(yui.token) in stored
    assert yui.token not in stored


async def test_a_token_resumes_the_session_without_the_password(office: Office) -> None:
    first = await office.session("yui")
    await first.join("room-3")
    token = first.token
    await first.close()

    again = Session(office.url, token=token)
    office.sessions.append(again)
    await again.connect()
    assert again.person_id == "yui"
    # Within the grace time the room was kept for her.
    assert again.my_room == "room-3"
    assert again.state.presence_of("yui").link is Link.ONLINE


async def test_a_dropped_link_is_held_for_the_grace_time_then_released(office: Office) -> None:
    yui = await office.session("yui")
    kenji = await office.session("kenji")
    await yui.join("room-1")
    await kenji.wait_until(lambda: kenji.state.room_of("yui") == "room-1")
    yui._reconnect = False  # simulate a client that never comes back
    assert yui._ws is not None and yui._ws.transport is not None
    yui._ws.transport.abort()
    await kenji.wait_until(lambda: kenji.state.presence_of("yui").link is Link.RECONNECTING)
    assert kenji.state.room_of("yui") == "room-1"  # not shown as leaving yet
    await kenji.wait_until(lambda: kenji.state.presence_of("yui").link is Link.OFFLINE, within=5)
    assert kenji.state.room_of("yui") is None  # no ghost after the grace time


async def test_sign_out_revokes_the_token(office: Office) -> None:
    yui = await office.session("yui")
    token = yui.token
    await yui.logout()
    assert yui.status is Status.SIGNED_OUT and yui.token is None
    stale = Session(office.url, token=token, reconnect=False)
    with pytest.raises(SessionError) as refused:
        await stale.connect()
    assert refused.value.code == ErrorCode.NOT_AUTHENTICATED


async def test_disabling_an_account_from_the_cli_cuts_it_off(office: Office) -> None:
    haruto = await office.session("haruto")
    kenji = await office.session("kenji")
    db = office.server.config.db_path
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "--db", str(db), "user", "disable", "haruto"
    )
    assert await proc.wait() == 0
    # The running server notices the change, closes his connection and drops him.
    await kenji.wait_until(lambda: "haruto" not in kenji.state.people, within=10)
    await haruto.wait_until(lambda: haruto.status is not Status.ONLINE, within=10)
    with pytest.raises(SessionError) as refused:
        await office.session("haruto", reconnect=False)
    assert refused.value.code == ErrorCode.ACCOUNT_DISABLED


async def test_tls_end_to_end(
    tmp_path: Path, start_office: Callable[..., Awaitable[Office]]
) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    office = await start_office(tls_cert=cert_file, tls_key=key_file)
    assert office.url.startswith("wss://")

    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    s = await office.session("yui", ssl_context=trusting)
    assert s.status is Status.ONLINE and await s.ping() > 0

    # A client that does not trust the certificate cannot be fooled into connecting.
    untrusting = Session(
        office.url,
        username="yui",
        password=DEMO_PASSWORD,
        reconnect=False,
        ssl_context=ssl.create_default_context(),
    )
    with pytest.raises(SessionError):
        await untrusting.connect()
