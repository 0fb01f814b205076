"""Captions in the office core: who may turn them on and off, relaying, limits, keeping."""

from __future__ import annotations

import msgspec
from office_harness import PEOPLE, ROOMS, SITES, T0, Harness, only, sent

from rooms.captions import MAX_CAPTION_TEXT, CaptionPolicy
from rooms.errors import ErrorCode
from rooms.office import Audit, SaveCaption, SaveRoom
from rooms.protocol import Caption, JoinRoom, RoomChanged, SendCaption, SetRoomCaptions


def caption(
    text: str = "hello", *, final: bool = True, utt: str = "s-0", **kw: object
) -> SendCaption:
    fields: dict[str, object] = {
        "id": 5,
        "utterance": utt,
        "final": final,
        "text": text,
        "language": "en",
        "start": T0 - 2.0,
        "end": T0 - 0.5,
    }
    fields.update(kw)
    return SendCaption(**fields)  # type: ignore[arg-type]


def in_lobby(h: Harness, *people: str) -> None:
    for pid in people:
        h.do(pid, JoinRoom(id=1, room_id="lobby"))


def test_anyone_in_the_room_turns_captions_on_and_it_is_saved_and_audited(h: Harness) -> None:
    in_lobby(h, "ken")
    out = h.do("ken", SetRoomCaptions(id=2, room_id="lobby", on=True))
    event, audience = only(out, RoomChanged)
    assert event.room.captions.live and audience is None
    assert SaveRoom(event.room) in out.effects
    assert Audit("ken", "room.captions.on", "lobby") in out.effects
    assert h.mirror.state.rooms["lobby"].captions.live
    # Turning on what is on changes nothing.
    assert h.do("yui", JoinRoom(id=1, room_id="lobby")) and not sent(
        h.do("yui", SetRoomCaptions(id=3, room_id="lobby", on=True)), RoomChanged
    )


def test_outsiders_cannot_turn_them_on_and_only_managers_turn_them_off(h: Harness) -> None:
    h.refuse("ken", SetRoomCaptions(id=2, room_id="lobby", on=True), ErrorCode.NOT_IN_ROOM)
    h.refuse("ken", SetRoomCaptions(id=2, room_id="nowhere", on=True), ErrorCode.NOT_FOUND)
    in_lobby(h, "ken")
    h.do("ken", SetRoomCaptions(id=2, room_id="lobby", on=True))
    h.refuse("ken", SetRoomCaptions(id=2, room_id="lobby", on=False), ErrorCode.FORBIDDEN)
    out = h.do("mika", SetRoomCaptions(id=2, room_id="lobby", on=False))
    assert not only(out, RoomChanged)[0].room.captions.live


def test_a_caption_goes_to_everyone_in_the_speakers_room_and_nobody_else(h: Harness) -> None:
    in_lobby(h, "ken", "yui")
    h.do("sora", JoinRoom(id=1, room_id="focus"))
    h.do("ken", SetRoomCaptions(id=2, room_id="lobby", on=True))
    out = h.do("ken", caption("  good morning  ", final=False))
    event, audience = only(out, Caption)
    assert audience == frozenset({"ken", "yui"})
    assert (event.speaker_id, event.room_id, event.text, event.final) == (
        "ken",
        "lobby",
        "good morning",
        False,
    )
    assert (event.start, event.end, event.at) == (T0 - 2.0, T0 - 0.5, T0)
    assert not out.effects  # relayed, not kept: the room keeps none


def test_captions_are_refused_when_off_outside_a_room_or_out_of_bounds(h: Harness) -> None:
    h.refuse("ken", caption(), ErrorCode.NOT_IN_ROOM)
    in_lobby(h, "ken")
    h.refuse("ken", caption(), ErrorCode.CAPTIONS_OFF)
    h.do("ken", SetRoomCaptions(id=2, room_id="lobby", on=True))
    h.refuse("ken", caption("x" * (MAX_CAPTION_TEXT + 1)), ErrorCode.INVALID)
    h.refuse("ken", caption("   ", final=False), ErrorCode.INVALID)
    h.refuse("ken", caption(utt=""), ErrorCode.INVALID)
    h.refuse("ken", caption(utt="u" * 65), ErrorCode.INVALID)
    h.refuse("ken", caption(language="en<script>"), ErrorCode.INVALID)
    # An empty final is fine: it tells listeners to drop the partial they were shown.
    assert only(h.do("ken", caption("")), Caption)[0].text == ""


def test_a_speaker_clock_far_off_is_replaced_by_the_servers(h: Harness) -> None:
    in_lobby(h, "ken")
    h.do("ken", SetRoomCaptions(id=2, room_id="lobby", on=True))
    event = only(h.do("ken", caption(start=T0 + 3600, end=T0 + 3602)), Caption)[0]
    assert (event.start, event.end) == (T0 - 2.0, T0)


def test_finals_are_kept_only_when_the_room_keeps_captions() -> None:
    rooms = [
        msgspec.structs.replace(r, captions=CaptionPolicy(live=True, keep_s=3600))
        if r.id == "lobby"
        else r
        for r in ROOMS
    ]
    h = Harness()
    h.office.load(PEOPLE, rooms, SITES)
    h.mirror.load(h.office.snapshot("ada"))
    h.connect("ken")
    in_lobby(h, "ken")
    kept = [e for e in h.do("ken", caption("keep me")).effects if isinstance(e, SaveCaption)]
    assert [(k.line.text, k.line.speaker_id, k.line.room_id, k.line.at) for k in kept] == [
        ("keep me", "ken", "lobby", T0)
    ]
    assert not h.do("ken", caption("partial", final=False, utt="s-1")).effects
    assert not h.do("ken", caption("", utt="s-1")).effects


def test_a_directory_sync_keeps_captions_on_but_takes_the_admins_policy(h: Harness) -> None:
    in_lobby(h, "ken")
    h.do("ken", SetRoomCaptions(id=2, room_id="lobby", on=True))
    edited = [
        msgspec.structs.replace(r, captions=CaptionPolicy(saving=True, keep_s=60))
        if r.id == "lobby"
        else r
        for r in ROOMS
    ]
    out = h.commit(h.office.sync_directory(PEOPLE, edited, SITES, T0))
    policy = only(out, RoomChanged)[0].room.captions
    assert policy == CaptionPolicy(live=True, saving=True, keep_s=60)
