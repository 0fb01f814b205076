"""Telework figures: the reports, their columns, and CSV.

The server computes the figures in SQL (server/reports.py); this module holds what
both sides agree on: the report names, the period rules, the table sent over the
wire, and CSV for export. The definitions, once, in words:

- A check-in counts for its person, its local day and its location kind. A half-day
  check-in counts 0.5 of a day, a full one 1; several check-ins of one kind on one
  day count once, at the largest weight.
- Telework is every kind but the main office. A person's telework on a day is the
  sum over the telework kinds, capped at 1 day; likewise all work on a day.
- Share of staff teleworking on a day: people with any telework check-in that day,
  divided by the staff in view.
- Site utilisation: person-days at the site (weighted as above) divided by its seats
  times the days on which anyone used it.
- Telework Days: participants teleworked at least once in the period; "5+ days"
  counts people with 5 or more telework days; the core-day headcount counts people
  who teleworked on the chosen core day.

So that reports are single sums over the check-ins, each check-in is stored with its
share of its person's day (`day_shares`): what it added to the days of its kind, to
telework days and to work days, given the check-ins already there that day. The
shares of a person's day add up to the figures above whatever the order, as long
as a day's check-ins are only added to, or removed all together (a person deleting
their history, a purge of whole days).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections.abc import Iterable

import msgspec

from rooms.checkin import HalfDay, day_weight
from rooms.presence import LocationKind

MAX_PERIOD_DAYS = 732
FIVE_PLUS_DAYS = 5
CORE_DAY_GOAL = 100  # the national Telework Days asked for 100+ people on the core day


class ReportName(enum.StrEnum):
    PERSON_DAYS = "person-days"
    DAILY_SHARE = "daily-share"
    SITE_UTILISATION = "site-utilisation"
    TELEWORK_DAYS = "telework-days"


KIND_COLUMNS = tuple(k.value for k in LocationKind)
COLUMNS: dict[ReportName, tuple[str, ...]] = {
    ReportName.PERSON_DAYS: (
        "person_id",
        "name",
        "team",
        *KIND_COLUMNS,
        "telework_days",
        "work_days",
    ),
    ReportName.DAILY_SHARE: ("day", "staff", "teleworking", "share"),
    ReportName.SITE_UTILISATION: (
        "site_id",
        "site",
        "seats",
        "person_days",
        "days_used",
        "peak_people",
        "peak_day",
        "utilisation",
    ),
    ReportName.TELEWORK_DAYS: (
        "start",
        "end",
        "staff",
        "participants",
        "five_plus",
        "core_day",
        "core_day_headcount",
        "core_day_goal",
        "core_day_goal_met",
    ),
}

Cell = str | int | float | None
Slot = tuple[LocationKind, HalfDay | None]  # a check-in's kind and half day


def _weights(slots: Iterable[Slot]) -> dict[LocationKind, float]:
    weights: dict[LocationKind, float] = {}
    for kind, half in slots:
        weights[kind] = max(weights.get(kind, 0.0), day_weight(half))
    return weights


def _capped(weights: dict[LocationKind, float], telework: bool) -> float:
    kinds = [k for k in weights if not telework or k is not LocationKind.MAIN_OFFICE]
    return min(1.0, sum(weights[k] for k in kinds))


def day_shares(same_day: Iterable[Slot], new: Slot) -> tuple[float, float, float]:
    """What a new check-in adds to its person's day: (kind days, telework days, work days).

    `same_day` holds the person's check-ins already recorded for that day.
    """
    before = _weights(same_day)
    kind, half = new
    after = {**before, kind: max(before.get(kind, 0.0), day_weight(half))}
    return (
        after[kind] - before.get(kind, 0.0),
        _capped(after, telework=True) - _capped(before, telework=True),
        _capped(after, telework=False) - _capped(before, telework=False),
    )


class ReportTable(msgspec.Struct, frozen=True, kw_only=True):
    report: ReportName
    start: str
    end: str
    columns: list[str]
    rows: list[list[Cell]]

    def column(self, name: str) -> list[Cell]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def records(self) -> list[dict[str, Cell]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"not a date: {text!r} (write it as YYYY-MM-DD)") from None


def period_problems(start: str, end: str, core_day: str | None = None) -> list[str]:
    try:
        first, last = parse_day(start), parse_day(end)
        core = parse_day(core_day) if core_day else None
    except ValueError as exc:
        return [str(exc)]
    problems = []
    if last < first:
        problems.append("the period ends before it starts")
    elif (last - first).days + 1 > MAX_PERIOD_DAYS:
        problems.append(f"a period is at most {MAX_PERIOD_DAYS} days")
    if core is not None and not first <= core <= last:
        problems.append("the core day lies outside the period")
    return problems


def days_between(start: str, end: str) -> list[str]:
    first, last = parse_day(start), parse_day(end)
    return [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def to_csv(table: ReportTable) -> str:
    """CSV with a header row; numbers as written, empty cells for missing values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow("" if cell is None else _cell(cell) for cell in row)
    return out.getvalue()


def _cell(value: str | int | float) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)
