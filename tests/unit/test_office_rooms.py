"""Rooms: joining, leaving, capacity, private rooms, locks, chat, creating and deleting."""

from __future__ import annotations

import pytest
from office_harness import T0, Harness, only, sent

from rooms.errors import ErrorCode
from rooms.knock import Resolution
from rooms.office import Audit, DeleteRoomRecord, SaveRoom
from rooms.protocol import (
    ChatMessage,
    CreateRoom,
    DeleteRoom,
    JoinRoom,
    KnockOn,
    KnockResolved,
    LeaveRoom,
    LockRoom,
    PresenceChanged,
    RoomChanged,
    RoomRemoved,
    RoomSpec,
    SendChat,
    TapPerson,
    TapResolved,
)
from rooms.room import Access


def join(room_id: str) -> JoinRoom:
    return JoinRoom(id=1, room_id=room_id)


def lock(room_id: str, locked: bool = True) -> LockRoom:
    return LockRoom(id=2, room_id=room_id, locked=locked)


# ---------------------------------------------------------------- join and leave


def test_join_puts_the_person_in_the_room_and_tells_everyone(h: Harness) -> None:
    seq = h.state.seq
    outcome = h.do("ken", join("lobby"))
    event, to = only(outcome, PresenceChanged)
    assert to is None  # everyone signed in sees who is where
    assert event.person_id == "ken"
    assert event.presence.room_id == "lobby"
    assert event.seq == seq + 1
    assert h.state.seq == seq + 1
    assert h.room_of("ken") == "lobby"
    assert h.occupants("lobby") == {"ken"}


def test_joining_the_room_you_are_in_changes_nothing(h: Harness) -> None:
    h.do("ken", join("lobby"))
    assert h.office.decide("ken", join("lobby"), T0).empty


def test_joining_another_room_moves_you(h: Harness) -> None:
    h.do("ken", join("lobby"))
    h.do("ken", join("focus"))
    assert h.room_of("ken") == "focus"
    assert h.occupants("lobby") == set()
    assert h.occupants("focus") == {"ken"}


def test_joining_an_unknown_room_is_not_found(h: Harness) -> None:
    h.refuse("ken", join("attic"), ErrorCode.NOT_FOUND)
    assert h.room_of("ken") is None


def test_leave_takes_you_out(h: Harness) -> None:
    h.do("ken", join("lobby"))
    outcome = h.do("ken", LeaveRoom(id=3))
    event, _ = only(outcome, PresenceChanged)
    assert event.presence.room_id is None
    assert h.room_of("ken") is None
    assert "ken" not in h.occupants("lobby")


def test_leave_when_not_in_a_room_is_refused(h: Harness) -> None:
    h.refuse("ken", LeaveRoom(id=3), ErrorCode.NOT_IN_ROOM)


def test_decide_does_not_change_the_state(h: Harness) -> None:
    seq = h.state.seq
    outcome = h.office.decide("ken", join("lobby"), T0)
    assert not outcome.empty
    assert h.room_of("ken") is None
    assert h.state.seq == seq
    h.commit(outcome)
    assert h.room_of("ken") == "lobby"


def test_commit_rejects_a_stale_outcome(h: Harness) -> None:
    first = h.office.decide("ken", join("lobby"), T0)
    second = h.office.decide("yui", join("focus"), T0)
    h.commit(first)
    with pytest.raises(RuntimeError, match="stale"):
        h.office.commit(second)
    assert h.room_of("yui") is None
    assert h.room_of("ken") == "lobby"


def test_an_unknown_actor_is_not_authenticated(h: Harness) -> None:
    h.refuse("mallory", join("lobby"), ErrorCode.NOT_AUTHENTICATED)


# ---------------------------------------------------------------- capacity and access


def test_a_full_room_refuses_one_more(h: Harness) -> None:
    h.do("ken", join("small"))
    h.do("yui", join("small"))
    h.refuse("sora", join("small"), ErrorCode.ROOM_FULL)
    assert h.occupants("small") == {"ken", "yui"}
    h.do("yui", LeaveRoom(id=3))
    h.do("sora", join("small"))
    assert h.occupants("small") == {"ken", "sora"}


def test_private_room_admits_only_its_members(h: Harness) -> None:
    h.refuse("yui", join("board"), ErrorCode.NOT_A_MEMBER)
    # not even a manager who is not on the list
    h.refuse("mika", join("board"), ErrorCode.NOT_A_MEMBER)
    h.do("ken", join("board"))
    assert h.occupants("board") == {"ken"}


# ---------------------------------------------------------------- locks


