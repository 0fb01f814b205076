"""The office state machine: a request in, a reply and the events to send out.

Sans-I/O: `decide` reads the state and returns an `Outcome` (events with their
audiences, plus effects the I/O layer must make durable) without changing anything;
`commit` then applies the outcome's events through the shared reducer. The server runs
decide, persists the effects, and commits only if that worked, so memory never runs
ahead of disk. Time comes in as an argument; nothing here reads a clock or a socket.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import msgspec

from rooms.attendance import BoardEntry, checked_in_entry, entry_for, seats_used
from rooms.captions import CaptionLine, check_caption, keeps, settle_times
from rooms.checkin import MAX_REPORT_TEXT, CheckIn
from rooms.errors import ErrorCode, OfficeError
from rooms.knock import MAX_NOTE_TEXT, Knock, Resolution, Tap
from rooms.network import address_in
from rooms.people import LANGUAGES, Person, Role
from rooms.presence import MAX_STATUS_TEXT, Availability, Link, Location, LocationKind, Presence
from rooms.privacy import NOTICE_VERSION, notice_text
from rooms.protocol import (
    MAX_CHAT_TEXT,
    AcknowledgeNotice,
    AnswerKnock,
    AnswerRollCall,
    AnswerTap,
    AttendanceChanged,
    Caption,
    ChatMessage,
    CheckInChanged,
    CreateRoom,
    DeleteHistory,
    DeleteRoom,
    EndCheckIn,
    EndRollCall,
    Event,
    FeedPosted,
    GuestRoom,
    HistoryDeleted,
    JoinRoom,
    KnockOn,
    KnockRequested,
    KnockResolved,
    LeaveRoom,
    LockRoom,
    NoticeAcknowledged,
    OfficeRequest,
    PersonChanged,
    PersonRemoved,
    PresenceChanged,
    PrivacyNotice,
    RollCallAnswered,
    RollCallEnded,
    RollCallStarted,
    RoomChanged,
    RoomRemoved,
    RosterEntry,
    ScheduleChanged,
    SendCaption,
    SendChat,
    SetLanguage,
    SetPresence,
    SetRoomCaptions,
    SetSchedule,
    SiteChanged,
    SiteOccupancy,
    SiteRemoved,
    Snapshot,
    StartCheckIn,
    StartRollCall,
    TapPerson,
    TapReceived,
    TapResolved,
    TeamPost,
)
from rooms.rollcall import MAX_ANSWER_NOTE, MAX_ROLLCALL_MESSAGE, RollCall, RollCallAnswer
from rooms.room import Access, Room
from rooms.schedule import Schedule, ScheduleEntry, normalised, schedule_problems
from rooms.scope import sees, team_audience, watchers
from rooms.site import DEFAULT_TIME_ZONE, Site, closing_after, local_day, local_weekday
from rooms.state import OfficeState

MAX_ROOM_CAPACITY = 500
_GUEST_LIMIT = "guests can only talk in the room they were invited to"
_IDENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


@dataclass(frozen=True, slots=True)
class Rules:
    knock_timeout: float = 60.0
    tap_timeout: float = 60.0
    # A dropped link keeps its room this long, so a flaky rural link is not a leave.
    reconnect_grace: float = 30.0
    # The office's wall clock: a check-in away from any site counts for its day here.
    time_zone: str = DEFAULT_TIME_ZONE


# ---------------------------------------------------------------- outcome


@dataclass(frozen=True, slots=True)
class Delivery:
    event: Event
    to: frozenset[str] | None  # None: everyone signed in


@dataclass(frozen=True, slots=True)
class SaveRoom:
    room: Room


@dataclass(frozen=True, slots=True)
class DeleteRoomRecord:
    room_id: str


@dataclass(frozen=True, slots=True)
class SaveCheckIn:
    checkin: CheckIn
    # The local working day the check-in counts for, derived from its start and the
    # site's (or office's) time zone: an index for the figures, not part of the record.
    day: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class SaveSchedule:
    person_id: str
    entries: Schedule


@dataclass(frozen=True, slots=True)
class SaveNoticeAck:
    person_id: str
    version: int


@dataclass(frozen=True, slots=True)
class DeleteHistoryRecords:
    person_id: str


@dataclass(frozen=True, slots=True)
class SaveRollCall:
    rollcall: RollCall


@dataclass(frozen=True, slots=True)
class SaveRollCallAnswer:
    answer: RollCallAnswer


@dataclass(frozen=True, slots=True)
class SaveLanguage:
    person_id: str
    language: str


@dataclass(frozen=True, slots=True)
class Audit:
    actor: str
    action: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SaveCaption:
    line: CaptionLine


Effect = (
    SaveRoom
    | DeleteRoomRecord
    | SaveCheckIn
    | Audit
    | SaveSchedule
    | SaveNoticeAck
    | DeleteHistoryRecords
    | SaveRollCall
    | SaveRollCallAnswer
    | SaveCaption
    | SaveLanguage
)


@dataclass(slots=True)
class Outcome:
    base_seq: int
    deliveries: list[Delivery] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    ref: str | None = None  # the id of what the request created

    @property
    def empty(self) -> bool:
        return not self.deliveries and not self.effects


class _Draft:
    """An outcome under construction, with a view of presence as it will be."""

    def __init__(self, state: OfficeState) -> None:
        self.state = state
        self.outcome = Outcome(base_seq=state.seq)
        self._seq = state.seq
        self._presence: dict[str, Presence] = {}
        self._resolved: set[str] = set()  # knocks ("k" + id) and taps ("t" + id) resolved
        # Attendance as it will be: open check-ins (None: ended) and schedules changed,
        # and whose state and which sites' seat counts managers must hear about.
        self._checkins: dict[str, CheckIn | None] = {}
        self._schedules: dict[str, Schedule] = {}
        self.touched_people: list[str] = []
        self.touched_sites: set[str] = set()

    def presence(self, pid: str) -> Presence:
        return self._presence.get(pid) or self.state.presence_of(pid)

    def occupants(self, room_id: str) -> frozenset[str]:
        """Who will be in a room once this outcome is committed."""
        people = set(self.state.occupants_of(room_id))
        for pid, presence in self._presence.items():
            if presence.room_id == room_id:
                people.add(pid)
            else:
                people.discard(pid)
        return frozenset(people)

    def first_resolution(self, key: str) -> bool:
        """True the first time a knock or tap is resolved in this outcome."""
        if key in self._resolved:
            return False
        self._resolved.add(key)
        return True

    def checkin(self, pid: str) -> CheckIn | None:
        if pid in self._checkins:
            return self._checkins[pid]
        return self.state.checkins.get(pid)

    def checkin_changed(self, pid: str) -> bool:
        return pid in self._checkins

    def open_checkins(self) -> dict[str, CheckIn]:
        merged: dict[str, CheckIn | None] = {**self.state.checkins, **self._checkins}
        return {pid: c for pid, c in merged.items() if c is not None}

    def schedules(self) -> dict[str, Schedule]:
        return {**self.state.schedules, **self._schedules}

    def set_checkin(self, pid: str, checkin: CheckIn | None) -> None:
        for c in (self.checkin(pid), checkin):
            if c is not None and c.location.site_id is not None:
                self.touched_sites.add(c.location.site_id)
        self._checkins[pid] = checkin
        self.touch(pid)

    def set_schedule(self, pid: str, schedule: Schedule) -> None:
        self._schedules[pid] = schedule
        self.touch(pid)

    def touch(self, pid: str) -> None:
        if pid not in self.touched_people:
            self.touched_people.append(pid)

    def set_presence(self, pid: str, new: Presence) -> None:
        if new == self.presence(pid):
            return
        self._presence[pid] = new
        self._seq += 1
        self.send(PresenceChanged(seq=self._seq, person_id=pid, presence=new), None)

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def send(self, event: Event, to: Iterable[str] | None) -> None:
        audience = None if to is None else frozenset(to)
        self.outcome.deliveries.append(Delivery(event, audience))

    def effect(self, effect: Effect) -> None:
        self.outcome.effects.append(effect)


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


def _check_text(text: str, limit: int, what: str) -> None:
    if len(text) > limit:
        raise OfficeError(ErrorCode.INVALID, f"{what} is longer than {limit} characters")


def valid_ident(value: str) -> bool:
    return 0 < len(value) <= 64 and set(value) <= _IDENT_CHARS


# ---------------------------------------------------------------- the machine


class Office:
    def __init__(self, rules: Rules | None = None) -> None:
        self.rules = rules or Rules()
        self.state = OfficeState()
        # Set by the server from the admin's setting; the privacy notice quotes it.
        self.retention_days: int | None = None

    # ------------------------------------------------------------ setup

    def load(
        self,
        people: Iterable[Person],
        rooms: Iterable[Room],
        sites: Iterable[Site],
        open_checkins: Iterable[CheckIn] = (),
    ) -> None:
        """Load the stored directory. Everyone starts offline; presence returns with them."""
        st = self.state
        st.people = {p.id: p for p in people}
        st.rooms = {r.id: r for r in rooms}
        st.sites = {s.id: s for s in sites}
        st.occupants = {r: set() for r in st.rooms}
        for c in open_checkins:
            st.checkins[c.person_id] = c
            st.presence[c.person_id] = Presence(location=c.location)

    def load_attendance(
        self,
        *,
        schedules: Iterable[tuple[str, Schedule]] = (),
        last_days: Iterable[tuple[str, str]] = (),
        notice_acks: Iterable[tuple[str, int]] = (),
        rollcall: RollCall | None = None,
        answers: Iterable[RollCallAnswer] = (),
    ) -> None:
        """Load what attendance keeps between runs (after `load`)."""
        st = self.state
        st.schedules = {pid: s for pid, s in schedules if s}
        st.last_day = dict(last_days)
        st.notice_acks = dict(notice_acks)
        st.rollcall = rollcall
        st.rollcall_answers = {a.person_id: a for a in answers} if rollcall else {}

    def snapshot(self, viewer: str) -> Snapshot:
        st = self.state
        room_id = st.room_of(viewer)
        me = st.people.get(viewer)
        answers = [
            a
            for pid, a in st.rollcall_answers.items()
            if pid == viewer or (me is not None and pid in st.people and sees(me, st.people[pid]))
        ]
        return Snapshot(
            knocks=[k for k in st.knocks.values() if k.person_id == viewer or k.room_id == room_id],
            taps=[t for t in st.taps.values() if viewer in (t.from_id, t.to_id)],
            seq=st.seq,
            me=viewer,
            people=list(st.people.values()),
            presence=dict(st.presence),
            rooms=list(st.rooms.values()),
            sites=list(st.sites.values()),
            checkin=st.checkins.get(viewer),
            schedule=list(st.schedules.get(viewer, ())),
            notice_acknowledged=st.notice_acks.get(viewer, 0),
            rollcall=st.rollcall,
            rollcall_answers=answers,
        )

    # ------------------------------------------------------------ commit

    def commit(self, outcome: Outcome) -> list[Delivery]:
        if outcome.base_seq != self.state.seq:
            raise RuntimeError("outcome decided on a stale state; decide and commit together")
        for delivery in outcome.deliveries:
            self.state.apply(delivery.event)
        for effect in outcome.effects:
            # Server-side bookkeeping for the "planned, not yet checked in" state.
            if isinstance(effect, SaveCheckIn) and effect.day:
                self.state.last_day[effect.checkin.person_id] = max(
                    effect.day, self.state.last_day.get(effect.checkin.person_id, "")
                )
        return outcome.deliveries

    # ------------------------------------------------------------ requests

    def decide(
        self, actor: str, request: OfficeRequest, now: float, *, peer: str | None = None
    ) -> Outcome:
        """`peer` is the address the request came from: it verifies on-site check-ins."""
        if actor not in self.state.people:
            raise OfficeError(ErrorCode.NOT_AUTHENTICATED, "unknown person")
        if self._role(actor) is Role.GUEST:
            raise OfficeError(ErrorCode.FORBIDDEN, _GUEST_LIMIT)
        d = _Draft(self.state)
        match request:
            case SetPresence():
                self._set_presence(d, actor, request)
            case JoinRoom(room_id=room_id):
                self._join(d, actor, room_id, now, with_pass=False)
            case LeaveRoom():
                self._leave(d, actor, now)
            case LockRoom(room_id=room_id, locked=locked):
                self._lock(d, actor, room_id, locked)
            case KnockOn(room_id=room_id, message=message):
                self._knock(d, actor, room_id, message, now)
            case AnswerKnock(knock_id=knock_id, admit=admit):
                self._answer_knock(d, actor, knock_id, admit, now)
            case TapPerson(person_id=person_id, message=message):
                self._tap(d, actor, person_id, message, now)
            case AnswerTap(tap_id=tap_id, accept=accept):
                self._answer_tap(d, actor, tap_id, accept, now)
            case SendChat(text=text):
                self._chat(d, actor, text, now)
            case StartCheckIn():
                self._checkin(d, actor, request, now, peer)
            case EndCheckIn(report=report):
                self._checkout(d, actor, report, now)
            case CreateRoom():
                self._create_room(d, actor, request)
            case DeleteRoom(room_id=room_id):
                self._delete_room(d, actor, room_id)
            case SetRoomCaptions(room_id=room_id, on=on):
                self._set_captions(d, actor, room_id, on)
            case SendCaption():
                self._caption(d, actor, request, now)
            case SetSchedule(entries=entries):
                self._set_schedule(d, actor, entries)
            case AcknowledgeNotice(version=version):
                self._acknowledge(d, actor, version)
            case DeleteHistory():
                self._delete_history(d, actor, now)
            case StartRollCall(message=message):
                self._start_rollcall(d, actor, message, now)
            case AnswerRollCall():
                self._answer_rollcall(d, actor, request, now)
            case EndRollCall():
                self._end_rollcall(d, actor, now)
            case SetLanguage(language=language):
                self._set_language(d, actor, language)
        self._finish(d, now)
        return d.outcome

    def _room(self, room_id: str) -> Room:
        room = self.state.rooms.get(room_id)
        if room is None:
            raise OfficeError(ErrorCode.NOT_FOUND, f"there is no room {room_id!r}")
        return room

    def _role(self, pid: str) -> Role:
        return self.state.people[pid].role

    def _set_presence(self, d: _Draft, actor: str, req: SetPresence) -> None:
        cur = d.presence(actor)
        new = cur
        if not isinstance(req.availability, msgspec.UnsetType):
            if req.availability is Availability.OFFLINE:
                raise OfficeError(ErrorCode.INVALID, "offline is set by signing out")
            new = msgspec.structs.replace(new, availability=req.availability)
        if not isinstance(req.status_text, msgspec.UnsetType):
            _check_text(req.status_text, MAX_STATUS_TEXT, "status text")
            new = msgspec.structs.replace(new, status_text=req.status_text.strip())
        if not isinstance(req.location, msgspec.UnsetType):
            if req.location is not None:
                self._check_location(req.location)
            new = msgspec.structs.replace(new, location=req.location)
        d.set_presence(actor, new)

    def _set_language(self, d: _Draft, actor: str, language: str) -> None:
        if language not in LANGUAGES:
            raise OfficeError(
                ErrorCode.INVALID,
                f"{language!r} is not a supported language ({', '.join(sorted(LANGUAGES))})",
            )
        person = self.state.people[actor]
        if person.language == language:
            return
        changed = msgspec.structs.replace(person, language=language)
        d.send(PersonChanged(seq=d.next_seq(), person=changed), None)
        d.effect(SaveLanguage(actor, language))

    def _check_location(self, location: Location) -> None:
        if location.kind is LocationKind.SATELLITE and location.site_id is None:
            raise OfficeError(ErrorCode.INVALID, "a satellite location needs a site")
        if location.site_id is not None and location.site_id not in self.state.sites:
            raise OfficeError(ErrorCode.NOT_FOUND, f"there is no site {location.site_id!r}")

    def _join(self, d: _Draft, actor: str, room_id: str, now: float, *, with_pass: bool) -> None:
        room = self._room(room_id)
        cur = d.presence(actor)
        if cur.room_id == room_id:
            return
        if not room.admits_member(actor):
            raise OfficeError(ErrorCode.NOT_A_MEMBER, f"{room.name} is private to its members")
        if room.locked and not with_pass:
            raise OfficeError(ErrorCode.ROOM_LOCKED, f"{room.name} is locked: knock to ask")
        if len(self.state.occupants_of(room_id)) >= room.capacity:
            raise OfficeError(ErrorCode.ROOM_FULL, f"{room.name} is full ({room.capacity})")
        self._move(d, actor, room_id, now)

    def _move(self, d: _Draft, pid: str, room_id: str | None, now: float) -> None:
        """Put a person in a room (or none), withdrawing what their move makes moot."""
        cur = d.presence(pid)
        d.set_presence(pid, msgspec.structs.replace(cur, room_id=room_id))
        knock = self.state.knock_by(pid)
        if knock is not None:
            # Moot wherever they went, even into the knocked room by another door (an
            # unlock, a tap). When admitted, the knock is already resolved as such.
            self._resolve_knock(d, knock, Resolution.WITHDRAWN, None)
        left = cur.room_id
        if left is not None and left != room_id and not d.occupants(left):
            # The last one out: nobody is left to answer knocks on that door.
            for waiting in list(self.state.knocks.values()):
                if waiting.room_id == left:
                    self._resolve_knock(d, waiting, Resolution.EXPIRED, None)
        for tap in list(self.state.taps.values()):
            if tap.from_id == pid and tap.room_id != room_id:
                self._resolve_tap(d, tap, Resolution.WITHDRAWN)
            elif tap.to_id == pid and tap.room_id == room_id:
                self._resolve_tap(d, tap, Resolution.ACCEPTED)
        if room_id is not None and room_id != left:
            # A newcomer can answer the door too: show them who is already knocking.
            resolved = {
                x.event.knock_id for x in d.outcome.deliveries if isinstance(x.event, KnockResolved)
            }
            for waiting in list(self.state.knocks.values()):
                if waiting.room_id == room_id and waiting.id not in resolved:
                    d.send(KnockRequested(knock=waiting), {pid})

    def _leave(self, d: _Draft, actor: str, now: float) -> None:
        if d.presence(actor).room_id is None:
            raise OfficeError(ErrorCode.NOT_IN_ROOM, "you are not in a room")
        self._move(d, actor, None, now)

    def _lock(self, d: _Draft, actor: str, room_id: str, locked: bool) -> None:
        room = self._room(room_id)
        inside = d.presence(actor).room_id == room_id
        if not inside and not self._role(actor).at_least(Role.MANAGER):
            raise OfficeError(ErrorCode.FORBIDDEN, "only people in the room can lock it")
        if room.locked == locked:
            return
        new = msgspec.structs.replace(room, locked=locked)
        d.send(RoomChanged(seq=d.next_seq(), room=new), None)
        d.effect(SaveRoom(new))
        d.effect(Audit(actor, "room.lock" if locked else "room.unlock", room_id))

    def _knock(self, d: _Draft, actor: str, room_id: str, message: str, now: float) -> None:
        room = self._room(room_id)
        _check_text(message, MAX_NOTE_TEXT, "the knock message")
        if not room.admits_member(actor):
            raise OfficeError(ErrorCode.NOT_A_MEMBER, f"{room.name} is private to its members")
        if d.presence(actor).room_id == room_id:
            raise OfficeError(ErrorCode.CONFLICT, f"you are already in {room.name}")
        if not room.locked:
            raise OfficeError(ErrorCode.NOT_LOCKED, f"{room.name} is open: join it")
        occupants = self.state.occupants_of(room_id)
        if not occupants:
            raise OfficeError(ErrorCode.ROOM_EMPTY, f"nobody is in {room.name} to let you in")
        if self.state.knock_by(actor) is not None:
            raise OfficeError(ErrorCode.ALREADY_PENDING, "you are already knocking")
        knock = Knock(
            id=_new_id(),
            room_id=room_id,
            person_id=actor,
            message=message.strip(),
            expires_at=now + self.rules.knock_timeout,
        )
        d.send(KnockRequested(knock=knock), occupants | {actor})
        d.outcome.ref = knock.id

    def _resolve_knock(self, d: _Draft, knock: Knock, how: Resolution, by: str | None) -> None:
        if not d.first_resolution("k" + knock.id):
            return
        event = KnockResolved(
            knock_id=knock.id,
            room_id=knock.room_id,
            person_id=knock.person_id,
            resolution=how,
            by=by,
        )
        d.send(event, self.state.occupants_of(knock.room_id) | {knock.person_id})

    def _answer_knock(self, d: _Draft, actor: str, knock_id: str, admit: bool, now: float) -> None:
        knock = self.state.knocks.get(knock_id)
        if knock is None:
            raise OfficeError(ErrorCode.NOT_FOUND, "that knock is no longer waiting")
        if d.presence(actor).room_id != knock.room_id:
            raise OfficeError(ErrorCode.NOT_IN_ROOM, "only people in the room can answer")
        if admit:
            room = self._room(knock.room_id)
            if len(self.state.occupants_of(room.id)) >= room.capacity:
                raise OfficeError(ErrorCode.ROOM_FULL, f"{room.name} is full ({room.capacity})")
            self._resolve_knock(d, knock, Resolution.ADMITTED, actor)
            self._move(d, knock.person_id, knock.room_id, now)
        else:
            self._resolve_knock(d, knock, Resolution.DECLINED, actor)

    def _tap(self, d: _Draft, actor: str, target: str, message: str, now: float) -> None:
        room_id = d.presence(actor).room_id
        if room_id is None:
            raise OfficeError(ErrorCode.NOT_IN_ROOM, "join a room first, then call people to it")
        _check_text(message, MAX_NOTE_TEXT, "the message")
        if target == actor:
            raise OfficeError(ErrorCode.INVALID, "you cannot call yourself")
        person = self.state.people.get(target)
        if person is None:
            raise OfficeError(ErrorCode.NOT_FOUND, f"there is no person {target!r}")
        if person.role is Role.GUEST:
            raise OfficeError(ErrorCode.FORBIDDEN, "a guest stays in the room they were invited to")
        theirs = d.presence(target)
        if theirs.link is Link.OFFLINE:
            raise OfficeError(ErrorCode.UNAVAILABLE, f"{person.display_name} is offline")
        if theirs.availability is Availability.DO_NOT_DISTURB:
            raise OfficeError(
                ErrorCode.DO_NOT_DISTURB, f"{person.display_name} does not want to be disturbed"
            )
        if theirs.room_id == room_id:
            raise OfficeError(ErrorCode.CONFLICT, f"{person.display_name} is already here")
        tap = Tap(
            id=_new_id(),
            from_id=actor,
            to_id=target,
            room_id=room_id,
            message=message.strip(),
            expires_at=now + self.rules.tap_timeout,
        )
        d.send(TapReceived(tap=tap), {actor, target})
        d.outcome.ref = tap.id

    def _resolve_tap(self, d: _Draft, tap: Tap, how: Resolution) -> None:
        if not d.first_resolution("t" + tap.id):
            return
        event = TapResolved(tap_id=tap.id, from_id=tap.from_id, to_id=tap.to_id, resolution=how)
        d.send(event, {tap.from_id, tap.to_id})

    def _answer_tap(self, d: _Draft, actor: str, tap_id: str, accept: bool, now: float) -> None:
        tap = self.state.taps.get(tap_id)
        if tap is None or tap.to_id != actor:
            raise OfficeError(ErrorCode.NOT_FOUND, "that call is no longer waiting")
        if accept:
            # Being called in by someone inside is an invitation: it opens a locked door.
            self._join(d, actor, tap.room_id, now, with_pass=True)
            if d.presence(actor).room_id == tap.room_id and not any(
                isinstance(x.event, TapResolved) and x.event.tap_id == tap.id
                for x in d.outcome.deliveries
            ):
                self._resolve_tap(d, tap, Resolution.ACCEPTED)
        else:
            self._resolve_tap(d, tap, Resolution.DECLINED)

    def _chat(self, d: _Draft, actor: str, text: str, now: float) -> None:
        room_id = d.presence(actor).room_id
        if room_id is None:
            raise OfficeError(ErrorCode.NOT_IN_ROOM, "join a room to chat in it")
        text = text.strip()
        if not text:
            raise OfficeError(ErrorCode.INVALID, "the message is empty")
        _check_text(text, MAX_CHAT_TEXT, "the message")
        msg = ChatMessage(room_id=room_id, from_id=actor, text=text, at=now)
        d.send(msg, self.state.occupants_of(room_id))

    def _checkin(
        self, d: _Draft, actor: str, req: StartCheckIn, now: float, peer: str | None
    ) -> None:
        self._check_location(req.location)
        _check_text(req.plan, MAX_REPORT_TEXT, "the plan")
        person = self.state.people[actor]
        site = self.state.sites.get(req.location.site_id or "")
        if site is not None:
            self._check_site_admits(d, person, site, req.seat)
        elif req.seat is not None:
            raise OfficeError(ErrorCode.INVALID, "a seat is chosen at a satellite site")
        previous = d.checkin(actor)
        if previous is not None:
            self._end(d, previous, previous.report, now)
        checkin = CheckIn(
            id=_new_id(),
            person_id=actor,
            location=req.location,
            start=now,
            half_day=req.half_day,
            plan=req.plan.strip(),
            seat=req.seat,
            verified=site is not None and address_in(peer, site.networks),
            closes_at=closing_after(now, site.time_zone, site.closes) if site else None,
        )
        d.effect(SaveCheckIn(checkin, day=self.day_of(checkin)))
        d.send(CheckInChanged(checkin=checkin), {actor})
        d.set_checkin(actor, checkin)
        cur = d.presence(actor)
        d.set_presence(actor, msgspec.structs.replace(cur, location=req.location))
        if checkin.plan:
            self._post(d, person, checkin, "plan", checkin.plan, now)
        if self.state.notice_acks.get(actor, 0) < NOTICE_VERSION:
            text = notice_text(person.language, self.retention_days)
            notice = PrivacyNotice(
                version=NOTICE_VERSION, text=text, retention_days=self.retention_days
            )
            d.send(notice, {actor})
        d.outcome.ref = checkin.id

    def _check_site_admits(self, d: _Draft, person: Person, site: Site, seat: str | None) -> None:
        if not site.serves(person.tenant):
            raise OfficeError(ErrorCode.FORBIDDEN, f"{site.name} does not serve your employer")
        others = [c for pid, c in d.open_checkins().items() if pid != person.id]
        if site.seats and seats_used(others, site.id) >= site.seats:
            raise OfficeError(ErrorCode.SITE_FULL, f"every seat at {site.name} is taken")
        if seat is None:
            return
        if seat not in site.seat_names:
            raise OfficeError(ErrorCode.NOT_FOUND, f"{site.name} has no seat {seat!r}")
        if any(c.location.site_id == site.id and c.seat == seat for c in others):
            raise OfficeError(ErrorCode.CONFLICT, f"seat {seat} is taken")

    def day_of(self, checkin: CheckIn) -> str:
        """The local working day a check-in counts for: the site's clock, else the office's."""
        site = self.state.sites.get(checkin.location.site_id or "")
        return local_day(checkin.start, site.time_zone if site else self.rules.time_zone)

    def _post(
        self, d: _Draft, person: Person, checkin: CheckIn, kind: str, text: str, now: float
    ) -> None:
        post = TeamPost(
            checkin_id=checkin.id,
            person_id=person.id,
            team=person.team,
            kind=kind,
            text=text,
            at=now,
        )
        d.send(FeedPosted(post=post), team_audience(person, self.state.people.values()))

    def _end(
        self, d: _Draft, checkin: CheckIn, report: str, now: float, *, auto: bool = False
    ) -> None:
        ended = msgspec.structs.replace(checkin, end=now, report=report.strip(), auto_ended=auto)
        d.effect(SaveCheckIn(ended, day=self.day_of(ended)))
        d.send(CheckInChanged(checkin=None, ended=ended), {checkin.person_id})
        d.set_checkin(checkin.person_id, None)
        person = self.state.people.get(checkin.person_id)
        if ended.report and ended.report != checkin.report and person is not None:
            self._post(d, person, ended, "report", ended.report, now)

    def _checkout(self, d: _Draft, actor: str, report: str, now: float) -> None:
        _check_text(report, MAX_REPORT_TEXT, "the report")
        checkin = d.checkin(actor)
        if checkin is None:
            raise OfficeError(ErrorCode.NOT_FOUND, "you are not checked in")
        self._end(d, checkin, report, now)
        d.outcome.ref = checkin.id

    def _finish(self, d: _Draft, now: float) -> None:
        """Tell managers what changed in attendance: each person's state, each site's seats."""
        if not d.touched_people and not d.touched_sites:
            return
        st = self.state
        people = st.people.values()
        open_now = d.open_checkins()
        schedules = d.schedules()
        day = local_day(now, self.rules.time_zone)
        weekday = local_weekday(now, self.rules.time_zone)
        for pid in d.touched_people:
            person = st.people.get(pid)
            if person is None:
                continue
            audience = watchers(person, people)
            if not audience:
                continue
            checkin = open_now.get(pid)
            if checkin is not None:
                entry: BoardEntry | None = checked_in_entry(checkin)
            else:
                # A check-in that just ended was today's: a plan for today is not "not yet".
                last = {pid: day} if d.checkin_changed(pid) else st.last_day
                entry = entry_for(pid, open_now, schedules, last, day=day, weekday=weekday)
            assert entry is not None
            d.send(AttendanceChanged(entry=entry), audience)
        staff = frozenset(p.id for p in people if p.role is not Role.MEMBER)
        for site_id in sorted(d.touched_sites):
            site = st.sites.get(site_id)
            if site is None or not staff:
                continue
            used = seats_used(open_now.values(), site_id)
            d.send(SiteOccupancy(site_id=site_id, seats_used=used, seats_total=site.seats), staff)

    def _set_schedule(self, d: _Draft, actor: str, entries: list[ScheduleEntry]) -> None:
        problems = schedule_problems(entries)
        if problems:
            raise OfficeError(ErrorCode.INVALID, "; ".join(problems))
        person = self.state.people[actor]
        for e in entries:
            self._check_location(e.location)
            site = self.state.sites.get(e.location.site_id or "")
            if site is not None and not site.serves(person.tenant):
                raise OfficeError(ErrorCode.FORBIDDEN, f"{site.name} does not serve your employer")
        schedule = normalised(entries)
        if schedule == self.state.schedules.get(actor, ()):
            return
        d.effect(SaveSchedule(actor, schedule))
        d.send(ScheduleChanged(person_id=actor, entries=list(schedule)), {actor})
        d.set_schedule(actor, schedule)

    def _acknowledge(self, d: _Draft, actor: str, version: int) -> None:
        if not 1 <= version <= NOTICE_VERSION:
            raise OfficeError(ErrorCode.INVALID, f"there is no notice version {version}")
        if self.state.notice_acks.get(actor, 0) >= version:
            return
        d.effect(SaveNoticeAck(actor, version))
        d.send(NoticeAcknowledged(person_id=actor, version=version), {actor})

    def _delete_history(self, d: _Draft, actor: str, now: float) -> None:
        checkin = d.checkin(actor)
        if checkin is not None:
            ended = msgspec.structs.replace(checkin, end=now)
            d.send(CheckInChanged(checkin=None, ended=ended), {actor})
            d.set_checkin(actor, None)
            cur = d.presence(actor)
            d.set_presence(actor, msgspec.structs.replace(cur, location=None))
        d.effect(DeleteHistoryRecords(actor))
        d.effect(Audit(actor, "history.delete", actor))
        d.send(HistoryDeleted(person_id=actor), {actor})
        d.touch(actor)

    def _start_rollcall(self, d: _Draft, actor: str, message: str, now: float) -> None:
        self._require_admin(actor)
        _check_text(message, MAX_ROLLCALL_MESSAGE, "the roll-call message")
        if self.state.rollcall is not None:
            raise OfficeError(ErrorCode.CONFLICT, "a safety roll-call is already under way")
        rollcall = RollCall(id=_new_id(), started_by=actor, started_at=now, message=message.strip())
        d.effect(SaveRollCall(rollcall))
        d.effect(Audit(actor, "rollcall.start", rollcall.id))
        d.send(RollCallStarted(rollcall=rollcall), None)
        d.outcome.ref = rollcall.id

    def _answer_rollcall(self, d: _Draft, actor: str, req: AnswerRollCall, now: float) -> None:
        rollcall = self.state.rollcall
        if rollcall is None:
            raise OfficeError(ErrorCode.NOT_FOUND, "there is no safety roll-call under way")
        _check_text(req.note, MAX_ANSWER_NOTE, "the note")
        location = req.location
        if location is not None:
            self._check_location(location)
        else:
            checkin = d.checkin(actor)
            location = checkin.location if checkin is not None else None
        answer = RollCallAnswer(
            rollcall_id=rollcall.id,
            person_id=actor,
            answer=req.answer,
            location=location,
            note=req.note.strip(),
            at=now,
        )
        d.effect(SaveRollCallAnswer(answer))
        person = self.state.people[actor]
        d.send(
            RollCallAnswered(answer=answer), watchers(person, self.state.people.values()) | {actor}
        )
        d.outcome.ref = rollcall.id

    def _end_rollcall(self, d: _Draft, actor: str, now: float) -> None:
        self._require_admin(actor)
        rollcall = self.state.rollcall
        if rollcall is None:
            raise OfficeError(ErrorCode.NOT_FOUND, "there is no safety roll-call under way")
        ended = msgspec.structs.replace(rollcall, ended_at=now)
        d.effect(SaveRollCall(ended))
        d.effect(Audit(actor, "rollcall.end", rollcall.id))
        d.send(RollCallEnded(rollcall=ended), None)
        d.outcome.ref = rollcall.id

    def _require_admin(self, actor: str) -> None:
        if not self._role(actor).at_least(Role.ADMIN):
            raise OfficeError(ErrorCode.FORBIDDEN, "only an administrator can do that")

    def _create_room(self, d: _Draft, actor: str, req: CreateRoom) -> None:
        self._require_admin(actor)
        spec = req.room
        if not valid_ident(spec.id):
            raise OfficeError(ErrorCode.INVALID, "a room id is 1-64 letters, digits, - _ or .")
        if spec.id in self.state.rooms:
            raise OfficeError(ErrorCode.CONFLICT, f"room {spec.id!r} exists")
        if not spec.name.strip() or len(spec.name) > 64:
            raise OfficeError(ErrorCode.INVALID, "a room name is 1-64 characters")
        if not 1 <= spec.capacity <= MAX_ROOM_CAPACITY:
            raise OfficeError(ErrorCode.INVALID, f"capacity is 1-{MAX_ROOM_CAPACITY}")
        members = spec.members if spec.access is Access.PRIVATE else frozenset()
        room = Room(
            id=spec.id,
            name=spec.name.strip(),
            capacity=spec.capacity,
            access=spec.access,
            members=members,
        )
        d.send(RoomChanged(seq=d.next_seq(), room=room), None)
        d.effect(SaveRoom(room))
        d.effect(Audit(actor, "room.create", room.id))

    def _delete_room(self, d: _Draft, actor: str, room_id: str) -> None:
        self._require_admin(actor)
        self._room(room_id)
        self._remove_room(d, room_id)
        d.effect(DeleteRoomRecord(room_id))
        d.effect(Audit(actor, "room.delete", room_id))

    def _remove_room(self, d: _Draft, room_id: str) -> None:
        for knock in list(self.state.knocks.values()):
            if knock.room_id == room_id:
                self._resolve_knock(d, knock, Resolution.EXPIRED, None)
        for tap in list(self.state.taps.values()):
            if tap.room_id == room_id:
                self._resolve_tap(d, tap, Resolution.WITHDRAWN)
        for pid in sorted(self.state.occupants_of(room_id)):
            d.set_presence(pid, msgspec.structs.replace(d.presence(pid), room_id=None))
        d.send(RoomRemoved(seq=d.next_seq(), room_id=room_id), None)

    # ------------------------------------------------------------ captions

    def _set_captions(self, d: _Draft, actor: str, room_id: str, on: bool) -> None:
        room = self._room(room_id)
        inside = d.presence(actor).room_id == room_id
        manager = self._role(actor).at_least(Role.MANAGER)
        if on and not (inside or manager):
            raise OfficeError(ErrorCode.NOT_IN_ROOM, "join the room to turn its captions on")
        # Nobody in the room may cut off captions someone else relies on; a manager may.
        if not on and not manager:
            raise OfficeError(ErrorCode.FORBIDDEN, "only a manager can turn captions off")
        if room.captions.live == on:
            return
        new = msgspec.structs.replace(
            room, captions=msgspec.structs.replace(room.captions, live=on)
        )
        d.send(RoomChanged(seq=d.next_seq(), room=new), None)
        d.effect(SaveRoom(new))
        d.effect(Audit(actor, "room.captions.on" if on else "room.captions.off", room_id))

    def _caption(self, d: _Draft, actor: str, req: SendCaption, now: float) -> None:
        room_id = d.presence(actor).room_id
        if room_id is None:
            raise OfficeError(ErrorCode.NOT_IN_ROOM, "captions go to the room you are in")
        room = self._room(room_id)
        if not room.captions.live:
            raise OfficeError(ErrorCode.CAPTIONS_OFF, f"captions are off in {room.name}")
        check_caption(req.utterance, req.text, req.language, req.final)
        start, end = settle_times(req.start, req.end, now)
        event = Caption(
            room_id=room_id,
            speaker_id=actor,
            utterance=req.utterance,
            final=req.final,
            text=req.text.strip(),
            language=req.language,
            start=start,
            end=end,
            at=now,
        )
        d.send(event, d.occupants(room_id))
        if req.final and event.text and keeps(room.captions):
            line = CaptionLine(
                room_id=room_id,
                speaker_id=actor,
                utterance=req.utterance,
                text=event.text,
                language=req.language,
                start=start,
                end=end,
                at=now,
            )
            d.effect(SaveCaption(line))

    # ------------------------------------------------------------ guests

    def may_invite(self, actor: str, room_id: str) -> Room:
        """The room a member may invite a guest into, or OfficeError."""
        if actor not in self.state.people or self._role(actor) is Role.GUEST:
            raise OfficeError(ErrorCode.FORBIDDEN, _GUEST_LIMIT)
        room = self._room(room_id)
        if not room.admits_member(actor):
            raise OfficeError(ErrorCode.NOT_A_MEMBER, f"{room.name} is private to its members")
        return room

    def admit_guest(self, guest: Person, room_id: str, now: float) -> Outcome:
        """A guest arrives by invitation: listed, online, and in the room. The
        invitation is their pass, as a tap is for a member: a lock does not stop them."""
        if guest.role is not Role.GUEST:
            raise OfficeError(ErrorCode.INVALID, "only guests are admitted by invitation")
        room = self._room(room_id)
        if len(self.state.occupants_of(room_id)) >= room.capacity:
            raise OfficeError(ErrorCode.ROOM_FULL, f"{room.name} is full ({room.capacity})")
        d = _Draft(self.state)
        d.send(PersonChanged(seq=d.next_seq(), person=guest), None)
        d.set_presence(
            guest.id,
            Presence(
                availability=Availability.AVAILABLE,
                link=Link.ONLINE,
                link_since=now,
                room_id=room_id,
            ),
        )
        return d.outcome

    def guest_view(self, guest_id: str) -> GuestRoom | None:
        """What a guest may see: their room and who is in it, nothing else."""
        room_id = self.state.room_of(guest_id)
        room = self.state.rooms.get(room_id) if room_id is not None else None
        if room is None:
            return None
        people = [
            RosterEntry(id=p.id, name=p.display_name, guest=p.role is Role.GUEST)
            for pid in sorted(self.state.occupants_of(room.id))
            if (p := self.state.people.get(pid)) is not None
        ]
        return GuestRoom(room_id=room.id, room_name=room.name, people=people)

    # ------------------------------------------------------------ links and time

    def connect(self, pid: str, now: float) -> Outcome:
        """A person's first connection opened (or came back)."""
        d = _Draft(self.state)
        cur = d.presence(pid)
        availability = cur.availability
        if availability is Availability.OFFLINE:
            availability = Availability.AVAILABLE
        if cur.link is not Link.ONLINE:
            d.set_presence(
                pid,
                msgspec.structs.replace(
                    cur, availability=availability, link=Link.ONLINE, link_since=now
                ),
            )
        return d.outcome

    def disconnect(self, pid: str, now: float, *, signed_out: bool) -> Outcome:
        """A person's last connection closed. A drop is held for a grace time."""
        d = _Draft(self.state)
        if pid not in self.state.people:
            return d.outcome
        if signed_out:
            self._drop(d, pid, now)
        else:
            cur = d.presence(pid)
            d.set_presence(
                pid, msgspec.structs.replace(cur, link=Link.RECONNECTING, link_since=now)
            )
        return d.outcome

    def _drop(self, d: _Draft, pid: str, now: float) -> None:
        self._move(d, pid, None, now)
        for tap in list(self.state.taps.values()):
            if tap.to_id == pid:
                self._resolve_tap(d, tap, Resolution.EXPIRED)
        cur = d.presence(pid)
        d.set_presence(
            pid,
            msgspec.structs.replace(
                cur, availability=Availability.OFFLINE, link=Link.OFFLINE, link_since=now
            ),
        )

    def tick(self, now: float) -> Outcome:
        """Expire knocks, taps and dropped links whose time is up; check out closed sites."""
        d = _Draft(self.state)
        st = self.state
        for knock in list(st.knocks.values()):
            if knock.expires_at <= now:
                self._resolve_knock(d, knock, Resolution.EXPIRED, None)
        for tap in list(st.taps.values()):
            if tap.expires_at <= now:
                self._resolve_tap(d, tap, Resolution.EXPIRED)
        deadline = now - self.rules.reconnect_grace
        for pid, presence in list(st.presence.items()):
            if presence.link is Link.RECONNECTING and presence.link_since <= deadline:
                self._drop(d, pid, now)
        for checkin in list(st.checkins.values()):
            # The site closed: the check-in ends at its closing time, whenever we notice.
            if checkin.closes_at is not None and checkin.closes_at <= now:
                self._end(d, checkin, checkin.report, checkin.closes_at, auto=True)
        self._finish(d, now)
        return _dedupe_resolutions(d.outcome)

    # ------------------------------------------------------------ the directory

    def sync_directory(
        self, people: Iterable[Person], rooms: Iterable[Room], sites: Iterable[Site], now: float
    ) -> Outcome:
        """Bring the office in line with the stored directory (after an admin edited it).

        Runtime state the directory does not own (a room's lock) is kept as it is.
        """
        d = _Draft(self.state)
        st = self.state
        people_by_id = {p.id: p for p in people}
        rooms_by_id = {r.id: r for r in rooms}
        sites_by_id = {s.id: s for s in sites}
        for pid in sorted(set(st.people) - set(people_by_id)):
            self._drop(d, pid, now)
            d.send(PersonRemoved(seq=d.next_seq(), person_id=pid), None)
        for pid, person in people_by_id.items():
            if st.people.get(pid) != person:
                d.send(PersonChanged(seq=d.next_seq(), person=person), None)
        for room_id in sorted(set(st.rooms) - set(rooms_by_id)):
            self._remove_room(d, room_id)
        for room_id, room in rooms_by_id.items():
            current = st.rooms.get(room_id)
            if current is not None:
                # Runtime state the directory does not own: the lock, captions on or off.
                live = msgspec.structs.replace(room.captions, live=current.captions.live)
                room = msgspec.structs.replace(room, locked=current.locked, captions=live)
            if current != room:
                d.send(RoomChanged(seq=d.next_seq(), room=room), None)
        for site_id in sorted(set(st.sites) - set(sites_by_id)):
            d.send(SiteRemoved(seq=d.next_seq(), site_id=site_id), None)
        for site_id, site in sites_by_id.items():
            if st.sites.get(site_id) != site:
                d.send(SiteChanged(seq=d.next_seq(), site=site), None)
        return _dedupe_resolutions(d.outcome)

    def upsert_person(self, person: Person) -> Outcome:
        d = _Draft(self.state)
        if self.state.people.get(person.id) != person:
            d.send(PersonChanged(seq=d.next_seq(), person=person), None)
        return d.outcome

    def remove_person(self, pid: str, now: float) -> Outcome:
        d = _Draft(self.state)
        if pid in self.state.people:
            self._drop(d, pid, now)
            d.send(PersonRemoved(seq=d.next_seq(), person_id=pid), None)
        return _dedupe_resolutions(d.outcome)


def _dedupe_resolutions(outcome: Outcome) -> Outcome:
    """A knock or tap may be resolved by two causes in one tick; keep the first."""
    seen: set[str] = set()
    kept: list[Delivery] = []
    for delivery in outcome.deliveries:
        event = delivery.event
        key = None
        if isinstance(event, KnockResolved):
            key = "k" + event.knock_id
        elif isinstance(event, TapResolved):
            key = "t" + event.tap_id
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        kept.append(delivery)
    outcome.deliveries = kept
    return outcome
