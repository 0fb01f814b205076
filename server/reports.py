"""Telework figures, computed in SQL over the check-ins table.

The definitions are in rooms/telework.py. Each report reads one covering index in its
order (see migration 2), so SQLite streams the groups without sorting and never
touches the table rows. The reader uses its own connection: a long report does not
hold up the server's writes (WAL lets readers and the writer run side by side).

The same SQL runs on PostgreSQL (`PgReportReader`, in a read-only transaction of a
pooled connection): a report is a plan of queries (`_plan`) that either driver runs,
and only the index hints and the list parameter differ by dialect.

`people` narrows a report to a set of person ids (what a manager may see); None
means everyone, including people who have since left the directory.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Generator, Sequence
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


_WEIGHT = "CAST(CASE WHEN half_day IS NULL THEN 1.0 ELSE 0.5 END AS DOUBLE PRECISION)"
_KINDS = tuple(LocationKind)


def _scope(people: Sequence[str] | None, dialect: str) -> tuple[str, list[Any]]:
    if people is None:
        return "", []
    if dialect == "postgresql":
        return " AND person_id = ANY(CAST(? AS TEXT[]))", [list(people)]
    return " AND person_id IN (SELECT value FROM json_each(?))", [
        msgspec.json.encode(list(people)).decode()
    ]


# A report as a plan: it yields (sql, params) and is sent back the rows.
Plan = Generator[tuple[str, list[Any]], list[Any], list[list["Cell"]]]


# Each check-in carries its share of its person's day (kind, telework, work days;
# rooms.telework.day_shares), so a person's figures are plain sums: one pass over
# the (person, kind) index, no second grouping, no sort.
PERSON_DAYS_SQL = (
    "SELECT person_id, kind, SUM(kind_days), SUM(telework_days), SUM(work_days)"
    " FROM checkins {by_person_kind}"
    " WHERE day >= ? AND day <= ?{scope} GROUP BY person_id, kind"
)
TELEWORK_DAYS_SQL = (
    "SELECT COUNT(*),"  # noqa: S608
    f" COALESCE(SUM(CASE WHEN td >= {FIVE_PLUS_DAYS} THEN 1 ELSE 0 END), 0) FROM"
    " (SELECT SUM(telework_days) AS td FROM checkins {by_person_kind}"
    " WHERE day >= ? AND day <= ? AND kind <> 'main-office'{scope} GROUP BY person_id) AS t"
)
# By day, the whole office reads the (day, person) index in order; a manager's few
# people are looked up by person instead and their rows sorted by day.
CORE_DAY_SQL = (
    "SELECT COUNT(DISTINCT person_id) FROM checkins {by_day}"
    " WHERE day = ? AND kind <> 'main-office'{scope}"
)
DAILY_SHARE_SQL = (
    "SELECT day, COUNT(DISTINCT person_id) FROM checkins {by_day}"
    " WHERE day >= ? AND day <= ? AND kind <> 'main-office'{scope} GROUP BY day"
)
# Seat use is per site, day and person (a seat is one person's, whichever kind of
# check-in brought them): the largest weight of their check-ins there that day.
SITE_DAYS_SQL = (
    f"SELECT site_id, day, SUM(w), COUNT(*) FROM (SELECT site_id, day, person_id, MAX({_WEIGHT})"  # noqa: S608
    " AS w FROM checkins {by_site}"
    " WHERE site_id IS NOT NULL AND day >= ? AND day <= ?{scope}"
    " GROUP BY site_id, day, person_id) AS s GROUP BY site_id, day"
)


class ReportReader:
    """A read-only connection for reports, usable from one worker thread at a time."""

    dialect = "sqlite"

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
        check_period(start, end, core_day)
        with self._lock:
            plan = plan_report(self.dialect, report, start, end, people, core_day or start)
            try:
                query, rows = step_plan(plan, None)
                while query is not None:
                    query, rows = step_plan(plan, self._rows(*query))
            except sqlite3.Error as exc:
                raise ReportError(f"the report failed: {exc}") from exc
        assert rows is not None
        return report_table(report, start, end, rows)

    async def run_async(
        self,
        report: ReportName,
        start: str,
        end: str,
        *,
        people: Sequence[str] | None = None,
        core_day: str | None = None,
    ) -> ReportTable:
        """`run` on a worker thread, so the server's loop keeps serving."""
        return await asyncio.to_thread(
            self.run, report, start, end, people=people, core_day=core_day
        )


