"""The whole main flow from the keyboard alone: no clicks, no calls into the widgets.

Sign in, set my status, join a room, chat, read the shortcuts, leave: each step is a
key event sent to whatever has the focus, as a keyboard user would.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from client import settings as settings_store
from client.app import YoriaiApp
from client.session import Session
from client.settings import AnnounceLevel
from client.views.dialogs import SettingsDialog, ShortcutsDialog
from rooms.presence import Availability
from rooms.protocol import ChatMessage, ServerMessage
from server.demo import DEMO_PASSWORD

from .conftest import running_server, until, url_of

CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def test_the_main_flow_by_keyboard_alone(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            state = server.office.state
            haruto = Session(url, username="haruto", password=DEMO_PASSWORD)
            await haruto.connect()
            await haruto.join("room-2")
            heard: list[ServerMessage] = []
            haruto.add_listener(heard.append)

            app = YoriaiApp(settings_store.load())
            await app.start(url)
            sign_in = app.sign_in_window
            assert sign_in is not None
            sign_in.activateWindow()
            await until(lambda: QApplication.focusWidget() is sign_in.user, what="user field focus")
            type_text("yui")
            press(Qt.Key.Key_Tab)
            assert focused() is sign_in.password
            type_text(DEMO_PASSWORD)
            press(Qt.Key.Key_Return)
            await until(lambda: app.window is not None, what="signed in")
            w = app.window
            assert w is not None
            w.activateWindow()
            await until(lambda: QApplication.focusWidget() is w.rooms, what="rooms focused")

            # My status: Ctrl+3, Down to "Busy", Tab, type, Enter.
            press(Qt.Key.Key_3, CTRL)
            assert focused() is w.status_panel.availability
            press(Qt.Key.Key_Down)
            press(Qt.Key.Key_Tab)
            assert focused() is w.status_panel.text
            type_text("writing the minutes")
            press(Qt.Key.Key_Return)
            await until(lambda: state.presence_of("yui").availability is Availability.BUSY)
            assert state.presence_of("yui").status_text == "writing the minutes"

            # Join: Ctrl+1 to the rooms, Down to room 2 (past the lobby), Enter.
            press(Qt.Key.Key_1, CTRL)
            assert focused() is w.rooms
            press(Qt.Key.Key_Down)  # the lobby
            press(Qt.Key.Key_Down)  # 会議室 1
            press(Qt.Key.Key_Down)  # 会議室 2
            assert w.rooms.selected_room() == "room-2"
            press(Qt.Key.Key_Return)
            await until(lambda: state.room_of("yui") == "room-2", what="joined")

            # Chat: Ctrl+4 to the message field, type, Enter.
            press(Qt.Key.Key_4, CTRL)
            await until(lambda: focused() is w.chat.input, what="chat input")
            type_text("hello from the keyboard")
            press(Qt.Key.Key_Return)
            await until(lambda: any(isinstance(m, ChatMessage) for m in heard), what="chat")
            chat = next(m for m in heard if isinstance(m, ChatMessage))
            assert (chat.from_id, chat.text) == ("yui", "hello from the keyboard")

            # F1 lists the shortcuts; Escape closes the list.
            press(Qt.Key.Key_F1)
            await until(lambda: isinstance(QApplication.activeModalWidget(), ShortcutsDialog))
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, ShortcutsDialog) and dialog.table.rowCount() > 20
            QTest.keyClick(dialog, Qt.Key.Key_Escape)
            await until(lambda: QApplication.activeModalWidget() is None)

            # Tab walks the window in a sensible order, from the rooms to the chat.
            press(Qt.Key.Key_1, CTRL)
            order = [focused()]
            for _ in range(15):
                press(Qt.Key.Key_Tab)
                order.append(focused())
            assert order == [
                w.rooms,
                w.join_button,
                w.leave_button,
                w.knock_button,
                w.lock_button,
                w.people.team,
                w.people.site,
                w.people.view,
                w.call_button,
                w.status_panel.availability,
                w.status_panel.text,
                w.status_panel.location,
                w.status_panel.apply,
                w.chat.log,
                w.chat.input,
                w.chat.send,
            ]

            # Settings by keyboard: Ctrl+, then choose how much is announced, Enter.
            press(Qt.Key.Key_Comma, CTRL)
            await until(lambda: isinstance(QApplication.activeModalWidget(), SettingsDialog))
            settings_dialog = QApplication.activeModalWidget()
            assert isinstance(settings_dialog, SettingsDialog)
            await until(lambda: focused() is settings_dialog.language, what="language focus")
            press(Qt.Key.Key_Tab)
            assert focused() is settings_dialog.level
            press(Qt.Key.Key_Up)  # Normal -> Essential
            press(Qt.Key.Key_Return)
            await until(lambda: QApplication.activeModalWidget() is None)
            assert app.announcer.level is AnnounceLevel.ESSENTIAL
            assert settings_store.load().announce_level is AnnounceLevel.ESSENTIAL

            # Leave: Ctrl+L.
            w.activateWindow()
            await until(lambda: QApplication.focusWidget() is not None)
            press(Qt.Key.Key_L, CTRL)
            await until(lambda: state.room_of("yui") is None, what="left")
            await haruto.close()
            await app.close()

    qloop.run_until_complete(scenario())
