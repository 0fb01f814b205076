"""Telework figures, computed in SQL over the check-ins table.

The definitions are in rooms/telework.py. Each report reads one covering index in its
order (see migration 2), so SQLite streams the groups without sorting and never
touches the table rows. The reader uses its own connection: a long report does not
hold up the server's writes (WAL lets readers and the writer run side by side).

`people` narrows a report to a set of person ids (what a manager may see); None
means everyone, including people who have since left the directory.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from rooms.presence import LocationKind
from rooms.telework import (
    COLUMNS,
    CORE_DAY_GOAL,
    FIVE_PLUS_DAYS,
    Cell,
    ReportName,
    ReportTable,
    days_between,
    period_problems,
)


class ReportError(ValueError):
    pass


_WEIGHT = "CASE WHEN half_day IS NULL THEN 1.0 ELSE 0.5 END"
_KINDS = tuple(LocationKind)


def _scope(people: Sequence[str] | None) -> tuple[str, list[Any]]:
    if people is None:
        return "", []
    return " AND person_id IN (SELECT value FROM json_each(?))", [
        msgspec.json.encode(list(people)).decode()
    ]


# Each check-in carries its share of its person's day (kind, telework, work days;
# rooms.telework.day_shares), so a person's figures are plain sums: one pass over
# the (person, kind) index, no second grouping, no sort.
PERSON_DAYS_SQL = (
    "SELECT person_id, kind, SUM(kind_days), SUM(telework_days), SUM(work_days)"
    " FROM checkins INDEXED BY checkins_person_kind"
    " WHERE day >= ? AND day <= ?{scope} GROUP BY person_id, kind"
)
TELEWORK_DAYS_SQL = (
    f"SELECT COUNT(*), COALESCE(SUM(td >= {FIVE_PLUS_DAYS}), 0) FROM"  # noqa: S608
    " (SELECT SUM(telework_days) AS td FROM checkins INDEXED BY checkins_person_kind"
    " WHERE day >= ? AND day <= ? AND kind <> 'main-office'{scope} GROUP BY person_id)"
)
# By day, the whole office reads the (day, person) index in order; a manager's few
# people are looked up by person instead and their rows sorted by day.
CORE_DAY_SQL = (
    "SELECT COUNT(DISTINCT person_id) FROM checkins INDEXED BY {by_day}"
    " WHERE day = ? AND kind <> 'main-office'{scope}"
)
DAILY_SHARE_SQL = (
    "SELECT day, COUNT(DISTINCT person_id) FROM checkins INDEXED BY {by_day}"
    " WHERE day >= ? AND day <= ? AND kind <> 'main-office'{scope} GROUP BY day"
)
# Seat use is per site, day and person (a seat is one person's, whichever kind of
# check-in brought them): the largest weight of their check-ins there that day.
SITE_DAYS_SQL = (
    f"SELECT site_id, day, SUM(w), COUNT(*) FROM (SELECT site_id, day, person_id, MAX({_WEIGHT})"  # noqa: S608
    " AS w FROM checkins INDEXED BY {by_site}"
    " WHERE site_id IS NOT NULL AND day >= ? AND day <= ?{scope}"
    " GROUP BY site_id, day, person_id) GROUP BY site_id, day"
)


class ReportReader:
    """A read-only connection for reports, usable from one worker thread at a time."""

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._conn.execute("PRAGMA query_only = ON")
        self._conn.execute("PRAGMA busy_timeout = 5000")
        self._lock = threading.Lock()

    @classmethod
    def over(cls, conn: sqlite3.Connection) -> ReportReader:
        """Reports over a connection someone else holds (the bench's, a test's)."""
        reader = cls.__new__(cls)
        reader._conn = conn
        reader._lock = threading.Lock()
        return reader

    def close(self) -> None:
        self._conn.close()

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return self._conn.execute(sql, params).fetchall()

    def staff(self, people: Sequence[str] | None) -> int:
        if people is not None:
            return len(set(people))
        return int(self._rows("SELECT COUNT(*) FROM people WHERE disabled = 0", ())[0][0])

    def run(
        self,
        report: ReportName,
        start: str,
        end: str,
        *,
        people: Sequence[str] | None = None,
        core_day: str | None = None,
    ) -> ReportTable:
        problems = period_problems(start, end, core_day)
        if problems:
            raise ReportError("; ".join(problems))
        with self._lock:
            try:
                rows = self._compute(report, start, end, people, core_day or start)
            except sqlite3.Error as exc:
                raise ReportError(f"the report failed: {exc}") from exc
        return ReportTable(
            report=report, start=start, end=end, columns=list(COLUMNS[report]), rows=rows
        )

    def _compute(
        self,
        report: ReportName,
        start: str,
        end: str,
        people: Sequence[str] | None,
        core_day: str,
    ) -> list[list[Cell]]:
        scope, scope_params = _scope(people)
        by_person = "checkins_person_kind"
        indexes = {
            "scope": scope,
            "by_day": by_person if people is not None else "checkins_day_person",
            "by_site": by_person if people is not None else "checkins_site_day",
        }
        period = [start, end, *scope_params]
        if report is ReportName.PERSON_DAYS:
            return self._person_days(PERSON_DAYS_SQL.format(**indexes), period, people)
        if report is ReportName.DAILY_SHARE:
            staff = self.staff(people)
            counts = dict(self._rows(DAILY_SHARE_SQL.format(**indexes), period))
            return [
                [day, staff, counts.get(day, 0), _ratio(counts.get(day, 0), staff)]
                for day in days_between(start, end)
            ]
        if report is ReportName.SITE_UTILISATION:
            return self._sites(SITE_DAYS_SQL.format(**indexes), period)
        staff = self.staff(people)
        participants, five_plus = self._rows(TELEWORK_DAYS_SQL.format(**indexes), period)[0]
        core = self._rows(CORE_DAY_SQL.format(**indexes), [core_day, *scope_params])[0][0]
        return [
            [
                start,
                end,
                staff,
                participants,
                five_plus,
                core_day,
                core,
                CORE_DAY_GOAL,
                int(core >= CORE_DAY_GOAL),
            ]
        ]

    def _person_days(
        self, sql: str, params: list[Any], people: Sequence[str] | None
    ) -> list[list[Cell]]:
        directory = {
            r[0]: (r[1], r[2])
            for r in self._rows("SELECT id, display_name, team, disabled FROM people", ())
            if people is not None or not r[3]
        }
        kinds = {k.value: i for i, k in enumerate(_KINDS)}
        figures: dict[str, list[float]] = {}
        for pid, kind, kind_days, telework_days, work_days in self._rows(sql, params):
            f = figures.setdefault(pid, [0.0] * (len(_KINDS) + 2))
            f[kinds[kind]] += kind_days
            f[-2] += telework_days
            f[-1] += work_days
        wanted = set(people) if people is not None else set(directory)
        zero = [0.0] * (len(_KINDS) + 2)
        rows: list[list[Cell]] = []
        for pid in sorted(wanted | set(figures)):
            name, team = directory.get(pid, ("", ""))
            rows.append([pid, name, team, *figures.get(pid, zero)])
        return rows

    def _sites(self, sql: str, params: list[Any]) -> list[list[Cell]]:
        sites = {r[0]: (r[1], r[2]) for r in self._rows("SELECT id, name, seats FROM sites", ())}
        totals: dict[str, list[Any]] = {}  # site -> [person_days, days_used, peak, peak_day]
        for site_id, day, weight, people in self._rows(sql, params):
            t = totals.setdefault(site_id, [0.0, 0, 0, None])
            t[0] += weight
            t[1] += 1
            if people > t[2]:
                t[2], t[3] = people, day
        rows: list[list[Cell]] = []
        for site_id in sorted(set(sites) | set(totals)):
            name, seats = sites.get(site_id, ("", 0))
            person_days, days_used, peak, peak_day = totals.get(site_id, [0.0, 0, 0, None])
            used = _ratio(person_days, seats * days_used) if seats and days_used else None
            rows.append([site_id, name, seats, person_days, days_used, peak, peak_day, used])
        return rows


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 6) if whole else 0.0
