"""Check-ins at sites in the office state machine: seats, tenants, verification by the
source address, the working day, closing time, the team feed, the privacy notice,
schedules and the planned state, deleting one's history, and safety roll-calls."""

from __future__ import annotations

import pytest
from office_harness import only, sent
from sites_harness import MORNING, PEOPLE, TONO, SiteHarness, at

from rooms.attendance import Attendance, roster, site_board
from rooms.checkin import HalfDay
from rooms.errors import ErrorCode, OfficeError
from rooms.office import Audit, DeleteHistoryRecords, SaveCheckIn, SaveRollCallAnswer
from rooms.presence import Location, LocationKind
from rooms.privacy import NOTICE_VERSION
from rooms.protocol import (
    AcknowledgeNotice,
    AnswerRollCall,
    AttendanceChanged,
    CheckInChanged,
    DeleteHistory,
    EndCheckIn,
    EndRollCall,
    FeedPosted,
    HistoryDeleted,
    PrivacyNotice,
    RollCallAnswered,
    RollCallEnded,
    RollCallStarted,
    ScheduleChanged,
    SetSchedule,
    SiteOccupancy,
    StartCheckIn,
    StartRollCall,
)
from rooms.rollcall import Safety
from rooms.schedule import ScheduleEntry

AT_TONO = Location(kind=LocationKind.SATELLITE, site_id="tono")
AT_NARROW = Location(kind=LocationKind.SATELLITE, site_id="narrow")
AT_ANNEX = Location(kind=LocationKind.SATELLITE, site_id="acme-hq")
HOME = Location(kind=LocationKind.HOME)
BY_ID = {p.id: p for p in PEOPLE}


@pytest.fixture
def s() -> SiteHarness:
    return SiteHarness()


def refuse(s: SiteHarness, actor: str, request: object, code: ErrorCode, **kw: object) -> None:
    seq = s.state.seq
    with pytest.raises(OfficeError) as info:
        s.office.decide(actor, request, kw.pop("now", MORNING), **kw)  # type: ignore[arg-type]
    assert info.value.code is code, info.value.message
    assert s.state.seq == seq


def saved(outcome: object) -> list[SaveCheckIn]:
    return [e for e in outcome.effects if isinstance(e, SaveCheckIn)]  # type: ignore[attr-defined]


# ---------------------------------------------------------------- verification


def test_a_check_in_from_the_sites_network_is_verified(s: SiteHarness) -> None:
    outcome = s.do("ken", StartCheckIn(id=1, location=AT_TONO), peer="127.0.0.1")
    (save,) = saved(outcome)
    assert save.checkin.verified
    assert s.state.checkins["ken"].verified


def test_a_check_in_from_elsewhere_is_self_reported(s: SiteHarness) -> None:
    # The narrow site's network is 127.0.0.2/32; we come from 127.0.0.1.
    s.do("ken", StartCheckIn(id=1, location=AT_NARROW), peer="127.0.0.1")
    assert not s.state.checkins["ken"].verified
    s.do("yui", StartCheckIn(id=1, location=AT_NARROW), peer="127.0.0.2")
    assert s.state.checkins["yui"].verified
    # no address at all (a bot, a test) and home check-ins are never verified
    s.do("lee", StartCheckIn(id=1, location=AT_TONO), peer=None)
    assert not s.state.checkins["lee"].verified
    s.do("taro", StartCheckIn(id=1, location=HOME), peer="127.0.0.1")
    assert not s.state.checkins["taro"].verified


# ---------------------------------------------------------------- seats and tenants


def test_a_site_serves_only_its_tenants(s: SiteHarness) -> None:
    refuse(s, "lee", StartCheckIn(id=1, location=AT_ANNEX), ErrorCode.FORBIDDEN)
    s.do("ken", StartCheckIn(id=1, location=AT_ANNEX))
    assert s.state.checkins["ken"].location == AT_ANNEX


