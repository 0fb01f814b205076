"""Speaking translated captions aloud, as a policy the audio layer can follow.

Nothing here makes a sound. `SpeakTranslations.cue_for` decides whether a translated
final caption should be spoken and in which voice; `DuckingState` tells the audio
layer how loud the room should be while cues play (lowered while any cue speaks, back
to full when the last one ends). Both are pure and take no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol


class SpeakableCaption(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def translated(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Ducking:
    """How the room's audio is lowered while a translation is spoken."""

    gain: float = 0.25  # the room's level while speaking, 0 (silent) to 1 (unchanged)
    fade_s: float = 0.15  # time to go down
    release_s: float = 0.5  # time to come back up

    def __post_init__(self) -> None:
        if not 0.0 <= self.gain <= 1.0:
            raise ValueError("ducking gain is between 0 and 1")
        if self.fade_s < 0 or self.release_s < 0:
            raise ValueError("fade times must not be negative")


@dataclass(frozen=True, slots=True)
class SpeechCue:
    """Speak `text` in `language`, lowering the room as `duck` says (None: not at all)."""

    text: str
    language: str
    duck: Ducking | None


@dataclass(frozen=True, slots=True)
class SpeakTranslations:
    """A listener's choice to hear translated finals, and how."""

    enabled: bool = False
    only_translated: bool = True  # captions already in my language stay silent
    duck: Ducking | None = field(default_factory=Ducking)
    max_chars: int = 500  # longer captions are left to reading

    def cue_for(self, caption: SpeakableCaption) -> SpeechCue | None:
        if not self.enabled or not caption.text.strip():
            return None
        if self.only_translated and not caption.translated:
            return None
        if len(caption.text) > self.max_chars:
            return None
        return SpeechCue(caption.text.strip(), caption.language, self.duck)


class DuckingState:
    """Which cues are speaking, and so how loud the room should be now."""

    def __init__(self) -> None:
        self._speaking: dict[object, Ducking] = {}

    @property
    def gain(self) -> float:
        """The room's level: the lowest any speaking cue asks for, else 1."""
        return min((d.gain for d in self._speaking.values()), default=1.0)

    @property
    def ducked(self) -> bool:
        return bool(self._speaking)

    def begin(self, cue_id: object, cue: SpeechCue) -> float:
        if cue.duck is not None:
            self._speaking[cue_id] = cue.duck
        return self.gain

    def end(self, cue_id: object) -> float:
        self._speaking.pop(cue_id, None)
        return self.gain

    def end_all(self, cue_ids: Iterable[object] | None = None) -> float:
        for cue_id in list(self._speaking if cue_ids is None else cue_ids):
            self._speaking.pop(cue_id, None)
        return self.gain
