"""Disaster mode (BCP): a safety roll-call that everyone answers.

An administrator starts it; every client shows a banner; each person answers safe,
need help, or not working today, with where they are. Managers follow the answers of
their own staff live, and see who has not answered yet.
"""

from __future__ import annotations

import enum

import msgspec

from rooms.presence import Location

MAX_ROLLCALL_MESSAGE = 500
MAX_ANSWER_NOTE = 200


class Safety(enum.StrEnum):
    SAFE = "safe"
    NEED_HELP = "need-help"
    NOT_WORKING = "not-working"  # not working today


class RollCall(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    started_by: str
    started_at: float
    message: str = ""
    ended_at: float | None = None


class RollCallAnswer(msgspec.Struct, frozen=True, kw_only=True):
    rollcall_id: str
    person_id: str
    answer: Safety
    location: Location | None = None
    note: str = ""
    at: float
