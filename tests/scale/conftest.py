"""Fixtures for the scale tests: real PostgreSQL and Redis on 127.0.0.1."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .services import PostgresServer, RedisServer


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the whole run (initdb takes seconds); a database each."""
    # Not under pytest's tmp_path: the `postgres` user must be able to reach it.
    workdir = Path(tempfile.mkdtemp(prefix="yoriai-pg-"))
    server = PostgresServer(workdir)
    server.init()
    server.start()
    yield server
    server.stop("immediate")
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """A fresh, empty database for one test."""
    name = "t" + uuid.uuid4().hex[:12]
    postgres.create_database(name)
    return postgres.dsn(name)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()
