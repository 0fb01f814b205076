"""Open the store a server or the admin CLI was pointed at: a SQLite file (the default)
or a PostgreSQL URL (`postgresql://user@host/db`, for many servers)."""

from __future__ import annotations

from pathlib import Path

from server.postgres import PgStore, is_postgres_url
from server.storage import Store


async def open_store(target: str | Path) -> Store:
    if is_postgres_url(str(target)):
        return await PgStore.open(str(target))
    return await Store.open(target)
