"""The wire protocol: every message round-trips, and bad frames get the right error code."""

from __future__ import annotations

import json

import msgspec
import pytest
from site_samples import SITE_REQUESTS, SITE_SERVER_MESSAGES

from rooms import protocol as p
from rooms.captions import CaptionLine
from rooms.checkin import CheckIn, HalfDay
from rooms.errors import ErrorCode
from rooms.knock import Knock, Resolution, Tap
from rooms.people import Person, Role
from rooms.presence import Availability, Link, Location, LocationKind, Presence
from rooms.room import Access, Room
from rooms.site import Site

HOME = Location(kind=LocationKind.HOME)
TONO = Location(kind=LocationKind.SATELLITE, site_id="tono")
KEN = Person(id="ken", display_name="Ken", team="sales", role=Role.MANAGER, language="en")
HERE = Presence(
    availability=Availability.BUSY,
    status_text="writing",
    location=TONO,
    room_id="lobby",
    link=Link.ONLINE,
    link_since=1.5,
)
LOBBY = Room(
    id="lobby", name="Lobby", capacity=4, access=Access.PRIVATE, members=frozenset({"ken"})
)
SITE = Site(id="tono", name="Tono", region="Iwate", seats=12)
CHECKIN = CheckIn(
    id="c1", person_id="ken", location=TONO, start=10.0, half_day=HalfDay.MORNING, plan="plan"
)
KNOCK = Knock(id="k1", room_id="lobby", person_id="yui", message="hi", expires_at=70.0)
TAP = Tap(id="t1", from_id="ken", to_id="yui", room_id="lobby", message="", expires_at=70.0)

REQUESTS: list[msgspec.Struct] = [
    p.Login(id=1, v=1, username="ken", password="secret"),
    p.Resume(id=2, v=1, token="tok"),
    p.Logout(id=3),
    p.Ping(id=4),
    p.Sync(id=5),
    p.SetPresence(id=6, availability=Availability.AWAY, status_text="lunch", location=HOME),
    p.SetPresence(id=7),
    p.SetPresence(id=8, location=None),
    p.JoinRoom(id=9, room_id="lobby"),
    p.LeaveRoom(id=10),
    p.LockRoom(id=11, room_id="lobby", locked=True),
    p.KnockOn(id=12, room_id="lobby", message="may I?"),
    p.AnswerKnock(id=13, knock_id="k1", admit=False),
    p.TapPerson(id=14, person_id="yui", message="come"),
    p.AnswerTap(id=15, tap_id="t1", accept=True),
    p.SendChat(id=16, text="hello"),
    p.StartCheckIn(id=17, location=TONO, half_day=HalfDay.AFTERNOON, plan="plan"),
    p.EndCheckIn(id=18, report="done"),
    p.CreateRoom(
        id=19,
        room=p.RoomSpec(
            id="lab", name="Lab", capacity=3, access=Access.PRIVATE, members=frozenset({"a", "b"})
        ),
    ),
    p.DeleteRoom(id=20, room_id="lab"),
    p.ListAudit(id=21, limit=5),
    p.SetRoomCaptions(id=22, room_id="lobby", on=True),
    p.SendCaption(
        id=23, utterance="u1", final=False, text="hello", language="en", start=1.0, end=2.0
    ),
    p.GetCaptionHistory(id=24, room_id="lobby", since=10.0),
    p.GetVoiceConfig(id=22),
    p.VoiceOffer(id=23, room_id="lobby", sdp="v=0\r\n"),
    p.VoiceIce(id=24, room_id="lobby", candidate="candidate:1 1 udp 1 127.0.0.1 5000 typ host"),
    p.VoiceStop(id=25),
    p.CreateInvite(id=26, room_id="lobby", ttl_s=600.0),
    p.GuestJoin(id=27, v=1, invite="a.b", name="Mika"),
    p.SetLanguage(id=28, language="pt-BR"),
]

