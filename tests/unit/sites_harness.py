"""A shared satellite site with two employers, for the unit tests of attendance."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rooms.mirror import Mirror
from rooms.office import Office, Outcome
from rooms.people import Person, Role
from rooms.protocol import OfficeRequest
from rooms.site import Site

TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: str, clock: str, tz: ZoneInfo = TOKYO) -> float:
    """Seconds since the epoch at a wall-clock time in a zone."""
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=tz).timestamp()


# Wednesday 2025-07-09 at 09:00 in Tokyo.
MORNING = at("2025-07-09", "09:00")

PEOPLE = [
    Person(id="ada", display_name="Ada", role=Role.ADMIN, tenant="city"),
    # Two employers share the Tono site; each has a manager and staff in team "ops".
    Person(id="mika", display_name="Mika", role=Role.MANAGER, team="ops", tenant="acme"),
    Person(id="ken", display_name="Ken", team="ops", tenant="acme"),
    Person(id="yui", display_name="Yui", team="ops", tenant="acme"),
    Person(id="sam", display_name="Sam", role=Role.MANAGER, team="ops", tenant="globex"),
    Person(id="lee", display_name="Lee", team="ops", tenant="globex"),
    # Same employer as Mika, another team she does not manage.
    Person(id="taro", display_name="Taro", team="sales", tenant="acme"),
]
TONO = Site(
    id="tono",
    name="Tono",
    seats=3,
    seat_names=("A1", "A2"),
    tenants=frozenset({"acme", "globex"}),
    networks=("127.0.0.0/8",),
    closes="18:00",
)
NARROW = Site(id="narrow", name="Narrow", seats=10, networks=("127.0.0.2/32",))
ACME_ONLY = Site(id="acme-hq", name="Acme annex", tenants=frozenset({"acme"}))
SITES = [TONO, NARROW, ACME_ONLY]


class SiteHarness:
    def __init__(self) -> None:
        self.office = Office()
        self.office.load(PEOPLE, [], SITES)
        self.mirror = Mirror()
        self.mirror.load(self.office.snapshot("ada"))
        for p in PEOPLE:
            self.commit(self.office.connect(p.id, MORNING - 3600))

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.office.state

    def commit(self, outcome: Outcome) -> Outcome:
        for delivery in self.office.commit(outcome):
            assert self.mirror.receive(delivery.event)
        return outcome

    def do(
        self, actor: str, request: OfficeRequest, now: float = MORNING, peer: str | None = None
    ) -> Outcome:
        return self.commit(self.office.decide(actor, request, now, peer=peer))

    def tick(self, now: float) -> Outcome:
        return self.commit(self.office.tick(now))