def step_plan(
    plan: Plan, answer: list[Any] | None
) -> tuple[tuple[str, list[Any]] | None, list[list[Cell]] | None]:
    """Feed a plan the rows of its last query: its next query, or its result."""
    try:
        return (next(plan) if answer is None else plan.send(answer)), None
    except StopIteration as done:
        return None, done.value


def check_period(start: str, end: str, core_day: str | None) -> None:
    problems = period_problems(start, end, core_day)
    if problems:
        raise ReportError("; ".join(problems))


def report_table(report: ReportName, start: str, end: str, rows: list[list[Cell]]) -> ReportTable:
    return ReportTable(
        report=report, start=start, end=end, columns=list(COLUMNS[report]), rows=rows
    )


def plan_report(
    dialect: str,
    report: ReportName,
    start: str,
    end: str,
    people: Sequence[str] | None,
    core_day: str,
) -> Plan:
    scope, scope_params = _scope(people, dialect)
    if dialect == "sqlite":
        by_person = "INDEXED BY checkins_person_kind"
        hints = {
            "by_person_kind": by_person,
            "by_day": by_person if people is not None else "INDEXED BY checkins_day_person",
            "by_site": by_person if people is not None else "INDEXED BY checkins_site_day",
        }
    else:  # PostgreSQL's planner picks the index itself
        hints = {"by_person_kind": "", "by_day": "", "by_site": ""}
    period = [start, end, *scope_params]

    def sql(template: str) -> str:
        return template.format(scope=scope, **hints)

    staff = 0
    if people is not None:
        staff = len(set(people))
    elif report is not ReportName.PERSON_DAYS and report is not ReportName.SITE_UTILISATION:
        staff = int((yield ("SELECT COUNT(*) FROM people WHERE disabled = 0", []))[0][0])
    if report is ReportName.PERSON_DAYS:
        directory_rows = yield ("SELECT id, display_name, team, disabled FROM people", [])
        figures_rows = yield (sql(PERSON_DAYS_SQL), period)
        return _person_days(directory_rows, figures_rows, people)
    if report is ReportName.DAILY_SHARE:
        counts = dict((yield (sql(DAILY_SHARE_SQL), period)))
        return [
            [day, staff, counts.get(day, 0), _ratio(counts.get(day, 0), staff)]
            for day in days_between(start, end)
        ]
    if report is ReportName.SITE_UTILISATION:
        site_rows = yield ("SELECT id, name, seats FROM sites", [])
        return _sites(site_rows, (yield (sql(SITE_DAYS_SQL), period)))
    participants, five_plus = (yield (sql(TELEWORK_DAYS_SQL), period))[0]
    core = (yield (sql(CORE_DAY_SQL), [core_day, *scope_params]))[0][0]
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
    directory_rows: list[Any], figure_rows: list[Any], people: Sequence[str] | None
) -> list[list[Cell]]:
    directory = {r[0]: (r[1], r[2]) for r in directory_rows if people is not None or not r[3]}
    kinds = {k.value: i for i, k in enumerate(_KINDS)}
    figures: dict[str, list[float]] = {}
    for pid, kind, kind_days, telework_days, work_days in figure_rows:
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


def _sites(site_rows: list[Any], day_rows: list[Any]) -> list[list[Cell]]:
    sites = {r[0]: (r[1], r[2]) for r in site_rows}
    totals: dict[str, list[Any]] = {}  # site -> [person_days, days_used, peak, peak_day]
    for site_id, day, weight, people in day_rows:
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
