"""People in the office: who they are, which team and employer, which role, which language."""

from __future__ import annotations

import enum

import msgspec


class Role(enum.StrEnum):
    """What a person may do. Each role can do everything the one before it can."""

    GUEST = "guest"  # from a browser, by invitation: one room's audio and nothing else
    MEMBER = "member"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANK = {Role.GUEST: -1, Role.MEMBER: 0, Role.MANAGER: 1, Role.ADMIN: 2}


class Person(msgspec.Struct, frozen=True, kw_only=True):
    """A member of the office directory. `id` is the login name and never changes."""

    id: str
    display_name: str
    team: str = ""
    role: Role = Role.MEMBER
    language: str = "ja"
    tenant: str = ""  # the employer, where one office (or site) serves several
    manages: frozenset[str] = frozenset()  # further teams a manager looks after

    @property
    def teams(self) -> frozenset[str]:
        """The teams this person looks after as a manager: their own and any named."""
        return self.manages | {self.team}
