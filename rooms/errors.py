"""Stable error codes. Clients switch on the code; the message is for people."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    # the frame itself
    MALFORMED = "malformed"
    UNKNOWN_TYPE = "unknown_type"
    INVALID = "invalid"
    TOO_LARGE = "too_large"
    UNSUPPORTED_VERSION = "unsupported_version"
    RATE_LIMITED = "rate_limited"
    # who you are
    NOT_AUTHENTICATED = "not_authenticated"
    BAD_CREDENTIALS = "bad_credentials"
    TOKEN_EXPIRED = "token_expired"
    ACCOUNT_DISABLED = "account_disabled"
    LOCKED_OUT = "locked_out"  # too many failed sign-ins: wait, then try again
    FORBIDDEN = "forbidden"
    # the office
    NOT_FOUND = "not_found"
    ROOM_FULL = "room_full"
    ROOM_LOCKED = "room_locked"
    NOT_A_MEMBER = "not_a_member"
    NOT_IN_ROOM = "not_in_room"
    ROOM_EMPTY = "room_empty"
    NOT_LOCKED = "not_locked"
    ALREADY_PENDING = "already_pending"
    UNAVAILABLE = "unavailable"
    DO_NOT_DISTURB = "do_not_disturb"
    CONFLICT = "conflict"
    CAPTIONS_OFF = "captions_off"
    SITE_FULL = "site_full"
    # voice and guests
    INVITE_INVALID = "invite_invalid"
    INVITE_EXPIRED = "invite_expired"
    MEDIA_FAILED = "media_failed"
    # the server
    INTERNAL = "internal"
    STORAGE_UNAVAILABLE = "storage_unavailable"
    # Many servers: the office did not answer in time (its leader is changing, or the
    # message service is down). The request may or may not have been done: send it
    # again with the same id, and the server answers without doing it twice.
    SERVICE_UNAVAILABLE = "service_unavailable"


class OfficeError(Exception):
    """A request the office refuses. Carries a stable code and a readable message."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
