"""Telework figures over a generated month of check-ins, against values computed by
hand here: plain loops over the same records, written from the definitions in
rooms/telework.py, sharing no code with the SQL in server/reports.py."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from client.reports import chart, describe, save_csv
from client.sites import SiteDesk
from rooms.checkin import CheckIn, HalfDay
from rooms.office import SaveCheckIn
from rooms.presence import Location, LocationKind
from rooms.telework import ReportName
from server.storage import Store

from .support import PEOPLE, SITES, SitesOffice, at, cli, make_sites_db


def _last_month() -> tuple[date, date]:
    # Last month, so the history lies well within the default retention period.
    first_this = date.today().replace(day=1)
    last = first_this - timedelta(days=1)
    return last.replace(day=1), last


_FIRST, _LAST = _last_month()
START, END, CORE = _FIRST.isoformat(), _LAST.isoformat(), _FIRST.replace(day=24).isoformat()
DAYS = [(_FIRST + timedelta(days=n)).isoformat() for n in range((_LAST - _FIRST).days + 1)]
KINDS = ["home", "satellite", "mobile", "main-office", "workation"]
SEATS = {s.id: s.seats for s in SITES}


def generate(seed: int = 7) -> list[tuple[str, str, str, str | None, str | None]]:
    """(person, day, kind, site, half) for a month: none, one, or two check-ins a day."""
    rnd = random.Random(seed)
    records = []
    for person in PEOPLE:
        for day in DAYS:
            roll = rnd.random()
            if roll < 0.25:
                continue  # a day off
            shape = rnd.choice(["full", "full", "halves", "half", "twice"])
            slots: list[str | None] = {
                "full": [None],
                "halves": ["morning", "afternoon"],
                "half": [rnd.choice(["morning", "afternoon"])],
                "twice": [None, None],  # moved during the day
            }[shape]
            for half in slots:
                kind = rnd.choice(KINDS)
                site = rnd.choice(["tono", "narrow"]) if kind == "satellite" else None
                if kind == "workation" and rnd.random() < 0.3:
                    site = "tono"  # a workation at a site counts for the site too
                records.append((person.id, day, kind, site, half))
    # One day written out, to check by eye as well: Taro at home in the morning and at
    # Tono in the afternoon of the 1st is one telework day, half home and half satellite.
    records = [r for r in records if not (r[0] == "taro" and r[1] == START)]
    records += [
        ("taro", START, "home", None, "morning"),
        ("taro", START, "satellite", "tono", "afternoon"),
    ]
    return records


async def seed(db: Path, records: list[tuple[str, str, str, str | None, str | None]]) -> None:
    store = await Store.open(db)
    effects = []
    for n, (pid, day, kind, site, half) in enumerate(records):
        start = at(day, "13:00" if half == "afternoon" else "09:00")
        checkin = CheckIn(
            id=f"g{n}",
            person_id=pid,
            location=Location(kind=LocationKind(kind), site_id=site),
            start=start,
            end=start + 4 * 3600,
            half_day=HalfDay(half) if half else None,
        )
        effects.append(SaveCheckIn(checkin, day=day))
    await store.apply(effects, 0.0)
    await store.close()


# ---------------------------------------------------------------- by hand


def weight(half: str | None) -> float:
    return 1.0 if half is None else 0.5


def by_hand(records: list[tuple[str, str, str, str | None, str | None]], people: list[str]) -> dict:
    mine = [r for r in records if r[0] in people]
    # the weight of each kind for each person and day
    kind_weight: dict[tuple[str, str, str], float] = {}
    for pid, day, kind, _site, half in mine:
        key = (pid, day, kind)
        kind_weight[key] = max(kind_weight.get(key, 0.0), weight(half))
    person_days: dict[str, dict[str, float]] = {p: defaultdict(float) for p in people}
    for (pid, _day, kind), w in kind_weight.items():
        person_days[pid][kind] += w
    for pid in people:
        for day in DAYS:
            tele = sum(kind_weight.get((pid, day, k), 0.0) for k in KINDS if k != "main-office")
            work = sum(kind_weight.get((pid, day, k), 0.0) for k in KINDS)
            person_days[pid]["telework"] += min(1.0, tele)
            person_days[pid]["work"] += min(1.0, work)

    teleworkers_on: dict[str, set[str]] = defaultdict(set)
    for pid, day, kind, _site, _half in mine:
        if kind != "main-office":
            teleworkers_on[day].add(pid)
    share = {
        day: (len(teleworkers_on[day]), len(teleworkers_on[day]) / len(people)) for day in DAYS
    }

    site_person_day: dict[tuple[str, str, str], float] = {}
    for pid, day, _kind, site, half in mine:
        if site is not None:
            key = (site, day, pid)
            site_person_day[key] = max(site_person_day.get(key, 0.0), weight(half))
    sites = {}
    for site_id, seats in SEATS.items():
        per_day: dict[str, list[float]] = defaultdict(list)
        for (s, day, _pid), w in site_person_day.items():
            if s == site_id:
                per_day[day].append(w)
        person_days_at = sum(sum(ws) for ws in per_day.values())
        peak = max((len(ws) for ws in per_day.values()), default=0)
        peak_day = min((d for d, ws in per_day.items() if len(ws) == peak), default=None)
        used = person_days_at / (seats * len(per_day)) if per_day else None
        sites[site_id] = (person_days_at, len(per_day), peak, peak_day, used)

    participants = [p for p in people if person_days[p]["telework"] > 0]
    five_plus = [p for p in people if person_days[p]["telework"] >= 5]
    return {
        "person_days": person_days,
        "share": share,
        "sites": sites,
        "telework_days": (
            len(people),
            len(participants),
            len(five_plus),
            len(teleworkers_on[CORE]),
        ),
    }


# ---------------------------------------------------------------- the test


def check(tables: dict[ReportName, object], hand: dict, people: list[str]) -> None:
    person = {r["person_id"]: r for r in tables[ReportName.PERSON_DAYS].records()}  # type: ignore[attr-defined]
    assert sorted(person) == sorted(people)
    for pid in people:
        for kind in KINDS:
            assert person[pid][kind] == pytest.approx(hand["person_days"][pid][kind]), (pid, kind)
        assert person[pid]["telework_days"] == pytest.approx(hand["person_days"][pid]["telework"])
        assert person[pid]["work_days"] == pytest.approx(hand["person_days"][pid]["work"])

    daily = tables[ReportName.DAILY_SHARE].records()  # type: ignore[attr-defined]
    assert [r["day"] for r in daily] == DAYS
    for r in daily:
        count, share = hand["share"][r["day"]]
        assert (r["staff"], r["teleworking"]) == (len(people), count)
        assert r["share"] == pytest.approx(share, abs=1e-6)

    sites = {r["site_id"]: r for r in tables[ReportName.SITE_UTILISATION].records()}  # type: ignore[attr-defined]
    for site_id, (pd, days_used, peak, peak_day, used) in hand["sites"].items():
        r = sites[site_id]
        assert (r["person_days"], r["days_used"], r["peak_people"], r["peak_day"]) == (
            pytest.approx(pd),
            days_used,
            peak,
            peak_day,
        )
        assert r["utilisation"] == (None if used is None else pytest.approx(used, abs=1e-6))

    (td,) = tables[ReportName.TELEWORK_DAYS].records()  # type: ignore[attr-defined]
    staff, participants, five_plus, core = hand["telework_days"]
    assert (td["staff"], td["participants"], td["five_plus"], td["core_day_headcount"]) == (
        staff,
        participants,
        five_plus,
        core,
    )
    assert (td["core_day"], td["core_day_goal"], td["core_day_goal_met"]) == (CORE, 100, 0)


async def test_reports_over_a_month_match_the_figures_by_hand(
    start_sites: Callable[..., Awaitable[SitesOffice]], tmp_path: Path
) -> None:
    records = generate()
    assert len(records) > 150
    db = await make_sites_db(tmp_path / "month.db")
    await seed(db, records)
    office = await start_sites(db)

    everyone = [p.id for p in PEOPLE]
    ada = SiteDesk(await office.session("ada"))
    tables = {
        name: await ada.report(
            name, START, END, core_day=CORE if name is ReportName.TELEWORK_DAYS else None
        )
        for name in ReportName
    }
    hand = by_hand(records, everyone)
    check(tables, hand, everyone)
    # the day written out above, by eye: half home, half Tono, one whole telework day
    one_day = await ada.report(ReportName.PERSON_DAYS, START, START)
    taro = {r["person_id"]: r for r in one_day.records()}["taro"]
    assert [taro[k] for k in (*KINDS, "telework_days", "work_days")] == [
        0.5,
        0.5,
        0.0,
        0.0,
        0.0,
        1.0,
        1.0,
    ]

    # a manager's figures cover their own staff only, and match by hand too
    acme_ops = ["mika", "ken", "yui"]
    mika = SiteDesk(await office.session("mika"))
    tables = {
        name: await mika.report(
            name, START, END, core_day=CORE if name is ReportName.TELEWORK_DAYS else None
        )
        for name in ReportName
    }
    check(tables, by_hand(records, acme_ops), acme_ops)

    # the client turns them into charts, words and CSV
    share_chart = chart(tables[ReportName.DAILY_SHARE], "en")
    assert share_chart.kind == "line" and share_chart.labels == DAYS
    assert len(share_chart.series[0].values) == len(DAYS)
    assert describe(share_chart, "en").startswith(
        "Share of staff teleworking, by day\nteleworking: highest"
    )
    stacked = chart(tables[ReportName.PERSON_DAYS], "ja")
    assert [s.name for s in stacked.series] == [
        "自宅",
        "サテライトオフィス",
        "モバイル",
        "本社",
        "ワーケーション",
    ]
    path = await save_csv(tables[ReportName.PERSON_DAYS], tmp_path / "person-days.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert sorted(r["person_id"] for r in rows) == sorted(acme_ops)

    # and `yoriai-server report` prints the same figures as CSV
    await office.close()
    out = cli(db, "report", "telework-days", "--from", START, "--to", END, "--core-day", CORE)
    assert out.returncode == 0, out.stderr
    (row,) = list(csv.DictReader(io.StringIO(out.stdout)))
    staff, participants, five_plus, core = hand["telework_days"]
    assert (row["staff"], row["participants"], row["five_plus"], row["core_day_headcount"]) == (
        str(staff),
        str(participants),
        str(five_plus),
        str(core),
    )
    out = cli(db, "report", "person-days", "--from", START, "--to", END, "--tenant", "globex")
    globex = {r["person_id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert sorted(globex) == ["lee", "sam"]
    hand_globex = by_hand(records, ["sam", "lee"])["person_days"]
    for pid in globex:
        assert float(globex[pid]["telework_days"]) == pytest.approx(hand_globex[pid]["telework"])


async def test_bad_periods_get_a_clear_error(sites: SitesOffice) -> None:
    from client.session import SessionError

    ada = SiteDesk(await sites.session("ada"))
    for start, end in (
        ("2025-07-31", "2025-07-01"),
        ("July", "2025-07-31"),
        ("2020-01-01", "2025-01-01"),
    ):
        with pytest.raises(SessionError) as info:
            await ada.report(ReportName.DAILY_SHARE, start, end)
        assert info.value.code == "invalid"
    assert await ada.session.ping() > 0
