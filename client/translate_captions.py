"""The client's side of caption translation: who spoke, in what language, for whom.

The one call the captions pane makes for each final caption:

    shown = await translations.caption(speaker_id, text)

The speaker's language and the listener's (this person's) come from the office mirror,
so a change of preferred language anywhere takes effect on the next caption. What to
show, the original, the engine's label and any speech cue are on `shown`
(accessibility.translation.listener.TranslatedCaption).
"""

from __future__ import annotations

from accessibility import languages
from accessibility.translation.base import Translator
from accessibility.translation.listener import CaptionTranslator, TranslatedCaption
from accessibility.translation.speech import SpeakTranslations
from client.session import Session


class CaptionTranslations:
    def __init__(
        self,
        session: Session,
        translator: Translator,
        *,
        speak: SpeakTranslations | None = None,
        default_language: str = "ja",
    ) -> None:
        self._session = session
        self.default_language = languages.normalize_tag(default_language)
        self._captions = CaptionTranslator(
            translator, self.my_language, speak=speak, default_language=self.default_language
        )

    @property
    def my_language(self) -> str:
        return self.language_of(self._session.person_id)

    def language_of(self, person_id: str | None) -> str:
        person = None if person_id is None else self._session.state.people.get(person_id)
        if person is None:
            return self.default_language
        return languages.match_tag(person.language) or self.default_language

    @property
    def speak(self) -> SpeakTranslations:
        return self._captions.speak

    @speak.setter
    def speak(self, value: SpeakTranslations) -> None:
        self._captions.speak = value

    async def caption(self, speaker_id: str, text: str) -> TranslatedCaption:
        """A final caption from `speaker_id`, in this listener's language."""
        self._captions.set_language(self.my_language)
        return await self._captions.final(text, self.language_of(speaker_id))

    async def set_my_language(self, tag: str) -> str:
        """Change this person's preferred language on the server (a loose tag is fine)."""
        canonical = languages.normalize_tag(tag)
        await self._session.set_language(canonical)
        return canonical
