"""Virtual meeting rooms and the rules for entering them."""

from __future__ import annotations

import enum

import msgspec

from rooms.captions import CaptionPolicy


class Access(enum.StrEnum):
    OPEN = "open"
    PRIVATE = "private"  # only the named members may enter


class Room(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    capacity: int = 10
    access: Access = Access.OPEN
    locked: bool = False
    members: frozenset[str] = frozenset()
    captions: CaptionPolicy = CaptionPolicy()

    def admits_member(self, person_id: str) -> bool:
        return self.access is Access.OPEN or person_id in self.members
