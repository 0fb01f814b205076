"""The office state and the one reducer that changes it.

The server and every client's mirror hold an `OfficeState` and change it only through
`apply`, with the same events, so they cannot drift apart in how they read an event.
"""

from __future__ import annotations

from rooms.checkin import CheckIn
from rooms.knock import Knock, Tap
from rooms.people import Person
from rooms.presence import Presence
from rooms.protocol import (
    CheckInChanged,
    Event,
    HistoryDeleted,
    KnockRequested,
    KnockResolved,
    NoticeAcknowledged,
    PersonChanged,
    PersonRemoved,
    PresenceChanged,
    RollCallAnswered,
    RollCallEnded,
    RollCallStarted,
    RoomChanged,
    RoomRemoved,
    ScheduleChanged,
    SiteChanged,
    SiteRemoved,
    Snapshot,
    TapReceived,
    TapResolved,
)
from rooms.rollcall import RollCall, RollCallAnswer
from rooms.room import Room
from rooms.schedule import Schedule
from rooms.site import Site

OFFLINE = Presence()


class OfficeState:
    def __init__(self) -> None:
        self.seq = 0
        self.people: dict[str, Person] = {}
        self.presence: dict[str, Presence] = {}
        self.rooms: dict[str, Room] = {}
        self.sites: dict[str, Site] = {}
        self.knocks: dict[str, Knock] = {}
        self.taps: dict[str, Tap] = {}
        self.checkins: dict[str, CheckIn] = {}  # open check-ins by person
        # Attendance. The server holds everyone's; a client mirror holds its own (and,
        # for a manager, the roll-call answers of their staff).
        self.schedules: dict[str, Schedule] = {}
        self.last_day: dict[str, str] = {}  # the local day of each person's last check-in
        self.notice_acks: dict[str, int] = {}  # privacy notice version acknowledged
        self.rollcall: RollCall | None = None
        self.rollcall_answers: dict[str, RollCallAnswer] = {}
        # Derived index, kept in step by `apply`: who is in each room.
        self.occupants: dict[str, set[str]] = {}

    # ------------------------------------------------------------ reading

    def presence_of(self, person_id: str) -> Presence:
        return self.presence.get(person_id, OFFLINE)

    def room_of(self, person_id: str) -> str | None:
        return self.presence_of(person_id).room_id

    def occupants_of(self, room_id: str) -> frozenset[str]:
        return frozenset(self.occupants.get(room_id, ()))

    def knock_by(self, person_id: str) -> Knock | None:
        return next((k for k in self.knocks.values() if k.person_id == person_id), None)

    # ------------------------------------------------------------ changing

    def load(self, snapshot: Snapshot) -> None:
        """Replace everything with a snapshot (a client's first view, or a resync)."""
        self.seq = snapshot.seq
        self.people = {p.id: p for p in snapshot.people}
        self.presence = dict(snapshot.presence)
        self.rooms = {r.id: r for r in snapshot.rooms}
        self.sites = {s.id: s for s in snapshot.sites}
        self.knocks = {k.id: k for k in snapshot.knocks}
        self.taps = {t.id: t for t in snapshot.taps}
        self.checkins = {snapshot.me: snapshot.checkin} if snapshot.checkin else {}
        self.schedules = {snapshot.me: tuple(snapshot.schedule)} if snapshot.schedule else {}
        self.notice_acks = {snapshot.me: snapshot.notice_acknowledged}
        self.rollcall = snapshot.rollcall
        self.rollcall_answers = {a.person_id: a for a in snapshot.rollcall_answers}
        self._reindex()

    def apply(self, event: Event) -> None:
        match event:
            case PresenceChanged(seq=seq, person_id=pid, presence=new):
                old_room = self.room_of(pid)
                self.presence[pid] = new
                if old_room != new.room_id:
                    if old_room is not None:
                        self.occupants.get(old_room, set()).discard(pid)
                    if new.room_id is not None:
                        self.occupants.setdefault(new.room_id, set()).add(pid)
                self.seq = seq
            case RoomChanged(seq=seq, room=room):
                self.rooms[room.id] = room
                self.occupants.setdefault(room.id, set())
                self.seq = seq
            case RoomRemoved(seq=seq, room_id=room_id):
                self.rooms.pop(room_id, None)
                self.occupants.pop(room_id, None)
                self.seq = seq
            case PersonChanged(seq=seq, person=person):
                self.people[person.id] = person
                self.seq = seq
            case PersonRemoved(seq=seq, person_id=pid):
                self.people.pop(pid, None)
                was_in = self.room_of(pid)
                if was_in is not None:
                    self.occupants.get(was_in, set()).discard(pid)
                self.presence.pop(pid, None)
                self.seq = seq
            case SiteChanged(seq=seq, site=site):
                self.sites[site.id] = site
                self.seq = seq
            case SiteRemoved(seq=seq, site_id=site_id):
                self.sites.pop(site_id, None)
                self.seq = seq
            case KnockRequested(knock=knock):
                self.knocks[knock.id] = knock
            case KnockResolved(knock_id=knock_id):
                self.knocks.pop(knock_id, None)
            case TapReceived(tap=tap):
                self.taps[tap.id] = tap
            case TapResolved(tap_id=tap_id):
                self.taps.pop(tap_id, None)
            case CheckInChanged(checkin=checkin, ended=ended):
                if checkin is not None:
                    self.checkins[checkin.person_id] = checkin
                elif ended is not None:
                    self.checkins.pop(ended.person_id, None)
            case ScheduleChanged(person_id=pid, entries=entries):
                self.schedules[pid] = tuple(entries)
            case NoticeAcknowledged(person_id=pid, version=version):
                self.notice_acks[pid] = version
            case HistoryDeleted(person_id=pid):
                self.last_day.pop(pid, None)
            case RollCallStarted(rollcall=rollcall):
                self.rollcall = rollcall
                self.rollcall_answers = {}
            case RollCallAnswered(answer=answer):
                if self.rollcall is not None and answer.rollcall_id == self.rollcall.id:
                    self.rollcall_answers[answer.person_id] = answer
            case RollCallEnded(rollcall=rollcall):
                if self.rollcall is not None and self.rollcall.id == rollcall.id:
                    self.rollcall = None
                    self.rollcall_answers = {}
            case _:
                pass  # chat carries no state

    def _reindex(self) -> None:
        self.occupants = {room_id: set() for room_id in self.rooms}
        for pid, presence in self.presence.items():
            if presence.room_id is not None:
                self.occupants.setdefault(presence.room_id, set()).add(pid)