def test_an_occupant_locks_the_room_and_others_cannot_join(h: Harness) -> None:
    h.do("ken", join("focus"))
    outcome = h.do("ken", lock("focus"))
    event, to = only(outcome, RoomChanged)
    assert to is None
    assert event.room.locked
    assert h.state.rooms["focus"].locked
    assert SaveRoom(event.room) in outcome.effects
    assert Audit("ken", "room.lock", "focus") in outcome.effects
    h.refuse("yui", join("focus"), ErrorCode.ROOM_LOCKED)
    assert h.room_of("yui") is None


def test_an_occupant_unlocks_the_room(h: Harness) -> None:
    h.do("ken", join("focus"))
    h.do("ken", lock("focus"))
    outcome = h.do("ken", lock("focus", False))
    assert Audit("ken", "room.unlock", "focus") in outcome.effects
    assert not h.state.rooms["focus"].locked
    h.do("yui", join("focus"))
    assert h.occupants("focus") == {"ken", "yui"}


def test_a_member_outside_the_room_may_not_lock_it(h: Harness) -> None:
    h.do("ken", join("focus"))
    h.refuse("yui", lock("focus"), ErrorCode.FORBIDDEN)
    h.do("yui", join("lobby"))
    h.refuse("yui", lock("focus"), ErrorCode.FORBIDDEN)
    assert not h.state.rooms["focus"].locked


@pytest.mark.parametrize("who", ["mika", "ada"])
def test_managers_and_admins_may_lock_from_outside(h: Harness, who: str) -> None:
    h.do(who, lock("focus"))
    assert h.state.rooms["focus"].locked
    h.do(who, lock("focus", False))
    assert not h.state.rooms["focus"].locked


def test_locking_a_locked_room_changes_nothing(h: Harness) -> None:
    h.do("mika", lock("focus"))
    assert h.office.decide("mika", lock("focus"), T0).empty


def test_locking_an_unknown_room_is_not_found(h: Harness) -> None:
    h.refuse("mika", lock("attic"), ErrorCode.NOT_FOUND)


def test_people_inside_a_locked_room_may_stay_and_leave(h: Harness) -> None:
    h.do("ken", join("focus"))
    h.do("yui", join("focus"))
    h.do("ken", lock("focus"))
    assert h.occupants("focus") == {"ken", "yui"}
    h.do("yui", LeaveRoom(id=3))
    assert h.occupants("focus") == {"ken"}
    h.refuse("yui", join("focus"), ErrorCode.ROOM_LOCKED)


def test_a_non_member_is_told_private_before_locked(h: Harness) -> None:
    h.do("ken", join("board"))
    h.do("ken", lock("board"))
    h.refuse("yui", join("board"), ErrorCode.NOT_A_MEMBER)
    h.refuse("ada", join("board"), ErrorCode.ROOM_LOCKED)


# ---------------------------------------------------------------- chat


def test_chat_goes_only_to_the_room(h: Harness) -> None:
    h.do("ken", join("lobby"))
    h.do("yui", join("lobby"))
    h.do("sora", join("focus"))
    seq = h.state.seq
    outcome = h.do("ken", SendChat(id=4, text="  hello all  "), now=T0 + 5)
    msg, to = only(outcome, ChatMessage)
    assert to == {"ken", "yui"}
    assert msg == ChatMessage(room_id="lobby", from_id="ken", text="hello all", at=T0 + 5)
    assert len(outcome.deliveries) == 1
    assert h.state.seq == seq  # chat is not office state


def test_chat_needs_a_room(h: Harness) -> None:
    h.refuse("ken", SendChat(id=4, text="anyone?"), ErrorCode.NOT_IN_ROOM)


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_chat_text_must_be_present_and_not_too_long(h: Harness, text: str) -> None:
    h.do("ken", join("lobby"))
    h.refuse("ken", SendChat(id=4, text=text), ErrorCode.INVALID)


def test_chat_at_the_limit_is_accepted(h: Harness) -> None:
    h.do("ken", join("lobby"))
    msg, _ = only(h.do("ken", SendChat(id=4, text="x" * 2000)), ChatMessage)
    assert len(msg.text) == 2000


# ---------------------------------------------------------------- creating rooms


def create(
    room_id: str = "lab",
    name: str = "Lab",
    capacity: int = 10,
    access: Access = Access.OPEN,
    members: frozenset[str] = frozenset(),
) -> CreateRoom:
    spec = RoomSpec(id=room_id, name=name, capacity=capacity, access=access, members=members)
    return CreateRoom(id=5, room=spec)


