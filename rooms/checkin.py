"""Check-ins: a record of where a person worked, when, and what they planned and did."""

from __future__ import annotations

import enum

import msgspec

from rooms.presence import Location


class HalfDay(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


MAX_REPORT_TEXT = 4000


class CheckIn(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    person_id: str
    location: Location
    start: float  # seconds since the epoch, UTC
    end: float | None = None
    half_day: HalfDay | None = None
    plan: str = ""
    report: str = ""
