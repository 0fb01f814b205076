"""Role and tenant enforcement on every read, on a real server.

A member reads no reports, boards, rosters or other people's histories; two
employers' managers at one shared site see only their own staff; administrators
see everyone; every read of someone else's history lands in the audit log.
"""

from __future__ import annotations

import pytest

from client.session import SessionError
from client.sites import SiteDesk
from rooms.attendance import Attendance
from rooms.protocol import FeedPosted
from rooms.site import local_day
from rooms.telework import ReportName

from .support import AT_TONO, HOME, SitesOffice

JULY = ("2025-07-01", "2025-07-31")


async def test_a_member_cannot_read_reports_or_manager_views(sites: SitesOffice) -> None:
    ken = await sites.desk("ken")
    for report in ReportName:
        with pytest.raises(SessionError) as info:
            await ken.report(report, *JULY)
        assert info.value.code == "forbidden"
    for call in (ken.board("tono"), ken.roster(), ken.history("yui")):
        with pytest.raises(SessionError) as info:
            await call
        assert info.value.code == "forbidden"
    # ... but reads their own history
    await ken.session.check_in(HOME)
    (entry,) = await ken.history("ken")
    assert entry.checkin.person_id == "ken"
    # the refusals were the request's, the connection serves on
    assert await ken.session.ping() > 0


async def test_two_employers_managers_at_one_site_see_only_their_own_staff(
    sites: SitesOffice,
) -> None:
    ken, yui, lee = [await sites.session(u) for u in ("ken", "yui", "lee")]
    await ken.check_in(AT_TONO, seat="A1")
    await yui.check_in(HOME)
    await lee.check_in(AT_TONO, seat="A2")
    mika, sam, ada = [await sites.desk(u) for u in ("mika", "sam", "ada")]

    acme, globex, everyone = [await d.board("tono") for d in (mika, sam, ada)]
    assert [e.person_id for e in acme.entries] == ["ken"]
    assert [e.person_id for e in globex.entries] == ["lee"]
    assert sorted(e.person_id for e in everyone.entries) == ["ken", "lee"]
    # the seat count is the site's, whoever sits there; it names nobody
    assert {b.seats_used for b in (acme, globex, everyone)} == {2}
    assert acme.entries[0].state is Attendance.VERIFIED

    _, roster = await mika.roster()
    assert {e.person_id: e.state for e in roster} == {
        "ken": Attendance.VERIFIED,
        "yui": Attendance.SELF_REPORTED,
        "mika": Attendance.ABSENT,
    }
    _, roster = await sam.roster()
    assert {e.person_id for e in roster} == {"sam", "lee"}
    with pytest.raises(SessionError) as info:
        await mika.roster(team="sales")  # her employer's, but not her team
    assert info.value.code == "forbidden"

    # histories across employers are refused, and say so
    with pytest.raises(SessionError) as info:
        await mika.history("lee")
    assert info.value.code == "forbidden"
    with pytest.raises(SessionError):
        await sam.history("ken")
    with pytest.raises(SessionError) as info:
        await mika.history("nobody")
    assert info.value.code == "not_found"

    # reports cover only one's own staff
    day = local_day(ken.state.checkins["ken"].start, "Asia/Tokyo")
    table = await mika.report(ReportName.PERSON_DAYS, day, day)
    assert sorted(table.column("person_id")) == ["ken", "mika", "yui"]
    table = await sam.report(ReportName.PERSON_DAYS, day, day)
    assert sorted(table.column("person_id")) == ["lee", "sam"]
    table = await ada.report(ReportName.PERSON_DAYS, day, day)
    assert len(table.rows) == 7
    util = await sam.report(ReportName.SITE_UTILISATION, day, day)
    tono = util.records()[[r["site_id"] for r in util.records()].index("tono")]
    assert tono["person_days"] == 1.0  # Lee only: Ken is Acme's


async def test_every_history_read_by_someone_else_is_audited(sites: SitesOffice) -> None:
    ken = await sites.session("ken")
    await ken.check_in(AT_TONO, plan="plan")
    mika, ada = await sites.desk("mika"), await sites.desk("ada")
    (entry,) = await mika.history("ken")
    assert entry.checkin.plan == "plan"
    await ada.history("ken", start="2000-01-01", end="2100-01-01")
    await SiteDesk(ken).history("ken")  # one's own: not audited
    log = await ada.session.audit(50)
    reads = [(e.actor, e.action, e.detail) for e in log if e.action == "history.read"]
    assert sorted(reads) == [("ada", "history.read", "ken"), ("mika", "history.read", "ken")]
    # reports are logged too
    await mika.report(ReportName.DAILY_SHARE, *JULY)
    log = await ada.session.audit(50)
    assert any(e.actor == "mika" and e.action == "report.read" for e in log)


async def test_the_team_feed_reaches_the_team_and_stays_within_it(sites: SitesOffice) -> None:
    got: dict[str, list[str]] = {}
    sessions = {u: await sites.session(u) for u in ("ken", "yui", "mika", "sam", "lee", "taro")}
    for user, s in sessions.items():
        got[user] = []
        s.add_listener(
            lambda m, user=user: (
                got[user].append(m.post.text) if isinstance(m, FeedPosted) else None
            )
        )
    await sessions["ken"].check_in(HOME, plan="今日はマニュアルの翻訳")
    await sessions["yui"].wait_until(lambda: bool(got["yui"]))
    await sessions["mika"].wait_until(lambda: bool(got["mika"]))
    await sessions["ken"].check_out(report="翻訳 80% 完了")
    await sessions["yui"].wait_until(lambda: len(got["yui"]) == 2)
    await sessions["lee"].ping()
    await sessions["taro"].ping()
    assert got["yui"] == ["今日はマニュアルの翻訳", "翻訳 80% 完了"]
    assert got["lee"] == [] and got["sam"] == [] and got["taro"] == []
    # and it can be read back later, within the same limits
    yui_feed = await SiteDesk(sessions["yui"]).feed()
    assert [(p.kind, p.person_id) for p in yui_feed] == [("report", "ken"), ("plan", "ken")]
    assert await SiteDesk(sessions["lee"]).feed() == []


def test_every_site_query_is_answered_by_the_query_desk() -> None:
    from rooms.protocol import OfficeRequest, Request, SiteQuery
    from server.queries import SITE_QUERIES

    assert set(SITE_QUERIES) == set(SiteQuery.__args__)
    assert not set(SITE_QUERIES) & set(OfficeRequest.__args__)
    assert set(SITE_QUERIES) <= set(Request.__args__)
