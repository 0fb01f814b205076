"""Knocks (asking to enter a locked room) and taps (calling someone to your room).

Both are short-lived requests that one side answers or that time out.
"""

from __future__ import annotations

import enum

import msgspec

MAX_NOTE_TEXT = 200


class Resolution(enum.StrEnum):
    ADMITTED = "admitted"  # a knock let in
    ACCEPTED = "accepted"  # a tap taken up
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Knock(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    room_id: str
    person_id: str  # who is knocking
    message: str = ""
    expires_at: float


class Tap(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    from_id: str
    to_id: str
    room_id: str  # the caller's room, where the callee is asked to come
    message: str = ""
    expires_at: float
