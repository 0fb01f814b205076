"""Three people in a room, each sending a tone: each hears the other two, not their own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tests.integration.support import Office
from tests.voice.support import check_tones, heard, participant

TONES = {"aiko": 440.0, "kenji": 660.0, "yui": 1_000.0}


async def test_each_hears_the_others_but_not_themselves_and_leaving_removes_a_tone(
    start_office: Callable[..., Awaitable[Office]],
) -> None:
    office = await start_office()
    people = [await participant(office, user, "room-1", f) for user, f in TONES.items()]
    for p in people:
        pcm = await heard(p, settle=0.3 if p is not people[0] else 1.2)
        others = [o.frequency or 0 for o in people if o is not p]
        check_tones(pcm, present=others, absent=[p.frequency or 0], who=p.pid)
    # Yui leaves the room: her audio stops, and the others stop hearing her tone.
    aiko, kenji, yui = people
    await yui.session.leave()
    await yui.voice.wait_until(lambda: yui.voice.room_id is None)
    await office.sessions[0].wait_until(
        lambda: office.server.voice.media.room_of(yui.pid) is None, within=5
    )
    for p in (aiko, kenji):
        pcm = await heard(p, seconds=0.5, settle=1.0)
        other = kenji if p is aiko else aiko
        check_tones(pcm, present=[other.frequency or 0], absent=[1_000.0, p.frequency or 0])
    assert office.server.voice.media.participants("room-1") == {aiko.pid, kenji.pid}


async def test_speaking_is_announced_and_throttled(office: Office) -> None:
    aiko = await participant(office, "aiko", "room-2", 440.0)
    kenji = await participant(office, "kenji", "room-2", None)  # silent
    watcher = await office.session("yui")  # in the office, not in the room
    await kenji.voice.wait_until(lambda: kenji.voice.is_speaking(aiko.pid), within=5)
    assert not kenji.voice.is_speaking(kenji.pid)
    seen: list[float] = []
    loop = asyncio.get_running_loop()
    kenji.voice.add_speaking_listener(lambda s: seen.append(loop.time()))
    await asyncio.sleep(1.0)
    assert len(seen) <= 6  # at most about five a second, and only on change
    assert watcher.state.room_of("yui") is None
