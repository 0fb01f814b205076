"""The client's Mirror: same reducer, same state, and it notices gaps."""

from __future__ import annotations

import msgspec
from office_harness import SITES, T0, Harness, received_by

from rooms.mirror import Mirror
from rooms.office import Delivery, Outcome
from rooms.presence import Availability, Location, LocationKind
from rooms.protocol import (
    AnswerKnock,
    AnswerTap,
    CreateRoom,
    DeleteRoom,
    JoinRoom,
    KnockOn,
    KnockRequested,
    LeaveRoom,
    LockRoom,
    PresenceChanged,
    RoomSpec,
    SendChat,
    SetPresence,
    SiteChanged,
    StartCheckIn,
    TapPerson,
)
from rooms.site import Site
from rooms.state import OfficeState


def same_office(mirror: OfficeState, server: OfficeState) -> None:
    assert mirror.seq == server.seq
    assert mirror.people == server.people
    assert mirror.presence == server.presence
    assert mirror.rooms == server.rooms
    assert mirror.sites == server.sites
    assert mirror.occupants == server.occupants


def busy_day(h: Harness) -> list[Delivery]:
    """A morning in the office; returns everything the server sent."""
    log: list[Delivery] = []

    def run(outcome: Outcome) -> None:
        log.extend(h.office.commit(outcome))

    for pid in ("ada", "mika", "ken", "yui", "sora"):
        run(h.office.connect(pid, T0))
    run(h.office.decide("ken", JoinRoom(id=1, room_id="focus"), T0))
    run(h.office.decide("yui", JoinRoom(id=1, room_id="focus"), T0))
    run(h.office.decide("ken", LockRoom(id=1, room_id="focus", locked=True), T0))
    knock = h.office.decide("sora", KnockOn(id=1, room_id="focus"), T0)
    run(knock)
    run(h.office.decide("yui", AnswerKnock(id=1, knock_id=knock.ref or "", admit=True), T0))
    run(h.office.decide("ken", SendChat(id=1, text="welcome"), T0))
    tap = h.office.decide("ken", TapPerson(id=1, person_id="mika"), T0)
    run(tap)
    run(h.office.decide("mika", AnswerTap(id=1, tap_id=tap.ref or "", accept=True), T0))
    run(h.office.decide("ada", SetPresence(id=1, availability=Availability.BUSY), T0))
    sat = Location(kind=LocationKind.SATELLITE, site_id="tono")
    run(h.office.decide("ada", StartCheckIn(id=1, location=sat), T0))
    spec = RoomSpec(id="lab", name="Lab", capacity=2)
    run(h.office.decide("ada", CreateRoom(id=1, room=spec), T0))
    run(h.office.decide("ada", JoinRoom(id=1, room_id="lab"), T0))
    run(h.office.decide("yui", LeaveRoom(id=1), T0))
    run(h.office.decide("ada", DeleteRoom(id=1, room_id="lab"), T0))
    run(h.office.disconnect("ken", T0 + 1, signed_out=False))
    run(h.office.tick(T0 + 100))
    run(h.office.disconnect("sora", T0 + 100, signed_out=True))
    # an admin edits the directory: Taro leaves, Small goes, Lobby grows, a site opens
    people = [x for x in h.state.people.values() if x.id != "taro"]
    rooms = [x for x in h.state.rooms.values() if x.id != "small"]
    rooms = [msgspec.structs.replace(x, capacity=20) if x.id == "lobby" else x for x in rooms]
    run(h.office.sync_directory(people, rooms, [*SITES, Site(id="oga", name="Oga")], T0 + 100))
    return log


def test_a_mirror_fed_the_deliveries_matches_the_server() -> None:
    h = Harness()
    mirror = Mirror()
    mirror.load(h.office.snapshot("ken"))
    assert mirror.me == "ken"
    same_office(mirror.state, h.state)
    log = busy_day(h)
    assert len(log) > 30
    for event in received_by(log, "ken"):
        assert mirror.receive(event)
    same_office(mirror.state, h.state)
    assert mirror.synced
    assert "taro" not in mirror.state.people
    assert "small" not in mirror.state.rooms
    assert mirror.state.rooms["lobby"].capacity == 20
    assert set(mirror.state.sites) == {"tono", "oga"}


