"""Attendance requests over a Session: check-in extras, manager views, figures, privacy
and roll-calls. Plain asyncio, no Qt: the desktop app, bots and tests share it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from client.session import Session
from rooms.attendance import BoardEntry, SiteBoard
from rooms.presence import Location
from rooms.protocol import (
    AcknowledgeNotice,
    AnswerRollCall,
    BoardReply,
    DeleteHistory,
    EndRollCall,
    ExportHistory,
    FeedReply,
    GetBoard,
    GetFeed,
    GetHistory,
    GetPrivacy,
    GetReport,
    GetRollCall,
    GetRoster,
    HistoryEntry,
    HistoryFile,
    HistoryReply,
    Ok,
    PrivacyReply,
    ReportReply,
    Request,
    RollCallStatus,
    RosterReply,
    SetSchedule,
    StartRollCall,
    TeamPost,
)
from rooms.rollcall import Safety
from rooms.schedule import ScheduleEntry
from rooms.telework import ReportName, ReportTable


class SiteDesk:
    """The attendance side of a session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    async def _ok(self, request: Request) -> str | None:
        reply = await self.session.request(request)
        assert isinstance(reply, Ok), reply
        return reply.ref

    def _id(self) -> int:
        return self.session.next_id()

    # ------------------------------------------------------------ your own

    async def set_schedule(self, entries: list[ScheduleEntry]) -> None:
        await self._ok(SetSchedule(id=self._id(), entries=entries))

    async def feed(self, days: int = 7) -> list[TeamPost]:
        reply = await self.session.request(GetFeed(id=self._id(), days=days))
        assert isinstance(reply, FeedReply)
        return reply.posts

    async def privacy(self) -> PrivacyReply:
        reply = await self.session.request(GetPrivacy(id=self._id()))
        assert isinstance(reply, PrivacyReply)
        return reply

    async def acknowledge(self, version: int) -> None:
        await self._ok(AcknowledgeNotice(id=self._id(), version=version))

    async def export_history(self, fmt: str = "json") -> str:
        reply = await self.session.request(ExportHistory(id=self._id(), format=fmt))
        assert isinstance(reply, HistoryFile)
        return reply.content

    async def save_history(self, path: Path, fmt: str = "json") -> Path:
        """Export your history to a file (CSV with a BOM, so spreadsheet apps read Japanese)."""
        content = await self.export_history(fmt)
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        await asyncio.to_thread(path.write_text, content, encoding=encoding)
        return path

    async def delete_history(self) -> None:
        await self._ok(DeleteHistory(id=self._id()))

    # ------------------------------------------------------------ managers

    async def board(self, site_id: str) -> SiteBoard:
        reply = await self.session.request(GetBoard(id=self._id(), site_id=site_id))
        assert isinstance(reply, BoardReply)
        return reply.board

    async def roster(self, team: str | None = None) -> tuple[str, list[BoardEntry]]:
        reply = await self.session.request(GetRoster(id=self._id(), team=team))
        assert isinstance(reply, RosterReply)
        return reply.day, reply.entries

    async def history(
        self, person_id: str, start: str | None = None, end: str | None = None, limit: int = 500
    ) -> list[HistoryEntry]:
        request = GetHistory(id=self._id(), person_id=person_id, start=start, end=end, limit=limit)
        reply = await self.session.request(request)
        assert isinstance(reply, HistoryReply)
        return reply.entries

    async def report(
        self,
        report: ReportName,
        start: str,
        end: str,
        *,
        core_day: str | None = None,
        team: str | None = None,
    ) -> ReportTable:
        request = GetReport(
            id=self._id(), report=report, start=start, end=end, core_day=core_day, team=team
        )
        reply = await self.session.request(request)
        assert isinstance(reply, ReportReply)
        return reply.table

    # ------------------------------------------------------------ roll-calls

    async def start_rollcall(self, message: str = "") -> str:
        ref = await self._ok(StartRollCall(id=self._id(), message=message))
        assert ref is not None
        return ref

    async def answer_rollcall(
        self, answer: Safety, location: Location | None = None, note: str = ""
    ) -> None:
        await self._ok(AnswerRollCall(id=self._id(), answer=answer, location=location, note=note))

    async def end_rollcall(self) -> None:
        await self._ok(EndRollCall(id=self._id()))

    async def rollcall_status(self) -> RollCallStatus:
        reply = await self.session.request(GetRollCall(id=self._id()))
        assert isinstance(reply, RollCallStatus)
        return reply
