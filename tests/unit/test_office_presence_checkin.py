"""Presence, check-ins, connecting and disconnecting, and the directory."""

from __future__ import annotations

import pytest
from office_harness import PEOPLE, ROOMS, SITES, T0, Harness, only, sent

from rooms.checkin import CheckIn, HalfDay
from rooms.errors import ErrorCode
from rooms.office import Office, SaveCheckIn
from rooms.people import Person, Role
from rooms.presence import Availability, Link, Location, LocationKind, Presence
from rooms.protocol import (
    CheckInChanged,
    EndCheckIn,
    JoinRoom,
    PersonChanged,
    PersonRemoved,
    PresenceChanged,
    SetPresence,
    StartCheckIn,
)

HOME = Location(kind=LocationKind.HOME)
TONO = Location(kind=LocationKind.SATELLITE, site_id="tono")


# ---------------------------------------------------------------- presence


def test_setting_availability_and_status_tells_everyone(h: Harness) -> None:
    outcome = h.do(
        "ken", SetPresence(id=1, availability=Availability.BUSY, status_text="  writing  ")
    )
    event, to = only(outcome, PresenceChanged)
    assert to is None
    assert event.person_id == "ken"
    assert event.presence.availability is Availability.BUSY
    assert event.presence.status_text == "writing"
    assert h.state.presence_of("ken") == event.presence


def test_fields_left_out_are_kept(h: Harness) -> None:
    h.do("ken", SetPresence(id=1, availability=Availability.AWAY, location=HOME))
    h.do("ken", SetPresence(id=1, status_text="lunch"))
    now = h.state.presence_of("ken")
    assert (now.availability, now.status_text, now.location) == (Availability.AWAY, "lunch", HOME)
    h.do("ken", SetPresence(id=1, location=None))
    assert h.state.presence_of("ken").location is None


def test_setting_the_same_presence_sends_nothing(h: Harness) -> None:
    h.do("ken", SetPresence(id=1, availability=Availability.BUSY))
    seq = h.state.seq
    assert h.do("ken", SetPresence(id=1, availability=Availability.BUSY)).empty
    assert h.state.seq == seq


def test_offline_cannot_be_set_by_hand(h: Harness) -> None:
    h.refuse("ken", SetPresence(id=1, availability=Availability.OFFLINE), ErrorCode.INVALID)
    assert h.state.presence_of("ken").availability is Availability.AVAILABLE


def test_status_text_is_limited(h: Harness) -> None:
    h.refuse("ken", SetPresence(id=1, status_text="x" * 141), ErrorCode.INVALID)
    h.do("ken", SetPresence(id=1, status_text="x" * 140))
    assert len(h.state.presence_of("ken").status_text) == 140


def test_a_satellite_location_needs_a_site(h: Harness) -> None:
    bare = Location(kind=LocationKind.SATELLITE)
    h.refuse("ken", SetPresence(id=1, location=bare), ErrorCode.INVALID)
    assert h.state.presence_of("ken").location is None


def test_an_unknown_site_is_not_found(h: Harness) -> None:
    nowhere = Location(kind=LocationKind.SATELLITE, site_id="atlantis")
    h.refuse("ken", SetPresence(id=1, location=nowhere), ErrorCode.NOT_FOUND)


def test_a_known_site_is_accepted(h: Harness) -> None:
    h.do("ken", SetPresence(id=1, location=TONO))
    assert h.state.presence_of("ken").location == TONO


# ---------------------------------------------------------------- check-ins


def test_check_in_saves_a_record_and_tells_only_you(h: Harness) -> None:
    outcome = h.do(
        "ken",
        StartCheckIn(id=2, location=TONO, half_day=HalfDay.MORNING, plan=" reports "),
        now=T0 + 10,
    )
    expected = CheckIn(
        id=outcome.ref or "",
        person_id="ken",
        location=TONO,
        start=T0 + 10,
        half_day=HalfDay.MORNING,
        plan="reports",
    )
    assert outcome.effects == [SaveCheckIn(expected)]
    event, to = only(outcome, CheckInChanged)
    assert to == {"ken"}
    assert event == CheckInChanged(checkin=expected)
    assert h.state.checkins["ken"] == expected
    # where you work today becomes part of your presence, which everyone sees
    moved, moved_to = only(outcome, PresenceChanged)
    assert moved_to is None
    assert moved.presence.location == TONO


def test_a_new_check_in_ends_the_previous_one(h: Harness) -> None:
    first = h.do("ken", StartCheckIn(id=2, location=HOME, plan="plan"), now=T0).ref
    outcome = h.do("ken", StartCheckIn(id=2, location=TONO), now=T0 + 3600)
    saved = [e.checkin for e in outcome.effects if isinstance(e, SaveCheckIn)]
    assert [c.id for c in saved] == [first, outcome.ref]
    ended, new = saved
    assert ended.end == T0 + 3600
    assert ended.plan == "plan"
    assert new.end is None
    assert new.location == TONO
    changes = [e for e, _ in sent(outcome, CheckInChanged)]
    assert changes == [CheckInChanged(checkin=None, ended=ended), CheckInChanged(checkin=new)]
    assert h.state.checkins["ken"] == new


def test_check_out_ends_the_check_in_with_a_report(h: Harness) -> None:
    checkin_id = h.do("ken", StartCheckIn(id=2, location=HOME), now=T0).ref
    outcome = h.do("ken", EndCheckIn(id=3, report=" done: all "), now=T0 + 8 * 3600)
    assert outcome.ref == checkin_id
    (effect,) = outcome.effects
    assert isinstance(effect, SaveCheckIn)
    assert effect.checkin.id == checkin_id
    assert effect.checkin.end == T0 + 8 * 3600
    assert effect.checkin.report == "done: all"
    event, to = only(outcome, CheckInChanged)
    assert to == {"ken"}
    assert event == CheckInChanged(checkin=None, ended=effect.checkin)
    assert "ken" not in h.state.checkins


