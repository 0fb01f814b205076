"""Telework reports over a year of check-ins, against one plain SQL aggregate.

    python bench/reports.py [--people 4000] [--year 2025] [--repeat 5]

Builds a temporary SQLite database with the server's own schema (every migration,
so the report indexes too), 4,000 people in 80 teams of two employers and 15
satellite sites, and a full year of check-ins: on each weekday most people check in
once (home, satellite, mobile, main office or workation), some twice as half days,
about a million rows. Then it times, in the same run over the same rows:

- the baseline: one plain aggregate over the check-ins table,
  `SELECT COUNT(*), SUM(end - start) FROM checkins` (a single scan, no grouping; the
  same aggregate limited to the year with `WHERE day BETWEEN` is timed too and the
  faster of the two is the baseline, so the baseline is never slowed by a plan);
- each report as the server runs it (server/reports.py, whole office, for the year):
  person-days, daily-share, site-utilisation and telework-days;
- the same four for one manager's staff (a team of 50), for information;
- for information too, a plain aggregate over the narrow covering index the person
  reports read (`baseline_index_s`, `worst_ratio_vs_index`): a stricter yardstick
  than the table scan, since the index is smaller than the table.

Each figure is the median of --repeat runs after one warm-up run (a warm page cache,
as on a server that has been answering). `ratio_*` = report / baseline;
`worst_ratio` is the largest over the four whole-office reports. Target: <= 3.
Human-readable figures first; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rooms.checkin import HalfDay  # noqa: E402
from rooms.presence import LocationKind  # noqa: E402
from rooms.telework import ReportName, Slot, day_shares  # noqa: E402
from server.reports import ReportReader  # noqa: E402
from server.storage import Store  # noqa: E402

KINDS = [
    ("main-office", 0.40),
    ("home", 0.35),
    ("satellite", 0.15),
    ("mobile", 0.05),
    ("workation", 0.05),
]
SITES = 15
TEAMS = 80


async def create_schema(path: Path) -> None:
    store = await Store.open(path)  # runs every migration
    await store.close()


def fill(conn: sqlite3.Connection, people: int, year: int, seed: int) -> int:
    rnd = random.Random(seed)
    conn.executemany(
        "INSERT INTO people (id, display_name, team, role, language, tenant, password_hash)"
        " VALUES (?, ?, ?, 'member', 'ja', ?, 'x')",
        [
            (f"p{n:05d}", f"Person {n}", f"team{n % TEAMS:02d}", "acme" if n % 2 else "globex")
            for n in range(people)
        ],
    )
    conn.executemany(
        "INSERT INTO sites (id, name, seats) VALUES (?, ?, ?)",
        [(f"site{n:02d}", f"Site {n}", rnd.randint(10, 30)) for n in range(SITES)],
    )
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    tokyo = dt.timezone(dt.timedelta(hours=9))
    day = dt.date(year, 1, 1)
    rows = 0
    n = 0
    while day.year == year:
        if day.weekday() < 5:
            nine = dt.datetime.combine(day, dt.time(9), tzinfo=tokyo).timestamp()
            iso = day.isoformat()
            batch = []
            for p in range(people):
                if rnd.random() < 0.05:
                    continue  # leave, sick, a day off
                halves = [None] if rnd.random() < 0.9 else ["morning", "afternoon"]
                same_day: list[Slot] = []
                for half in halves:
                    kind = rnd.choices(kinds, weights)[0]
                    site = f"site{rnd.randrange(SITES):02d}" if kind == "satellite" else None
                    start = nine + (4 * 3600 if half == "afternoon" else 0)
                    end = start + (4 if half else 8) * 3600
                    slot = (LocationKind(kind), HalfDay(half) if half else None)
                    # the shares the server stores with each check-in (Store.apply)
                    shares = day_shares(same_day, slot)
                    same_day.append(slot)
                    n += 1
                    batch.append(
                        (f"c{n:08d}", f"p{p:05d}", kind, site, start, end, half, iso, *shares)
                    )
            conn.executemany(
                "INSERT INTO checkins (id, person_id, kind, site_id, start, end, half_day, day,"
                " kind_days, telework_days, work_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            rows += len(batch)
        day += dt.timedelta(days=1)
    conn.commit()
    return rows


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start, end = f"{args.year}-01-01", f"{args.year}-12-31"

    with tempfile.TemporaryDirectory(prefix="yoriai-bench-") as tmp:
        db = Path(tmp) / "reports.db"
        asyncio.run(create_schema(db))
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode=WAL")
        began = time.perf_counter()
        rows = fill(conn, args.people, args.year, args.seed)
        load_s = time.perf_counter() - began
        print(
            f"{rows:,} check-ins of {args.people:,} people in {args.year}, loaded in {load_s:.1f} s"
        )

        baseline_all_s, (count, _hours) = timed(
            lambda: conn.execute("SELECT COUNT(*), SUM(end - start) FROM checkins").fetchone(),
            args.repeat,
        )
        baseline_year_s, _ = timed(
            lambda: conn.execute(
                "SELECT COUNT(*), SUM(end - start) FROM checkins WHERE day BETWEEN ? AND ?",
                (start, end),
            ).fetchone(),
            args.repeat,
        )
        assert count == rows
        baseline_s = min(baseline_all_s, baseline_year_s)
        # Stricter, for information: a plain aggregate over the narrow covering index the
        # person reports read (smaller than the table, so faster to scan).
        index_s, _ = timed(
            lambda: conn.execute(
                "SELECT COUNT(*), SUM(work_days) FROM checkins INDEXED BY checkins_person_kind"
            ).fetchone(),
            args.repeat,
        )
        print(
            f"baseline (plain aggregate): {baseline_s * 1000:.1f} ms"
            f" (whole table {baseline_all_s * 1000:.1f} ms,"
            f" year range {baseline_year_s * 1000:.1f} ms;"
            f" over the report index {index_s * 1000:.1f} ms)"
        )

        reader = ReportReader(db)
        team = [
            r[0]
            for r in conn.execute("SELECT id FROM people WHERE team = 'team07' AND tenant = 'acme'")
        ]
        figures: dict[str, Any] = {"rows": rows, "people": args.people, "load_s": round(load_s, 2)}
        figures["baseline_s"] = round(baseline_s, 4)
        figures["baseline_index_s"] = round(index_s, 4)
        ratios = []
        for report in ReportName:
            key = report.value.replace("-", "_")
            took, table = timed(lambda r=report: reader.run(r, start, end), args.repeat)
            ratio = took / baseline_s
            ratios.append(ratio)
            figures[f"{key}_s"] = round(took, 4)
            figures[f"ratio_{key}"] = round(ratio, 2)
            scoped_s, _ = timed(
                lambda r=report: reader.run(r, start, end, people=team), args.repeat
            )
            figures[f"{key}_manager_s"] = round(scoped_s, 4)
            print(
                f"{report.value:>17}: {took * 1000:7.1f} ms"
                f"  ({ratio:.2f}x baseline, {len(table.rows)} rows)"
                f"   one manager's {len(team)} staff: {scoped_s * 1000:6.1f} ms"
            )
        reader.close()
        conn.close()
        figures["worst_ratio"] = round(max(ratios), 2)
        figures["worst_ratio_vs_index"] = round(max(ratios) * baseline_s / index_s, 2)
        figures["target_ratio"] = 3.0
        print(f"worst ratio {figures['worst_ratio']} (target <= 3)")
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