def test_a_mirror_loaded_mid_day_catches_up() -> None:
    h = Harness()
    h.connect("ken", "yui")
    h.do("ken", JoinRoom(id=1, room_id="lobby"))
    mirror = Mirror()
    mirror.load(h.office.snapshot("yui"))
    same_office(mirror.state, h.state)
    assert mirror.state.occupants_of("lobby") == {"ken"}
    for event in received_by(busy_day(h), "yui"):
        assert mirror.receive(event)
    same_office(mirror.state, h.state)


def test_each_persons_mirror_sees_their_own_check_in() -> None:
    h = Harness()
    mirrors = {pid: Mirror() for pid in ("ada", "ken")}
    for pid, mirror in mirrors.items():
        mirror.load(h.office.snapshot(pid))
    log = busy_day(h)
    for pid, mirror in mirrors.items():
        for event in received_by(log, pid):
            mirror.receive(event)
    assert mirrors["ada"].state.checkins == h.state.checkins
    assert mirrors["ken"].state.checkins == {}


def _presence_event(h: Harness, seq: int) -> PresenceChanged:
    return PresenceChanged(seq=seq, person_id="ken", presence=h.state.presence_of("ken"))


def test_a_gap_in_seq_asks_for_a_sync() -> None:
    h = Harness()
    mirror = Mirror()
    mirror.load(h.office.snapshot("ken"))
    seq = mirror.state.seq
    assert not mirror.receive(_presence_event(h, seq + 2))
    assert not mirror.synced
    assert mirror.state.seq == seq
    # nothing more is applied until a fresh snapshot
    assert not mirror.receive(_presence_event(h, seq + 1))
    assert mirror.state.seq == seq
    h.connect("ken")
    mirror.load(h.office.snapshot("ken"))
    assert mirror.synced
    same_office(mirror.state, h.state)


def test_events_already_seen_are_ignored() -> None:
    h = Harness()
    h.connect("ken")
    mirror = Mirror()
    mirror.load(h.office.snapshot("ken"))
    seq = mirror.state.seq
    stale = PresenceChanged(seq=seq, person_id="ken", presence=h.state.presence_of("yui"))
    assert mirror.receive(stale)
    assert mirror.synced
    assert mirror.state.presence_of("ken") == h.state.presence_of("ken")


def test_a_mirror_without_a_snapshot_is_not_synced() -> None:
    mirror = Mirror()
    assert not mirror.receive(SiteChanged(seq=1, site=SITES[0]))
    assert mirror.state.sites == {}


def test_notifications_apply_without_touching_seq() -> None:
    h = Harness()
    h.connect("ken", "yui", "sora")
    h.do("ken", JoinRoom(id=1, room_id="focus"))
    h.do("ken", LockRoom(id=1, room_id="focus", locked=True))
    mirror = Mirror()
    mirror.load(h.office.snapshot("ken"))
    seq = mirror.state.seq
    outcome = h.office.decide("sora", KnockOn(id=1, room_id="focus"), T0)
    (delivery,) = h.office.commit(outcome)
    assert isinstance(delivery.event, KnockRequested)
    assert mirror.receive(delivery.event)
    assert mirror.state.knocks == h.state.knocks
    assert mirror.state.seq == seq


def test_a_knock_is_forgotten_by_someone_who_leaves_the_room() -> None:
    # The knock's resolution goes to the people in the room when it is resolved; one who
    # left before then would otherwise keep showing a knock nobody can answer.
    h = Harness()
    h.connect("ken", "yui", "sora")
    h.do("ken", JoinRoom(id=1, room_id="focus"))
    h.do("yui", JoinRoom(id=1, room_id="focus"))
    h.do("ken", LockRoom(id=1, room_id="focus", locked=True))
    kens, soras = Mirror(), Mirror()
    kens.load(h.office.snapshot("ken"))
    soras.load(h.office.snapshot("sora"))
    log: list[Delivery] = []
    knock_id = h.office.decide("sora", KnockOn(id=1, room_id="focus"), T0)
    log += h.office.commit(knock_id)
    log += h.office.commit(h.office.decide("ken", LeaveRoom(id=1), T0))
    for event in received_by(log, "ken"):
        assert kens.receive(event)
    for event in received_by(log, "sora"):
        assert soras.receive(event)
    assert kens.state.knocks == {}
    # the knocker still waits for an answer, and so does the room
    assert soras.state.knocks == h.state.knocks != {}
    answer = AnswerKnock(id=1, knock_id=knock_id.ref or "", admit=False)
    later = h.office.commit(h.office.decide("yui", answer, T0))
    assert received_by(later, "ken") == []
    for event in received_by(later, "sora"):
        assert soras.receive(event)
    assert soras.state.knocks == h.state.knocks == {}