def test_an_admin_creates_a_room(h: Harness) -> None:
    outcome = h.do("ada", create("lab", capacity=3))
    event, to = only(outcome, RoomChanged)
    assert to is None
    assert event.room.id == "lab"
    assert event.room.capacity == 3
    assert not event.room.locked
    assert SaveRoom(event.room) in outcome.effects
    assert Audit("ada", "room.create", "lab") in outcome.effects
    assert h.state.rooms["lab"] == event.room
    h.do("ken", join("lab"))
    assert h.occupants("lab") == {"ken"}


@pytest.mark.parametrize("who", ["mika", "ken"])
def test_only_an_admin_creates_rooms(h: Harness, who: str) -> None:
    h.refuse(who, create("lab"), ErrorCode.FORBIDDEN)
    assert "lab" not in h.state.rooms


def test_creating_an_existing_room_conflicts(h: Harness) -> None:
    h.refuse("ada", create("lobby"), ErrorCode.CONFLICT)
    assert h.state.rooms["lobby"].name == "Lobby"


@pytest.mark.parametrize(
    "request_",
    [
        create(""),
        create("has space"),
        create("x" * 65),
        create("lab", name="   "),
        create("lab", name="n" * 65),
        create("lab", capacity=0),
        create("lab", capacity=501),
    ],
)
def test_invalid_room_specs_are_refused(h: Harness, request_: CreateRoom) -> None:
    h.refuse("ada", request_, ErrorCode.INVALID)
    assert set(h.state.rooms) == {"lobby", "focus", "small", "board"}


def test_an_open_room_keeps_no_member_list(h: Harness) -> None:
    h.do("ada", create("lab", members=frozenset({"ken"})))
    assert h.state.rooms["lab"].members == frozenset()
    h.do("ada", create("vault", access=Access.PRIVATE, members=frozenset({"ken"})))
    assert h.state.rooms["vault"].members == {"ken"}
    h.refuse("yui", join("vault"), ErrorCode.NOT_A_MEMBER)


# ---------------------------------------------------------------- deleting rooms


def test_deleting_a_room_moves_its_occupants_out(h: Harness) -> None:
    h.do("ken", join("focus"))
    h.do("yui", join("focus"))
    h.do("sora", join("lobby"))
    seq = h.state.seq
    outcome = h.do("ada", DeleteRoom(id=6, room_id="focus"))
    moved = sent(outcome, PresenceChanged)
    assert {e.person_id for e, _ in moved} == {"ken", "yui"}
    assert all(e.presence.room_id is None for e, _ in moved)
    removed, to = only(outcome, RoomRemoved)
    assert removed.room_id == "focus"
    assert to is None
    # state events carry consecutive numbers, and the room goes after its people
    assert [d.event.seq for d in outcome.deliveries] == [seq + 1, seq + 2, seq + 3]
    assert isinstance(outcome.deliveries[-1].event, RoomRemoved)
    assert DeleteRoomRecord("focus") in outcome.effects
    assert Audit("ada", "room.delete", "focus") in outcome.effects
    assert "focus" not in h.state.rooms
    assert "focus" not in h.state.occupants
    assert h.room_of("ken") is None
    assert h.room_of("yui") is None
    assert h.room_of("sora") == "lobby"
    h.refuse("ken", join("focus"), ErrorCode.NOT_FOUND)


@pytest.mark.parametrize("who", ["mika", "ken"])
def test_only_an_admin_deletes_rooms(h: Harness, who: str) -> None:
    h.refuse(who, DeleteRoom(id=6, room_id="focus"), ErrorCode.FORBIDDEN)
    assert "focus" in h.state.rooms


def test_deleting_an_unknown_room_is_not_found(h: Harness) -> None:
    h.refuse("ada", DeleteRoom(id=6, room_id="attic"), ErrorCode.NOT_FOUND)


def test_deleting_a_room_ends_its_knocks_and_taps(h: Harness) -> None:
    h.do("ken", join("focus"))
    h.do("ken", lock("focus"))
    knock_id = h.do("yui", KnockOn(id=7, room_id="focus")).ref
    tap_id = h.do("ken", TapPerson(id=8, person_id="sora")).ref
    outcome = h.do("ada", DeleteRoom(id=6, room_id="focus"))
    knock, knock_to = only(outcome, KnockResolved)
    assert (knock.knock_id, knock.resolution) == (knock_id, Resolution.EXPIRED)
    assert knock_to is not None and {"ken", "yui"} <= knock_to
    tap, tap_to = only(outcome, TapResolved)
    assert (tap.tap_id, tap.resolution) == (tap_id, Resolution.WITHDRAWN)
    assert tap_to == {"ken", "sora"}
    assert h.state.knocks == {}
    assert h.state.taps == {}
