"""Type-to-speak: what a person types is spoken into the room and posted as text.

`TypeToSpeak.say` synthesises the text (off the event loop) in a voice for the
person's language, queues it on their `SpeechSource` (which the voice layer mixes into
their outgoing WebRTC audio), posts it to the room's chat and, when captions are on,
as a caption; and remembers it in their phrase book for quick reuse.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from accessibility.phrasebook import PhraseBook
from accessibility.tts.source import SpeechSource
from accessibility.tts.synthesizer import Speech, SpeechSynthesizer, clean_text
from client.session import Session, SessionError

log = logging.getLogger("yoriai.speech")


def phrasebook_path(server_url: str, username: str, base: Path | None = None) -> Path:
    """Each person's phrase book, per server, in their own data directory."""
    root = base or Path(platformdirs.user_data_dir("yoriai", appauthor=False))
    server = hashlib.sha256(server_url.encode()).hexdigest()[:12]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in username)
    return root / "phrases" / f"{server}-{safe}.json"


@dataclass(frozen=True, slots=True)
class Said:
    speech: Speech
    seconds_queued: float
    chat_posted: bool
    caption_posted: bool


class TypeToSpeak:
    def __init__(
        self,
        session: Session,
        synthesizer: SpeechSynthesizer,
        source: SpeechSource,
        *,
        language: str,
        phrases_path: Path | None = None,
        post_chat: bool = True,
    ) -> None:
        self.session = session
        self.synthesizer = synthesizer
        self.source = source
        self.language = language
        self.phrases_path = phrases_path
        self.phrases = PhraseBook.load(phrases_path) if phrases_path else PhraseBook()
        self.post_chat = post_chat
        self._count = 0

    async def say(self, text: str) -> Said:
        spoken = clean_text(text)
        if not spoken:
            raise ValueError("nothing to say")
        speech = await asyncio.to_thread(self.synthesizer.synthesize, spoken, self.language)
        start = time.time()
        queued = self.source.say(speech)
        self.phrases.used(spoken)
        if self.phrases_path is not None:
            await asyncio.to_thread(self.phrases.store, self.phrases_path)
        chat = await self._post_chat(spoken)
        caption = await self._post_caption(spoken, start, start + speech.duration)
        return Said(speech, queued, chat, caption)

    def save_phrase(self, text: str) -> bool:
        added = self.phrases.save(text)
        if added and self.phrases_path is not None:
            self.phrases.store(self.phrases_path)
        return added

    async def _post_chat(self, text: str) -> bool:
        if not self.post_chat or self.session.my_room is None:
            return False
        try:
            await self.session.chat(text)
        except SessionError as exc:
            log.info("typed speech not posted to chat: %s", exc)
            return False
        return True

    async def _post_caption(self, text: str, start: float, end: float) -> bool:
        room_id = self.session.my_room
        room = self.session.state.rooms.get(room_id) if room_id else None
        if room is None or not room.captions.live:
            return False
        self._count += 1
        try:
            await self.session.send_caption(
                utterance=f"typed-{int(start * 1000):x}-{self._count}",
                final=True,
                text=text,
                language=self.language,
                start=start,
                end=end,
            )
        except SessionError as exc:
            log.info("typed speech not posted as a caption: %s", exc)
            return False
        return True