def test_seats_run_out_and_named_seats_are_taken_once(s: SiteHarness) -> None:
    s.do("ken", StartCheckIn(id=1, location=AT_TONO, seat="A1"))
    refuse(s, "yui", StartCheckIn(id=2, location=AT_TONO, seat="A1"), ErrorCode.CONFLICT)
    refuse(s, "yui", StartCheckIn(id=2, location=AT_TONO, seat="Z9"), ErrorCode.NOT_FOUND)
    refuse(s, "yui", StartCheckIn(id=2, location=HOME, seat="A1"), ErrorCode.INVALID)
    s.do("yui", StartCheckIn(id=2, location=AT_TONO, seat="A2"))
    s.do("lee", StartCheckIn(id=3, location=AT_TONO))
    refuse(s, "mika", StartCheckIn(id=4, location=AT_TONO), ErrorCode.SITE_FULL)
    # moving seats within the site does not count oneself twice
    s.do("ken", StartCheckIn(id=5, location=AT_TONO))
    assert s.state.checkins["ken"].seat is None
    s.do("ken", EndCheckIn(id=6))
    s.do("mika", StartCheckIn(id=7, location=AT_TONO, seat="A1"))


def test_seats_used_go_to_every_manager_but_names_only_to_their_own(s: SiteHarness) -> None:
    outcome = s.do("lee", StartCheckIn(id=1, location=AT_TONO, seat="A1"), peer="127.0.0.1")
    occupancy, to = only(outcome, SiteOccupancy)
    assert (occupancy.site_id, occupancy.seats_used, occupancy.seats_total) == ("tono", 1, 3)
    assert to == {"ada", "mika", "sam"}
    change, to = only(outcome, AttendanceChanged)
    assert to == {"sam", "ada"}  # not Mika: Lee works for another employer
    assert change.entry.state is Attendance.VERIFIED
    assert change.entry.seat == "A1"


# ---------------------------------------------------------------- the working day


def test_the_day_counts_on_the_sites_clock() -> None:
    from msgspec.structs import replace

    from rooms.office import Office

    office = Office()
    la = replace(TONO, id="la", tenants=frozenset(), time_zone="America/Los_Angeles", closes="")
    office.load(PEOPLE, [], [TONO, la])
    late = at("2025-07-10", "08:00")  # Thursday morning in Tokyo, Wednesday in Los Angeles
    at_la = Location(kind=LocationKind.SATELLITE, site_id="la")
    (save,) = saved(office.decide("ken", StartCheckIn(id=1, location=at_la), late))
    assert save.day == "2025-07-09"
    (save,) = saved(office.decide("ken", StartCheckIn(id=1, location=HOME), late))
    assert save.day == "2025-07-10"  # away from sites, the office's clock (Tokyo)


# ---------------------------------------------------------------- closing time


def test_check_ins_end_at_the_sites_closing_time(s: SiteHarness) -> None:
    s.do("ken", StartCheckIn(id=1, location=AT_TONO, plan="reports"), peer="127.0.0.1")
    s.do("taro", StartCheckIn(id=1, location=HOME))
    closing = at("2025-07-09", "18:00")
    assert s.state.checkins["ken"].closes_at == closing
    assert s.tick(closing - 1).empty
    # the server was busy: the tick comes late, the check-out keeps the closing time
    outcome = s.tick(closing + 90)
    (save,) = saved(outcome)
    assert save.checkin.end == closing
    assert save.checkin.auto_ended
    assert save.day == "2025-07-09"
    event, to = only(outcome, CheckInChanged)
    assert to == {"ken"} and event.ended == save.checkin
    assert "ken" not in s.state.checkins
    assert "taro" in s.state.checkins  # home has no closing time
    change, to = only(outcome, AttendanceChanged)
    assert change.entry.state is Attendance.ABSENT and to == {"mika", "ada"}
    assert only(outcome, SiteOccupancy)[0].seats_used == 0
    assert s.tick(closing + 120).empty


# ---------------------------------------------------------------- the team feed


def test_plans_and_reports_go_to_the_whole_team(s: SiteHarness) -> None:
    outcome = s.do("ken", StartCheckIn(id=1, location=HOME, plan=" write the report "))
    post, to = only(outcome, FeedPosted)
    assert (post.post.kind, post.post.text, post.post.team) == ("plan", "write the report", "ops")
    assert to == {"ken", "yui", "mika"}  # office staff included; not Globex's "ops"
    outcome = s.do("ken", EndCheckIn(id=2, report="sent it"), now=MORNING + 8 * 3600)
    post, to = only(outcome, FeedPosted)
    assert (post.post.kind, post.post.text) == ("report", "sent it")
    # no plan, no post
    assert sent(s.do("yui", StartCheckIn(id=3, location=HOME)), FeedPosted) == []


# ---------------------------------------------------------------- the privacy notice


