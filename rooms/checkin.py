"""Check-ins: a record of where a person worked, when, and what they planned and did."""

from __future__ import annotations

import enum

import msgspec

from rooms.presence import Location, LocationKind


class HalfDay(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


MAX_REPORT_TEXT = 4000
# Telework programmes count every kind of work away from the main office.
TELEWORK_KINDS = frozenset(LocationKind) - {LocationKind.MAIN_OFFICE}


class CheckIn(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    person_id: str
    location: Location
    start: float  # seconds since the epoch, UTC
    end: float | None = None
    half_day: HalfDay | None = None
    plan: str = ""
    report: str = ""
    seat: str | None = None  # a named hot desk at a satellite site
    # True when the check-in came from the site's own network (its network hints);
    # the address itself is not kept.
    verified: bool = False
    closes_at: float | None = None  # the site's closing time: the check-in ends by then
    auto_ended: bool = False  # ended by the site's closing time, not by the person

    @property
    def teleworking(self) -> bool:
        return self.location.kind in TELEWORK_KINDS


def day_weight(half_day: HalfDay | None) -> float:
    """How much of a day a check-in counts for in the figures: a half day is half."""
    return 1.0 if half_day is None else 0.5
