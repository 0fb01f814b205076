"""Privacy: the notice before the first check-in, retention and purge, and each
person's export and deletion of their own history."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from client.privacy import PrivacyNoticeGate
from client.sites import SiteDesk
from rooms.checkin import CheckIn
from rooms.office import SaveCheckIn
from rooms.privacy import NOTICE_VERSION
from rooms.protocol import PrivacyNotice
from rooms.site import local_day
from server.storage import RETENTION_KEY, Store

from .support import AT_TONO, HOME, SitesOffice, cli

DAY = 86400.0


async def test_the_first_check_in_shows_the_notice_once_acknowledged(sites: SitesOffice) -> None:
    ken = await sites.session("ken")
    gate = PrivacyNoticeGate(ken)
    shown: list[PrivacyNotice] = []
    gate.on_notice(shown.append)
    assert not gate.acknowledged
    # A client asks before the first check-in, shows it, and records the acknowledgement.
    notice = await gate.before_first_check_in()
    assert notice is not None and notice.version == NOTICE_VERSION
    assert "Who can see it" in notice.text and "400 days" in notice.text
    # a client that checks in first still gets the notice, from the server
    await ken.check_in(HOME)
    await ken.wait_until(lambda: bool(shown))
    assert shown[0].text == notice.text
    await gate.acknowledge()
    await ken.wait_until(lambda: gate.acknowledged)
    assert await gate.before_first_check_in() is None
    shown.clear()
    await ken.check_in(AT_TONO)
    await ken.ping()
    assert shown == []
    # recorded: a new connection knows it from its snapshot, and so does the database
    again = PrivacyNoticeGate(await sites.session("ken"))
    assert again.acknowledged
    with sqlite3.connect(str(sites.db)) as conn:
        assert conn.execute("SELECT version FROM notice_acks WHERE person_id='ken'").fetchone() == (
            NOTICE_VERSION,
        )
    # Japanese speakers read it in Japanese
    yui = SiteDesk(await sites.session("yui"))
    assert "見ることができる人" in (await yui.privacy()).text


async def test_export_and_delete_ones_own_history(sites: SitesOffice, tmp_path: Path) -> None:
    ken, yui = await sites.session("ken"), await sites.session("yui")
    await ken.check_in(HOME, plan="plan one")
    await ken.check_out(report="report one")
    await ken.check_in(AT_TONO, seat="A1", plan="plan two")
    await yui.check_in(HOME, plan="yui's plan")
    desk = SiteDesk(ken)

    document = json.loads(await desk.export_history("json"))
    assert document["person"]["id"] == "ken"
    plans = [e["checkin"]["plan"] for e in document["checkins"]]
    assert plans == ["plan one", "plan two"]
    assert document["checkins"][0]["checkin"]["report"] == "report one"
    assert document["checkins"][1]["checkin"]["seat"] == "A1"
    path = await desk.save_history(tmp_path / "mine.csv", "csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [r["plan"] for r in rows] == ["plan one", "plan two"]
    assert {r["kind"] for r in rows} == {"home", "satellite"}
    assert "yui's plan" not in path.read_text(encoding="utf-8-sig")

    await desk.delete_history()
    await ken.wait_until(lambda: "ken" not in ken.state.checkins)
    assert json.loads(await desk.export_history("json"))["checkins"] == []
    with sqlite3.connect(str(sites.db)) as conn:
        owners = [r[0] for r in conn.execute("SELECT person_id FROM checkins")]
    assert owners == ["yui"]  # others' history is untouched
    ada = SiteDesk(await sites.session("ada"))
    assert any(e.action == "history.delete" and e.actor == "ken" for e in await ada.session.audit())
    assert await ada.history("ken") == []


async def _seed(db: Path, ages_days: list[float], open_age: float) -> None:
    """Check-ins of Ken's that ended this many days ago, and one still open."""
    store = await Store.open(db)
    now = time.time()
    effects = [
        SaveCheckIn(
            CheckIn(
                id=f"old{n}",
                person_id="ken",
                location=HOME,
                start=now - age * DAY - 3600,
                end=now - age * DAY,
            ),
            day=local_day(now - age * DAY - 3600, "Asia/Tokyo"),
        )
        for n, age in enumerate(ages_days)
    ]
    opened = now - open_age * DAY
    effects.append(
        SaveCheckIn(
            CheckIn(id="open", person_id="lee", location=HOME, start=opened),
            day=local_day(opened, "Asia/Tokyo"),
        )
    )
    await store.apply(effects, now)
    await store.close()


def _ids(db: Path) -> list[str]:
    with sqlite3.connect(str(db)) as conn:
        return sorted(r[0] for r in conn.execute("SELECT id FROM checkins"))


async def test_history_past_retention_is_purged(
    start_sites: Callable[..., Awaitable[SitesOffice]],
) -> None:
    office = await start_sites()
    await office.close()
    db = office.db
    await _seed(db, [10, 29, 31, 400], open_age=45)
    store = await Store.open(db)
    await store.set_setting(RETENTION_KEY, "30")
    await store.close()

    # on startup
    office = await start_sites(db)
    assert _ids(db) == ["old0", "old1", "open"]  # an open check-in is kept whatever its age
    desk = SiteDesk(await office.session("ken"))
    assert (await desk.privacy()).retention_days == 30
    # and later, as the server's clock moves on (the hourly purge, run now)
    office.server.clock = lambda: time.time() + 15 * DAY
    counts = await office.server.purge()
    assert counts["checkins"] == 1
    assert _ids(db) == ["old0", "open"]
    ada = SiteDesk(await office.session("ada"))
    assert [e.action for e in await ada.session.audit()].count("retention.purge") == 2


async def test_the_admin_sets_retention_and_purges_from_thecli(tmp_path: Path) -> None:
    from .support import make_sites_db

    db = await make_sites_db(tmp_path / "cli.db")
    await _seed(db, [5, 50, 500], open_age=100)
    shown = cli(db, "retention")
    assert "400 days" in shown.stdout
    assert cli(db, "retention", "0").returncode == 2
    assert "60 days" in cli(db, "retention", "60").stdout
    assert "would delete 1 check-ins" in cli(db, "purge", "--dry-run").stdout
    assert _ids(db) == ["old0", "old1", "old2", "open"]
    done = cli(db, "purge")
    assert done.returncode == 0 and "deleted 1 check-ins" in done.stdout
    assert _ids(db) == ["old0", "old1", "open"]
    assert "400 days" in cli(db, "retention", "--default").stdout
