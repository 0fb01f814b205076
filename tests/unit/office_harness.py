"""A small office to test the core against (helpers shared by the unit tests)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import pytest

from rooms.errors import ErrorCode, OfficeError
from rooms.mirror import Mirror
from rooms.office import Delivery, Office, Outcome, Rules
from rooms.people import Person, Role
from rooms.protocol import Event, OfficeRequest
from rooms.room import Access, Room
from rooms.site import Site
from rooms.state import OfficeState

T0 = 1_700_000_000.0

PEOPLE = [
    Person(id="ada", display_name="Ada", role=Role.ADMIN),
    Person(id="mika", display_name="Mika", role=Role.MANAGER),
    Person(id="ken", display_name="Ken"),
    Person(id="yui", display_name="Yui"),
    Person(id="sora", display_name="Sora"),
    Person(id="taro", display_name="Taro"),
]
ROOMS = [
    Room(id="lobby", name="Lobby"),
    Room(id="focus", name="Focus"),
    Room(id="small", name="Small", capacity=2),
    Room(id="board", name="Board", access=Access.PRIVATE, members=frozenset({"ada", "ken"})),
]
SITES = [Site(id="tono", name="Tono satellite", region="Iwate", seats=12)]

E = TypeVar("E")


class Harness:
    """An office loaded with PEOPLE, ROOMS and SITES; `do` decides and commits."""

    def __init__(self, rules: Rules | None = None) -> None:
        self.office = Office(rules)
        self.office.load(PEOPLE, ROOMS, SITES)
        self.mirror = Mirror()
        self.mirror.load(self.office.snapshot("ada"))

    @property
    def state(self) -> OfficeState:
        return self.office.state

    def commit(self, outcome: Outcome) -> Outcome:
        for delivery in self.office.commit(outcome):
            assert self.mirror.receive(delivery.event)
        return outcome

    def do(self, actor: str, request: OfficeRequest, now: float = T0) -> Outcome:
        return self.commit(self.office.decide(actor, request, now))

    def refuse(
        self, actor: str, request: OfficeRequest, code: ErrorCode, now: float = T0
    ) -> OfficeError:
        seq = self.state.seq
        with pytest.raises(OfficeError) as info:
            self.office.decide(actor, request, now)
        assert info.value.code is code, info.value.message
        assert self.state.seq == seq
        return info.value

    def connect(self, *people: str, now: float = T0) -> None:
        for pid in people:
            self.commit(self.office.connect(pid, now))

    def tick(self, now: float) -> Outcome:
        return self.commit(self.office.tick(now))

    def room_of(self, pid: str) -> str | None:
        return self.state.room_of(pid)

    def occupants(self, room_id: str) -> frozenset[str]:
        return self.state.occupants_of(room_id)


def sent(outcome: Outcome, kind: type[E]) -> list[tuple[E, frozenset[str] | None]]:
    """The deliveries of one event type in an outcome, with their audiences."""
    return [(d.event, d.to) for d in outcome.deliveries if isinstance(d.event, kind)]


def only(outcome: Outcome, kind: type[E]) -> tuple[E, frozenset[str] | None]:
    found = sent(outcome, kind)
    assert len(found) == 1, found
    return found[0]


def received_by(deliveries: Iterable[Delivery], pid: str) -> list[Event]:
    return [d.event for d in deliveries if d.to is None or pid in d.to]
