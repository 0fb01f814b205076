"""Keypad mode: the numeric keypad alone drives the office.

For people who cannot use a mouse or a full keyboard (the reference office's users
worked from a numeric keypad). When on, keys from the keypad are taken before any
widget sees them:

    1-9, 0   join room 1-9, 10 (in the order of the rooms list)
    .        leave the room
    Enter    admit a knock / accept a call (the newest waiting)
    -        decline it
    +        read out the current room and who is in it
    *        mute or unmute (reserved until rooms have audio: `toggle_mute`)
    /        repeat the last announcement
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

_KEYPAD_DIGITS = 0x30  # Qt.Key.Key_0; digits are 0x30-0x39, as in ASCII


class KeypadActions(Protocol):
    def join_number(self, n: int) -> None: ...

    def leave(self) -> None: ...

    def answer_pending(self, yes: bool) -> bool: ...

    def read_current_room(self) -> None: ...

    def toggle_mute(self) -> None: ...

    def repeat_last(self) -> None: ...


class Keypad(QObject):
    """An application-wide event filter; install once, switch with `enabled`."""

    def __init__(self, actions: KeypadActions) -> None:
        super().__init__()
        self.actions = actions
        self.enabled = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.enabled or event.type() not in (
            QEvent.Type.KeyPress,
            QEvent.Type.ShortcutOverride,
        ):
            return False
        assert isinstance(event, QKeyEvent)
        if not event.modifiers() & Qt.KeyboardModifier.KeypadModifier:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # keep keypad keys from triggering shortcuts
            return True
        if event.isAutoRepeat():
            return True
        return self.press(Qt.Key(event.key()))

    def press(self, key: Qt.Key) -> bool:
        """Do what a keypad key means. Returns whether the key was one of ours."""
        a = self.actions
        # Compared by value: building Qt's 500-member Key enum costs start-up time.
        digit = int(key.value) - _KEYPAD_DIGITS
        if 0 <= digit <= 9:
            a.join_number(digit or 10)
        elif key in (Qt.Key.Key_Period, Qt.Key.Key_Comma, Qt.Key.Key_Delete):
            a.leave()
        elif key in (Qt.Key.Key_Enter, Qt.Key.Key_Return):
            a.answer_pending(True)
        elif key == Qt.Key.Key_Minus:
            a.answer_pending(False)
        elif key == Qt.Key.Key_Plus:
            a.read_current_room()
        elif key == Qt.Key.Key_Asterisk:
            a.toggle_mute()
        elif key == Qt.Key.Key_Slash:
            a.repeat_last()
        else:
            return False
        return True
