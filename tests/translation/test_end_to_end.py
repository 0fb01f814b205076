"""End to end on a real office: people set their languages over the wire, and each
listener's client translates an English speaker's words into its own language.

Caption events arrive with the captions work (issue 5); until then the speaker's final
text travels as a room chat message, through the same real server, and each listener
hands it to the same one call the captions pane will make.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from accessibility.languages import UnknownLanguage
from accessibility.translation import (
    NoticeCode,
    TranslationChain,
    TranslationPolicy,
    build_chain,
    default_registry,
)
from accessibility.translation.listener import TranslatedCaption
from client.session import Session, SessionError
from client.translate_captions import CaptionTranslations
from rooms.protocol import ChatMessage, PersonChanged, ServerMessage
from tests.integration.support import Office, free_port


@pytest.fixture
async def chain() -> AsyncIterator[TranslationChain]:
    chain = build_chain(TranslationPolicy(offline_only=True), default_registry())
    yield chain
    await chain.aclose()


class Listener:
    """A listener's client: every final it hears goes through its CaptionTranslations."""

    def __init__(self, session: Session, translations: CaptionTranslations) -> None:
        self.session = session
        self.translations = translations
        self.shown: list[TranslatedCaption] = []
        self._tasks: set[asyncio.Task[None]] = set()
        session.add_listener(self._heard)

    def _heard(self, message: ServerMessage) -> None:
        if isinstance(message, ChatMessage) and message.from_id != self.session.person_id:
            task = asyncio.create_task(self._show(message.from_id, message.text))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _show(self, speaker: str, text: str) -> None:
        self.shown.append(await self.translations.caption(speaker, text))

    async def wait_for(self, count: int) -> list[TranslatedCaption]:
        async with asyncio.timeout(15):
            while len(self.shown) < count:
                await asyncio.sleep(0.01)
        return self.shown


async def test_languages_are_set_over_the_wire_and_kept(office: Office) -> None:
    kenji = await office.session("kenji")
    aiko = await office.session("aiko")
    seen: list[PersonChanged] = []
    aiko.add_listener(lambda m: seen.append(m) if isinstance(m, PersonChanged) else None)
    translations = CaptionTranslations(kenji, build_chain(TranslationPolicy(engines=())))
    assert translations.my_language == "ja"
    assert await translations.set_my_language("es-MX") == "es"
    await aiko.wait_until(lambda: aiko.state.people["kenji"].language == "es")
    assert seen and seen[-1].person.language == "es"
    assert translations.my_language == "es"
    stored = {p.id: p.language for p in await office.server.store.people()}
    assert stored["kenji"] == "es"  # in SQLite: survives a restart
    with pytest.raises(UnknownLanguage):
        await translations.set_my_language("de")
    with pytest.raises(SessionError) as refused:
        await kenji.set_language("zh-CN")  # the wire wants the canonical tag
    assert refused.value.code == "invalid"


async def test_an_english_speaker_reaches_each_listener_in_their_language(
    office: Office, chain: TranslationChain
) -> None:
    emma = await office.session("emma")  # English, as the demo office has her
    aiko = await office.session("aiko")  # Japanese
    kenji = await office.session("kenji")
    await CaptionTranslations(kenji, chain).set_my_language("es")
    for s in (emma, aiko, kenji):
        await s.join("room-1")
    spanish = Listener(kenji, CaptionTranslations(kenji, chain))
    japanese = Listener(aiko, CaptionTranslations(aiko, chain))
    await kenji.wait_until(lambda: kenji.state.people["kenji"].language == "es")

    for said in ("Can you hear me?", "I need a new computer.", "Let's start"):
        await emma.chat(said)
    es = await spanish.wait_for(3)
    ja = await japanese.wait_for(3)
    by_original = {c.original: c for c in es}
    assert by_original["Can you hear me?"].text == "¿Me escuchan?"
    assert by_original["Can you hear me?"].engine == "phrasebook"
    assert by_original["I need a new computer."].text == "Necesito un ordenador nuevo."
    assert by_original["I need a new computer."].engine == "apertium"
    assert by_original["Let's start"].text == "Empecemos"
    for caption in es:
        assert caption.language == "es" and caption.speaker_language == "en"

    by_original = {c.original: c for c in ja}
    assert by_original["Can you hear me?"].text == "聞こえますか"
    assert by_original["Let's start"].text == "始めましょう"
    assert all(by_original[k].engine == "phrasebook" for k in ("Can you hear me?", "Let's start"))
    # No offline engine has English to Japanese for this: shown as said, with a notice.
    untranslated = by_original["I need a new computer."]
    assert untranslated.text == "I need a new computer."
    assert untranslated.notice is not None and untranslated.notice.code is NoticeCode.NO_ENGINE
    assert untranslated.label("ja").endswith("原文を表示しています。")


async def test_a_dead_engine_drops_no_caption_and_the_room_goes_on(office: Office) -> None:
    policy = TranslationPolicy(
        engines=("libretranslate", "phrasebook"),
        timeout_s=1.0,
        engine_settings={"libretranslate": {"url": f"http://127.0.0.1:{free_port()}"}},
    )
    broken = build_chain(policy, default_registry())
    emma = await office.session("emma")
    aiko = await office.session("aiko")
    for s in (emma, aiko):
        await s.join("room-2")
    listener = Listener(aiko, CaptionTranslations(aiko, broken))
    for said in ("The server is down today", "Thank you", "Shall we continue?"):
        await emma.chat(said)
    shown = {c.original: c for c in await listener.wait_for(3)}
    assert set(shown) == {"The server is down today", "Thank you", "Shall we continue?"}
    down = shown["The server is down today"]
    assert down.text == "The server is down today"
    assert down.notice is not None and down.notice.code is NoticeCode.ENGINE_FAILED
    assert shown["Thank you"].text == "ありがとうございます"  # the phrase book still answers
    heard: list[str] = []
    emma.add_listener(lambda m: heard.append(m.text) if isinstance(m, ChatMessage) else None)
    await aiko.chat("はい")  # and the room goes on
    await emma.wait_until(lambda: "はい" in heard)
    await broken.aclose()
