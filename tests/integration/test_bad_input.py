"""Bad input gets a clear error with a stable code, and the server keeps serving others."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from client.session import SessionError
from rooms.errors import ErrorCode
from rooms.protocol import PROTOCOL_VERSION, RoomSpec
from server.config import Limits
from server.demo import DEMO_PASSWORD

from .support import Office

RawConnect = Callable[[], Awaitable[ClientConnection]]


@pytest.fixture
async def raw(office: Office) -> AsyncIterator[RawConnect]:
    opened: list[ClientConnection] = []

    async def open_one() -> ClientConnection:
        ws = await connect(office.url, proxy=None, compression=None, max_size=2**24)
        opened.append(ws)
        return ws

    yield open_one
    for ws in opened:
        await ws.close()


async def reply(ws: ClientConnection) -> dict[str, object]:
    return dict(json.loads(await ws.recv()))


async def signed_in(ws: ClientConnection, user: str = "yui") -> None:
    await ws.send(
        json.dumps(
            {
                "type": "login",
                "id": 1,
                "v": PROTOCOL_VERSION,
                "username": user,
                "password": DEMO_PASSWORD,
            }
        )
    )
    assert (await reply(ws))["type"] == "welcome"
    assert (await reply(ws))["type"] == "snapshot"


async def still_serves(office: Office) -> None:
    """Another person can still sign in and be answered."""
    s = await office.session("kenji")
    assert await s.ping() > 0
    await s.close()


@pytest.mark.parametrize(
    ("frame", "code", "request_id"),
    [
        ("{not json", ErrorCode.MALFORMED, None),
        (b"\xff\xfe binary garbage", ErrorCode.MALFORMED, None),
        ('{"type": "teleport", "id": 7}', ErrorCode.UNKNOWN_TYPE, 7),
        ('{"type": "room.join", "id": 8}', ErrorCode.INVALID, 8),
        ('{"type": "room.join", "id": 9, "room_id": 5}', ErrorCode.INVALID, 9),
        ('{"type": "room.join", "id": 10, "room_id": "lobby", "extra": 1}', ErrorCode.INVALID, 10),
        ("[1, 2, 3]", ErrorCode.INVALID, None),
    ],
)
async def test_bad_frames_get_stable_codes_and_the_connection_lives_on(
    office: Office, raw: RawConnect, frame: str | bytes, code: ErrorCode, request_id: int | None
) -> None:
    ws = await raw()
    await signed_in(ws)
    await ws.send(frame)
    error = await reply(ws)
    assert error["type"] == "error"
    assert error["code"] == code.value
    assert error["id"] == request_id
    assert isinstance(error["message"], str) and error["message"]
    # The same connection still works.
    await ws.send(json.dumps({"type": "ping", "id": 99}))
    assert (await reply(ws))["type"] == "pong"
    await still_serves(office)


async def test_wrong_protocol_version_is_refused_clearly(office: Office, raw: RawConnect) -> None:
    ws = await raw()
    await ws.send(
        json.dumps(
            {"type": "login", "id": 1, "v": 99, "username": "yui", "password": DEMO_PASSWORD}
        )
    )
    error = await reply(ws)
    assert error["code"] == ErrorCode.UNSUPPORTED_VERSION.value
    assert "protocol 1" in str(error["message"])
    await still_serves(office)


async def test_requests_before_sign_in_are_refused(office: Office, raw: RawConnect) -> None:
    ws = await raw()
    await ws.send(json.dumps({"type": "room.join", "id": 3, "room_id": "lobby"}))
    error = await reply(ws)
    assert (error["code"], error["id"]) == (ErrorCode.NOT_AUTHENTICATED.value, 3)


async def test_wrong_password_and_unknown_user_look_the_same(office: Office) -> None:
    codes = []
    for user, password in (("yui", "wrong password"), ("nobody", "whatever1")):
        with pytest.raises(SessionError) as refused:
            await office.session(user, password, reconnect=False)
        codes.append((refused.value.code, refused.value.message))
    assert codes[0] == codes[1] == (ErrorCode.BAD_CREDENTIALS, "wrong user name or password")


async def test_oversized_frame_closes_with_1009_and_others_carry_on(
    office: Office, raw: RawConnect
) -> None:
    ws = await raw()
    await signed_in(ws)
    other = await office.session("kenji")
    too_big = json.dumps({"type": "chat.send", "id": 2, "text": "あ" * 40_000})
    await ws.send(too_big)
    with pytest.raises(ConnectionClosed) as closed:
        while True:  # events about kenji may come first
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert await other.ping() > 0
    await still_serves(office)


async def test_role_forbids_admin_requests_for_members(office: Office) -> None:
    yui = await office.session("yui")
    refusals = []
    for attempt in (
        yui.audit(),
        yui.create_room(RoomSpec(id="mine", name="Mine")),
        yui.delete_room("lobby"),
        yui.lock("focus", locked=False),  # she is not in it and not a manager
    ):
        with pytest.raises(SessionError) as refused:
            await attempt
        refusals.append(refused.value.code)
    assert refusals == [ErrorCode.FORBIDDEN] * 4
    assert "mine" not in office.server.office.state.rooms
    assert "lobby" in office.server.office.state.rooms

    aiko = await office.session("aiko")  # the admin may
    await aiko.lock("focus", locked=False)
    await aiko.create_room(RoomSpec(id="mine", name="Mine"))
    entries = await aiko.audit()
    assert [(e.actor, e.action, e.detail) for e in entries][:2] == [
        ("aiko", "room.create", "mine"),
        ("aiko", "room.unlock", "focus"),
    ]
    await yui.wait_until(lambda: "mine" in yui.state.rooms)


async def test_a_flood_is_rate_limited_then_cut_off(
    start_office: Callable[..., Awaitable[Office]],
) -> None:
    office = await start_office(
        limits=Limits(rate_per_s=5, burst=10, abuse_threshold=30, close_timeout_s=0.5)
    )
    ws = await connect(office.url, proxy=None, compression=None)
    await signed_in(ws)
    other = await office.session("kenji")
    codes: list[object] = []
    with pytest.raises(ConnectionClosed) as closed:
        for i in range(500):
            await ws.send(json.dumps({"type": "ping", "id": i}))
        while True:
            message = await reply(ws)
            codes.append(message.get("code"))
    assert ErrorCode.RATE_LIMITED.value in codes
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert await other.ping() > 0


async def test_a_silent_connection_must_sign_in_in_time(
    start_office: Callable[..., Awaitable[Office]],
) -> None:
    office = await start_office(limits=Limits(sign_in_timeout_s=0.3))
    ws = await connect(office.url, proxy=None)
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, "sign in first")


async def test_a_sign_in_waiting_its_turn_is_not_timed_out(
    start_office: Callable[..., Awaitable[Office]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a surge, logins queue for argon2 longer than the sign-in timeout allows a
    silent connection; a queued login must still complete."""
    import asyncio

    import server.app

    real = server.app.verify_password_async

    async def queued(*args: object, **kw: object) -> bool:
        await asyncio.sleep(0.6)  # as if 25 logins were ahead of this one
        return await real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(server.app, "verify_password_async", queued)
    office = await start_office(limits=Limits(sign_in_timeout_s=0.2))
    yui = await office.session("yui")
    assert await yui.ping() > 0
    assert office.server.office.state.presence_of("yui").availability.value == "available"
