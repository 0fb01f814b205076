"""Text to speech: the interface every synthesizer implements, and their registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

from accessibility.audio import Pcm
from accessibility.registry import Registry

# One utterance of type-to-speak; longer text is refused, not truncated silently.
MAX_SPEECH_TEXT: Final = 1000


@dataclass(frozen=True, slots=True)
class Speech:
    pcm: Pcm  # int16 mono
    rate: int
    text: str
    language: str

    @property
    def duration(self) -> float:
        return len(self.pcm) / self.rate


class SpeechSynthesizer(Protocol):
    name: str

    def synthesize(self, text: str, language: str, *, voice: str | None = None) -> Speech:
        """Speak `text` in `language` (a voice for it is chosen unless one is named).

        Raises EngineUnavailable when the engine or a voice for the language is missing.
        """
        ...

    def has_voice(self, language: str) -> bool: ...


synthesizers: Registry[SpeechSynthesizer] = Registry("yoriai.tts", "text-to-speech engine")
DEFAULT_SYNTHESIZER = "espeak-ng"


def clean_text(text: str) -> str:
    """Text as a synthesizer should get it: no control characters, bounded length."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    if len(cleaned) > MAX_SPEECH_TEXT:
        raise ValueError(f"text to speak is longer than {MAX_SPEECH_TEXT} characters")
    return cleaned
