"""The wire protocol: typed, versioned JSON messages.

Every frame is a JSON object whose `type` names the message. The client speaks first
with `login` or `resume`, which carry the protocol version `v`; after that the
connection's version is fixed. Requests carry an `id` that the reply repeats.
Server messages are replies (`welcome`, `ok`, `error`, `audit`), a `snapshot` of the
office, state events that carry a sequence number `seq` (a mirror that sees a gap asks
for a `sync`), and notifications (knocks, taps, chat) that carry none.

See docs/protocol.md for every message with an example.
"""

from __future__ import annotations

from typing import Any, Final, cast

import msgspec

from rooms.checkin import MAX_REPORT_TEXT, CheckIn, HalfDay
from rooms.errors import ErrorCode
from rooms.knock import MAX_NOTE_TEXT, Knock, Resolution, Tap
from rooms.people import Person
from rooms.presence import MAX_STATUS_TEXT, Availability, Location, Presence
from rooms.room import Access, Room
from rooms.site import Site

PROTOCOL_VERSION: Final = 1
# Frames larger than this are refused by the WebSocket layer (close code 1009).
MAX_FRAME_BYTES: Final = 64 * 1024
MAX_CHAT_TEXT: Final = 2000


class _Msg(msgspec.Struct, kw_only=True, tag_field="type", forbid_unknown_fields=True):
    pass


# ---------------------------------------------------------------- requests


class _Req(_Msg):
    id: int


class Login(_Req, tag="login"):
    v: int
    username: str
    password: str


class Resume(_Req, tag="resume"):
    v: int
    token: str


class Logout(_Req, tag="logout"):
    pass


class Ping(_Req, tag="ping"):
    pass


class Sync(_Req, tag="sync"):
    """Ask for a fresh snapshot, after a gap in `seq`."""


class SetPresence(_Req, tag="presence.set"):
    availability: Availability | msgspec.UnsetType = msgspec.UNSET
    status_text: str | msgspec.UnsetType = msgspec.UNSET
    location: Location | msgspec.UnsetType | None = msgspec.UNSET


class JoinRoom(_Req, tag="room.join"):
    room_id: str


class LeaveRoom(_Req, tag="room.leave"):
    pass


class LockRoom(_Req, tag="room.lock"):
    room_id: str
    locked: bool


class KnockOn(_Req, tag="knock"):
    room_id: str
    message: str = ""


class AnswerKnock(_Req, tag="knock.answer"):
    knock_id: str
    admit: bool


class TapPerson(_Req, tag="tap"):
    person_id: str
    message: str = ""


class AnswerTap(_Req, tag="tap.answer"):
    tap_id: str
    accept: bool


class SendChat(_Req, tag="chat.send"):
    text: str


class SetLanguage(_Req, tag="language.set"):
    """Change your own preferred language (a canonical tag from rooms.people.LANGUAGES)."""

    language: str


class StartCheckIn(_Req, tag="checkin.start"):
    location: Location
    half_day: HalfDay | None = None
    plan: str = ""


class EndCheckIn(_Req, tag="checkin.end"):
    report: str = ""


