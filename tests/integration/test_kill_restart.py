"""SIGKILL the server: nothing stored is lost, clients come back by themselves and converge."""

from __future__ import annotations

import asyncio

from client.session import Session, Status
from rooms.presence import Availability, Link, Location, LocationKind
from rooms.protocol import RoomSpec
from server.demo import DEMO_PASSWORD, DEMO_PEOPLE
from server.storage import Store

from .support import ServerProcess

TONO = Location(kind=LocationKind.SATELLITE, site_id="tono")


async def test_sigkill_loses_nothing_stored_and_clients_converge_after_restart(
    server_process: ServerProcess,
) -> None:
    def session(user: str) -> Session:
        return Session(
            server_process.url, username=user, password=DEMO_PASSWORD, backoff=(0.05, 0.3)
        )

    yui, haruto, riku, aiko = (session(u) for u in ("yui", "haruto", "riku", "aiko"))
    everyone = (yui, haruto, riku, aiko)
    try:
        await asyncio.gather(*(s.connect() for s in everyone))
        await yui.join("room-1")
        await yui.set_presence(availability=Availability.BUSY, status_text="議事録")
        await haruto.join("room-1")
        checkin_id = await riku.check_in(TONO, plan="午前: 設計レビュー")
        await aiko.create_room(RoomSpec(id="war-room", name="対策室 War room", capacity=4))
        await aiko.lock("room-2")
        await aiko.join("war-room")

        server_process.kill()
        await asyncio.gather(
            *(s.wait_until(lambda s=s: s.status is Status.RECONNECTING) for s in everyone)
        )

        # What was saved is on disk, untouched by the kill.
        store = await Store.open(server_process.db)
        try:
            assert len(await store.people()) == len(DEMO_PEOPLE)
            rooms = {r.id: r for r in await store.rooms()}
            assert rooms["war-room"].name == "対策室 War room" and rooms["war-room"].capacity == 4
            assert rooms["room-2"].locked
            (checkin,) = await store.open_checkins()
            assert (checkin.id, checkin.person_id, checkin.location) == (checkin_id, "riku", TONO)
            assert checkin.plan == "午前: 設計レビュー"
            actions = [(e.actor, e.action, e.detail) for e in await store.audit_entries()]
            assert ("aiko", "room.create", "war-room") in actions
            assert ("aiko", "room.lock", "room-2") in actions
        finally:
            await store.close()

        await asyncio.to_thread(server_process.start)
        await asyncio.gather(
            *(s.wait_until(lambda s=s: s.status is Status.ONLINE, within=20) for s in everyone)
        )
        # Each client puts back its room and status; the open check-in gives riku's location.
        for s, room in ((yui, "room-1"), (haruto, "room-1"), (aiko, "war-room")):
            await s.wait_until(lambda s=s, room=room: s.my_room == room)
        await yui.wait_until(lambda: yui.state.presence_of("yui").availability is Availability.BUSY)
        for s in everyone:
            await s.ping()
        observer = session("kenji")
        await observer.connect()
        for s in everyone:
            await s.ping()
            await s.wait_until(lambda s=s: s.state.seq == observer.state.seq)
            assert s.state.presence == observer.state.presence
            assert s.state.rooms == observer.state.rooms
            assert s.state.people == observer.state.people
        st = observer.state
        assert st.occupants_of("room-1") == {"yui", "haruto"}
        assert st.occupants_of("war-room") == {"aiko"}
        assert st.presence_of("yui").status_text == "議事録"
        assert st.presence_of("riku").location == TONO
        assert st.rooms["room-2"].locked
        assert all(st.presence_of(s.person_id or "").link is Link.ONLINE for s in everyone)
        await observer.close()
    finally:
        for s in everyone:
            await s.close()
