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

from rooms.attendance import BoardEntry, SiteBoard
from rooms.captions import MAX_CAPTION_TEXT, CaptionLine
from rooms.checkin import MAX_REPORT_TEXT, CheckIn, HalfDay
from rooms.errors import ErrorCode
from rooms.knock import MAX_NOTE_TEXT, Knock, Resolution, Tap
from rooms.people import Person
from rooms.presence import MAX_STATUS_TEXT, Availability, Location, Presence
from rooms.rollcall import MAX_ANSWER_NOTE, MAX_ROLLCALL_MESSAGE, RollCall, RollCallAnswer, Safety
from rooms.room import Access, Room
from rooms.schedule import ScheduleEntry
from rooms.site import Site
from rooms.telework import ReportName, ReportTable

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
    seat: str | None = None  # a named desk at a satellite site


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


class SetRoomCaptions(_Req, tag="room.captions"):
    """Turn live captions on (any participant) or off (managers) for a room."""

    room_id: str
    on: bool


class SendCaption(_Req, tag="caption.send"):
    """A caption of the sender's own speech, for the room they are in.

    Partials (`final: false`) replace each other until the final for the same
    `utterance` arrives. Times are the speaker's clock, seconds since the epoch.
    """

    utterance: str
    final: bool
    text: str
    language: str
    start: float
    end: float


class GetCaptionHistory(_Req, tag="caption.history"):
    """The finals a room kept (only where its policy keeps any and allows saving)."""

    room_id: str
    since: float = 0.0


# -- sites, attendance, telework figures, privacy, roll-calls (see docs/protocol.md)


class SetSchedule(_Req, tag="schedule.set"):
    entries: list[ScheduleEntry]


class AcknowledgeNotice(_Req, tag="privacy.ack"):
    version: int


class DeleteHistory(_Req, tag="history.delete"):
    """Delete all of your own check-in history (and end today's check-in)."""


class StartRollCall(_Req, tag="rollcall.start"):
    message: str = ""


class AnswerRollCall(_Req, tag="rollcall.answer"):
    answer: Safety
    location: Location | None = None  # None: where you are checked in, if anywhere
    note: str = ""


class EndRollCall(_Req, tag="rollcall.end"):
    pass


class GetBoard(_Req, tag="board.get"):
    site_id: str


class GetRoster(_Req, tag="roster.get"):
    team: str | None = None


class GetHistory(_Req, tag="history.get"):
    person_id: str
    start: str | None = None  # YYYY-MM-DD, inclusive
    end: str | None = None
    limit: int = 500


class GetReport(_Req, tag="report.get"):
    report: ReportName
    start: str  # YYYY-MM-DD
    end: str
    core_day: str | None = None  # for telework-days; defaults to the first day
    team: str | None = None  # narrow to one team (within what you may see)


class GetFeed(_Req, tag="feed.get"):
    days: int = 7
    limit: int = 200


class GetPrivacy(_Req, tag="privacy.get"):
    pass


class ExportHistory(_Req, tag="history.export"):
    format: str = "json"  # json | csv


class GetRollCall(_Req, tag="rollcall.get"):
    pass


# Requests answered from storage or the office's state, without changing anything.
SiteQuery = (
    GetBoard
    | GetRoster
    | GetHistory
    | GetReport
    | GetFeed
    | GetPrivacy
    | ExportHistory
    | GetRollCall
)
# ---------------------------------------------------------------- voice and guests
# Voice is WebRTC audio through the server: the client offers, the server answers over
# this WebSocket, and the server mixes the room (see rooms/media and docs/protocol.md).

MAX_GUEST_NAME: Final = 40
MAX_INVITE_TTL_S: Final = 7 * 24 * 3600.0


class IceServer(msgspec.Struct, frozen=True, kw_only=True):
    """A STUN or TURN server, as RTCIceServer in the browser's WebRTC API."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None


class GetVoiceConfig(_Req, tag="voice.config"):
    """Ask for the ICE servers to use (TURN credentials may be made per person)."""


class VoiceOffer(_Req, tag="voice.offer"):
    """Start (or restart) audio in the room you are in, with an SDP offer."""

    room_id: str
    sdp: str


class VoiceIce(_Req, tag="voice.ice"):
    """A trickled ICE candidate for your audio in a room."""

    room_id: str
    candidate: str
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None


class VoiceStop(_Req, tag="voice.stop"):
    """Hang up your audio but stay in the room."""


class CreateInvite(_Req, tag="invite.create"):
    """A member invites a guest from a browser into one room, for a while."""

    room_id: str
    ttl_s: float = 3600.0


class GuestJoin(_Req, tag="guest.join"):
    """A guest's sign-in: the invitation from the link, and the name they typed."""

    v: int
    invite: str
    name: str


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
    | SetRoomCaptions
    | SendCaption
    | GetCaptionHistory
    | SetSchedule
    | AcknowledgeNotice
    | DeleteHistory
    | StartRollCall
    | AnswerRollCall
    | EndRollCall
    | SiteQuery
    | GetVoiceConfig
    | VoiceOffer
    | VoiceIce
    | VoiceStop
    | CreateInvite
    | GuestJoin
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
    | SetRoomCaptions
    | SendCaption
    | SetSchedule
    | AcknowledgeNotice
    | DeleteHistory
    | StartRollCall
    | AnswerRollCall
    | EndRollCall
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


class CaptionHistory(_Msg, tag="caption.history"):
    id: int
    room_id: str
    lines: list[CaptionLine]


class BoardReply(_Msg, tag="board"):
    id: int
    board: SiteBoard


class RosterReply(_Msg, tag="roster"):
    id: int
    day: str
    entries: list[BoardEntry]


