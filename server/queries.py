"""Read-only requests about attendance: boards, rosters, histories, reports, the team
feed, the privacy notice, one's own export, and the roll-call status.

Every read is cut to what the viewer may see (rooms.scope) here, on the server: a
member reads only their own history and no reports; a manager sees their own
employer's people in the teams they look after; an administrator sees everyone.
Every read of someone else's history, and every report, is written to the audit log
before the answer goes out.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable

import msgspec

from rooms.attendance import roster, site_board
from rooms.errors import ErrorCode, OfficeError
from rooms.office import Office
from rooms.people import Person, Role
from rooms.privacy import NOTICE_VERSION, notice_text
from rooms.protocol import (
    BoardReply,
    ExportHistory,
    FeedReply,
    GetBoard,
    GetFeed,
    GetHistory,
    GetPrivacy,
    GetReport,
    GetRollCall,
    GetRoster,
    HistoryFile,
    HistoryReply,
    PrivacyReply,
    ReportReply,
    RollCallStatus,
    RosterReply,
    SiteQuery,
    SiteReply,
)
from rooms.scope import reads_feed_of, sees, visible
from rooms.telework import parse_day
from server.reports import ReportError
from server.storage import Store
from server.stores import Reports

SITE_QUERIES = (
    GetBoard,
    GetRoster,
    GetHistory,
    GetReport,
    GetFeed,
    GetPrivacy,
    ExportHistory,
    GetRollCall,
)
EXPORT_COLUMNS = (
    "day",
    "id",
    "kind",
    "site_id",
    "seat",
    "start",
    "end",
    "half_day",
    "verified",
    "auto_ended",
    "plan",
    "report",
)


def _forbidden(message: str) -> OfficeError:
    return OfficeError(ErrorCode.FORBIDDEN, message)


def _require_manager(viewer: Person, what: str) -> None:
    if not viewer.role.at_least(Role.MANAGER):
        raise _forbidden(f"only managers and administrators can read {what}")


def _check_day(value: str | None) -> None:
    if value is not None:
        try:
            parse_day(value)
        except ValueError as exc:
            raise OfficeError(ErrorCode.INVALID, str(exc)) from None


class Queries:
    def __init__(
        self, office: Office, store: Store, reader: Reports, clock: Callable[[], float]
    ) -> None:
        self.office = office
        self.store = store
        self.reader = reader
        self.clock = clock
        self._report_lock = asyncio.Lock()  # one report at a time on the reader

    async def answer(self, viewer_id: str, request: SiteQuery) -> SiteReply:
        viewer = self.office.state.people.get(viewer_id)
        if viewer is None:
            raise OfficeError(ErrorCode.NOT_AUTHENTICATED, "unknown person")
        match request:
            case GetBoard():
                board = self._board(viewer, request)
                await self.store.audit(self.clock(), viewer.id, "board.read", request.site_id)
                return board
            case GetRoster():
                roster_reply = self._roster(viewer, request)
                await self.store.audit(
                    self.clock(), viewer.id, "roster.read", request.team or "(all)"
                )
                return roster_reply
            case GetHistory():
                return await self._history(viewer, request)
            case GetReport():
                return await self._report(viewer, request)
            case GetFeed():
                return await self._feed(viewer, request)
            case GetPrivacy():
                return self._privacy(viewer, request)
            case ExportHistory():
                return await self._export(viewer, request)
            case GetRollCall():
                status = self._rollcall(viewer, request)
                if viewer.role is not Role.MEMBER:  # a manager reads their people's answers
                    await self.store.audit(self.clock(), viewer.id, "rollcall.read", "")
                return status

    # ------------------------------------------------------------ live views

    def _board(self, viewer: Person, req: GetBoard) -> BoardReply:
        _require_manager(viewer, "site boards")
        st = self.office.state
        site = st.sites.get(req.site_id)
        if site is None:
            raise OfficeError(ErrorCode.NOT_FOUND, f"there is no site {req.site_id!r}")
        board = site_board(
            site, viewer, st.people, st.checkins, st.schedules, st.last_day, self.clock()
        )
        return BoardReply(id=req.id, board=board)

    def _roster(self, viewer: Person, req: GetRoster) -> RosterReply:
        _require_manager(viewer, "team rosters")
        if req.team is not None and viewer.role is Role.MANAGER and req.team not in viewer.teams:
            raise _forbidden(f"you do not manage the team {req.team!r}")
        st = self.office.state
        day, entries = roster(
            viewer,
            st.people,
            st.checkins,
            st.schedules,
            st.last_day,
            self.clock(),
            self.office.rules.time_zone,
            team=req.team,
        )
        return RosterReply(id=req.id, day=day, entries=entries)

    # ------------------------------------------------------------ history and figures

    async def _history(self, viewer: Person, req: GetHistory) -> HistoryReply:
        _check_day(req.start)
        _check_day(req.end)
        target = self.office.state.people.get(req.person_id)
        if req.person_id != viewer.id:
            if target is None and viewer.role is not Role.ADMIN:
                raise OfficeError(ErrorCode.NOT_FOUND, f"there is no person {req.person_id!r}")
            if target is not None and (viewer.role is Role.MEMBER or not sees(viewer, target)):
                raise _forbidden("you can read only the history of the people you manage")
            # Written before anything is read: no audit entry, no history.
            await self.store.audit(self.clock(), viewer.id, "history.read", req.person_id)
        entries = await self.store.history(req.person_id, req.start, req.end, req.limit)
        return HistoryReply(id=req.id, person_id=req.person_id, entries=entries)

    def _scope(self, viewer: Person, team: str | None) -> list[str] | None:
        people = self.office.state.people.values()
        if viewer.role is Role.ADMIN:
            return None if team is None else [p.id for p in people if p.team == team]
        if team is not None and team not in viewer.teams:
            raise _forbidden(f"you do not manage the team {team!r}")
        return [p.id for p in visible(viewer, people) if team is None or p.team == team]

    async def _report(self, viewer: Person, req: GetReport) -> ReportReply:
        _require_manager(viewer, "reports")
        people = self._scope(viewer, req.team)
        detail = f"{req.report.value} {req.start}..{req.end}" + (
            f" team={req.team}" if req.team else ""
        )
        await self.store.audit(self.clock(), viewer.id, "report.read", detail)
        async with self._report_lock:
            try:
                table = await self.reader.run_async(
                    req.report,
                    req.start,
                    req.end,
                    people=people,
                    core_day=req.core_day,
                )
            except ReportError as exc:
                raise OfficeError(ErrorCode.INVALID, str(exc)) from None
        return ReportReply(id=req.id, table=table)

    async def _feed(self, viewer: Person, req: GetFeed) -> FeedReply:
        days = max(1, min(req.days, 31))
        people = self.office.state.people.values()
        who = (
            None
            if viewer.role is Role.ADMIN
            else [p.id for p in people if reads_feed_of(viewer, p)]
        )
        posts = await self.store.feed(who, self.clock() - days * 86400, req.limit)
        return FeedReply(id=req.id, posts=posts)

    # ------------------------------------------------------------ privacy

    def _privacy(self, viewer: Person, req: GetPrivacy) -> PrivacyReply:
        days = self.office.retention_days
        return PrivacyReply(
            id=req.id,
            version=NOTICE_VERSION,
            text=notice_text(viewer.language, days),
            acknowledged=self.office.state.notice_acks.get(viewer.id, 0),
            retention_days=days,
        )

    async def _export(self, viewer: Person, req: ExportHistory) -> HistoryFile:
        if req.format not in ("json", "csv"):
            raise OfficeError(ErrorCode.INVALID, "export as json or csv")
        entries = await self.store.history(viewer.id, None, None, 5000)
        if req.format == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(EXPORT_COLUMNS)
            for e in reversed(entries):
                c = e.checkin
                writer.writerow(
                    [
                        e.day,
                        c.id,
                        c.location.kind.value,
                        c.location.site_id or "",
                        c.seat or "",
                        c.start,
                        "" if c.end is None else c.end,
                        c.half_day.value if c.half_day else "",
                        int(c.verified),
                        int(c.auto_ended),
                        c.plan,
                        c.report,
                    ]
                )
            return HistoryFile(id=req.id, format="csv", content=out.getvalue())
        st = self.office.state
        document = {
            "person": viewer,
            "exported_at": self.clock(),
            "checkins": list(reversed(entries)),
            "schedule": list(st.schedules.get(viewer.id, ())),
            "privacy_notice_acknowledged": st.notice_acks.get(viewer.id, 0),
            "rollcall_answers": await self.store.rollcall_answers(person_id=viewer.id),
        }
        content = msgspec.json.format(msgspec.json.encode(document).decode(), indent=2)
        return HistoryFile(id=req.id, format="json", content=content)

    # ------------------------------------------------------------ roll-call

    def _rollcall(self, viewer: Person, req: GetRollCall) -> RollCallStatus:
        st = self.office.state
        seen = visible(viewer, st.people.values())
        answers = [st.rollcall_answers[p.id] for p in seen if p.id in st.rollcall_answers]
        unanswered = (
            sorted(p.id for p in seen if p.id not in st.rollcall_answers) if st.rollcall else []
        )
        return RollCallStatus(
            id=req.id, rollcall=st.rollcall, answers=answers, unanswered=unanswered
        )
