"""Captions as a listener sees them, and transcripts made from them. Pure logic.

`CaptionBoard` is the model behind a captions pane: each speaker's utterance shows its
latest partial until its final replaces it; finals stay, in the order they were
spoken. Only finals are announced to screen readers (`Change.announce`): partials
change several times a second and would drown the speech.

`to_text` and `to_webvtt` turn finals into a transcript (minutes) with speaker names
and times.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Caption:
    speaker_id: str
    utterance: str
    text: str
    final: bool
    language: str
    start: float  # seconds since the epoch
    end: float

    @property
    def key(self) -> tuple[str, str]:
        return (self.speaker_id, self.utterance)


class ChangeKind(enum.StrEnum):
    PARTIAL = "partial"  # a live line appeared or changed
    FINAL = "final"  # a line became final (replacing its partial)
    DROPPED = "dropped"  # a live line went away without text (noise, speaker left)


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    caption: Caption
    announce: str | None = None  # what a screen reader should say, if anything


def announcement(caption: Caption, speaker_name: str) -> str | None:
    """Screen readers get finals only, with who said it."""
    if not caption.final or not caption.text.strip():
        return None
    return f"{speaker_name}: {caption.text.strip()}"


@dataclass
class CaptionBoard:
    max_finals: int = 500
    names: Mapping[str, str] = field(default_factory=dict)
    _finals: list[Caption] = field(default_factory=list)
    _live: dict[tuple[str, str], Caption] = field(default_factory=dict)
    _closed: dict[tuple[str, str], None] = field(default_factory=dict)  # ordered set

    def name_of(self, speaker_id: str) -> str:
        return self.names.get(speaker_id, speaker_id)

    def apply(self, caption: Caption) -> Change | None:
        """Take a caption from the room; return what changed on screen, if anything."""
        key = caption.key
        if key in self._closed:
            return None  # a late partial or a repeated final for a finished utterance
        if not caption.final:
            if self._live.get(key) == caption:
                return None
            self._live[key] = caption
            return Change(ChangeKind.PARTIAL, caption)
        self._live.pop(key, None)
        self._closed[key] = None
        while len(self._closed) > 4 * self.max_finals:
            del self._closed[next(iter(self._closed))]
        if not caption.text.strip():
            return Change(ChangeKind.DROPPED, caption)
        self._insert(caption)
        return Change(
            ChangeKind.FINAL, caption, announcement(caption, self.name_of(caption.speaker_id))
        )

    def _insert(self, caption: Caption) -> None:
        i = len(self._finals)
        while i > 0 and self._finals[i - 1].start > caption.start:
            i -= 1
        self._finals.insert(i, caption)
        if len(self._finals) > self.max_finals:
            del self._finals[: len(self._finals) - self.max_finals]

    def drop_speaker(self, speaker_id: str) -> list[Change]:
        """The speaker left the room: their unfinished line goes."""
        gone = [c for k, c in self._live.items() if k[0] == speaker_id]
        for c in gone:
            del self._live[c.key]
        return [Change(ChangeKind.DROPPED, c) for c in gone]

    def finals(self) -> list[Caption]:
        return list(self._finals)

    def live(self) -> list[Caption]:
        return sorted(self._live.values(), key=lambda c: c.start)

    def lines(self) -> list[Caption]:
        """What the pane shows, top to bottom: finals, then what is being said now."""
        return self.finals() + self.live()

    def clear(self) -> None:
        self._finals.clear()
        self._live.clear()
        self._closed.clear()


# ---------------------------------------------------------------- transcripts


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    speaker: str  # a display name
    text: str
    start: float  # seconds since the epoch
    end: float


def transcript_lines(finals: Iterable[Caption], names: Mapping[str, str]) -> list[TranscriptLine]:
    lines = [
        TranscriptLine(
            names.get(c.speaker_id, c.speaker_id), " ".join(c.text.split()), c.start, c.end
        )
        for c in finals
        if c.final and c.text.strip()
    ]
    return sorted(lines, key=lambda line: line.start)


def to_text(
    lines: Iterable[TranscriptLine], *, title: str = "", tz: dt.tzinfo | None = None
) -> str:
    """Plain-text minutes: one line per caption, `[HH:MM:SS] Name: text`."""
    out = []
    items = list(lines)
    if title:
        out.append(title)
    if items:
        day = dt.datetime.fromtimestamp(items[0].start, tz)
        out.append(day.strftime("%Y-%m-%d %H:%M:%S %Z").strip())
    if out:
        out.append("")
    for line in items:
        at = dt.datetime.fromtimestamp(line.start, tz).strftime("%H:%M:%S")
        out.append(f"[{at}] {line.speaker}: {line.text}")
    return "\n".join(out) + "\n"


def _vtt_time(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(lines: Iterable[TranscriptLine], *, origin: float | None = None) -> str:
    """WebVTT with a voice span per speaker (`<v Name>`); cue times count from `origin`
    (the first caption's start by default)."""
    items = list(lines)
    out = ["WEBVTT", ""]
    if not items:
        return "\n".join(out)
    zero = items[0].start if origin is None else origin
    for line in items:
        start = line.start - zero
        # A cue needs a positive length; a caption without one stays up a moment.
        end = line.end - zero if line.end > line.start else start + max(1.0, 0.06 * len(line.text))
        out.append(f"{_vtt_time(start)} --> {_vtt_time(end)}")
        out.append(f"<v {_vtt_escape(line.speaker)}>{_vtt_escape(line.text)}")
        out.append("")
    return "\n".join(out)
