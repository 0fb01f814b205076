"""Presence: how reachable a person is, where they work today, and which room they are in."""

from __future__ import annotations

import enum

import msgspec


class Availability(enum.StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    AWAY = "away"
    DO_NOT_DISTURB = "do-not-disturb"
    OFFLINE = "offline"


class LocationKind(enum.StrEnum):
    """Where someone works today, in the categories telework programmes report."""

    HOME = "home"
    SATELLITE = "satellite"
    MOBILE = "mobile"
    MAIN_OFFICE = "main-office"
    WORKATION = "workation"


class Link(enum.StrEnum):
    """The state of a person's connection, so a dropped link is not shown as leaving."""

    ONLINE = "online"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"


class Location(msgspec.Struct, frozen=True, kw_only=True):
    kind: LocationKind
    site_id: str | None = None


MAX_STATUS_TEXT = 140


class Presence(msgspec.Struct, frozen=True, kw_only=True):
    availability: Availability = Availability.OFFLINE
    status_text: str = ""
    location: Location | None = None
    room_id: str | None = None
    link: Link = Link.OFFLINE
    link_since: float = 0.0  # when `link` last changed; a dropped link is held for a grace time
