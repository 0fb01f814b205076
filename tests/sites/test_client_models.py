"""The Qt-free client models a desktop view will draw, fed by a real server: the roster
by location with the planned state from schedules, and the site board, both live."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from client.board import RosterModel, SiteBoardModel
from client.sites import SiteDesk
from rooms.attendance import Attendance
from rooms.schedule import ScheduleEntry

from .support import AT_TONO, HOME, SitesOffice


async def test_the_roster_groups_people_by_location_and_follows_them(sites: SitesOffice) -> None:
    today = dt.datetime.now(ZoneInfo("Asia/Tokyo")).weekday()
    ken, yui = await sites.session("ken"), await sites.session("yui")
    # Yui plans to be at Tono today (and Thursday); she has not checked in yet.
    plan = [ScheduleEntry(weekday=today, location=AT_TONO)]
    plan += [ScheduleEntry(weekday=3, location=HOME)] if today != 3 else []
    await SiteDesk(yui).set_schedule(plan)
    assert [e.weekday for e in yui.state.schedules["yui"]] == sorted(e.weekday for e in plan)
    await ken.check_in(AT_TONO)

    mika = await sites.session("mika")
    roster = RosterModel(mika, lang="en")
    board = SiteBoardModel(mika, "tono", lang="en")
    await roster.load()
    await board.load()
    groups = roster.by_location()
    assert [r.person_id for r in groups["Tono"]] == ["ken"]
    assert [r.person_id for r in groups["planned (not checked in): Tono"]] == ["yui"]
    assert [r.person_id for r in groups["not checked in"]] == ["mika"]
    assert board.summary() == "1 of 4 seats in use; 1 verified, 0 self-reported, 1 planned"
    assert [r.spoken.split(", ")[:2] for r in board.rows] == [
        ["Ken", "verified on-site"],
        ["Yui", "planned (not checked in)"],
    ]

    changes: list[int] = []
    roster.on_change(lambda: changes.append(1))
    await yui.check_in(AT_TONO, seat="A2")
    await mika.wait_until(lambda: board.count(Attendance.VERIFIED) == 2)
    await mika.wait_until(lambda: "planned (not checked in): Tono" not in roster.by_location())
    assert [r.person_id for r in roster.by_location()["Tono"]] == ["ken", "yui"]
    assert board.seats_used == 2 and changes
    assert {r.seat for r in board.rows} == {"", "A2"}

    await ken.check_out(report="done")
    await mika.wait_until(lambda: board.seats_used == 1 and len(board.rows) == 1)
    await mika.wait_until(lambda: len(roster.by_location()["not checked in"]) == 2)
    # another employer's people never reach this manager's models
    lee = await sites.session("lee")
    await lee.check_in(AT_TONO)
    await mika.wait_until(lambda: board.seats_used == 2)
    assert [r.person_id for r in board.rows] == ["yui"]
    assert "lee" not in {r.person_id for r in roster.rows}
    board.close()
    roster.close()
