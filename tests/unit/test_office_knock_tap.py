"""Knocks (asking into a locked room) and taps (calling someone to your room)."""

from __future__ import annotations

import pytest
from office_harness import T0, Harness, only, sent

from rooms.errors import ErrorCode
from rooms.knock import Knock, Resolution, Tap
from rooms.presence import Availability
from rooms.protocol import (
    AnswerKnock,
    AnswerTap,
    JoinRoom,
    KnockOn,
    KnockRequested,
    KnockResolved,
    LeaveRoom,
    LockRoom,
    SetPresence,
    TapPerson,
    TapReceived,
    TapResolved,
)


def join(room_id: str) -> JoinRoom:
    return JoinRoom(id=1, room_id=room_id)


def knock(room_id: str, message: str = "") -> KnockOn:
    return KnockOn(id=2, room_id=room_id, message=message)


def answer(knock_id: str | None, admit: bool) -> AnswerKnock:
    assert knock_id is not None
    return AnswerKnock(id=3, knock_id=knock_id, admit=admit)


def tap(person_id: str, message: str = "") -> TapPerson:
    return TapPerson(id=4, person_id=person_id, message=message)


def answer_tap(tap_id: str | None, accept: bool) -> AnswerTap:
    assert tap_id is not None
    return AnswerTap(id=5, tap_id=tap_id, accept=accept)


@pytest.fixture
def locked(h: Harness) -> Harness:
    """Ken and Yui meet in Focus with the door locked."""
    h.do("ken", join("focus"))
    h.do("yui", join("focus"))
    h.do("ken", LockRoom(id=6, room_id="focus", locked=True))
    return h


# ---------------------------------------------------------------- knocking


def test_a_knock_reaches_the_occupants_and_the_knocker(locked: Harness) -> None:
    h = locked
    seq = h.state.seq
    outcome = h.do("sora", knock("focus", "  may I?  "), now=T0 + 1)
    event, to = only(outcome, KnockRequested)
    assert to == {"ken", "yui", "sora"}
    assert event.knock == Knock(
        id=event.knock.id,
        room_id="focus",
        person_id="sora",
        message="may I?",
        expires_at=T0 + 1 + h.office.rules.knock_timeout,
    )
    assert outcome.ref == event.knock.id
    assert h.state.knocks == {event.knock.id: event.knock}
    assert h.state.seq == seq  # a knock is a notification, not office state
    assert h.room_of("sora") is None


def test_admit_lets_the_knocker_in(locked: Harness) -> None:
    h = locked
    knock_id = h.do("sora", knock("focus")).ref
    outcome = h.do("yui", answer(knock_id, True))
    resolved, to = only(outcome, KnockResolved)
    assert resolved == KnockResolved(
        knock_id=knock_id,
        room_id="focus",
        person_id="sora",
        resolution=Resolution.ADMITTED,
        by="yui",
    )
    assert to == {"ken", "yui", "sora"}
    assert h.room_of("sora") == "focus"
    assert h.occupants("focus") == {"ken", "yui", "sora"}
    assert h.state.knocks == {}
    assert h.state.rooms["focus"].locked  # admitting one person does not unlock the door


def test_decline_leaves_the_knocker_outside(locked: Harness) -> None:
    h = locked
    knock_id = h.do("sora", knock("focus")).ref
    resolved, to = only(h.do("ken", answer(knock_id, False)), KnockResolved)
    assert resolved.resolution is Resolution.DECLINED
    assert resolved.by == "ken"
    assert to == {"ken", "yui", "sora"}
    assert h.room_of("sora") is None
    assert h.state.knocks == {}
    h.refuse("yui", answer(knock_id, True), ErrorCode.NOT_FOUND)


def test_only_people_inside_answer_a_knock(locked: Harness) -> None:
    h = locked
    knock_id = h.do("sora", knock("focus")).ref
    h.refuse("taro", answer(knock_id, True), ErrorCode.NOT_IN_ROOM)
    h.refuse("sora", answer(knock_id, True), ErrorCode.NOT_IN_ROOM)
    assert h.room_of("sora") is None
    assert knock_id in h.state.knocks


def test_answering_an_unknown_knock_is_not_found(locked: Harness) -> None:
    locked.refuse("ken", answer("nope", True), ErrorCode.NOT_FOUND)


def test_admit_respects_capacity(h: Harness) -> None:
    h.do("ken", join("small"))
    h.do("yui", join("small"))
    h.do("ken", LockRoom(id=6, room_id="small", locked=True))
    knock_id = h.do("sora", knock("small")).ref
    h.refuse("ken", answer(knock_id, True), ErrorCode.ROOM_FULL)
    assert h.room_of("sora") is None
    assert knock_id in h.state.knocks


