"""Type-to-speak, translated before it is spoken.

A person who cannot speak types in their own language; the room may share another.
`TypedSpeech.prepare` translates the text into the language to speak (or leaves it
in the typed language, with a notice, when no engine can), says which voice to use,
and counts the phrase in the person's history for reuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from accessibility import languages
from accessibility.phrases import PhraseHistory
from accessibility.translation.base import Notice, Translator


@dataclass(frozen=True, slots=True)
class PreparedSpeech:
    text: str  # what to speak and post
    language: str  # the voice to speak it in: the language `text` is in
    original: str  # what was typed
    typed_language: str
    engine: str | None = None
    engine_version: str | None = None
    notice: Notice | None = None

    @property
    def translated(self) -> bool:
        return self.engine is not None


class TypedSpeech:
    def __init__(self, translator: Translator, history: PhraseHistory | None = None) -> None:
        self._translator = translator
        self.history = history

    async def prepare(
        self, text: str, typed_language: str, speak_language: str | None = None
    ) -> PreparedSpeech:
        """Translate typed text into `speak_language` (None: speak it as typed)."""
        typed = languages.normalize_tag(typed_language)
        text = text.strip()
        if self.history is not None:
            self.history.record(text, typed)
        target = typed if speak_language is None else languages.normalize_tag(speak_language)
        if target == typed or not text:
            return PreparedSpeech(text=text, language=typed, original=text, typed_language=typed)
        result = await self._translator.translate(text, typed, target)
        return PreparedSpeech(
            text=result.text,
            # Untranslated text keeps the typed language's voice, so it is at least
            # pronounced right.
            language=target if result.translated else typed,
            original=text,
            typed_language=typed,
            engine=result.engine,
            engine_version=result.engine_version,
            notice=result.notice,
        )
