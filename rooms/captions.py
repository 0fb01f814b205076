"""Live captions in a room: the room's caption policy, what a caption may carry, and
how long the server may keep captions. Pure rules; the server and clients share them.

Recognition happens on each speaker's own machine; the server only relays captions
to the room. It keeps none unless the room's policy says so, and then only finals,
only for `keep_s` seconds (set by an administrator), after which they are purged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import msgspec

from rooms.errors import ErrorCode, OfficeError

MAX_CAPTION_TEXT: Final = 1000  # one utterance; a long talker is cut into several
MAX_UTTERANCE_ID: Final = 64
MAX_LANGUAGE_TAG: Final = 35
DAY: Final = 86_400
MAX_KEEP_S: Final = 3650 * DAY
# A speaker's clock may be off; times further out than this are replaced by the server's.
MAX_CLOCK_SKEW_S: Final = 120.0
MAX_UTTERANCE_S: Final = 120.0
HISTORY_LIMIT: Final = 5000


class CaptionPolicy(msgspec.Struct, frozen=True, kw_only=True):
    live: bool = False  # captions are on: speakers' clients recognise and send them
    saving: bool = False  # participants may save a transcript (set by an administrator)
    keep_s: int = 0  # the server keeps finals this long; 0 keeps none (administrator)


class CaptionLine(msgspec.Struct, frozen=True, kw_only=True):
    """A final caption as the server keeps it (and hands it back in a history)."""

    room_id: str
    speaker_id: str
    utterance: str
    text: str
    language: str
    start: float
    end: float
    at: float  # when the server relayed it


def _valid_tag(tag: str) -> bool:
    return 0 < len(tag) <= MAX_LANGUAGE_TAG and all(
        c.isascii() and (c.isalnum() or c == "-") for c in tag
    )


def check_caption(utterance: str, text: str, language: str, final: bool) -> None:
    """Refuse a caption that breaks the limits (OfficeError, code `invalid`)."""
    if not 0 < len(utterance) <= MAX_UTTERANCE_ID or not utterance.isprintable():
        raise OfficeError(ErrorCode.INVALID, f"an utterance id is 1-{MAX_UTTERANCE_ID} characters")
    if len(text) > MAX_CAPTION_TEXT:
        raise OfficeError(ErrorCode.INVALID, f"a caption is at most {MAX_CAPTION_TEXT} characters")
    if not text.strip() and not final:
        raise OfficeError(ErrorCode.INVALID, "a partial caption needs text")
    if not _valid_tag(language):
        raise OfficeError(ErrorCode.INVALID, "the caption's language is not a language tag")


def settle_times(start: float, end: float, now: float) -> tuple[float, float]:
    """The speaker's times if they are believable, else the server's own estimate."""
    believable = (
        now - MAX_CLOCK_SKEW_S - MAX_UTTERANCE_S <= start <= end <= now + MAX_CLOCK_SKEW_S
        and end - start <= MAX_UTTERANCE_S
    )
    if believable:
        return start, end
    length = min(max(0.0, end - start), MAX_UTTERANCE_S) if end >= start else 0.0
    return now - length, now


def check_keep(keep_s: int) -> None:
    if not 0 <= keep_s <= MAX_KEEP_S:
        raise ValueError(f"captions may be kept for 0 to {MAX_KEEP_S // DAY} days")


def keeps(policy: CaptionPolicy) -> bool:
    return policy.keep_s > 0


def purge_before(policy: CaptionPolicy, now: float) -> float:
    """Kept captions relayed before this time are to be deleted (all of them, if none
    may be kept)."""
    return now - policy.keep_s if keeps(policy) else float("inf")


def expired(line: CaptionLine, policy: CaptionPolicy, now: float) -> bool:
    return line.at < purge_before(policy, now)


def purge_plan(policies: Iterable[tuple[str, CaptionPolicy]], now: float) -> dict[str, float]:
    """For each room, the time before which its kept captions go."""
    return {room_id: purge_before(policy, now) for room_id, policy in policies}


def may_read_history(*, is_admin: bool, inside: bool, policy: CaptionPolicy) -> bool:
    """Who may fetch the captions a room kept: its participants when the room allows
    saving transcripts, and administrators."""
    return is_admin or (inside and policy.saving)
