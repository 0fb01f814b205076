"""Requests across a dropped link: sent while reconnecting they go out once the session
is back; repeated with the same id (a retry after a drop) they are answered again and
done once; when the session gives up, the caller is told, never left guessing."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect

from client.session import NotSent, Status
from rooms.presence import Location, LocationKind
from rooms.protocol import (
    PROTOCOL_VERSION,
    ChatMessage,
    Login,
    Ok,
    Resume,
    SendChat,
    ServerMessage,
    StartCheckIn,
    Welcome,
    decode_server,
    encode,
)
from server.demo import DEMO_PASSWORD
from tests.integration.support import Office


def drop_links(office: Office, person: str) -> None:
    for conn in office.server.hub.connections_of(person):
        assert conn.transport is not None
        conn.transport.abort()


async def test_requests_made_while_reconnecting_are_delivered_once(office: Office) -> None:
    yui = await office.session("yui", backoff=(0.3, 0.5))
    haruto = await office.session("haruto")
    await yui.join("room-1")
    await haruto.join("room-1")
    heard: list[ChatMessage] = []
    haruto.add_listener(lambda m: heard.append(m) if isinstance(m, ChatMessage) else None)
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()  # where voice re-establishes its audio (issue 4)

    yui.on_resumed(on_resumed)

    drop_links(office, "yui")
    await yui.wait_until(lambda: yui.status is Status.RECONNECTING)
    # Asked while the link is down: waits, then goes out after the resume.
    await asyncio.gather(yui.chat("まだいますか?"), yui.set_presence(status_text="戻りました"))
    await asyncio.wait_for(resumed.wait(), 5)
    assert yui.status is Status.ONLINE and yui.my_room == "room-1"
    await haruto.wait_until(lambda: haruto.state.presence_of("yui").status_text == "戻りました")
    await haruto.ping()
    assert [m.text for m in heard] == ["まだいますか?"]


async def _recv_until(ws: object, rid: int) -> ServerMessage:
    while True:
        message = decode_server(await asyncio.wait_for(ws.recv(), 5))  # type: ignore[attr-defined]
        if getattr(message, "id", None) == rid and not isinstance(message, Welcome):
            return message


async def test_a_repeated_request_is_answered_again_and_done_once(office: Office) -> None:
    observer = await office.session("haruto")
    await observer.join("room-1")
    heard: list[ChatMessage] = []
    observer.add_listener(lambda m: heard.append(m) if isinstance(m, ChatMessage) else None)

    async with connect(office.url) as ws:
        await ws.send(
            encode(Login(id=1, v=PROTOCOL_VERSION, username="yui", password=DEMO_PASSWORD)).decode()
        )
        welcome = decode_server(await ws.recv())
        assert isinstance(welcome, Welcome)
        token = welcome.token
        for frame in (
            '{"type": "room.join", "id": 7001, "room_id": "room-1"}',
            encode(SendChat(id=7002, text="一回だけ")).decode(),
            encode(StartCheckIn(id=7003, location=Location(kind=LocationKind.HOME))).decode(),
        ):
            await ws.send(frame)
        first = [await _recv_until(ws, rid) for rid in (7001, 7002, 7003)]
    assert all(isinstance(m, Ok) for m in first)

    # The link dropped before the client saw the replies: it resumes and repeats them.
    async with connect(office.url) as ws:
        await ws.send(encode(Resume(id=2, v=PROTOCOL_VERSION, token=token)).decode())
        assert isinstance(decode_server(await ws.recv()), Welcome)
        await ws.send(encode(SendChat(id=7002, text="一回だけ")).decode())
        await ws.send(
            encode(StartCheckIn(id=7003, location=Location(kind=LocationKind.HOME))).decode()
        )
        again = [await _recv_until(ws, rid) for rid in (7002, 7003)]
    assert again == first[1:]  # the same answers, the check-in's id included
    await observer.ping()
    assert [m.text for m in heard] == ["一回だけ"]
    assert len(await office.server.store.checkins("yui")) == 1


async def test_a_closed_session_reports_requests_as_not_sent(office: Office) -> None:
    yui = await office.session("yui", backoff=(5.0, 5.0))
    drop_links(office, "yui")
    await yui.wait_until(lambda: yui.status is Status.RECONNECTING)
    waiting = asyncio.create_task(yui.chat("聞こえますか"))
    await asyncio.sleep(0.1)
    await yui.close()
    with pytest.raises(NotSent):
        await waiting
