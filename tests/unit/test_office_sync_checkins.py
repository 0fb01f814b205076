"""A new leader brings open check-ins in line with the database (what its predecessor
saved but died before telling): the person hears, managers hear, location follows."""

from __future__ import annotations

import msgspec
from office_harness import T0, Harness

from rooms.checkin import CheckIn
from rooms.presence import Location, LocationKind
from rooms.protocol import AttendanceChanged, CheckInChanged, SiteOccupancy, StartCheckIn

TONO = Location(kind=LocationKind.SATELLITE, site_id="tono")


def test_a_stored_checkin_the_office_missed_is_taken_in() -> None:
    h = Harness()
    saved = CheckIn(id="c1", person_id="ken", location=TONO, start=T0)
    out = h.commit(h.office.sync_checkins([saved], T0 + 1))
    assert h.state.checkins["ken"] == saved
    assert h.state.presence_of("ken").location == TONO
    to_ken = [d.event for d in out.deliveries if d.to == frozenset({"ken"})]
    assert CheckInChanged(checkin=saved) in to_ken
    kinds = {type(d.event) for d in out.deliveries}
    assert {AttendanceChanged, SiteOccupancy} <= kinds
    # Already in line: nothing to say.
    assert h.office.sync_checkins([saved], T0 + 2).empty


def test_a_checkin_ended_in_the_database_ends_in_the_office() -> None:
    h = Harness()
    h.do("yui", StartCheckIn(id=1, location=TONO))
    mine = h.state.checkins["yui"]
    out = h.commit(h.office.sync_checkins([], T0 + 5))
    assert "yui" not in h.state.checkins
    assert CheckInChanged(checkin=None, ended=mine) in [d.event for d in out.deliveries]


def test_a_changed_checkin_is_replaced_and_strangers_are_ignored() -> None:
    h = Harness()
    h.do("yui", StartCheckIn(id=1, location=TONO))
    changed = msgspec.structs.replace(h.state.checkins["yui"], plan="雪")
    ghost = CheckIn(id="g", person_id="nobody", location=TONO, start=T0)
    h.commit(h.office.sync_checkins([changed, ghost], T0 + 5))
    assert h.state.checkins["yui"].plan == "雪"
    assert "nobody" not in h.state.checkins
