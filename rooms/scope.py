"""Who may see whose attendance: the one rule every manager view and report goes through.

An administrator sees everyone. A manager sees the people of their own employer
(tenant) in the teams they look after. A member sees only themselves. Two employers'
managers at one shared site therefore see only their own staff.
"""

from __future__ import annotations

from collections.abc import Iterable

from rooms.people import Person, Role


def sees(viewer: Person, person: Person) -> bool:
    if viewer.id == person.id or viewer.role is Role.ADMIN:
        return True
    if viewer.role is Role.MANAGER:
        return person.tenant == viewer.tenant and person.team in viewer.teams
    return False


def visible(viewer: Person, people: Iterable[Person]) -> list[Person]:
    return [p for p in people if sees(viewer, p)]


def watchers(person: Person, people: Iterable[Person]) -> frozenset[str]:
    """The managers and administrators who see `person` (not the person themselves)."""
    return frozenset(
        v.id for v in people if v.id != person.id and v.role is not Role.MEMBER and sees(v, person)
    )


def team_audience(person: Person, people: Iterable[Person]) -> frozenset[str]:
    """Who reads a person's start-of-day plan and end-of-day report in the team feed.

    Everyone in their team at their employer, wherever they work (office staff as well
    as teleworkers), and the managers who look after them. Administrators of other
    teams are left out: the feed is the team's, not the whole office's.
    """
    return frozenset(
        q.id
        for q in people
        if (q.tenant == person.tenant and q.team == person.team)
        or (q.role is Role.MANAGER and sees(q, person))
    )


def reads_feed_of(viewer: Person, person: Person) -> bool:
    """The feed posts a viewer may list: their team's, their staff's, or all for an admin."""
    return viewer.role is Role.ADMIN or viewer.id in team_audience(person, (viewer,))
