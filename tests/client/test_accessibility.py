"""Accessible by construction: names, announcements and their levels, self-voicing,
keypad mode, text scaling and high contrast that survive a restart, two languages."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import wave
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from client import settings as settings_store
from client.announcer import Announcer, Voice
from client.settings import AnnounceLevel, Theme
from client.views.dialogs import AnswerDialog
from client.views.main_window import MainWindow
from server.demo import DEMO_PASSWORD

from .conftest import running_server, signed_in_app, until, url_of, window

ROOT = Path(__file__).resolve().parents[2]
KEYPAD = Qt.KeyboardModifier.KeypadModifier


def focusable_without_name(root: QWidget) -> list[str]:
    missing = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) or w.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        iface = QAccessible.queryAccessibleInterface(w)
        if iface is None or not iface.text(QAccessible.Text.Name).strip():
            missing.append(f"{type(w).__name__} {w.objectName()!r}")
    return missing


def test_every_focusable_control_has_an_accessible_name(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            app = await signed_in_app(url_of(server))
            w = window(app)
            assert focusable_without_name(w) == []
            # Every action has a shortcut, shown in the in-app list and in docs/keyboard.md.
            doc = (ROOT / "docs" / "keyboard.md").read_text(encoding="utf-8")
            for action in w.actions():
                assert action.shortcuts(), action.text()
            for what, keys in w.shortcut_rows():
                keys = keys.split(" (")[0]  # "Enter (in the rooms list)"
                parts = [k for chunk in keys.split(", ") for k in chunk.split(" / ")]
                assert f"`{keys}`" in doc or all(f"`{k}`" in doc for k in parts), (
                    f"docs/keyboard.md lacks {keys} ({what})"
                )
            await app.close()

    qloop.run_until_complete(scenario())


def test_announcement_levels_and_history() -> None:
    a = Announcer(AnnounceLevel.ESSENTIAL)
    heard: list[str] = []
    a.announced.connect(heard.append)
    assert a.announce("knock", AnnounceLevel.ESSENTIAL, urgent=True)
    assert not a.announce("someone joined", AnnounceLevel.NORMAL)
    a.level = AnnounceLevel.VERBOSE
    assert a.announce("someone is busy", AnnounceLevel.VERBOSE)
    a.level = AnnounceLevel.OFF
    assert not a.announce("connection lost", AnnounceLevel.ESSENTIAL)
    assert heard == ["knock", "someone is busy"] == list(a.history)


def test_self_voicing_speaks_through_espeak(tmp_path: Path) -> None:
    voice = Voice("ja", to_dir=tmp_path)
    try:
        voice.say("田中さんが入室しました")
        voice.say("Connection lost: reconnecting")
        assert voice.wait_idle(60)
        assert voice.failed is None, voice.failed
        assert len(voice.spoken) == 2
        for path in voice.spoken:
            with wave.open(str(path)) as wav:
                seconds = wav.getnframes() / wav.getframerate()
            assert seconds > 0.5, f"{path.name} holds {seconds:.2f}s of speech"
    finally:
        voice.close()


def test_keypad_mode_drives_the_office(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            state = server.office.state
            url = url_of(server)
            app = await signed_in_app(url)
            w = window(app)
            w.toggle_keypad()
            assert app.keypad is not None and app.keypad.enabled
            assert settings_store.load().keypad_mode
            focus = QApplication.focusWidget() or w

            QTest.keyClick(focus, Qt.Key.Key_3, KEYPAD)  # room 3 in the list: 会議室 2
            await until(lambda: state.room_of("yui") == "room-2", what="keypad 3")
            QTest.keyClick(focus, Qt.Key.Key_Plus, KEYPAD)
            assert app.announcer.history[-1] == "You are in 会議室 2 Room 2, alone"

            from client.session import Session

            haruto = Session(url, username="haruto", password=DEMO_PASSWORD)
            await haruto.connect()
            w.toggle_lock()
            await until(lambda: state.rooms["room-2"].locked)
            await haruto.knock("room-2")
            await until(lambda: bool(w.answers), what="knock dialog")
            assert isinstance(next(iter(w.answers.values())), AnswerDialog)
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_Enter, KEYPAD)
            await until(lambda: state.room_of("haruto") == "room-2", what="keypad admit")

            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_Asterisk, KEYPAD)
            assert app.announcer.history[-1] == "Rooms have no audio yet"
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_Period, KEYPAD)
            await until(lambda: state.room_of("yui") is None, what="keypad leave")
            QTest.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_0, KEYPAD)  # room 10
            await until(lambda: bool(w.dialogs), what="the focus booth is locked: knock")

            # With keypad mode off, keypad digits are plain digits again.
            w.toggle_keypad()
            w.chat.input.setEnabled(True)
            w.chat.input.setFocus()
            QTest.keyClick(w.chat.input, Qt.Key.Key_5, KEYPAD)
            assert w.chat.input.text() == "5"
            assert state.room_of("yui") is None
            await haruto.close()
            await app.close()

    qloop.run_until_complete(scenario())


def test_text_size_and_high_contrast_survive_a_restart(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            app = await signed_in_app(url_of(server))
            w = window(app)
            qapp = QApplication.instance()
            assert isinstance(qapp, QApplication)
            base = qapp.font().pointSizeF()
            w.activateWindow()
            await until(lambda: w.isActiveWindow(), what="the window active")
            QTest.keyClick(w.rooms, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClick(w.rooms, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
            assert settings_store.load().text_scale == 1.25
            assert abs(qapp.font().pointSizeF() - base * 1.25) < 0.01
            await until(lambda: abs(w.rooms.font().pointSizeF() - base * 1.25) < 0.01, what="font")
            assert app.announcer.history[-1] == "Text size 125%"
            QTest.keyClick(
                w.rooms,
                Qt.Key.Key_H,
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            )
            assert settings_store.load().theme is Theme.HIGH_CONTRAST
            assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#000000"
            assert qapp.palette().color(QPalette.ColorRole.Highlight).name() == "#ffff00"
            await app.close()

            # A new start reads them back.
            again = await signed_in_app(url_of(server))
            assert abs(qapp.font().pointSizeF() - base * 1.25) < 0.01
            assert qapp.palette().color(QPalette.ColorRole.WindowText).name() == "#ffffff"
            window(again).scale_text(0)
            window(again).toggle_contrast()
            assert settings_store.load().text_scale == 1.0
            assert settings_store.load().theme is Theme.SYSTEM
            assert abs(qapp.font().pointSizeF() - base) < 0.01
            await again.close()

    qloop.run_until_complete(scenario())


def test_japanese_and_english_switch_live(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            settings_store.save(settings_store.Settings(language="ja"))
            app = await signed_in_app(url_of(server))
            w: MainWindow = window(app)
            assert w.office_menu.title() == "オフィス(&O)"
            assert w.rooms.accessibleName() == "部屋"
            assert w.rooms_model.item(0).text() == "ロビー Lobby, 0/30人"
            assert w.connection.text() == "接続中"
            # The server's refusal comes in the UI's language, by its stable code.
            w.join("management")
            await until(lambda: bool(w.dialogs), what="the error dialog")
            assert w.dialogs[-1].text() == "この部屋はメンバー限定です。"  # type: ignore[attr-defined]
            assert app.announcer.history[-1] == "この部屋はメンバー限定です。"
            w.dialogs[-1].close()
            from dataclasses import replace

            app.apply_settings(replace(app.settings, language="en"))
            await until(lambda: w.office_menu.title() == "&Office", what="retranslated")
            assert w.rooms.accessibleName() == "Rooms"
            assert w.rooms_model.item(0).text() == "ロビー Lobby, 0 of 30"
            assert w.people.model.horizontalHeaderItem(0).text() == "Name"
            assert settings_store.load().language == "en"
            await app.close()

    qloop.run_until_complete(scenario())


def test_translations_are_complete_and_compiled() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "i18n.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
