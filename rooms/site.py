"""Satellite offices: the shared sites where teleworkers check in."""

from __future__ import annotations

import msgspec


class Site(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    region: str = ""
    seats: int = 0
