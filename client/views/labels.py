"""Words for office things, translated: shared by lists, panels and announcements."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from rooms.presence import Availability, Link, Location, LocationKind, Presence
from rooms.room import Access, Room
from rooms.site import Site


def availability(value: Availability) -> str:
    match value:
        case Availability.AVAILABLE:
            return QCoreApplication.translate("Labels", "Available")
        case Availability.BUSY:
            return QCoreApplication.translate("Labels", "Busy")
        case Availability.AWAY:
            return QCoreApplication.translate("Labels", "Away")
        case Availability.DO_NOT_DISTURB:
            return QCoreApplication.translate("Labels", "Do not disturb")
        case Availability.OFFLINE:
            return QCoreApplication.translate("Labels", "Offline")


def location_kind(kind: LocationKind) -> str:
    match kind:
        case LocationKind.HOME:
            return QCoreApplication.translate("Labels", "Home")
        case LocationKind.SATELLITE:
            return QCoreApplication.translate("Labels", "Satellite office")
        case LocationKind.MOBILE:
            return QCoreApplication.translate("Labels", "On the move")
        case LocationKind.MAIN_OFFICE:
            return QCoreApplication.translate("Labels", "Main office")
        case LocationKind.WORKATION:
            return QCoreApplication.translate("Labels", "Workation")


def location(value: Location | None, sites: dict[str, Site]) -> str:
    if value is None:
        return QCoreApplication.translate("Labels", "Not set")
    if value.site_id is not None and value.site_id in sites:
        return sites[value.site_id].name
    return location_kind(value.kind)


def presence(p: Presence) -> str:
    """How reachable someone is, counting a dropped link."""
    if p.link is Link.RECONNECTING:
        return QCoreApplication.translate("Labels", "Reconnecting")
    return availability(p.availability)


def room_summary(room: Room, count: int, *, mine: bool) -> str:
    parts = [
        room.name,
        QCoreApplication.translate("Labels", "%1 of %2")
        .replace("%1", str(count))
        .replace("%2", str(room.capacity)),
    ]
    if room.locked:
        parts.append(QCoreApplication.translate("Labels", "locked"))
    if room.access is Access.PRIVATE:
        parts.append(QCoreApplication.translate("Labels", "private"))
    if mine:
        parts.append(QCoreApplication.translate("Labels", "you are here"))
    return ", ".join(parts)
