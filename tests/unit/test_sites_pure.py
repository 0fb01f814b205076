"""The pure pieces of sites: address ranges, time zones, schedules, scope, report rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sites_harness import PEOPLE, TONO, at

from rooms.checkin import HalfDay
from rooms.network import NetworkError, address_in, parse_networks
from rooms.presence import Location, LocationKind
from rooms.privacy import notice_text
from rooms.schedule import ScheduleEntry, describe, normalised, schedule_problems
from rooms.scope import reads_feed_of, sees, team_audience, watchers
from rooms.site import Site, closing_after, local_day, site_problems
from rooms.telework import (
    ReportName,
    ReportTable,
    day_shares,
    days_between,
    period_problems,
    to_csv,
)

BY_ID = {p.id: p for p in PEOPLE}

# ---------------------------------------------------------------- network hints


@pytest.mark.parametrize(
    ("address", "ranges", "inside"),
    [
        ("127.0.0.1", ["127.0.0.0/8"], True),
        ("127.0.0.1", ["127.0.0.2/32"], False),
        ("127.0.0.2", ["127.0.0.2/32"], True),
        ("::ffff:127.0.0.1", ["127.0.0.0/8"], True),  # a dual-stack socket's view of IPv4
        ("::1", ["127.0.0.0/8"], False),
        ("::1", ["::1/128"], True),
        ("127.0.0.1", [], False),
        (None, ["127.0.0.0/8"], False),
        ("not an address", ["127.0.0.0/8"], False),
        ("127.0.0.1", ["garbage"], False),
    ],
)
def test_an_address_is_inside_a_sites_ranges_or_not(
    address: str | None, ranges: list[str], inside: bool
) -> None:
    assert address_in(address, ranges) is inside


def test_bad_ranges_are_refused_with_a_readable_message() -> None:
    with pytest.raises(NetworkError, match=r"192\.0\.2\.0/24"):
        parse_networks(["10.0.0.0/33"])
    assert parse_networks(["10.1.2.3/8"])[0].with_prefixlen == "10.0.0.0/8"


# ---------------------------------------------------------------- sites and clocks


def test_site_settings_are_checked() -> None:
    assert site_problems(TONO) == []
    bad = Site(
        id="x",
        name=" ",
        seats=1,
        seat_names=("A", "B"),
        time_zone="Mars/Olympus",
        networks=("nope",),
        closes="25:00",
    )
    problems = " ".join(site_problems(bad))
    for words in ("needs a name", "more named seats", "time zone", "address range", "HH:MM"):
        assert words in problems
    assert site_problems(Site(id="x", name="X", time_zone="../../etc/passwd")) != []


def test_the_working_day_follows_the_sites_clock() -> None:
    late_utc = at("2025-07-09", "23:30", tz=__import__("zoneinfo").ZoneInfo("UTC"))
    assert local_day(late_utc, "UTC") == "2025-07-09"
    assert local_day(late_utc, "Asia/Tokyo") == "2025-07-10"
    assert local_day(late_utc, "America/Los_Angeles") == "2025-07-09"


def test_closing_time_is_the_first_after_the_check_in() -> None:
    assert closing_after(at("2025-07-09", "09:00"), "Asia/Tokyo", "18:00") == at(
        "2025-07-09", "18:00"
    )
    # checked in after closing: it ends at the next day's closing time
    assert closing_after(at("2025-07-09", "19:00"), "Asia/Tokyo", "18:00") == at(
        "2025-07-10", "18:00"
    )
    assert closing_after(at("2025-07-09", "09:00"), "Asia/Tokyo", "") is None


def test_closing_time_keeps_to_the_wall_clock_across_daylight_saving() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    # The night clocks go forward (2024-03-31): 18:00 is still 18:00 on the wall, CEST.
    closes = closing_after(at("2024-03-31", "01:00", tz=berlin), "Europe/Berlin", "18:00")
    assert closes == at("2024-03-31", "18:00", tz=berlin)
    assert closes is not None
    assert closes - at("2024-03-31", "01:00", tz=berlin) == 16 * 3600  # one hour lost


# ---------------------------------------------------------------- schedules

TONO_HERE = Location(kind=LocationKind.SATELLITE, site_id="tono")
HOME = Location(kind=LocationKind.HOME)


def test_a_schedule_may_not_plan_one_slot_twice() -> None:
    tue = ScheduleEntry(weekday=1, location=TONO_HERE)
    tue_am = ScheduleEntry(weekday=1, location=HOME, half_day=HalfDay.MORNING)
    thu_am = ScheduleEntry(weekday=3, location=HOME, half_day=HalfDay.MORNING)
    thu_pm = ScheduleEntry(weekday=3, location=TONO_HERE, half_day=HalfDay.AFTERNOON)
    assert schedule_problems([tue, thu_am, thu_pm]) == []
    assert schedule_problems([tue, tue_am]) == ["Tue is planned twice"]
    assert schedule_problems([thu_am, thu_am]) == ["Thu is planned twice"]
    assert schedule_problems([ScheduleEntry(weekday=7, location=HOME)]) != []
    assert len(schedule_problems([tue] * 15)) >= 1


def test_a_schedule_reads_as_tue_and_thu_at_the_site() -> None:
    plan = [
        ScheduleEntry(weekday=3, location=TONO_HERE),
        ScheduleEntry(weekday=4, location=HOME),
        ScheduleEntry(weekday=1, location=TONO_HERE),
    ]
    assert [e.weekday for e in normalised(plan)] == [1, 3, 4]
    assert describe(plan, {"tono": "Tono"}, "en") == "Tue, Thu: Tono; Fri: home"
    assert describe(plan, {"tono": "遠野"}, "ja") == "火、木: 遠野; 金: home"


# ---------------------------------------------------------------- who sees whom


def test_managers_see_their_own_employers_team_only() -> None:
    mika, sam, ada = BY_ID["mika"], BY_ID["sam"], BY_ID["ada"]
    assert [p.id for p in PEOPLE if sees(mika, p)] == ["mika", "ken", "yui"]
    assert [p.id for p in PEOPLE if sees(sam, p)] == ["sam", "lee"]
    assert all(sees(ada, p) for p in PEOPLE)
    # a member sees only themselves, even their own manager is hidden from them
    assert [p.id for p in PEOPLE if sees(BY_ID["ken"], p)] == ["ken"]


def test_a_manager_can_look_after_further_teams() -> None:
    from msgspec.structs import replace

    mika = replace(BY_ID["mika"], manages=frozenset({"sales"}))
    assert sees(mika, BY_ID["taro"])
    assert not sees(mika, BY_ID["lee"])  # another employer's, whatever the team


def test_watchers_and_the_team_feed_audience() -> None:
    assert watchers(BY_ID["ken"], PEOPLE) == {"mika", "ada"}
    assert watchers(BY_ID["lee"], PEOPLE) == {"sam", "ada"}
    # the team (office staff included) and its manager; not the other employer's team
    assert team_audience(BY_ID["ken"], PEOPLE) == {"mika", "ken", "yui"}
    assert reads_feed_of(BY_ID["yui"], BY_ID["ken"])
    assert not reads_feed_of(BY_ID["sam"], BY_ID["ken"])
    assert reads_feed_of(BY_ID["ada"], BY_ID["ken"])


# ---------------------------------------------------------------- report rules


def test_periods_are_checked() -> None:
    assert period_problems("2025-07-01", "2025-07-31") == []
    assert period_problems("2025-07-31", "2025-07-01") == ["the period ends before it starts"]
    assert period_problems("2025-07-01", "2027-07-31") == ["a period is at most 732 days"]
    assert period_problems("2025-07-01", "2025-07-31", "2025-08-01") == [
        "the core day lies outside the period"
    ]
    assert "YYYY-MM-DD" in period_problems("July", "2025-07-31")[0]
    assert days_between("2025-02-27", "2025-03-01") == ["2025-02-27", "2025-02-28", "2025-03-01"]


def test_csv_has_a_header_and_plain_numbers() -> None:
    table = ReportTable(
        report=ReportName.DAILY_SHARE,
        start="2025-07-01",
        end="2025-07-02",
        columns=["day", "staff", "teleworking", "share"],
        rows=[["2025-07-01", 3, 1, 1 / 3], ["2025-07-02", 3, 0, 0.0], ["2025-07-03", 3, 3, None]],
    )
    assert to_csv(table).splitlines() == [
        "day,staff,teleworking,share",
        "2025-07-01,3,1,0.3333",
        "2025-07-02,3,0,0",
        "2025-07-03,3,3,",
    ]
    assert table.column("teleworking") == [1, 0, 3]


def test_the_notice_says_what_is_recorded_and_for_how_long() -> None:
    en = notice_text("en", 90)
    assert "Your network address itself is not kept" in en
    assert "older than 90 days" in en
    assert "audit log" in en
    ja = notice_text("ja", None)
    assert "監査ログ" in ja and "保存期間を設定するまで" in ja
    assert notice_text("ko", 30) == notice_text("en", 30)  # English for other languages


# ---------------------------------------------------------------- day shares

SLOTS = st.tuples(st.sampled_from(list(LocationKind)), st.sampled_from([None, *HalfDay]))


def _direct(
    slots: list[tuple[LocationKind, HalfDay | None]],
) -> tuple[dict[str, float], float, float]:
    """The figures for one person's day straight from the definition."""
    weight: dict[str, float] = {}
    for kind, half in slots:
        weight[kind.value] = max(weight.get(kind.value, 0.0), 1.0 if half is None else 0.5)
    telework = min(1.0, sum(w for k, w in weight.items() if k != "main-office"))
    return weight, telework, min(1.0, sum(weight.values()))


@given(st.lists(SLOTS, max_size=6), st.randoms())
def test_day_shares_add_up_to_the_days_figures_in_any_order(
    slots: list[tuple[LocationKind, HalfDay | None]], rnd: object
) -> None:
    order = list(slots)
    rnd.shuffle(order)  # type: ignore[attr-defined]
    kinds: dict[str, float] = {}
    telework = work = 0.0
    for n, slot in enumerate(order):
        k, t, w = day_shares(order[:n], slot)
        assert k >= 0 and t >= 0 and w >= 0
        kinds[slot[0].value] = kinds.get(slot[0].value, 0.0) + k
        telework += t
        work += w
    expected_kinds, expected_telework, expected_work = _direct(slots)
    assert kinds == expected_kinds
    assert (telework, work) == (expected_telework, expected_work)
