"""Satellite offices: the shared sites where teleworkers check in.

A site is often run by a municipality or a landlord (its operator) and shared by staff
of several employers (its tenants). Its hot desks may carry names. Its network hints
(address ranges) let a check-in that comes from the site's own network count as
verified on-site; everything else is self-reported.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

import msgspec

from rooms.network import NetworkError, parse_networks

DEFAULT_TIME_ZONE = "Asia/Tokyo"
MAX_SEATS = 10_000
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class Site(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    region: str = ""
    seats: int = 0  # hot desks in all; 0 means the site does not count seats
    time_zone: str = DEFAULT_TIME_ZONE  # an IANA (zoneinfo) name
    operator: str = ""
    seat_names: tuple[str, ...] = ()  # named desks, if the site names them
    tenants: frozenset[str] = frozenset()  # employers served; empty serves everyone
    networks: tuple[str, ...] = ()  # address ranges (CIDR) of the site's own network
    closes: str = ""  # local closing time "HH:MM"; open check-ins end then

    def serves(self, tenant: str) -> bool:
        return not self.tenants or tenant in self.tenants


def site_problems(site: Site) -> list[str]:
    """What is wrong with a site's settings, in words an admin can act on (empty: fine)."""
    problems: list[str] = []
    if not site.name.strip():
        problems.append("a site needs a name")
    if not 0 <= site.seats <= MAX_SEATS:
        problems.append(f"seats must be 0-{MAX_SEATS}")
    if len(site.seat_names) > max(site.seats, 0):
        problems.append("there are more named seats than seats")
    if len(set(site.seat_names)) != len(site.seat_names):
        problems.append("seat names repeat")
    if any(not n.strip() or len(n) > 32 for n in site.seat_names):
        problems.append("a seat name is 1-32 characters")
    try:
        zone(site.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"unknown time zone {site.time_zone!r}")
    try:
        parse_networks(site.networks)
    except NetworkError as exc:
        problems.append(str(exc))
    if site.closes and _CLOCK.match(site.closes) is None:
        problems.append("closing time is HH:MM (24-hour), for example 18:30")
    return problems


@lru_cache(maxsize=256)
def zone(name: str) -> zoneinfo.ZoneInfo:
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise ValueError(f"not a time zone name: {name!r}")
    return zoneinfo.ZoneInfo(name)


def local_day(at: float, time_zone: str) -> str:
    """The calendar day (ISO date) at a moment, where the clock on the wall is `time_zone`."""
    return dt.datetime.fromtimestamp(at, zone(time_zone)).date().isoformat()


def local_weekday(at: float, time_zone: str) -> int:
    """Monday is 0, as in `datetime.weekday`."""
    return dt.datetime.fromtimestamp(at, zone(time_zone)).weekday()


def closing_after(at: float, time_zone: str, closes: str) -> float | None:
    """The first closing time after `at`, as seconds since the epoch (None: never closes)."""
    found = _CLOCK.match(closes)
    if found is None:
        return None
    tz = zone(time_zone)
    local = dt.datetime.fromtimestamp(at, tz)
    clock = dt.time(int(found.group(1)), int(found.group(2)))
    day = local.date()
    for _ in range(3):  # a gap at a DST change can skip one wall-clock time; try on
        when = dt.datetime.combine(day, clock, tzinfo=tz).timestamp()
        if when > at:
            return when
        day += dt.timedelta(days=1)
    return None  # pragma: no cover - three days always hold a closing time