class HistoryEntry(msgspec.Struct, frozen=True, kw_only=True):
    day: str  # the local working day the check-in counts for
    checkin: CheckIn


class HistoryReply(_Msg, tag="history"):
    id: int
    person_id: str
    entries: list[HistoryEntry]


class ReportReply(_Msg, tag="report"):
    id: int
    table: ReportTable


class TeamPost(msgspec.Struct, frozen=True, kw_only=True):
    """A start-of-day plan or an end-of-day report in the team feed."""

    checkin_id: str
    person_id: str
    team: str
    kind: str  # plan | report
    text: str
    at: float


class FeedReply(_Msg, tag="feed"):
    id: int
    posts: list[TeamPost]


class PrivacyReply(_Msg, tag="privacy"):
    id: int
    version: int
    text: str
    acknowledged: int  # the version you acknowledged, 0 for none
    retention_days: int | None


class HistoryFile(_Msg, tag="history.file"):
    id: int
    format: str
    content: str


class RollCallStatus(_Msg, tag="rollcall.status"):
    id: int
    rollcall: RollCall | None
    answers: list[RollCallAnswer]  # of the people you may see
    unanswered: list[str]  # the people you may see who have not answered


SiteReply = (
    BoardReply
    | RosterReply
    | HistoryReply
    | ReportReply
    | FeedReply
    | PrivacyReply
    | HistoryFile
    | RollCallStatus
)


class VoiceConfig(_Msg, tag="voice.config"):
    id: int
    ice_servers: list[IceServer]


class VoiceAnswer(_Msg, tag="voice.answer"):
    id: int
    room_id: str
    sdp: str


class InviteCreated(_Msg, tag="invite"):
    id: int
    room_id: str
    url: str
    expires_at: float


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
    # What is waiting for this viewer: knocks on their room or by them, calls to or from them.
    knocks: list[Knock] = []
    taps: list[Tap] = []
    schedule: list[ScheduleEntry] = []  # your own planned schedule
    notice_acknowledged: int = 0  # the privacy notice version you acknowledged
    rollcall: RollCall | None = None  # a safety roll-call under way
    rollcall_answers: list[RollCallAnswer] = []  # yours, and those of the people you see


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


class Caption(_Msg, tag="caption"):
    """A caption relayed to everyone in the speaker's room (including the speaker)."""

    room_id: str
    speaker_id: str
    utterance: str
    final: bool
    text: str
    language: str
    start: float
    end: float
    at: float  # when the server relayed it


class FeedPosted(_Msg, tag="feed.post"):
    post: TeamPost


class AttendanceChanged(_Msg, tag="attendance"):
    """To the managers who see the person: their state changed."""

    entry: BoardEntry


class SiteOccupancy(_Msg, tag="site.occupancy"):
    """To managers and administrators: seats in use at a site (a count, no names)."""

    site_id: str
    seats_used: int
    seats_total: int


class ScheduleChanged(_Msg, tag="schedule"):
    person_id: str
    entries: list[ScheduleEntry]


class PrivacyNotice(_Msg, tag="privacy.notice"):
    """What check-ins record and who sees it: show it, then send `privacy.ack`."""

    version: int
    text: str
    retention_days: int | None


class NoticeAcknowledged(_Msg, tag="privacy.acknowledged"):
    person_id: str
    version: int


class HistoryDeleted(_Msg, tag="history.deleted"):
    person_id: str


class RollCallStarted(_Msg, tag="rollcall.started"):
    rollcall: RollCall


class RollCallAnswered(_Msg, tag="rollcall.answered"):
    answer: RollCallAnswer


class RollCallEnded(_Msg, tag="rollcall.ended"):
    rollcall: RollCall


SiteNotification = (
    FeedPosted
    | AttendanceChanged
    | SiteOccupancy
    | ScheduleChanged
    | PrivacyNotice
    | NoticeAcknowledged
    | HistoryDeleted
    | RollCallStarted
    | RollCallAnswered
    | RollCallEnded
)


class VoiceSpeaking(_Msg, tag="voice.speaking"):
    """Who is speaking in a room now; sent on change, at most about five times a second."""

    room_id: str
    speaking: list[str]


class VoiceClosed(_Msg, tag="voice.closed"):
    """The server ended your audio (you left the room, the link failed, ...)."""

    room_id: str
    reason: str
    code: ErrorCode | None = None


class RosterEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    guest: bool = False


class GuestRoom(_Msg, tag="guest.room"):
    """All a guest sees of the office: the room they were invited to and who is in it."""

    room_id: str
    room_name: str
    people: list[RosterEntry]


Notification = (
    KnockRequested
    | KnockResolved
    | TapReceived
    | TapResolved
    | ChatMessage
    | CheckInChanged
    | Caption
    | SiteNotification
    | VoiceSpeaking
    | VoiceClosed
    | GuestRoom
)
Event = StateEvent | Notification
ServerMessage = (
    Welcome
    | Ok
    | Error
    | AuditEntries
    | Pong
    | CaptionHistory
    | VoiceConfig
    | VoiceAnswer
    | InviteCreated
    | Snapshot
    | Event
    | SiteReply
)

LIMITS: Final = {
    "status_text": MAX_STATUS_TEXT,
    "note": MAX_NOTE_TEXT,
    "chat": MAX_CHAT_TEXT,
    "report": MAX_REPORT_TEXT,
    "caption": MAX_CAPTION_TEXT,
    "rollcall_message": MAX_ROLLCALL_MESSAGE,
    "rollcall_note": MAX_ANSWER_NOTE,
    "guest_name": MAX_GUEST_NAME,
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
