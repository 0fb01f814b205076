"""Planned schedules: "Tue and Thu at the Tono site, Fri at home".

A schedule is a person's standing plan by weekday. It makes the third attendance
state possible: planned, but not yet checked in.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from rooms.checkin import HalfDay
from rooms.presence import Location

MAX_ENTRIES = 14  # a morning and an afternoon for each day of the week
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")


class ScheduleEntry(msgspec.Struct, frozen=True, kw_only=True):
    weekday: int  # Monday is 0
    location: Location
    half_day: HalfDay | None = None


Schedule = tuple[ScheduleEntry, ...]


def schedule_problems(entries: Sequence[ScheduleEntry]) -> list[str]:
    problems: list[str] = []
    if len(entries) > MAX_ENTRIES:
        problems.append(f"a schedule has at most {MAX_ENTRIES} entries")
    taken: dict[int, set[HalfDay | None]] = {}
    for e in entries:
        if not 0 <= e.weekday <= 6:
            problems.append("a weekday is 0 (Monday) to 6 (Sunday)")
            continue
        slots = taken.setdefault(e.weekday, set())
        # A whole day clashes with anything that day; a half day with itself or a whole day.
        if (e.half_day is None and slots) or None in slots or e.half_day in slots:
            problems.append(f"{WEEKDAYS_EN[e.weekday]} is planned twice")
        slots.add(e.half_day)
    return problems


def normalised(entries: Sequence[ScheduleEntry]) -> Schedule:
    """Sorted by weekday, morning before afternoon, so equal plans compare equal."""
    order = {None: 0, HalfDay.MORNING: 1, HalfDay.AFTERNOON: 2}
    return tuple(sorted(entries, key=lambda e: (e.weekday, order[e.half_day])))


def planned_on(schedule: Sequence[ScheduleEntry], weekday: int) -> list[ScheduleEntry]:
    return [e for e in schedule if e.weekday == weekday]


def describe(schedule: Sequence[ScheduleEntry], site_names: dict[str, str], lang: str) -> str:
    """A readable summary: "Tue, Thu: Tono satellite; Fri: home"."""
    days = WEEKDAYS_JA if lang == "ja" else WEEKDAYS_EN
    groups: dict[str, list[str]] = {}
    for e in normalised(schedule):
        where = site_names.get(e.location.site_id or "", "") or e.location.kind.value
        if e.half_day is not None:
            where += f" ({e.half_day.value})"
        groups.setdefault(where, []).append(days[e.weekday])
    sep = "、" if lang == "ja" else ", "
    return "; ".join(f"{sep.join(d)}: {w}" for w, d in groups.items())
