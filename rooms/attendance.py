"""Who is where, for managers: the live site board and the team roster.

Three states, as in the best desk-booking tools: verified on-site (checked in from the
site's own network), self-reported (checked in from anywhere else), and planned (the
schedule says so today, but no check-in yet). Everyone else is not checked in.
Every view is cut to what the viewer may see (rooms.scope).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import msgspec

from rooms.checkin import CheckIn, HalfDay
from rooms.people import Person
from rooms.presence import Location
from rooms.schedule import ScheduleEntry, planned_on
from rooms.scope import sees
from rooms.site import Site, local_day, local_weekday


class Attendance(enum.StrEnum):
    VERIFIED = "verified"
    SELF_REPORTED = "self-reported"
    PLANNED = "planned"
    ABSENT = "not-checked-in"


class BoardEntry(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    state: Attendance
    location: Location | None = None
    seat: str | None = None
    half_day: HalfDay | None = None
    since: float | None = None  # when they checked in


class SiteBoard(msgspec.Struct, frozen=True, kw_only=True):
    site_id: str
    day: str  # the site's local day
    seats_total: int
    seats_used: int  # by everyone at the site, whichever employer: a count, no names
    entries: list[BoardEntry]  # only the people the viewer may see

    def count(self, state: Attendance) -> int:
        return sum(1 for e in self.entries if e.state is state)


def checked_in_entry(checkin: CheckIn) -> BoardEntry:
    return BoardEntry(
        person_id=checkin.person_id,
        state=Attendance.VERIFIED if checkin.verified else Attendance.SELF_REPORTED,
        location=checkin.location,
        seat=checkin.seat,
        half_day=checkin.half_day,
        since=checkin.start,
    )


def at_site(checkins: Iterable[CheckIn], site_id: str) -> list[CheckIn]:
    return [c for c in checkins if c.location.site_id == site_id]


def seats_used(checkins: Iterable[CheckIn], site_id: str) -> int:
    return len(at_site(checkins, site_id))


def _planned_here(
    schedule: Iterable[ScheduleEntry], weekday: int, site_id: str | None
) -> ScheduleEntry | None:
    for entry in planned_on(tuple(schedule), weekday):
        if site_id is None or entry.location.site_id == site_id:
            return entry
    return None


def entry_for(
    person_id: str,
    checkins: Mapping[str, CheckIn],
    schedules: Mapping[str, tuple[ScheduleEntry, ...]],
    last_day: Mapping[str, str],
    *,
    day: str,
    weekday: int,
    site_id: str | None = None,
) -> BoardEntry | None:
    """A person's state today; None when they do not belong on a board for `site_id`."""
    checkin = checkins.get(person_id)
    if checkin is not None:
        if site_id is not None and checkin.location.site_id != site_id:
            return None
        return checked_in_entry(checkin)
    planned = _planned_here(schedules.get(person_id, ()), weekday, site_id)
    if planned is not None and last_day.get(person_id) != day:
        return BoardEntry(
            person_id=person_id,
            state=Attendance.PLANNED,
            location=planned.location,
            half_day=planned.half_day,
        )
    if site_id is not None:
        return None
    return BoardEntry(person_id=person_id, state=Attendance.ABSENT)


_ORDER = {a: n for n, a in enumerate(Attendance)}


def _sorted(entries: list[BoardEntry], people: Mapping[str, Person]) -> list[BoardEntry]:
    def key(e: BoardEntry) -> tuple[int, str, str]:
        person = people.get(e.person_id)
        return (_ORDER[e.state], person.display_name if person else "", e.person_id)

    return sorted(entries, key=key)


def site_board(
    site: Site,
    viewer: Person,
    people: Mapping[str, Person],
    checkins: Mapping[str, CheckIn],
    schedules: Mapping[str, tuple[ScheduleEntry, ...]],
    last_day: Mapping[str, str],
    now: float,
) -> SiteBoard:
    day, weekday = local_day(now, site.time_zone), local_weekday(now, site.time_zone)
    entries = []
    for pid, person in people.items():
        if not sees(viewer, person):
            continue
        entry = entry_for(
            pid, checkins, schedules, last_day, day=day, weekday=weekday, site_id=site.id
        )
        if entry is not None:
            entries.append(entry)
    return SiteBoard(
        site_id=site.id,
        day=day,
        seats_total=site.seats,
        seats_used=seats_used(checkins.values(), site.id),
        entries=_sorted(entries, people),
    )


def roster(
    viewer: Person,
    people: Mapping[str, Person],
    checkins: Mapping[str, CheckIn],
    schedules: Mapping[str, tuple[ScheduleEntry, ...]],
    last_day: Mapping[str, str],
    now: float,
    time_zone: str,
    team: str | None = None,
) -> tuple[str, list[BoardEntry]]:
    """Everyone the viewer may see (in one team, if given), each with today's state."""
    day, weekday = local_day(now, time_zone), local_weekday(now, time_zone)
    entries = []
    for pid, person in people.items():
        if (team is not None and person.team != team) or not sees(viewer, person):
            continue
        entry = entry_for(pid, checkins, schedules, last_day, day=day, weekday=weekday)
        assert entry is not None
        entries.append(entry)
    return day, _sorted(entries, people)
