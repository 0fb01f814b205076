"""Ten rooms at once: each room hears only its own people.

The server runs as its own process here, as in production: twenty peer connections on
the client side and twenty on the server side are too much for one event loop.
"""

from __future__ import annotations

import asyncio
import re
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from rooms.people import Person
from server.demo import DEMO_PASSWORD
from server.passwords import hash_password
from server.storage import Store
from tests.integration.support import ServerProcess, free_port, make_demo_db
from tests.voice.support import check_tones, participant

ROOMS = ["lobby", *(f"room-{n}" for n in range(1, 8)), "management", "focus"]
DEMO = ["yui", "haruto", "mei", "sota", "riku", "hana", "minjun", "wei"]
EXTRA = [f"temp{n}" for n in range(10)]


@pytest.fixture
async def voice_server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    db = await make_demo_db(tmp_path / "voice.db")
    store = await Store.open(db)
    digest = hash_password(DEMO_PASSWORD)
    await store.add_people((Person(id=u, display_name=u.title()), digest) for u in EXTRA)
    await store.close()
    proc = ServerProcess(db, free_port(), args=("--media-address", "127.0.0.1"))
    await asyncio.to_thread(proc.start)
    yield proc
    proc.stop()


def metric(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    match = re.search(rf"^{name} ([0-9.e+]+)$", text, re.M)
    assert match, name
    return float(match.group(1))


async def test_ten_rooms_do_not_leak_audio_into_each_other(voice_server: ServerProcess) -> None:
    url = voice_server.url
    aiko = await participant(url, "aiko", None, None)
    await aiko.session.lock("focus", locked=False)
    # Two people per room (the private management room gets two of its members), each
    # sending a tone of their own: twenty frequencies a fifth apart, a room's two tones
    # far apart (300 Hz x 1.2^k and x 1.2^(k+10)). Around the tone a person hears, the
    # codec's noise fills the band, so tones within a factor 1.3 of it are judged in
    # the other listener of their room instead.
    pairs = [(DEMO[i], EXTRA[i]) for i in range(8)] + [("aiko", "kenji"), (EXTRA[8], EXTRA[9])]
    plan = [
        (room, user, round(300.0 * 1.2 ** (k + 10 * j)))
        for k, (room, pair) in enumerate(zip(ROOMS, pairs, strict=True))
        for j, user in enumerate(pair)
    ]
    await aiko.voice.close()
    await aiko.session.close()
    joined = await asyncio.gather(*(participant(url, u, r, f) for r, u, f in plan))
    people = [(r, p) for (r, _, _), p in zip(plan, joined, strict=True)]
    await asyncio.sleep(2.5)
    assert metric(voice_server.port, "yoriai_voice_participants") == 20
    assert metric(voice_server.port, "yoriai_voice_rooms") == 10
    for room, p in people:
        assert p.session.my_room == room
        pcm = p.voice.recorder.recent(2.0)
        partner = [o.frequency or 0 for r, o in people if r == room and o is not p]
        rest = [o.frequency or 0 for r, o in people if r != room or o is p]
        assert len(partner) == 1 and len(rest) == 19
        check_tones(pcm, present=partner, absent=rest, who=f"{p.pid} in {room}", near=1.3)