SERVER_MESSAGES: list[msgspec.Struct] = [
    p.Welcome(id=1, protocol=1, person_id="ken", token="tok", expires_at=99.0),
    p.Ok(id=2),
    p.Ok(id=3, ref="k1"),
    p.Error(id=4, code=ErrorCode.ROOM_FULL, message="full"),
    p.Error(id=None, code=ErrorCode.MALFORMED, message="bad"),
    p.AuditEntries(id=5, entries=[p.AuditEntry(at=1.0, actor="ada", action="room.create")]),
    p.Pong(id=6, server_time=123.0),
    p.Snapshot(
        seq=7,
        me="ken",
        people=[KEN],
        presence={"ken": HERE},
        rooms=[LOBBY],
        sites=[SITE],
        checkin=CHECKIN,
    ),
    p.PresenceChanged(seq=8, person_id="ken", presence=HERE),
    p.RoomChanged(seq=9, room=LOBBY),
    p.RoomRemoved(seq=10, room_id="lobby"),
    p.PersonChanged(seq=11, person=KEN),
    p.PersonRemoved(seq=12, person_id="ken"),
    p.SiteChanged(seq=13, site=SITE),
    p.SiteRemoved(seq=14, site_id="tono"),
    p.KnockRequested(knock=KNOCK),
    p.KnockResolved(
        knock_id="k1", room_id="lobby", person_id="yui", resolution=Resolution.ADMITTED, by="ken"
    ),
    p.TapReceived(tap=TAP),
    p.TapResolved(tap_id="t1", from_id="ken", to_id="yui", resolution=Resolution.DECLINED),
    p.ChatMessage(room_id="lobby", from_id="ken", text="hi", at=5.0),
    p.CheckInChanged(checkin=CHECKIN),
    p.CheckInChanged(checkin=None, ended=msgspec.structs.replace(CHECKIN, end=20.0)),
    p.Caption(
        room_id="lobby",
        speaker_id="ken",
        utterance="u1",
        final=True,
        text="hello",
        language="en",
        start=1.0,
        end=2.0,
        at=2.1,
    ),
    p.CaptionHistory(
        id=25,
        room_id="lobby",
        lines=[
            CaptionLine(
                room_id="lobby",
                speaker_id="ken",
                utterance="u1",
                text="hello",
                language="en",
                start=1.0,
                end=2.0,
                at=2.1,
            )
        ],
    ),
    p.VoiceConfig(id=15, ice_servers=[p.IceServer(urls=["turn:127.0.0.1:3478"], username="u")]),
    p.VoiceAnswer(id=16, room_id="lobby", sdp="v=0\r\n"),
    p.InviteCreated(id=17, room_id="lobby", url="http://127.0.0.1/guest/a.b", expires_at=9.0),
    p.VoiceSpeaking(room_id="lobby", speaking=["ken"]),
    p.VoiceClosed(room_id="lobby", reason="you left the room"),
    p.GuestRoom(
        room_id="lobby", room_name="Lobby", people=[p.RosterEntry(id="g1", name="Mika", guest=True)]
    ),
]


REQUESTS += SITE_REQUESTS
SERVER_MESSAGES += SITE_SERVER_MESSAGES


def _tag(message: msgspec.Struct) -> str:
    return str(type(message).__struct_config__.tag)


def test_the_samples_cover_every_message_type() -> None:
    assert {type(m) for m in REQUESTS} == set(p.Request.__args__)
    assert {type(m) for m in SERVER_MESSAGES} == set(p.ServerMessage.__args__)


@pytest.mark.parametrize("request_", REQUESTS, ids=_tag)
def test_every_request_round_trips(request_: msgspec.Struct) -> None:
    frame = p.encode(request_)
    assert json.loads(frame)["type"] == _tag(request_)
    assert p.decode_request(frame) == request_
    assert p.decode_request(frame.decode()) == request_


@pytest.mark.parametrize("message", SERVER_MESSAGES, ids=_tag)
def test_every_server_message_round_trips(message: msgspec.Struct) -> None:
    frame = p.encode(message)
    assert json.loads(frame)["type"] == _tag(message)
    assert p.decode_server(frame) == message


