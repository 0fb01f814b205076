"""Sample messages of the sites protocol, for the round-trip tests in test_protocol."""

from __future__ import annotations

import msgspec

from rooms import protocol as p
from rooms.attendance import Attendance, BoardEntry, SiteBoard
from rooms.checkin import CheckIn, HalfDay
from rooms.presence import Location, LocationKind
from rooms.rollcall import RollCall, RollCallAnswer, Safety
from rooms.schedule import ScheduleEntry
from rooms.telework import ReportName, ReportTable

TONO = Location(kind=LocationKind.SATELLITE, site_id="tono")
HOME = Location(kind=LocationKind.HOME)
CHECKIN = CheckIn(
    id="c1",
    person_id="ken",
    location=TONO,
    start=10.0,
    seat="A1",
    verified=True,
    closes_at=99.0,
    half_day=HalfDay.MORNING,
)
ENTRY = BoardEntry(person_id="ken", state=Attendance.VERIFIED, location=TONO, seat="A1", since=1.0)
ROLLCALL = RollCall(id="r1", started_by="ada", started_at=5.0, message="earthquake")
ANSWER = RollCallAnswer(
    rollcall_id="r1", person_id="ken", answer=Safety.NEED_HELP, location=HOME, note="x", at=6.0
)
SCHEDULE = [ScheduleEntry(weekday=1, location=TONO), ScheduleEntry(weekday=4, location=HOME)]
POST = p.TeamPost(checkin_id="c1", person_id="ken", team="t", kind="plan", text="hi", at=1.0)
TABLE = ReportTable(
    report=ReportName.DAILY_SHARE,
    start="2025-01-01",
    end="2025-01-01",
    columns=["day", "staff", "teleworking", "share"],
    rows=[["2025-01-01", 4, 1, 0.25]],
)

SITE_REQUESTS: list[msgspec.Struct] = [
    p.StartCheckIn(id=30, location=TONO, seat="A1"),
    p.SetSchedule(id=31, entries=SCHEDULE),
    p.AcknowledgeNotice(id=32, version=1),
    p.DeleteHistory(id=33),
    p.StartRollCall(id=34, message="earthquake"),
    p.AnswerRollCall(id=35, answer=Safety.SAFE, location=HOME, note="fine"),
    p.EndRollCall(id=36),
    p.GetBoard(id=37, site_id="tono"),
    p.GetRoster(id=38, team="support"),
    p.GetHistory(id=39, person_id="ken", start="2025-01-01", end="2025-01-31"),
    p.GetReport(id=40, report=ReportName.TELEWORK_DAYS, start="2025-07-01", end="2025-07-31"),
    p.GetFeed(id=41, days=3),
    p.GetPrivacy(id=42),
    p.ExportHistory(id=43, format="csv"),
    p.GetRollCall(id=44),
]

SITE_SERVER_MESSAGES: list[msgspec.Struct] = [
    p.BoardReply(
        id=50,
        board=SiteBoard(
            site_id="tono", day="2025-01-01", seats_total=12, seats_used=3, entries=[ENTRY]
        ),
    ),
    p.RosterReply(id=51, day="2025-01-01", entries=[ENTRY]),
    p.HistoryReply(
        id=52, person_id="ken", entries=[p.HistoryEntry(day="2025-01-01", checkin=CHECKIN)]
    ),
    p.ReportReply(id=53, table=TABLE),
    p.FeedReply(id=54, posts=[POST]),
    p.PrivacyReply(id=55, version=1, text="notice", acknowledged=0, retention_days=400),
    p.HistoryFile(id=56, format="json", content="[]"),
    p.RollCallStatus(id=57, rollcall=ROLLCALL, answers=[ANSWER], unanswered=["yui"]),
    p.FeedPosted(post=POST),
    p.AttendanceChanged(entry=ENTRY),
    p.SiteOccupancy(site_id="tono", seats_used=3, seats_total=12),
    p.ScheduleChanged(person_id="ken", entries=SCHEDULE),
    p.PrivacyNotice(version=1, text="notice", retention_days=None),
    p.NoticeAcknowledged(person_id="ken", version=1),
    p.HistoryDeleted(person_id="ken"),
    p.RollCallStarted(rollcall=ROLLCALL),
    p.RollCallAnswered(answer=ANSWER),
    p.RollCallEnded(rollcall=msgspec.structs.replace(ROLLCALL, ended_at=9.0)),
]
