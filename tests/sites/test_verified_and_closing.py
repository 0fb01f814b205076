"""Verified on-site against self-reported, by the real source address on loopback; and
the automatic check-out at the site's closing time, with the server's clock moved on."""

from __future__ import annotations

import sqlite3

from client.board import SiteBoardModel
from client.sites import SiteDesk
from rooms.attendance import Attendance
from rooms.site import closing_after

from .support import AT_NARROW, AT_TONO, HOME, SitesOffice


def _row(db: object, checkin_id: str) -> tuple[int, float | None, int, str]:
    with sqlite3.connect(str(db)) as conn:
        row = conn.execute(
            "SELECT verified, end, auto_ended, day FROM checkins WHERE id = ?", (checkin_id,)
        ).fetchone()
    return row  # type: ignore[no-any-return]


async def test_the_source_address_decides_verified_or_self_reported(sites: SitesOffice) -> None:
    ken, lee, yui = [await sites.session(u) for u in ("ken", "lee", "yui")]
    # Our sockets come from 127.0.0.1: inside Tono's 127.0.0.0/8, outside Narrow's 127.0.0.2/32.
    verified_id = await ken.check_in(AT_TONO)
    reported_id = await lee.check_in(AT_NARROW)
    home_id = await yui.check_in(HOME)
    assert ken.state.checkins["ken"].verified
    assert not lee.state.checkins["lee"].verified
    assert not yui.state.checkins["yui"].verified
    # stored as such (the address itself is not)
    assert _row(sites.db, verified_id)[0] == 1
    assert _row(sites.db, reported_id)[0] == 0
    assert _row(sites.db, home_id)[0] == 0
    with sqlite3.connect(str(sites.db)) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(checkins)")]
    assert not any("addr" in c or c == "ip" for c in columns)

    ada = SiteDesk(await sites.session("ada"))
    tono, narrow = await ada.board("tono"), await ada.board("narrow")
    assert [(e.person_id, e.state) for e in tono.entries] == [("ken", Attendance.VERIFIED)]
    assert [(e.person_id, e.state) for e in narrow.entries] == [("lee", Attendance.SELF_REPORTED)]


async def test_check_ins_end_at_closing_time(sites: SitesOffice) -> None:
    ken = await sites.session("ken")
    mika = await sites.session("mika")
    board = SiteBoardModel(mika, "tono", lang="en")
    await board.load()
    checkin_id = await ken.check_in(AT_TONO, plan="field work")
    await mika.wait_until(lambda: board.seats_used == 1 and len(board.rows) == 1)
    assert board.summary() == "1 of 4 seats in use; 1 verified, 0 self-reported, 0 planned"
    checkin = ken.state.checkins["ken"]
    closing = closing_after(checkin.start, "Asia/Tokyo", "18:00")
    assert checkin.closes_at == closing and closing is not None

    # Move the server's clock to a minute past closing: the next tick checks Ken out.
    sites.server.clock = lambda: closing + 60
    await ken.wait_until(lambda: "ken" not in ken.state.checkins)
    verified, end, auto_ended, _day = _row(sites.db, checkin_id)
    assert (verified, end, auto_ended) == (1, closing, 1)
    # the manager's live board follows without asking
    await mika.wait_until(lambda: board.seats_used == 0 and board.rows == [])
    # someone at home is not checked out by a site's clock
    yui = await sites.session("yui")
    await yui.check_in(HOME)
    await yui.ping()
    await ken.ping()
    assert "yui" in sites.server.office.state.checkins