def test_a_knock_times_out_on_tick(locked: Harness) -> None:
    h = locked
    knock_id = h.do("sora", knock("focus"), now=T0)
    timeout = h.office.rules.knock_timeout
    assert h.tick(T0 + timeout - 1).empty
    assert knock_id.ref in h.state.knocks
    outcome = h.tick(T0 + timeout)
    resolved, to = only(outcome, KnockResolved)
    assert resolved.knock_id == knock_id.ref
    assert resolved.resolution is Resolution.EXPIRED
    assert resolved.by is None
    assert to == {"ken", "yui", "sora"}
    assert h.state.knocks == {}
    assert h.room_of("sora") is None


def test_knocking_on_an_open_room_says_join_it(h: Harness) -> None:
    h.do("ken", join("lobby"))
    h.refuse("sora", knock("lobby"), ErrorCode.NOT_LOCKED)


def test_knocking_on_an_empty_locked_room_is_refused(h: Harness) -> None:
    h.do("mika", LockRoom(id=6, room_id="focus", locked=True))
    h.refuse("sora", knock("focus"), ErrorCode.ROOM_EMPTY)
    assert h.state.knocks == {}


def test_knocking_on_an_unknown_room_is_not_found(h: Harness) -> None:
    h.refuse("sora", knock("attic"), ErrorCode.NOT_FOUND)


def test_knocking_on_a_private_room_needs_membership(h: Harness) -> None:
    h.do("ken", join("board"))
    h.do("ken", LockRoom(id=6, room_id="board", locked=True))
    h.refuse("yui", knock("board"), ErrorCode.NOT_A_MEMBER)
    assert h.do("ada", knock("board")).ref in h.state.knocks


def test_knocking_on_your_own_room_conflicts(locked: Harness) -> None:
    locked.refuse("ken", knock("focus"), ErrorCode.CONFLICT)


def test_one_knock_at_a_time(locked: Harness) -> None:
    h = locked
    h.do("sora", knock("focus"))
    h.refuse("sora", knock("focus"), ErrorCode.ALREADY_PENDING)
    assert len(h.state.knocks) == 1


def test_a_long_knock_message_is_invalid(locked: Harness) -> None:
    locked.refuse("sora", knock("focus", "x" * 201), ErrorCode.INVALID)


def test_joining_elsewhere_withdraws_the_knock(locked: Harness) -> None:
    h = locked
    knock_id = h.do("sora", knock("focus")).ref
    outcome = h.do("sora", join("lobby"))
    resolved, to = only(outcome, KnockResolved)
    assert resolved.knock_id == knock_id
    assert resolved.resolution is Resolution.WITHDRAWN
    assert to == {"ken", "yui", "sora"}
    assert h.state.knocks == {}
    assert h.room_of("sora") == "lobby"


def test_signing_out_withdraws_the_knock(locked: Harness) -> None:
    h = locked
    h.do("sora", knock("focus"))
    outcome = h.commit(h.office.disconnect("sora", T0, signed_out=True))
    resolved, _ = only(outcome, KnockResolved)
    assert resolved.resolution is Resolution.WITHDRAWN
    assert h.state.knocks == {}


def test_entering_by_another_door_ends_the_knock(locked: Harness) -> None:
    # The knocker gets in without an admit (the door was unlocked): the knock is moot,
    # and must not keep them from knocking on another door later.
    h = locked
    h.do("sora", knock("focus"))
    h.do("ken", LockRoom(id=6, room_id="focus", locked=False))
    outcome = h.do("sora", join("focus"))
    resolved, to = only(outcome, KnockResolved)
    assert resolved.resolution is Resolution.WITHDRAWN
    assert to is not None and "sora" in to
    assert h.state.knocks == {}
    h.do("taro", join("lobby"))
    h.do("taro", LockRoom(id=6, room_id="lobby", locked=True))
    assert h.do("sora", knock("lobby")).ref in h.state.knocks


def test_entering_by_a_tap_ends_the_knock(locked: Harness) -> None:
    h = locked
    h.do("sora", knock("focus"))
    tap_id = h.do("ken", tap("sora")).ref
    outcome = h.do("sora", answer_tap(tap_id, True))
    assert h.room_of("sora") == "focus"
    assert [e.resolution for e, _ in sent(outcome, KnockResolved)] == [Resolution.WITHDRAWN]
    assert h.state.knocks == {}


@pytest.mark.parametrize("how", ["leave", "join elsewhere", "sign out"])
def test_the_last_one_out_expires_the_knocks(locked: Harness, how: str) -> None:
    h = locked
    knock_id = h.do("sora", knock("focus")).ref
    h.do("yui", LeaveRoom(id=7))
    assert knock_id in h.state.knocks  # Ken is still there to answer
    if how == "leave":
        outcome = h.do("ken", LeaveRoom(id=7))
    elif how == "join elsewhere":
        outcome = h.do("ken", join("lobby"))
    else:
        outcome = h.commit(h.office.disconnect("ken", T0, signed_out=True))
    resolved, to = only(outcome, KnockResolved)
    assert resolved.knock_id == knock_id
    assert resolved.resolution is Resolution.EXPIRED
    assert to == {"ken", "sora"}
    assert h.state.knocks == {}


