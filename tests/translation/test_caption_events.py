"""Issue 6 with real caption events: an English speaker's final captions (caption.send,
relayed by the real server) reach each listener's RoomCaptions, and each listener's
client translates them into its own language: Spanish through Apertium, Japanese
through the phrase book, and the original with a notice when an engine fails."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from accessibility.captions import Change, ChangeKind
from accessibility.translation import (
    NoticeCode,
    TranslationChain,
    TranslationPolicy,
    build_chain,
    default_registry,
)
from accessibility.translation.listener import TranslatedCaption
from client.captions import RoomCaptions
from client.session import Session
from client.translate_captions import CaptionTranslations
from tests.integration.support import Office, free_port


@pytest.fixture
async def chain() -> AsyncIterator[TranslationChain]:
    chain = build_chain(TranslationPolicy(offline_only=True), default_registry())
    yield chain
    await chain.aclose()


class CaptionListener:
    """A listener's client: each final caption on its board goes through its translations."""

    def __init__(self, session: Session, translations: CaptionTranslations) -> None:
        self.translations = translations
        self.captions = RoomCaptions(session)
        self.shown: list[TranslatedCaption] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.captions.on_change(self._changed)

    def _changed(self, change: Change) -> None:
        if change.kind is ChangeKind.FINAL:
            c = change.caption
            task = asyncio.create_task(self._show(c.speaker_id, c.text))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _show(self, speaker: str, text: str) -> None:
        self.shown.append(await self.translations.caption(speaker, text))

    async def wait_for(self, count: int) -> dict[str, TranslatedCaption]:
        async with asyncio.timeout(15):
            while len(self.shown) < count:
                await asyncio.sleep(0.01)
        return {c.original: c for c in self.shown}


async def say(speaker: Session, *lines: str) -> None:
    """Final captions, each with a partial first, as the speaker's Captioner sends them."""
    for n, text in enumerate(lines):
        now = time.time()
        at = {"utterance": f"u{n}", "language": "en", "start": now, "end": now + 1.0}
        await speaker.send_caption(final=False, text=text.split()[0], **at)  # type: ignore[arg-type]
        await speaker.send_caption(final=True, text=text, **at)  # type: ignore[arg-type]


async def in_room_with_captions(office: Office, room: str, *users: str) -> list[Session]:
    sessions = [await office.session(u) for u in users]
    for s in sessions:
        await s.join(room)
    await sessions[0].set_room_captions(room, True)
    for s in sessions:
        await s.wait_until(lambda s=s: s.state.rooms[room].captions.live)
    return sessions


async def test_an_english_speakers_captions_reach_each_listener_in_their_language(
    office: Office, chain: TranslationChain
) -> None:
    emma, aiko, kenji = await in_room_with_captions(office, "room-1", "emma", "aiko", "kenji")
    await CaptionTranslations(kenji, chain).set_my_language("es")
    await kenji.wait_until(lambda: kenji.state.people["kenji"].language == "es")
    spanish = CaptionListener(kenji, CaptionTranslations(kenji, chain))
    japanese = CaptionListener(aiko, CaptionTranslations(aiko, chain))

    await say(emma, "I need a new computer.", "Can you hear me?", "Let's start")
    es = await spanish.wait_for(3)
    ja = await japanese.wait_for(3)
    assert es["I need a new computer."].text == "Necesito un ordenador nuevo."
    assert es["I need a new computer."].engine == "apertium"
    assert es["I need a new computer."].label("en").startswith("Translated by apertium")
    assert es["Can you hear me?"].text == "¿Me escuchan?"
    assert all(c.language == "es" and c.speaker_language == "en" for c in es.values())
    assert ja["Can you hear me?"].text == "聞こえますか"
    assert ja["Let's start"].text == "始めましょう"
    assert ja["Let's start"].engine == "phrasebook"
    # Partials are never translated: only the three finals reached each listener.
    assert len(spanish.shown) == len(japanese.shown) == 3
    # The board keeps the speaker's own words: "show original" has them.
    assert japanese.captions.board.finals()[0].text == "I need a new computer."


async def test_a_failing_engine_leaves_the_original_caption_with_a_notice(
    office: Office,
) -> None:
    policy = TranslationPolicy(
        engines=("libretranslate", "phrasebook"),
        timeout_s=1.0,
        engine_settings={"libretranslate": {"url": f"http://127.0.0.1:{free_port()}"}},
    )
    broken = build_chain(policy, default_registry())
    emma, aiko = await in_room_with_captions(office, "room-2", "emma", "aiko")
    listener = CaptionListener(aiko, CaptionTranslations(aiko, broken))
    await say(emma, "The server is down today", "Thank you")
    shown = await listener.wait_for(2)
    down = shown["The server is down today"]
    assert down.text == "The server is down today"
    assert down.notice is not None and down.notice.code is NoticeCode.ENGINE_FAILED
    assert down.label("en") != ""
    assert shown["Thank you"].text == "ありがとうございます"
    await broken.aclose()
