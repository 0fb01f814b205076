"""Durable storage in PostgreSQL (asyncpg), for many servers over one database.

The same `Store` API and the same SQL as SQLite (server/storage.py): statements are
written with `?` placeholders and portable spelling, and turned into `$1, $2, ...`
here. What differs is here too: the schema's version lives in a table, the directory
version is a counter the admin's writes move (there is no `PRAGMA data_version`), and
a list parameter is an array.

Fencing: a server that leads the office sets `fence` to its term. Each of its write
transactions then first checks, under a share lock on the `cluster` row, that no
newer leader has taken over; a newer leader's term bump waits for that lock, so a
deposed leader's write lands before the takeover or not at all.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from typing import Any, Self

import asyncpg

from rooms.telework import ReportName, ReportTable
from server.migrations import POSTGRES_MIGRATIONS, SCHEMA_VERSION
from server.reports import ReportError, check_period, plan_report, report_table, step_plan
from server.storage import Statement, StorageError, Store

# Errors that mean "the database is not there right now", as opposed to a bug.
_UNAVAILABLE = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncio.TimeoutError,
)

_QMARK = re.compile(r"'[^']*'|\"[^\"]*\"|\?")


def dollar_params(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$n` (quoted text left alone)."""
    n = 0

    def number(match: re.Match[str]) -> str:
        nonlocal n
        if match.group(0) != "?":
            return match.group(0)
        n += 1
        return f"${n}"

    return _QMARK.sub(number, sql)


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """A database URL without its password, for logs and messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


class _PgTx:
    def __init__(self, conn: Any) -> None:  # a pooled asyncpg connection
        self._conn = conn

    async def rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return list(await self._conn.fetch(dollar_params(sql), *params))

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        status = await self._conn.execute(dollar_params(sql), *params)
        tail = status.rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else 0


class FencedOff(StorageError):
    """This server no longer leads the office: a newer leader has taken over."""


class PgStore(Store):
    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool[Any], url: str) -> None:
        # Store's attributes, without its SQLite connection.
        self.path = redact(url)
        self._pool = pool
        self._write_lock = asyncio.Lock()  # unused: PostgreSQL serialises for us
        self.fence: int | None = None

    @classmethod
    async def open(cls, path: Any) -> Self:
        url = str(path)
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=8,
                timeout=5,
                command_timeout=15,
                # A server restart leaves dead connections in the pool: test them.
                max_inactive_connection_lifetime=60,
            )
        except (*_UNAVAILABLE, ValueError) as exc:
            raise StorageError(f"cannot open database {redact(url)}: {exc}") from exc
        store = cls(pool, url)
        try:
            await store._migrate()
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        await self._pool.close()

    async def _migrate(self) -> None:
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                # One server migrates at a time; the others wait, then find it done.
                await conn.execute("SELECT pg_advisory_xact_lock(7243)")
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
                )
                version = await conn.fetchval("SELECT MAX(version) FROM schema_version") or 0
                if version > SCHEMA_VERSION:
                    raise StorageError(
                        f"database schema {version} is newer than this server ({SCHEMA_VERSION})"
                    )
                for number, script in enumerate(POSTGRES_MIGRATIONS[version:], start=version + 1):
                    await conn.execute(script)
                    await conn.execute("DELETE FROM schema_version")
                    await conn.execute("INSERT INTO schema_version VALUES ($1)", number)
        except _UNAVAILABLE as exc:
            raise StorageError(f"cannot migrate {self.path}: {exc}") from exc

    async def schema_version(self) -> int:
        return int(await self._scalar("SELECT MAX(version) FROM schema_version") or 0)

    async def data_version(self) -> int:
        return int(await self._scalar("SELECT directory_version FROM cluster WHERE id = 1") or 0)

    def _directory_changed(self) -> list[tuple[str, Sequence[Any]]]:
        return [("UPDATE cluster SET directory_version = directory_version + 1 WHERE id = 1", ())]

    def member_of(self, column: str, values: Iterable[str]) -> tuple[str, Any]:
        return f"{column} = ANY(CAST(? AS TEXT[]))", list(values)

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            async with self._pool.acquire() as conn:
                return list(await conn.fetch(dollar_params(sql), *params))
        except _UNAVAILABLE as exc:
            raise StorageError(_message(exc)) from exc

    async def _write(self, statements: Iterable[Statement]) -> list[int]:
        counts: list[int] = []
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                if self.fence is not None:
                    term = await conn.fetchval("SELECT term FROM cluster WHERE id = 1 FOR SHARE")
                    if term != self.fence:
                        raise FencedOff(f"a newer leader (term {term}) has taken over")
                tx = _PgTx(conn)
                for statement in statements:
                    if callable(statement):
                        await statement(tx)
                        counts.append(0)
                    else:
                        counts.append(await tx.execute(*statement))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise StorageError(f"conflict: {exc}") from exc
        except _UNAVAILABLE as exc:
            raise StorageError(_message(exc)) from exc
        return counts

    async def take_term(self) -> int:
        """Become the office's leader in the database: a new term, fencing the old one."""
        try:
            async with self._pool.acquire() as conn:
                term = await conn.fetchval(
                    "UPDATE cluster SET term = term + 1 WHERE id = 1 RETURNING term"
                )
        except _UNAVAILABLE as exc:
            raise StorageError(_message(exc)) from exc
        self.fence = int(term)
        return self.fence


def _message(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, OSError | asyncpg.InterfaceError | asyncio.TimeoutError):
        return f"the database is unreachable: {text}"
    return text


class PgReportReader:
    """The telework reports over PostgreSQL, in read-only transactions."""

    dialect = "postgresql"

    def __init__(self, store: PgStore) -> None:
        self._store = store

    def close(self) -> None:
        pass  # the store's pool is closed with the store

    async def run_async(
        self,
        report: ReportName,
        start: str,
        end: str,
        *,
        people: Sequence[str] | None = None,
        core_day: str | None = None,
    ) -> ReportTable:
        check_period(start, end, core_day)
        plan = plan_report(self.dialect, report, start, end, people, core_day or start)
        try:
            async with self._store._pool.acquire() as conn, conn.transaction(readonly=True):
                query, result = step_plan(plan, None)
                while query is not None:
                    sql, params = query
                    query, result = step_plan(
                        plan, list(await conn.fetch(dollar_params(sql), *params))
                    )
        except _UNAVAILABLE as exc:
            raise ReportError(f"the report failed: {_message(exc)}") from exc
        assert result is not None
        return report_table(report, start, end, result)
