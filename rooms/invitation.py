"""Guest invitations: a signed, expiring pass into one room's audio.

An invitation is a small JSON payload (room, expiry, who invited, a nonce) and an
HMAC-SHA256 over it with the server's secret, both base64url, joined by a dot. Nothing
is stored per invitation: the signature is the proof, the expiry its end. Pure: the
secret and the time come in as arguments.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from typing import Final

import msgspec

from rooms.errors import ErrorCode, OfficeError
from rooms.protocol import MAX_GUEST_NAME, MAX_INVITE_TTL_S

MIN_INVITE_TTL_S: Final = 60.0
MAX_TOKEN_CHARS: Final = 512


class Invitation(msgspec.Struct, frozen=True, kw_only=True):
    room_id: str = msgspec.field(name="r")
    expires_at: float = msgspec.field(name="e")
    by: str = msgspec.field(name="b")
    nonce: str = msgspec.field(name="n")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"yoriai-invite-v1." + payload, hashlib.sha256).digest()


def new_invitation(room_id: str, by: str, ttl_s: float, now: float) -> Invitation:
    if not MIN_INVITE_TTL_S <= ttl_s <= MAX_INVITE_TTL_S:
        raise OfficeError(
            ErrorCode.INVALID,
            f"an invitation lasts {MIN_INVITE_TTL_S:.0f} s to {MAX_INVITE_TTL_S / 86400:.0f} days",
        )
    return Invitation(
        room_id=room_id, expires_at=round(now + ttl_s, 3), by=by, nonce=secrets.token_hex(6)
    )


def sign(invitation: Invitation, secret: bytes) -> str:
    payload = msgspec.json.encode(invitation)
    return f"{_b64(payload)}.{_b64(_mac(secret, payload))}"


def verify(token: str, secret: bytes, now: float) -> Invitation:
    """The invitation a token carries, or OfficeError(INVITE_INVALID / INVITE_EXPIRED)."""
    forged = OfficeError(
        ErrorCode.INVITE_INVALID,
        "this invitation link is not valid: ask the person who invited you for a new one",
    )
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise forged
    payload_text, mac_text = token.split(".")
    try:
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError:
        raise forged from None
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        raise forged
    try:
        invitation = msgspec.json.decode(payload, type=Invitation)
    except msgspec.MsgspecError:
        raise forged from None
    if invitation.expires_at <= now:
        raise OfficeError(
            ErrorCode.INVITE_EXPIRED,
            "this invitation has expired: ask the person who invited you for a new link",
        )
    return invitation


def clean_guest_name(name: str) -> str:
    """A guest's display name: trimmed, no control characters, 1-40 characters."""
    cleaned = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise OfficeError(ErrorCode.INVALID, "please enter your name")
    if len(cleaned) > MAX_GUEST_NAME:
        raise OfficeError(ErrorCode.INVALID, f"a name is at most {MAX_GUEST_NAME} characters")
    return cleaned
