"""Per-listener caption translation: one small call between captions and the screen.

Captions arrive in the speaker's language; each listener's client turns them into the
listener's language:

    shown = await captions.final(text, speaker_language)
    shown.text        # what to show (translated, or the original with a notice)
    shown.original    # for "show the original" on request
    shown.label("ja") # which engine made it, for the screen and the screen reader
    shown.cue         # a SpeechCue when the listener hears translations spoken

It knows nothing of how captions travel or how they are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from accessibility import languages
from accessibility.translation.base import Notice, Translator
from accessibility.translation.speech import SpeakTranslations, SpeechCue


@dataclass(frozen=True, slots=True)
class TranslatedCaption:
    text: str  # what to show
    language: str  # the language of `text`
    original: str
    speaker_language: str
    engine: str | None = None
    engine_version: str | None = None
    notice: Notice | None = None
    cached: bool = False
    cue: SpeechCue | None = None

    @property
    def translated(self) -> bool:
        return self.engine is not None

    def label(self, ui_language: str = "en") -> str:
        """Which engine produced the text ('' when it is the speaker's own words)."""
        if self.engine is None:
            return self.notice.message(ui_language) if self.notice else ""
        made_by = f"{self.engine} {self.engine_version}".strip()
        if ui_language.lower().startswith("ja"):
            return f"{made_by} による翻訳"
        return f"Translated by {made_by}"


class CaptionTranslator:
    """Turns final captions into one listener's language."""

    def __init__(
        self,
        translator: Translator,
        listener_language: str,
        *,
        speak: SpeakTranslations | None = None,
        default_language: str = "ja",
    ) -> None:
        self._translator = translator
        self.default_language = languages.normalize_tag(default_language)
        self.listener_language = self._resolve(listener_language)
        self.speak = speak or SpeakTranslations()

    def _resolve(self, tag: str) -> str:
        # A preference we cannot serve (a typo, Traditional Chinese) falls back to the
        # office's default language rather than switching translation off.
        return languages.match_tag(tag) or self.default_language

    def set_language(self, tag: str) -> None:
        self.listener_language = self._resolve(tag)

    async def final(self, text: str, speaker_language: str) -> TranslatedCaption:
        """Translate a final caption; same language (or nothing to say) passes through."""
        speaker = languages.match_tag(speaker_language) or speaker_language
        if languages.same_language(speaker, self.listener_language) or not text.strip():
            caption = TranslatedCaption(
                text=text, language=speaker, original=text, speaker_language=speaker
            )
        else:
            result = await self._translator.translate(text, speaker, self.listener_language)
            caption = TranslatedCaption(
                text=result.text,
                language=self.listener_language if result.translated else speaker,
                original=text,
                speaker_language=speaker,
                engine=result.engine,
                engine_version=result.engine_version,
                notice=result.notice,
                cached=result.cached,
            )
        cue = self.speak.cue_for(caption)
        if cue is None:
            return caption
        return replace(caption, cue=cue)