def test_check_out_without_a_check_in_is_not_found(h: Harness) -> None:
    h.refuse("ken", EndCheckIn(id=3), ErrorCode.NOT_FOUND)


def test_check_in_validates_location_and_texts(h: Harness) -> None:
    nowhere = Location(kind=LocationKind.SATELLITE, site_id="atlantis")
    h.refuse("ken", StartCheckIn(id=2, location=nowhere), ErrorCode.NOT_FOUND)
    bare = Location(kind=LocationKind.SATELLITE)
    h.refuse("ken", StartCheckIn(id=2, location=bare), ErrorCode.INVALID)
    h.refuse("ken", StartCheckIn(id=2, location=HOME, plan="x" * 4001), ErrorCode.INVALID)
    assert "ken" not in h.state.checkins
    h.do("ken", StartCheckIn(id=2, location=HOME))
    h.refuse("ken", EndCheckIn(id=3, report="x" * 4001), ErrorCode.INVALID)
    assert "ken" in h.state.checkins


def test_open_check_ins_survive_a_restart() -> None:
    open_one = CheckIn(id="c1", person_id="ken", location=TONO, start=T0)
    office = Office()
    office.load(PEOPLE, ROOMS, SITES, open_checkins=[open_one])
    assert office.state.checkins == {"ken": open_one}
    assert office.state.presence_of("ken").location == TONO
    assert office.state.presence_of("ken").link is Link.OFFLINE
    assert office.snapshot("ken").checkin == open_one
    assert office.snapshot("yui").checkin is None


# ---------------------------------------------------------------- links


def test_connecting_brings_you_online(cold: Harness) -> None:
    outcome = cold.commit(cold.office.connect("ken", T0 + 1))
    event, to = only(outcome, PresenceChanged)
    assert to is None
    assert event.presence == Presence(
        availability=Availability.AVAILABLE, link=Link.ONLINE, link_since=T0 + 1
    )
    # a second connection of the same person changes nothing
    assert cold.office.connect("ken", T0 + 2).empty


def test_reconnecting_within_grace_keeps_the_room(h: Harness) -> None:
    h.do("ken", SetPresence(id=1, availability=Availability.BUSY))
    h.do("ken", JoinRoom(id=4, room_id="lobby"))
    dropped = h.commit(h.office.disconnect("ken", T0 + 5, signed_out=False))
    event, _ = only(dropped, PresenceChanged)
    assert event.presence.link is Link.RECONNECTING
    assert event.presence.room_id == "lobby"
    assert h.occupants("lobby") == {"ken"}
    assert h.tick(T0 + 5 + h.office.rules.reconnect_grace - 1).empty
    h.connect("ken", now=T0 + 34)
    back = h.state.presence_of("ken")
    assert (back.link, back.room_id, back.availability) == (
        Link.ONLINE,
        "lobby",
        Availability.BUSY,
    )
    # the grace clock stopped when the link came back
    assert h.tick(T0 + 1000).empty
    assert h.room_of("ken") == "lobby"


def test_a_drop_past_grace_takes_you_out(h: Harness) -> None:
    h.do("ken", JoinRoom(id=4, room_id="lobby"))
    h.commit(h.office.disconnect("ken", T0 + 5, signed_out=False))
    outcome = h.tick(T0 + 5 + h.office.rules.reconnect_grace)
    assert not outcome.empty
    gone = h.state.presence_of("ken")
    assert (gone.link, gone.availability, gone.room_id) == (
        Link.OFFLINE,
        Availability.OFFLINE,
        None,
    )
    assert h.occupants("lobby") == set()


def test_signing_out_drops_you_at_once(h: Harness) -> None:
    h.do("ken", JoinRoom(id=4, room_id="lobby"))
    outcome = h.commit(h.office.disconnect("ken", T0 + 5, signed_out=True))
    assert sent(outcome, PresenceChanged)
    gone = h.state.presence_of("ken")
    assert (gone.link, gone.availability, gone.room_id, gone.link_since) == (
        Link.OFFLINE,
        Availability.OFFLINE,
        None,
        T0 + 5,
    )
    assert h.occupants("lobby") == set()


def test_disconnecting_an_unknown_person_does_nothing(h: Harness) -> None:
    assert h.office.disconnect("mallory", T0, signed_out=True).empty


# ---------------------------------------------------------------- the directory


def test_upserting_a_person_tells_everyone(h: Harness) -> None:
    ken = Person(id="ken", display_name="Ken Sato", role=Role.MANAGER)
    event, to = only(h.commit(h.office.upsert_person(ken)), PersonChanged)
    assert to is None
    assert event.person == ken
    assert h.state.people["ken"] == ken
    assert h.office.upsert_person(ken).empty


def test_removing_a_person_drops_them_first(h: Harness) -> None:
    h.do("ken", JoinRoom(id=4, room_id="lobby"))
    outcome = h.commit(h.office.remove_person("ken", T0))
    assert isinstance(outcome.deliveries[-1].event, PersonRemoved)
    assert "ken" not in h.state.people
    assert "ken" not in h.state.presence
    assert h.occupants("lobby") == set()
    assert h.office.remove_person("ken", T0).empty


@pytest.mark.parametrize("kind", list(LocationKind))
def test_every_location_kind_but_satellite_needs_no_site(h: Harness, kind: LocationKind) -> None:
    location = Location(kind=kind, site_id="tono" if kind is LocationKind.SATELLITE else None)
    h.do("ken", SetPresence(id=1, location=location))
    assert h.state.presence_of("ken").location == location