def test_everyone_dropped_in_one_tick_expires_the_knocks(locked: Harness) -> None:
    h = locked
    knock_id = h.do("sora", knock("focus"), now=T0 + 50).ref
    h.commit(h.office.disconnect("ken", T0, signed_out=False))
    h.commit(h.office.disconnect("yui", T0, signed_out=False))
    outcome = h.tick(T0 + h.office.rules.reconnect_grace)
    assert h.occupants("focus") == set()
    resolved = [e for e, _ in sent(outcome, KnockResolved)]
    assert [(e.knock_id, e.resolution) for e in resolved] == [(knock_id, Resolution.EXPIRED)]
    assert h.state.knocks == {}


# ---------------------------------------------------------------- tapping


def test_a_tap_reaches_the_tapped_person_and_the_tapper(h: Harness) -> None:
    h.do("ken", join("lobby"))
    outcome = h.do("ken", tap("yui", " come over "), now=T0 + 2)
    event, to = only(outcome, TapReceived)
    assert to == {"ken", "yui"}
    assert event.tap == Tap(
        id=event.tap.id,
        from_id="ken",
        to_id="yui",
        room_id="lobby",
        message="come over",
        expires_at=T0 + 2 + h.office.rules.tap_timeout,
    )
    assert outcome.ref == event.tap.id
    assert h.state.taps == {event.tap.id: event.tap}
    assert h.room_of("yui") is None


def test_tapping_needs_a_room(h: Harness) -> None:
    h.refuse("ken", tap("yui"), ErrorCode.NOT_IN_ROOM)


def test_tapping_someone_offline_is_unavailable(cold: Harness) -> None:
    cold.connect("ken")
    cold.do("ken", join("lobby"))
    cold.refuse("ken", tap("yui"), ErrorCode.UNAVAILABLE)
    cold.connect("yui")
    assert cold.do("ken", tap("yui")).ref in cold.state.taps


def test_tapping_someone_signed_out_is_unavailable(h: Harness) -> None:
    h.do("ken", join("lobby"))
    h.commit(h.office.disconnect("yui", T0, signed_out=True))
    h.refuse("ken", tap("yui"), ErrorCode.UNAVAILABLE)


def test_tapping_someone_in_do_not_disturb_is_refused(h: Harness) -> None:
    h.do("ken", join("lobby"))
    h.do("yui", SetPresence(id=8, availability=Availability.DO_NOT_DISTURB))
    h.refuse("ken", tap("yui"), ErrorCode.DO_NOT_DISTURB)
    h.do("yui", SetPresence(id=8, availability=Availability.BUSY))
    assert h.do("ken", tap("yui")).ref in h.state.taps


def test_tapping_yourself_an_unknown_person_or_someone_here_is_refused(h: Harness) -> None:
    h.do("ken", join("lobby"))
    h.do("yui", join("lobby"))
    h.refuse("ken", tap("ken"), ErrorCode.INVALID)
    h.refuse("ken", tap("nobody"), ErrorCode.NOT_FOUND)
    h.refuse("ken", tap("yui"), ErrorCode.CONFLICT)
    h.refuse("ken", tap("sora", "x" * 201), ErrorCode.INVALID)
    assert h.state.taps == {}


def test_accepting_a_tap_brings_you_to_the_room(h: Harness) -> None:
    h.do("ken", join("lobby"))
    h.do("yui", join("focus"))
    tap_id = h.do("ken", tap("yui")).ref
    outcome = h.do("yui", answer_tap(tap_id, True))
    resolved, to = only(outcome, TapResolved)
    assert resolved == TapResolved(
        tap_id=tap_id, from_id="ken", to_id="yui", resolution=Resolution.ACCEPTED
    )
    assert to == {"ken", "yui"}
    assert h.room_of("yui") == "lobby"
    assert h.occupants("focus") == set()
    assert h.state.taps == {}


def test_accepting_a_tap_opens_a_locked_room(locked: Harness) -> None:
    h = locked
    tap_id = h.do("yui", tap("sora")).ref
    h.refuse("sora", join("focus"), ErrorCode.ROOM_LOCKED)
    h.do("sora", answer_tap(tap_id, True))
    assert h.room_of("sora") == "focus"
    assert h.state.rooms["focus"].locked