def test_unset_presence_fields_are_left_out_and_null_clears() -> None:
    assert json.loads(p.encode(p.SetPresence(id=1))) == {"type": "presence.set", "id": 1}
    unset = p.decode_request(b'{"type": "presence.set", "id": 1}')
    assert isinstance(unset, p.SetPresence)
    assert unset.location is msgspec.UNSET
    assert unset.availability is msgspec.UNSET
    cleared = p.decode_request(b'{"type": "presence.set", "id": 1, "location": null}')
    assert isinstance(cleared, p.SetPresence)
    assert cleared.location is None


def test_enums_travel_as_their_values() -> None:
    frame = json.loads(p.encode(p.SetPresence(id=1, availability=Availability.DO_NOT_DISTURB)))
    assert frame["availability"] == "do-not-disturb"
    error = json.loads(p.encode(p.Error(id=None, code=ErrorCode.RATE_LIMITED, message="slow")))
    assert error == {"type": "error", "id": None, "code": "rate_limited", "message": "slow"}


def test_the_version_travels_in_login_and_resume() -> None:
    login = p.decode_request(b'{"type":"login","id":1,"v":2,"username":"k","password":"x"}')
    assert isinstance(login, p.Login)
    assert login.v == 2  # the server, not the codec, refuses versions it does not speak
    assert p.PROTOCOL_VERSION == 1
    assert p.MAX_FRAME_BYTES == 64 * 1024


# ---------------------------------------------------------------- bad frames


def _refused(frame: bytes | str) -> p.ProtocolError:
    with pytest.raises(p.ProtocolError) as info:
        p.decode_request(frame)
    return info.value


@pytest.mark.parametrize("frame", [b"", b"{", b"not json", b'{"type": "ping", "id": 1', "\x00"])
def test_a_frame_that_is_not_json_is_malformed(frame: bytes | str) -> None:
    error = _refused(frame)
    assert error.code is ErrorCode.MALFORMED
    assert error.request_id is None


def test_an_unknown_type_is_reported_with_the_request_id() -> None:
    error = _refused(b'{"type": "room.teleport", "id": 7, "room_id": "x"}')
    assert error.code is ErrorCode.UNKNOWN_TYPE
    assert error.request_id == 7
    assert "room.teleport" in error.message


def test_a_server_message_is_not_a_request() -> None:
    error = _refused(p.encode(p.Ok(id=3)))
    assert error.code is ErrorCode.UNKNOWN_TYPE
    assert error.request_id == 3


@pytest.mark.parametrize(
    ("frame", "request_id"),
    [
        (b'{"type": "room.join", "id": 9}', 9),  # a missing field
        (b'{"type": "ping"}', None),  # no id at all
        (b'{"id": 4}', 4),  # no type
        (b'{"type": "room.join", "id": 9, "room_id": 5}', 9),  # the wrong type
        (b'{"type": "room.join", "id": 9, "room_id": "a", "extra": 1}', 9),  # an unknown field
        (b'{"type": "presence.set", "id": 2, "availability": "asleep"}', 2),  # not an enum value
        (b'{"type": "checkin.start", "id": 3, "location": {"kind": "moon"}}', 3),
        (b'{"type": "room.join", "id": "nine", "room_id": "a"}', None),  # an id not a number
        (b"[1, 2]", None),  # JSON, but not an object
    ],
)
def test_a_frame_that_does_not_fit_its_type_is_invalid(
    frame: bytes, request_id: int | None
) -> None:
    error = _refused(frame)
    assert error.code is ErrorCode.INVALID
    assert error.request_id == request_id


def test_an_error_reply_for_a_bad_frame_round_trips() -> None:
    error = _refused(b'{"type": "room.join", "id": 9}')
    reply = p.Error(id=error.request_id, code=error.code, message=error.message)
    assert p.decode_server(p.encode(reply)) == reply