def test_the_notice_comes_with_check_ins_until_acknowledged(s: SiteHarness) -> None:
    s.office.retention_days = 90
    notice, to = only(s.do("ken", StartCheckIn(id=1, location=HOME)), PrivacyNotice)
    assert to == {"ken"} and notice.version == NOTICE_VERSION
    assert "90" in notice.text and notice.retention_days == 90
    assert sent(s.do("ken", StartCheckIn(id=2, location=HOME)), PrivacyNotice)
    ack = s.do("ken", AcknowledgeNotice(id=3, version=NOTICE_VERSION))
    assert s.state.notice_acks["ken"] == NOTICE_VERSION
    assert s.mirror.state.notice_acks["ken"] == NOTICE_VERSION
    assert ack.effects
    assert sent(s.do("ken", StartCheckIn(id=4, location=HOME)), PrivacyNotice) == []
    assert s.do("ken", AcknowledgeNotice(id=5, version=NOTICE_VERSION)).empty
    refuse(s, "ken", AcknowledgeNotice(id=6, version=NOTICE_VERSION + 1), ErrorCode.INVALID)
    # Yui's notice is in Japanese, her language
    notice, _ = only(s.do("yui", StartCheckIn(id=7, location=HOME)), PrivacyNotice)
    assert "記録" in notice.text


# ---------------------------------------------------------------- schedules


def test_a_schedule_makes_people_planned_until_they_check_in(s: SiteHarness) -> None:
    wednesday = 2
    plan = [
        ScheduleEntry(weekday=wednesday, location=AT_TONO),
        ScheduleEntry(weekday=4, location=HOME),
    ]
    outcome = s.do("yui", SetSchedule(id=1, entries=plan))
    event, to = only(outcome, ScheduleChanged)
    assert to == {"yui"} and [e.weekday for e in event.entries] == [2, 4]
    change, to = only(outcome, AttendanceChanged)
    assert change.entry.state is Attendance.PLANNED and to == {"mika", "ada"}
    st = s.state
    mika = BY_ID["mika"]
    board = site_board(TONO, mika, st.people, st.checkins, st.schedules, st.last_day, MORNING)
    assert [(e.person_id, e.state) for e in board.entries] == [("yui", Attendance.PLANNED)]
    # she checks in from elsewhere: self-reported, and the plan is done
    s.do("yui", StartCheckIn(id=2, location=AT_TONO), peer="192.0.2.1")
    board = site_board(TONO, mika, st.people, st.checkins, st.schedules, st.last_day, MORNING)
    assert [(e.person_id, e.state) for e in board.entries] == [("yui", Attendance.SELF_REPORTED)]
    s.do("yui", EndCheckIn(id=3), now=MORNING + 3600)
    board = site_board(TONO, mika, st.people, st.checkins, st.schedules, st.last_day, MORNING)
    assert board.entries == []  # checked out: not "planned, not yet checked in" any more
    # next Wednesday she is planned again
    week = MORNING + 7 * 86400
    board = site_board(TONO, mika, st.people, st.checkins, st.schedules, st.last_day, week)
    assert [e.state for e in board.entries] == [Attendance.PLANNED]


def test_schedules_are_checked(s: SiteHarness) -> None:
    twice = [ScheduleEntry(weekday=1, location=HOME)] * 2
    refuse(s, "ken", SetSchedule(id=1, entries=twice), ErrorCode.INVALID)
    elsewhere = [
        ScheduleEntry(weekday=1, location=Location(kind=LocationKind.SATELLITE, site_id="acme-hq"))
    ]
    refuse(s, "lee", SetSchedule(id=1, entries=elsewhere), ErrorCode.FORBIDDEN)
    s.do("ken", SetSchedule(id=1, entries=[ScheduleEntry(weekday=1, location=HOME)]))
    assert s.do("ken", SetSchedule(id=1, entries=[ScheduleEntry(weekday=1, location=HOME)])).empty


# ---------------------------------------------------------------- board and roster scope


