"""The captions pane against a real server: a colleague's captions appear with their
name in large high-contrast text, finals (not partials) reach the screen reader, the
keyboard turns captions on for the room, floats the pane, and saves a transcript."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from accessibility.translation import TranslationPolicy, build_chain, default_registry
from accessibility.tts.espeak import EspeakEngine
from accessibility.tts.source import SpeechSource
from client.session import Session
from client.speech import TypeToSpeak, phrasebook_path
from client.translate_captions import CaptionTranslations
from rooms.protocol import ChatMessage
from server.cli import main as cli_main
from server.demo import DEMO_PASSWORD

from .conftest import running_server, signed_in_app, until, url_of, window

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
AIKO = "佐藤 愛子 (Aiko Sato)"


def test_captions_pane_shows_announces_floats_and_saves(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            state = server.office.state
            url = url_of(server)
            app = await signed_in_app(url)
            w = window(app)
            pane = w.captions
            pane.transcript_dir = tmp_path / "minutes"
            w.join("room-1")
            await until(lambda: state.room_of("yui") == "room-1", what="yui in room-1")
            aiko = Session(url, username="aiko", password=DEMO_PASSWORD)
            await aiko.connect()
            await aiko.join("room-1")

            # Captions are off until someone turns them on: from the keyboard.
            assert not state.rooms["room-1"].captions.live
            await until(lambda: pane.turn_on.isEnabled(), what="turn-on enabled")
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_C, CTRL_SHIFT)
            await until(lambda: state.rooms["room-1"].captions.live, what="captions live")
            await until(lambda: not pane.turn_on.isEnabled())

            now = time.time()
            caption = {"utterance": "u1", "language": "en", "start": now, "end": now + 1}
            await aiko.send_caption(final=False, text="good mor", **caption)  # type: ignore[arg-type]
            await until(lambda: "good mor" in pane.live.text(), what="the partial")
            assert not any("good mor" in t for t in app.announcer.history)  # not announced
            await aiko.send_caption(final=True, text="good morning", **caption)  # type: ignore[arg-type]
            await until(lambda: pane.lines() == [f"{AIKO}: good morning"], what="the final")
            assert f"{AIKO}: good morning" in app.announcer.history
            assert pane.live.text() == ""
            # Large (bigger than the rest of the window) and yellow on black.
            assert pane.log.font().pointSizeF() > w.rooms.font().pointSizeF() * 1.4
            assert "#ffff00" in pane.styleSheet() and "#000000" in pane.styleSheet()

            # Detach into its own window and back, from the keyboard.
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_D, CTRL_SHIFT)
            assert w.captions_dock.isFloating() and w.captions_dock.isVisible()
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_D, CTRL_SHIFT)
            assert not w.captions_dock.isFloating()
            await until(lambda: QApplication.focusWidget() is pane.log, what="focus back")

            # No transcript until the room allows it; then Ctrl+Shift+S saves one.
            assert not pane.save.isEnabled()
            assert pane.save_transcript() is None
            assert app.announcer.history[-1] == "This room does not allow saving transcripts"
            argv = ["--db", str(server.config.db_path), "room", "captions", "room-1"]
            assert await asyncio.to_thread(cli_main, [*argv, "--saving", "on"]) == 0
            await until(lambda: state.rooms["room-1"].captions.saving, what="saving allowed")
            await until(lambda: pane.save.isEnabled(), what="save enabled")
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_S, CTRL_SHIFT)
            saved = list(pane.transcript_dir.glob("*.txt"))
            assert len(saved) == 1
            assert f"{AIKO}: good morning" in saved[0].read_text("utf-8")
            assert app.announcer.history[-1].startswith("Transcript saved to ")
            await aiko.close()
            await app.close()

    qloop.run_until_complete(scenario())


def test_captions_are_shown_translated_with_the_engine_and_the_original_on_request(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            state = server.office.state
            url = url_of(server)
            app = await signed_in_app(url)
            w = window(app)
            pane = w.captions
            chain = build_chain(TranslationPolicy(offline_only=True), default_registry())
            translations = CaptionTranslations(w.session, chain)
            await translations.set_my_language("es")  # Yui prefers Spanish
            pane.set_translations(translations)
            w.join("room-1")
            await until(lambda: state.room_of("yui") == "room-1", what="yui in room-1")
            emma = Session(url, username="emma", password=DEMO_PASSWORD)  # English
            await emma.connect()
            await emma.join("room-1")
            await emma.set_room_captions("room-1", True)
            await until(lambda: w.session.state.rooms["room-1"].captions.live)

            now = time.time()
            caption = {"utterance": "u1", "language": "en", "start": now, "end": now + 1}
            await emma.send_caption(final=True, text="I need a new computer.", **caption)  # type: ignore[arg-type]
            await until(lambda: "Necesito" in "".join(pane.lines()), what="the translation")
            name = w.session.state.people["emma"].display_name
            line = pane.lines()[0]
            assert line.startswith(f"{name}: Necesito un ordenador nuevo.")
            assert "(Translated by apertium" in line  # the engine is shown
            await until(lambda: f"{name}: Necesito un ordenador nuevo." in app.announcer.history)
            assert f"{name}: I need a new computer." not in app.announcer.history
            # Ctrl+Shift+G: what Emma said; and back.
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_G, CTRL_SHIFT)
            assert pane.lines() == [f"{name}: I need a new computer."]
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_G, CTRL_SHIFT)
            assert pane.lines()[0].startswith(f"{name}: Necesito")
            await emma.close()
            await app.close()
            await chain.aclose()

    qloop.run_until_complete(scenario())


def test_type_to_speak_from_the_pane_speaks_posts_and_remembers(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            state = server.office.state
            url = url_of(server)
            app = await signed_in_app(url)
            w = window(app)
            pane = w.captions
            source = SpeechSource()
            book = phrasebook_path(url, "yui", base=tmp_path)
            pane.set_speaker(
                TypeToSpeak(w.session, EspeakEngine(), source, language="ko", phrases_path=book)
            )
            w.join("room-1")
            await until(lambda: state.room_of("yui") == "room-1", what="yui in room-1")
            aiko = Session(url, username="aiko", password=DEMO_PASSWORD)
            await aiko.connect()
            await aiko.join("room-1")
            chats: list[str] = []
            aiko.add_listener(
                lambda m: chats.append(m.text) if isinstance(m, ChatMessage) else None
            )

            # From the keyboard: Ctrl+6, the words, Enter.
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_6, CTRL)
            assert QApplication.focusWidget() is pane.say_input
            pane.say_input.insert("사랑")  # (QTest cannot type Hangul keys)
            QTest.keyClick(pane.say_input, Qt.Key.Key_Return)
            await until(lambda: chats == ["사랑"], what="the typed words in aiko's chat")
            await until(lambda: pane.say_input.text() == "", what="the field cleared")
            assert source.pending_s > 0.3  # queued for the outgoing audio
            assert [pane.phrases.itemText(i) for i in range(pane.phrases.count())] == ["사랑"]
            pane.say_input.setText("감사합니다")
            pane.save_phrase.click()
            assert pane.phrases.itemText(0) == "감사합니다"  # saved phrases come first
            assert app.announcer.history[-1] == "Phrase saved"
            assert "감사합니다" in book.read_text("utf-8")
            await aiko.close()
            await app.close()

    qloop.run_until_complete(scenario())
