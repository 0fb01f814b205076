"""Words for office things, translated: shared by lists, panels and announcements."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

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


# Refusals by stable code, for people who read the UI in a language the server does
# not speak. Where there is no translation (English), the server's own, more specific
# message is shown instead.
_ERRORS: dict[str, object] = {
    "bad_credentials": QT_TRANSLATE_NOOP("Errors", "Wrong user name or password."),
    "account_disabled": QT_TRANSLATE_NOOP("Errors", "This account is disabled."),
    "not_authenticated": QT_TRANSLATE_NOOP("Errors", "Your session ended: sign in again."),
    "token_expired": QT_TRANSLATE_NOOP("Errors", "Your session ended: sign in again."),
    "unsupported_version": QT_TRANSLATE_NOOP("Errors", "This server needs a newer Yoriai."),
    "room_full": QT_TRANSLATE_NOOP("Errors", "The room is full."),
    "room_locked": QT_TRANSLATE_NOOP("Errors", "The room is locked: knock to ask."),
    "not_a_member": QT_TRANSLATE_NOOP("Errors", "The room is private to its members."),
    "not_in_room": QT_TRANSLATE_NOOP("Errors", "Join a room first."),
    "room_empty": QT_TRANSLATE_NOOP("Errors", "Nobody is in the room to let you in."),
    "not_locked": QT_TRANSLATE_NOOP("Errors", "The room is open: join it."),
    "already_pending": QT_TRANSLATE_NOOP("Errors", "You are already knocking."),
    "unavailable": QT_TRANSLATE_NOOP("Errors", "They are offline."),
    "do_not_disturb": QT_TRANSLATE_NOOP("Errors", "They do not want to be disturbed."),
    "forbidden": QT_TRANSLATE_NOOP("Errors", "You are not allowed to do that."),
    "rate_limited": QT_TRANSLATE_NOOP("Errors", "Too many requests: wait a moment."),
    "storage_unavailable": QT_TRANSLATE_NOOP(
        "Errors", "The server cannot save right now; try again shortly."
    ),
    "not_sent": QT_TRANSLATE_NOOP("Errors", "Not sent: the connection dropped."),
    "timeout": QT_TRANSLATE_NOOP("Errors", "The server did not answer in time."),
}


def error_text(code: str, message: str) -> str:
    source = _ERRORS.get(code)
    if source is None:
        return message
    text = QCoreApplication.translate("Errors", str(source))
    return message if text == source else text