def test_two_employers_managers_see_only_their_own_staff_on_one_board(s: SiteHarness) -> None:
    s.do("ken", StartCheckIn(id=1, location=AT_TONO, seat="A1"), peer="127.0.0.1")
    s.do("lee", StartCheckIn(id=1, location=AT_TONO), peer="198.51.100.7")
    st = s.state

    def board_for(viewer: str) -> tuple[int, list[tuple[str, Attendance]]]:
        b = site_board(
            TONO, BY_ID[viewer], st.people, st.checkins, st.schedules, st.last_day, MORNING
        )
        return b.seats_used, [(e.person_id, e.state) for e in b.entries]

    assert board_for("mika") == (2, [("ken", Attendance.VERIFIED)])
    assert board_for("sam") == (2, [("lee", Attendance.SELF_REPORTED)])
    assert board_for("ada") == (
        2,
        [("ken", Attendance.VERIFIED), ("lee", Attendance.SELF_REPORTED)],
    )
    day, entries = roster(
        BY_ID["mika"], st.people, st.checkins, st.schedules, st.last_day, MORNING, "Asia/Tokyo"
    )
    assert day == "2025-07-09"
    assert {e.person_id: e.state for e in entries} == {
        "ken": Attendance.VERIFIED,
        "yui": Attendance.ABSENT,
        "mika": Attendance.ABSENT,
    }


# ---------------------------------------------------------------- deleting one's history


def test_deleting_history_ends_today_and_is_audited(s: SiteHarness) -> None:
    s.do("ken", StartCheckIn(id=1, location=AT_TONO))
    outcome = s.do("ken", DeleteHistory(id=2), now=MORNING + 60)
    assert DeleteHistoryRecords("ken") in outcome.effects
    assert Audit("ken", "history.delete", "ken") in outcome.effects
    assert saved(outcome) == []  # nothing of it is written back
    assert only(outcome, HistoryDeleted)[1] == {"ken"}
    assert only(outcome, CheckInChanged)[0].checkin is None
    assert "ken" not in s.state.checkins
    assert s.state.presence_of("ken").location is None
    assert "ken" not in s.state.last_day


# ---------------------------------------------------------------- roll-calls


def test_a_roll_call_from_start_to_end(s: SiteHarness) -> None:
    refuse(s, "mika", StartRollCall(id=1, message="quake"), ErrorCode.FORBIDDEN)
    refuse(s, "ken", AnswerRollCall(id=1, answer=Safety.SAFE), ErrorCode.NOT_FOUND)
    outcome = s.do("ada", StartRollCall(id=1, message=" earthquake drill "))
    started, to = only(outcome, RollCallStarted)
    assert to is None and started.rollcall.message == "earthquake drill"
    assert s.mirror.state.rollcall == started.rollcall
    refuse(s, "ada", StartRollCall(id=2), ErrorCode.CONFLICT)

    s.do("ken", StartCheckIn(id=3, location=AT_TONO))
    outcome = s.do("ken", AnswerRollCall(id=4, answer=Safety.SAFE))
    answered, to = only(outcome, RollCallAnswered)
    assert to == {"ken", "mika", "ada"}
    assert answered.answer.location == AT_TONO  # where he checked in
    assert SaveRollCallAnswer(answered.answer) in outcome.effects
    outcome = s.do(
        "lee", AnswerRollCall(id=5, answer=Safety.NEED_HELP, location=HOME, note="flooded")
    )
    assert only(outcome, RollCallAnswered)[1] == {"lee", "sam", "ada"}
    # the answer can change; the latest counts
    s.do("ken", AnswerRollCall(id=6, answer=Safety.NOT_WORKING))
    assert s.state.rollcall_answers["ken"].answer is Safety.NOT_WORKING
    # each manager's snapshot carries only their own staff's answers
    assert [a.person_id for a in s.office.snapshot("mika").rollcall_answers] == ["ken"]
    assert [a.person_id for a in s.office.snapshot("sam").rollcall_answers] == ["lee"]
    assert {a.person_id for a in s.office.snapshot("ada").rollcall_answers} == {"ken", "lee"}
    assert [a.person_id for a in s.office.snapshot("yui").rollcall_answers] == []

    refuse(s, "mika", EndRollCall(id=7), ErrorCode.FORBIDDEN)
    ended, to = only(s.do("ada", EndRollCall(id=8), now=MORNING + 600), RollCallEnded)
    assert to is None and ended.rollcall.ended_at == MORNING + 600
    assert s.state.rollcall is None and s.state.rollcall_answers == {}
    refuse(s, "ken", AnswerRollCall(id=9, answer=Safety.SAFE), ErrorCode.NOT_FOUND)


def test_half_days_are_kept(s: SiteHarness) -> None:
    s.do("ken", StartCheckIn(id=1, location=HOME, half_day=HalfDay.MORNING))
    assert s.state.checkins["ken"].half_day is HalfDay.MORNING
