"""Open the store a server or the admin CLI was pointed at: a SQLite file (the default)
or a PostgreSQL URL (`postgresql://user@host/db`, for many servers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from rooms.telework import ReportName, ReportTable
from server.postgres import PgReportReader, PgStore, is_postgres_url
from server.reports import ReportReader
from server.storage import Store


class Reports(Protocol):
    """The telework reports over whichever database the store uses."""

    async def run_async(
        self,
        report: ReportName,
        start: str,
        end: str,
        *,
        people: Sequence[str] | None = None,
        core_day: str | None = None,
    ) -> ReportTable: ...

    def close(self) -> None: ...


async def open_store(target: str | Path) -> Store:
    if is_postgres_url(str(target)):
        return await PgStore.open(str(target))
    return await Store.open(target)


def report_reader(store: Store) -> Reports:
    if isinstance(store, PgStore):
        return PgReportReader(store)
    return ReportReader(store.path)