def test_accepting_a_tap_respects_capacity_and_membership(h: Harness) -> None:
    h.do("ken", join("small"))
    h.do("yui", join("small"))
    tap_id = h.do("ken", tap("sora")).ref
    h.refuse("sora", answer_tap(tap_id, True), ErrorCode.ROOM_FULL)
    assert h.room_of("sora") is None
    h.do("ken", join("board"))
    tap_id = h.do("ken", tap("taro")).ref
    h.refuse("taro", answer_tap(tap_id, True), ErrorCode.NOT_A_MEMBER)
    assert h.room_of("taro") is None


def test_declining_a_tap(h: Harness) -> None:
    h.do("ken", join("lobby"))
    tap_id = h.do("ken", tap("yui")).ref
    outcome = h.do("yui", answer_tap(tap_id, False))
    resolved, to = only(outcome, TapResolved)
    assert resolved.resolution is Resolution.DECLINED
    assert to == {"ken", "yui"}
    assert h.room_of("yui") is None
    assert h.state.taps == {}


def test_only_the_tapped_person_answers(h: Harness) -> None:
    h.do("ken", join("lobby"))
    tap_id = h.do("ken", tap("yui")).ref
    h.refuse("sora", answer_tap(tap_id, True), ErrorCode.NOT_FOUND)
    h.refuse("ken", answer_tap(tap_id, True), ErrorCode.NOT_FOUND)
    h.refuse("yui", answer_tap("nope", True), ErrorCode.NOT_FOUND)
    assert tap_id in h.state.taps


def test_a_tap_expires_on_tick(h: Harness) -> None:
    h.do("ken", join("lobby"))
    tap_id = h.do("ken", tap("yui"), now=T0).ref
    timeout = h.office.rules.tap_timeout
    assert h.tick(T0 + timeout - 0.5).empty
    resolved, to = only(h.tick(T0 + timeout), TapResolved)
    assert (resolved.tap_id, resolved.resolution) == (tap_id, Resolution.EXPIRED)
    assert to == {"ken", "yui"}
    assert h.state.taps == {}
    h.refuse("yui", answer_tap(tap_id, True), ErrorCode.NOT_FOUND)


@pytest.mark.parametrize("how", ["leave", "join elsewhere", "sign out"])
def test_the_tapper_leaving_withdraws_the_tap(h: Harness, how: str) -> None:
    h.do("ken", join("lobby"))
    tap_id = h.do("ken", tap("yui")).ref
    if how == "leave":
        outcome = h.do("ken", LeaveRoom(id=7))
    elif how == "join elsewhere":
        outcome = h.do("ken", join("focus"))
    else:
        outcome = h.commit(h.office.disconnect("ken", T0, signed_out=True))
    resolved, to = only(outcome, TapResolved)
    assert (resolved.tap_id, resolved.resolution) == (tap_id, Resolution.WITHDRAWN)
    assert to == {"ken", "yui"}
    h.refuse("yui", answer_tap(tap_id, True), ErrorCode.NOT_FOUND)
    assert h.room_of("yui") is None


def test_joining_the_room_on_your_own_takes_up_the_tap(h: Harness) -> None:
    h.do("ken", join("lobby"))
    tap_id = h.do("ken", tap("yui")).ref
    resolved, _ = only(h.do("yui", join("lobby")), TapResolved)
    assert (resolved.tap_id, resolved.resolution) == (tap_id, Resolution.ACCEPTED)
    assert h.state.taps == {}


def test_the_tapped_person_signing_out_expires_the_tap(h: Harness) -> None:
    h.do("ken", join("lobby"))
    tap_id = h.do("ken", tap("yui")).ref
    outcome = h.commit(h.office.disconnect("yui", T0, signed_out=True))
    resolved, _ = only(outcome, TapResolved)
    assert (resolved.tap_id, resolved.resolution) == (tap_id, Resolution.EXPIRED)
    assert h.state.taps == {}


def test_a_newcomer_and_a_resync_see_who_is_already_knocking(locked: Harness) -> None:
    h = locked
    h.connect("mika", "taro")
    knock_id = h.do("sora", knock("focus"), now=T0 + 1).ref
    tap_id = h.do("yui", tap("mika"), now=T0 + 2).ref
    outcome = h.do("mika", answer_tap(tap_id, accept=True), now=T0 + 3)
    shown = [(event.knock.id, to) for event, to in sent(outcome, KnockRequested)]
    assert shown == [(knock_id, {"mika"})]
    # A snapshot (a resync, a resume) carries what waits for that viewer, and no more.
    assert [k.id for k in h.office.snapshot("mika").knocks] == [knock_id]
    assert [k.id for k in h.office.snapshot("sora").knocks] == [knock_id]
    assert h.office.snapshot("taro").knocks == []
    pending_tap = h.do("yui", tap("taro"), now=T0 + 4).ref
    assert [t.id for t in h.office.snapshot("taro").taps] == [pending_tap]
    assert h.office.snapshot("sora").taps == []
