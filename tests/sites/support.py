"""A real server on 127.0.0.1 with a shared satellite site and two employers."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from client.session import Session
from client.sites import SiteDesk
from rooms.people import Person, Role
from rooms.presence import Location, LocationKind
from rooms.site import Site
from server.app import YoriaiServer
from server.passwords import hash_password
from server.storage import Store
from tests.integration.support import ROOT, fast_config

PASSWORD = "sites-test-pw"

PEOPLE = (
    Person(id="ada", display_name="Ada", role=Role.ADMIN, team="it", tenant="city", language="en"),
    Person(id="mika", display_name="Mika", role=Role.MANAGER, team="ops", tenant="acme"),
    Person(id="ken", display_name="Ken", team="ops", tenant="acme", language="en"),
    Person(id="yui", display_name="Yui", team="ops", tenant="acme"),
    Person(id="sam", display_name="Sam", role=Role.MANAGER, team="ops", tenant="globex"),
    Person(id="lee", display_name="Lee", team="ops", tenant="globex"),
    Person(id="taro", display_name="Taro", team="sales", tenant="acme"),
)
SITES = (
    # Shared by both employers; the site's own network is all of loopback.
    Site(
        id="tono",
        name="Tono",
        seats=4,
        seat_names=("A1", "A2"),
        tenants=frozenset({"acme", "globex"}),
        networks=("127.0.0.0/8",),
        closes="18:00",
    ),
    # Its network is one other loopback address: we never come from it.
    Site(id="narrow", name="Narrow", seats=10, networks=("127.0.0.2/32",)),
)
AT_TONO = Location(kind=LocationKind.SATELLITE, site_id="tono")
AT_NARROW = Location(kind=LocationKind.SATELLITE, site_id="narrow")
HOME = Location(kind=LocationKind.HOME)


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`yoriai-server --db DB ARGS...` as a child process."""
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def at(day: str, clock: str, tz: str = "Asia/Tokyo") -> float:
    """Seconds since the epoch at a wall-clock time in a zone."""
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo(tz)).timestamp()


async def make_sites_db(path: Path) -> Path:
    store = await Store.open(path)
    digest = hash_password(PASSWORD)
    await store.add_people((p, digest) for p in PEOPLE)
    for site in SITES:
        await store.save_site(site)
    await store.close()
    return path


@dataclass
class SitesOffice:
    server: YoriaiServer
    url: str
    db: Path
    sessions: list[Session] = field(default_factory=list)

    async def session(self, username: str) -> Session:
        s = Session(self.url, username=username, password=PASSWORD)
        self.sessions.append(s)
        await s.connect()
        return s

    async def desk(self, username: str) -> SiteDesk:
        return SiteDesk(await self.session(username))

    async def close(self) -> None:
        for s in self.sessions:
            with contextlib.suppress(Exception):
                await s.close()
        self.sessions.clear()
        await self.server.close()


@pytest.fixture
async def start_sites(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[SitesOffice]]]:
    offices: list[SitesOffice] = []

    async def start(db: Path | None = None, **overrides: object) -> SitesOffice:
        if db is None:
            db = await make_sites_db(tmp_path / f"sites{len(offices)}.db")
        server = await YoriaiServer.open(fast_config(db, **overrides))
        _host, port = await server.start()
        office = SitesOffice(server, f"ws://127.0.0.1:{port}", db)
        offices.append(office)
        return office

    yield start
    for office in offices:
        with contextlib.suppress(Exception):
            await office.close()


@pytest.fixture
async def sites(start_sites: Callable[..., Awaitable[SitesOffice]]) -> SitesOffice:
    return await start_sites()
