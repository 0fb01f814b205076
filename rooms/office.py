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

from rooms.checkin import MAX_REPORT_TEXT, CheckIn
from rooms.errors import ErrorCode, OfficeError
from rooms.knock import MAX_NOTE_TEXT, Knock, Resolution, Tap
from rooms.people import LANGUAGES, Person, Role
from rooms.presence import MAX_STATUS_TEXT, Availability, Link, Location, LocationKind, Presence
from rooms.protocol import (
    MAX_CHAT_TEXT,
    AnswerKnock,
    AnswerTap,
    ChatMessage,
    CheckInChanged,
    CreateRoom,
    DeleteRoom,
    EndCheckIn,
    Event,
    JoinRoom,
    KnockOn,
    KnockRequested,
    KnockResolved,
    LeaveRoom,
    LockRoom,
    OfficeRequest,
    PersonChanged,
    PersonRemoved,
    PresenceChanged,
    RoomChanged,
    RoomRemoved,
    SendChat,
    SetLanguage,
    SetPresence,
    SiteChanged,
    SiteRemoved,
    Snapshot,
    StartCheckIn,
    TapPerson,
    TapReceived,
    TapResolved,
)
from rooms.room import Access, Room
from rooms.site import Site
from rooms.state import OfficeState

MAX_ROOM_CAPACITY = 500
_IDENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


@dataclass(frozen=True, slots=True)
class Rules:
    knock_timeout: float = 60.0
    tap_timeout: float = 60.0
    # A dropped link keeps its room this long, so a flaky rural link is not a leave.
    reconnect_grace: float = 30.0


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


@dataclass(frozen=True, slots=True)
class SaveLanguage:
    person_id: str
    language: str


@dataclass(frozen=True, slots=True)
class Audit:
    actor: str
    action: str
    detail: str = ""


Effect = SaveRoom | DeleteRoomRecord | SaveCheckIn | Audit | SaveLanguage


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

    def snapshot(self, viewer: str) -> Snapshot:
        st = self.state
        return Snapshot(
            seq=st.seq,
            me=viewer,
            people=list(st.people.values()),
            presence=dict(st.presence),
            rooms=list(st.rooms.values()),
            sites=list(st.sites.values()),
            checkin=st.checkins.get(viewer),
        )

    # ------------------------------------------------------------ commit

    def commit(self, outcome: Outcome) -> list[Delivery]:
        if outcome.base_seq != self.state.seq:
            raise RuntimeError("outcome decided on a stale state; decide and commit together")
        for delivery in outcome.deliveries:
            self.state.apply(delivery.event)
        return outcome.deliveries

    def run(self, outcome: Outcome) -> list[Delivery]:
        """Commit an outcome that needs nothing made durable first."""
        return self.commit(outcome)

    # ------------------------------------------------------------ requests

    def decide(self, actor: str, request: OfficeRequest, now: float) -> Outcome:
        if actor not in self.state.people:
            raise OfficeError(ErrorCode.NOT_AUTHENTICATED, "unknown person")
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
                self._checkin(d, actor, request, now)
            case EndCheckIn(report=report):
                self._checkout(d, actor, report, now)
            case CreateRoom():
                self._create_room(d, actor, request)
            case DeleteRoom(room_id=room_id):
                self._delete_room(d, actor, room_id)
            case SetLanguage(language=language):
                self._set_language(d, actor, language)
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

    def _checkin(self, d: _Draft, actor: str, req: StartCheckIn, now: float) -> None:
        self._check_location(req.location)
        _check_text(req.plan, MAX_REPORT_TEXT, "the plan")
        previous = self.state.checkins.get(actor)
        if previous is not None:
            self._end(d, previous, previous.report, now)
        checkin = CheckIn(
            id=_new_id(),
            person_id=actor,
            location=req.location,
            start=now,
            half_day=req.half_day,
            plan=req.plan.strip(),
        )
        d.effect(SaveCheckIn(checkin))
        d.send(CheckInChanged(checkin=checkin), {actor})
        cur = d.presence(actor)
        d.set_presence(actor, msgspec.structs.replace(cur, location=req.location))
        d.outcome.ref = checkin.id

    def _end(self, d: _Draft, checkin: CheckIn, report: str, now: float) -> None:
        ended = msgspec.structs.replace(checkin, end=now, report=report.strip())
        d.effect(SaveCheckIn(ended))
        d.send(CheckInChanged(checkin=None, ended=ended), {checkin.person_id})

    def _checkout(self, d: _Draft, actor: str, report: str, now: float) -> None:
        _check_text(report, MAX_REPORT_TEXT, "the report")
        checkin = self.state.checkins.get(actor)
        if checkin is None:
            raise OfficeError(ErrorCode.NOT_FOUND, "you are not checked in")
        self._end(d, checkin, report, now)
        d.outcome.ref = checkin.id

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
        """Expire knocks, taps and dropped links whose time is up."""
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
                room = msgspec.structs.replace(room, locked=current.locked)
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
