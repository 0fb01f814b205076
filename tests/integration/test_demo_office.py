"""The 12 demo people sign in, move, knock, admit and tap; every mirror ends identical."""

from __future__ import annotations

import asyncio

import pytest

from client.session import SessionError
from rooms.errors import ErrorCode
from rooms.knock import Resolution
from rooms.presence import Availability, Link, Location, LocationKind
from rooms.protocol import (
    ChatMessage,
    KnockRequested,
    KnockResolved,
    ServerMessage,
    TapReceived,
    TapResolved,
)
from server.demo import DEMO_PEOPLE

from .support import Office, assert_mirror_matches


async def test_twelve_people_work_a_morning_and_every_mirror_converges(office: Office) -> None:
    sessions = {p.id: await office.session(p.id) for p in DEMO_PEOPLE}
    yui, kenji, haruto, mei = (sessions[n] for n in ("yui", "kenji", "haruto", "mei"))
    for s in sessions.values():
        await s.wait_until(
            lambda s=s: all(s.state.presence_of(p.id).link is Link.ONLINE for p in DEMO_PEOPLE)
        )

    # Spread out over the rooms, several at once.
    await asyncio.gather(
        *(s.join(f"room-{i % 7 + 1}") for i, s in enumerate(sessions.values()) if s is not kenji)
    )
    await kenji.join("management")  # a manager may enter the private room
    with pytest.raises(SessionError) as refused:
        await yui.join("management")
    assert refused.value.code == ErrorCode.NOT_A_MEMBER

    # Yui locks her room; Haruto knocks, Yui admits him.
    room = yui.my_room
    assert room is not None
    await yui.lock(room)
    notes: list[ServerMessage] = []
    yui.add_listener(notes.append)
    knock_id = await haruto.knock(room, "少しいいですか")
    await yui.wait_until(lambda: knock_id in yui.state.knocks)
    assert any(isinstance(n, KnockRequested) and n.knock.person_id == "haruto" for n in notes)
    await yui.answer_knock(knock_id, admit=True)
    await haruto.wait_until(lambda: haruto.my_room == room)

    # Mei knocks and is declined; she learns it.
    mei_notes: list[ServerMessage] = []
    mei.add_listener(mei_notes.append)
    knock_id = await mei.knock(room)
    await yui.wait_until(lambda: knock_id in yui.state.knocks)
    await haruto.answer_knock(knock_id, admit=False)
    await mei.wait_until(lambda: any(isinstance(n, KnockResolved) for n in mei_notes))
    resolved = next(n for n in mei_notes if isinstance(n, KnockResolved))
    assert resolved.resolution is Resolution.DECLINED and resolved.by == "haruto"
    assert mei.my_room != room

    # Haruto taps Mei, who accepts and comes through the locked door.
    tap_id = await haruto.tap("mei", "こちらへどうぞ")
    await mei.wait_until(lambda: any(isinstance(n, TapReceived) for n in mei_notes))
    await mei.answer_tap(tap_id, accept=True)
    await haruto.wait_until(lambda: haruto.state.room_of("mei") == room)
    accepted = [n for n in mei_notes if isinstance(n, TapResolved)]
    assert [(n.tap_id, n.resolution) for n in accepted] == [(tap_id, Resolution.ACCEPTED)]

    # Chat reaches the room and only the room.
    heard: dict[str, list[str]] = {pid: [] for pid in sessions}
    for pid, s in sessions.items():
        s.add_listener(
            lambda m, pid=pid: heard[pid].append(m.text) if isinstance(m, ChatMessage) else None
        )
    await mei.chat("ありがとうございます")
    await yui.wait_until(lambda: "ありがとうございます" in heard["yui"])
    await asyncio.sleep(0.2)
    in_room = yui.state.occupants_of(room)
    assert {pid for pid, texts in heard.items() if texts} == in_room

    # Status and where people work today.
    await yui.set_presence(availability=Availability.BUSY, status_text="資料作成中")
    await sessions["riku"].check_in(
        Location(kind=LocationKind.SATELLITE, site_id="tono"), plan="設計レビュー"
    )
    await sessions["hana"].set_presence(location=Location(kind=LocationKind.HOME))

    # Some leave, one signs out.
    await sessions["daichi"].leave()
    await sessions["wei"].logout()

    for s in sessions.values():
        if s is sessions["wei"]:
            continue
        await s.ping()  # a round trip: everything sent before it has arrived
        await s.wait_until(lambda s=s: s.state.seq == office.server.office.state.seq)
        assert_mirror_matches(s, office.server)
    state = office.server.office.state
    assert state.presence_of("wei").availability is Availability.OFFLINE
    assert state.presence_of("yui").status_text == "資料作成中"
    assert state.presence_of("riku").location == Location(
        kind=LocationKind.SATELLITE, site_id="tono"
    )
    assert state.room_of("daichi") is None
