"""A database from before sites (schema 1) upgrades in place: its check-ins get their
working day and their day shares, and the figures over them come out right."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rooms.telework import ReportName
from server.migrations import MIGRATIONS, SCHEMA_VERSION
from server.reports import ReportReader
from server.storage import Store

from .support import at

# (id, person, kind, half_day, start): 2025-07-01 and 2025-07-02 in Tokyo.
V1_ROWS = [
    # Ken, 1 July: home in the morning, Tono in the afternoon: one telework day.
    ("a", "ken", "home", "morning", at("2025-07-01", "09:00")),
    ("b", "ken", "satellite", "afternoon", at("2025-07-01", "13:00")),
    # Ken, 2 July: the main office all day, then home all day: one work day, one telework.
    ("c", "ken", "main-office", None, at("2025-07-02", "08:00")),
    ("d", "ken", "home", None, at("2025-07-02", "14:00")),
    # Yui, 1 July: home twice (a dropped link and a second check-in), a half day then full.
    ("e", "yui", "home", "morning", at("2025-07-01", "08:30")),
    ("f", "yui", "home", None, at("2025-07-01", "10:00")),
    # Yui, 2 July 00:30 in Tokyo is 1 July in UTC: it counts for 2 July.
    ("g", "yui", "main-office", "morning", at("2025-07-02", "00:30")),
]


async def test_a_schema_1_database_is_upgraded_with_days_and_shares(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
        conn.executemany(
            "INSERT INTO checkins (id, person_id, kind, site_id, start, end, half_day)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (i, p, k, "tono" if k == "satellite" else None, s, s + 3600, h)
                for i, p, k, h, s in V1_ROWS
            ],
        )
    store = await Store.open(db)
    assert await store.schema_version() == SCHEMA_VERSION
    days = {e.checkin.id: e.day for e in await store.history("yui", None, None, 10)}
    assert days == {"e": "2025-07-01", "f": "2025-07-01", "g": "2025-07-02"}
    await store.close()

    reader = ReportReader(db)
    table = reader.run(ReportName.PERSON_DAYS, "2025-07-01", "2025-07-02", people=["ken", "yui"])
    reader.close()
    got = {r["person_id"]: r for r in table.records()}
    assert [got["ken"][c] for c in ("home", "satellite", "main-office")] == [1.5, 0.5, 1.0]
    assert (got["ken"]["telework_days"], got["ken"]["work_days"]) == (2.0, 2.0)
    assert [got["yui"][c] for c in ("home", "main-office")] == [1.0, 0.5]
    assert (got["yui"]["telework_days"], got["yui"]["work_days"]) == (1.0, 1.5)