class RoomSpec(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: str
    name: str
    capacity: int = 10
    access: Access = Access.OPEN
    members: frozenset[str] = frozenset()


class CreateRoom(_Req, tag="room.create"):
    room: RoomSpec


class DeleteRoom(_Req, tag="room.delete"):
    room_id: str


class ListAudit(_Req, tag="audit.list"):
    limit: int = 100


Request = (
    Login
    | Resume
    | Logout
    | Ping
    | Sync
    | SetPresence
    | JoinRoom
    | LeaveRoom
    | LockRoom
    | KnockOn
    | AnswerKnock
    | TapPerson
    | AnswerTap
    | SendChat
    | StartCheckIn
    | EndCheckIn
    | CreateRoom
    | DeleteRoom
    | ListAudit
    | SetLanguage
)
# Requests the office state machine handles; the rest belong to the connection layer.
OfficeRequest = (
    SetPresence
    | JoinRoom
    | LeaveRoom
    | LockRoom
    | KnockOn
    | AnswerKnock
    | TapPerson
    | AnswerTap
    | SendChat
    | StartCheckIn
    | EndCheckIn
    | CreateRoom
    | DeleteRoom
    | SetLanguage
)

# ---------------------------------------------------------------- replies


class Welcome(_Msg, tag="welcome"):
    id: int
    protocol: int
    person_id: str
    token: str
    expires_at: float


class Ok(_Msg, tag="ok"):
    id: int
    ref: str | None = None  # the id of what the request created (a knock, a tap, ...)


class Error(_Msg, tag="error"):
    id: int | None
    code: ErrorCode
    message: str


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    at: float
    actor: str
    action: str
    detail: str = ""


class AuditEntries(_Msg, tag="audit"):
    id: int
    entries: list[AuditEntry]


class Pong(_Msg, tag="pong"):
    id: int
    server_time: float


# ---------------------------------------------------------------- state


class Snapshot(_Msg, tag="snapshot"):
    """The whole office as one viewer may see it. Deltas follow with seq > this seq."""

    seq: int
    me: str
    people: list[Person]
    presence: dict[str, Presence]
    rooms: list[Room]
    sites: list[Site]
    checkin: CheckIn | None = None


class PresenceChanged(_Msg, tag="presence"):
    seq: int
    person_id: str
    presence: Presence


class RoomChanged(_Msg, tag="room"):
    seq: int
    room: Room


class RoomRemoved(_Msg, tag="room.removed"):
    seq: int
    room_id: str


class PersonChanged(_Msg, tag="person"):
    seq: int
    person: Person


class PersonRemoved(_Msg, tag="person.removed"):
    seq: int
    person_id: str


class SiteChanged(_Msg, tag="site"):
    seq: int
    site: Site


class SiteRemoved(_Msg, tag="site.removed"):
    seq: int
    site_id: str


StateEvent = (
    PresenceChanged
    | RoomChanged
    | RoomRemoved
    | PersonChanged
    | PersonRemoved
    | SiteChanged
    | SiteRemoved
)

# ---------------------------------------------------------------- notifications


class KnockRequested(_Msg, tag="knock.requested"):
    knock: Knock


class KnockResolved(_Msg, tag="knock.resolved"):
    knock_id: str
    room_id: str
    person_id: str
    resolution: Resolution
    by: str | None = None


class TapReceived(_Msg, tag="tap.received"):
    tap: Tap


class TapResolved(_Msg, tag="tap.resolved"):
    tap_id: str
    from_id: str
    to_id: str
    resolution: Resolution


class ChatMessage(_Msg, tag="chat"):
    room_id: str
    from_id: str
    text: str
    at: float


class CheckInChanged(_Msg, tag="checkin"):
    """Your own current check-in (None once checked out)."""

    checkin: CheckIn | None
    ended: CheckIn | None = None


Notification = (
    KnockRequested | KnockResolved | TapReceived | TapResolved | ChatMessage | CheckInChanged
)
Event = StateEvent | Notification
ServerMessage = Welcome | Ok | Error | AuditEntries | Pong | Snapshot | Event

LIMITS: Final = {
    "status_text": MAX_STATUS_TEXT,
    "note": MAX_NOTE_TEXT,
    "chat": MAX_CHAT_TEXT,
    "report": MAX_REPORT_TEXT,
}

# ---------------------------------------------------------------- codecs

_encoder = msgspec.json.Encoder()
_request_decoder = msgspec.json.Decoder(Request)
_server_decoder = msgspec.json.Decoder(ServerMessage)


class _Envelope(msgspec.Struct):
    """Just enough of a frame to answer it when the rest is wrong."""

    id: int | None = None
    type: str | None = None


_envelope_decoder = msgspec.json.Decoder(_Envelope)


class ProtocolError(Exception):
    def __init__(self, code: ErrorCode, message: str, request_id: int | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


def encode(message: msgspec.Struct) -> bytes:
    return _encoder.encode(message)


def decode_request(frame: bytes | str) -> Request:
    """Decode a client frame, or raise ProtocolError with the right code."""
    try:
        return cast(Request, _request_decoder.decode(frame))
    except msgspec.ValidationError as exc:
        envelope = _peek(frame)
        request_id = envelope.id if envelope else None
        known = envelope is not None and envelope.type in _REQUEST_TAGS
        if envelope is not None and envelope.type is not None and not known:
            raise ProtocolError(
                ErrorCode.UNKNOWN_TYPE, f"unknown message type {envelope.type!r}", request_id
            ) from None
        raise ProtocolError(ErrorCode.INVALID, f"invalid message: {exc}", request_id) from None
    except msgspec.DecodeError as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"malformed frame: {exc}", None) from None


def decode_server(frame: bytes | str) -> ServerMessage:
    return cast(ServerMessage, _server_decoder.decode(frame))


def _peek(frame: bytes | str) -> _Envelope | None:
    try:
        return _envelope_decoder.decode(frame)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def _tags(union: Any) -> frozenset[str]:
    return frozenset(t.__struct_config__.tag for t in union.__args__)


_REQUEST_TAGS = _tags(Request)
