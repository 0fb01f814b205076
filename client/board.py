"""The live site board and the team roster, as plain models fed by a Session.

A view (Qt or otherwise) reads `rows` and `summary()` and subscribes with
`on_change`; the models load once from the server and then follow the live
`attendance` and `site.occupancy` events, so nothing polls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from client.labels import label
from client.session import Session
from client.sites import SiteDesk
from rooms.attendance import Attendance, BoardEntry, SiteBoard
from rooms.protocol import AttendanceChanged, ServerMessage, SiteOccupancy
from rooms.site import DEFAULT_TIME_ZONE, zone

Change = Callable[[], None]
_ORDER = {a: n for n, a in enumerate(Attendance)}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a board or roster, ready to show and to read aloud."""

    person_id: str
    name: str
    state: Attendance
    state_text: str
    where: str
    seat: str
    since: str  # local HH:MM, or "" when not checked in

    @property
    def spoken(self) -> str:
        parts = [self.name, self.state_text, self.where, self.seat, self.since]
        return ", ".join(p for p in parts if p)


class _LiveModel:
    def __init__(self, session: Session, lang: str) -> None:
        self.session = session
        self.desk = SiteDesk(session)
        self.lang = lang
        self._entries: dict[str, BoardEntry] = {}
        self._listeners: list[Change] = []
        session.add_listener(self._receive)

    def on_change(self, listener: Change) -> None:
        self._listeners.append(listener)

    def close(self) -> None:
        self.session.remove_listener(self._receive)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _receive(self, message: ServerMessage) -> None:
        raise NotImplementedError

    def _row(self, entry: BoardEntry, time_zone: str) -> Row:
        st = self.session.state
        person = st.people.get(entry.person_id)
        where = ""
        if entry.location is not None:
            site = st.sites.get(entry.location.site_id or "")
            where = site.name if site else label(entry.location.kind, self.lang)
        since = ""
        if entry.since is not None:
            since = dt.datetime.fromtimestamp(entry.since, zone(time_zone)).strftime("%H:%M")
        return Row(
            person_id=entry.person_id,
            name=person.display_name if person else entry.person_id,
            state=entry.state,
            state_text=label(entry.state, self.lang),
            where=where,
            seat=entry.seat or "",
            since=since,
        )

    def _sorted_rows(self, time_zone: str) -> list[Row]:
        rows = [self._row(e, time_zone) for e in self._entries.values()]
        return sorted(rows, key=lambda r: (_ORDER[r.state], r.name, r.person_id))


class SiteBoardModel(_LiveModel):
    """Who is in at one site: verified, self-reported, planned; seats used of total."""

    def __init__(self, session: Session, site_id: str, lang: str = "ja") -> None:
        super().__init__(session, lang)
        self.site_id = site_id
        self.seats_used = 0
        self.seats_total = 0
        self.day = ""

    async def load(self) -> None:
        self._apply(await self.desk.board(self.site_id))

    def _apply(self, board: SiteBoard) -> None:
        self.seats_used, self.seats_total, self.day = board.seats_used, board.seats_total, board.day
        self._entries = {e.person_id: e for e in board.entries}
        self._changed()

    @property
    def time_zone(self) -> str:
        site = self.session.state.sites.get(self.site_id)
        return site.time_zone if site else DEFAULT_TIME_ZONE

    @property
    def rows(self) -> list[Row]:
        return self._sorted_rows(self.time_zone)

    def count(self, state: Attendance) -> int:
        return sum(1 for e in self._entries.values() if e.state is state)

    def summary(self) -> str:
        v, s, p = (self.count(a) for a in list(Attendance)[:3])
        if self.lang.startswith("ja"):
            return (
                f"座席 {self.seats_used}/{self.seats_total} 使用中。"
                f"現地確認 {v} 人、自己申告 {s} 人、予定 {p} 人"
            )
        return (
            f"{self.seats_used} of {self.seats_total} seats in use; "
            f"{v} verified, {s} self-reported, {p} planned"
        )

    def _receive(self, message: ServerMessage) -> None:
        if isinstance(message, SiteOccupancy) and message.site_id == self.site_id:
            self.seats_used, self.seats_total = message.seats_used, message.seats_total
            self._changed()
        elif isinstance(message, AttendanceChanged):
            entry = message.entry
            here = entry.location is not None and entry.location.site_id == self.site_id
            if here and entry.state is not Attendance.ABSENT:
                self._entries[entry.person_id] = entry
            elif self._entries.pop(entry.person_id, None) is None:
                return
            self._changed()


class RosterModel(_LiveModel):
    """A manager's team(s) by location today, updated live."""

    def __init__(
        self, session: Session, team: str | None = None, lang: str = "ja", time_zone: str = ""
    ) -> None:
        super().__init__(session, lang)
        self.team = team
        self.day = ""
        self.time_zone = time_zone or DEFAULT_TIME_ZONE

    async def load(self) -> None:
        self.day, entries = await self.desk.roster(self.team)
        self._entries = {e.person_id: e for e in entries}
        self._changed()

    @property
    def rows(self) -> list[Row]:
        return self._sorted_rows(self.time_zone)

    def by_location(self) -> dict[str, list[Row]]:
        """Rows grouped under a heading: the site or kind of place, then planned, then absent."""
        groups: dict[str, list[Row]] = {}
        for row in self.rows:
            if row.state is Attendance.ABSENT:
                heading = label(Attendance.ABSENT, self.lang)
            elif row.state is Attendance.PLANNED:
                heading = f"{label(Attendance.PLANNED, self.lang)}: {row.where}"
            else:
                heading = row.where
            groups.setdefault(heading, []).append(row)
        return groups

    def _receive(self, message: ServerMessage) -> None:
        if isinstance(message, AttendanceChanged) and message.entry.person_id in self._entries:
            self._entries[message.entry.person_id] = message.entry
            self._changed()
