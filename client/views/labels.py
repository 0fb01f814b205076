"""Words for office things, translated: shared by lists, panels and announcements."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from rooms.presence import Availability, Link, Location, LocationKind, Presence
from rooms.room import Access, Room
from rooms.site import Site


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def availability(value: Availability) -> str:
    match value:
        case Availability.AVAILABLE:
            return _t("Available")
        case Availability.BUSY:
            return _t("Busy")
        case Availability.AWAY:
            return _t("Away")
        case Availability.DO_NOT_DISTURB:
            return _t("Do not disturb")
        case Availability.OFFLINE:
            return _t("Offline")


def location_kind(kind: LocationKind) -> str:
    match kind:
        case LocationKind.HOME:
            return _t("Home")
        case LocationKind.SATELLITE:
            return _t("Satellite office")
        case LocationKind.MOBILE:
            return _t("On the move")
        case LocationKind.MAIN_OFFICE:
            return _t("Main office")
        case LocationKind.WORKATION:
            return _t("Workation")


def location(value: Location | None, sites: dict[str, Site]) -> str:
    if value is None:
        return _t("Not set")
    if value.site_id is not None and value.site_id in sites:
        return sites[value.site_id].name
    return location_kind(value.kind)


def presence(p: Presence) -> str:
    """How reachable someone is, counting a dropped link."""
    if p.link is Link.RECONNECTING:
        return _t("Reconnecting")
    return availability(p.availability)


def room_summary(room: Room, count: int, *, mine: bool) -> str:
    parts = [
        room.name,
        _t("%1 of %2").replace("%1", str(count)).replace("%2", str(room.capacity)),
    ]
    if room.locked:
        parts.append(_t("locked"))
    if room.access is Access.PRIVATE:
        parts.append(_t("private"))
    if mine:
        parts.append(_t("you are here"))
    return ", ".join(parts)
