"""Room text chat, beside the room: people who cannot speak depend on it."""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rooms.protocol import MAX_CHAT_TEXT

MAX_KEPT = 500  # lines kept per room


class ChatPanel(QWidget):
    send_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.log = QListWidget()
        self.log.setWordWrap(True)
        self.input = QLineEdit()
        self.input.setMaxLength(MAX_CHAT_TEXT)
        self.send = QPushButton()
        self.input_label = QLabel()
        self.input_label.setBuddy(self.input)
        self.title.setBuddy(self.log)
        row = QHBoxLayout()
        row.addWidget(self.input_label)
        row.addWidget(self.input, 1)
        row.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.log, 1)
        layout.addLayout(row)
        self.send.clicked.connect(self._send)
        self.input.returnPressed.connect(self._send)
        self.room_id: str | None = None
        self.room_name = ""
        self._history: dict[str, list[str]] = {}
        self.retranslate()
        self.set_room(None, "")

    def retranslate(self) -> None:
        self.input_label.setText(self.tr("Messa&ge:"))
        self.send.setText(self.tr("Sen&d"))
        self.send.setAccessibleName(self.tr("Send message"))
        self.input.setAccessibleName(self.tr("Chat message"))
        self.input.setAccessibleDescription(
            self.tr("Type a message to everyone in your room and press Enter.")
        )
        self.log.setAccessibleName(self.tr("Chat messages"))
        self._show_title()

    def _show_title(self) -> None:
        if self.room_id is None:
            self.title.setText(self.tr("Room &chat (join a room to chat)"))
        else:
            self.title.setText(self.tr("Room &chat: %1").replace("%1", self.room_name))
        self.log.setAccessibleDescription(self.title.text().replace("&", ""))

    def set_room(self, room_id: str | None, name: str) -> None:
        if room_id != self.room_id:
            self.room_id = room_id
            self.log.clear()
            for line in self._history.get(room_id or "", []):
                self.log.addItem(line)
        self.room_name = name
        enabled = room_id is not None
        self.input.setEnabled(enabled)
        self.send.setEnabled(enabled)
        self._show_title()

    def add(self, room_id: str, sender: str, text: str, at: float) -> str:
        stamp = time.strftime("%H:%M", time.localtime(at))
        line = f"{stamp} {sender}: {text}"
        kept = self._history.setdefault(room_id, [])
        kept.append(line)
        del kept[:-MAX_KEPT]
        if room_id == self.room_id:
            item = QListWidgetItem(line)
            self.log.addItem(item)
            self.log.scrollToItem(item)
        return line

    def lines(self) -> list[str]:
        return [self.log.item(i).text() for i in range(self.log.count())]

    def _send(self) -> None:
        text = self.input.text().strip()
        if text and self.room_id is not None:
            self.send_requested.emit(text)

    def sent(self) -> None:
        self.input.clear()
