"""The captions pane: what is said in my room, as large high-contrast text.

A dock widget, so it can be resized, moved and floated into its own window. Finals go
to the screen reader through the announcer (partials would drown it); the live line is
shown but not announced. Anyone in the room can turn captions on for the room, and
save a transcript where the room allows it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from accessibility.captions import Caption, Change, ChangeKind
from accessibility.registry import EngineUnavailable
from client.captions import RoomCaptions, TranscriptNotAllowed
from client.session import Session, SessionError
from client.speech import TypeToSpeak
from client.translate_captions import CaptionTranslations

log = logging.getLogger("yoriai.captions")

FONT_SCALE = 1.6  # captions are read at a glance: larger than the rest of the UI
# Yellow on black: the usual caption colours, well above WCAG AAA contrast (19:1).
STYLE = "QListWidget, QLabel#captionLive { background: #000000; color: #ffff00; }"


def _default_transcripts() -> Path:
    return Path(platformdirs.user_documents_dir()) / "Yoriai transcripts"


class CaptionsPane(QWidget):
    def __init__(
        self,
        session: Session,
        announce: Callable[[str], object],
        report: Callable[[SessionError], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.captions = RoomCaptions(session)
        self.transcript_dir = _default_transcripts()
        self.tasks: set[asyncio.Task[None]] = set()
        self._report = report
        self._announce = announce
        self.log = QListWidget()
        self.log.setWordWrap(True)
        self.live = QLabel()
        self.live.setObjectName("captionLive")
        self.live.setWordWrap(True)
        self.live.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.turn_on = QPushButton()
        self.save = QPushButton()
        self.original = QPushButton()
        self.original.setCheckable(True)
        self.original.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.turn_on)
        buttons.addWidget(self.save)
        buttons.addWidget(self.original)
        # Translated finals into my language (issue 6); None shows what was said.
        self.translations: CaptionTranslations | None = None
        self._room_id = self.captions.room_id
        self._rows: list[tuple[str, str, str, str]] = []  # speaker, original, shown, label
        # Type-to-speak: what is typed is spoken into the room (and posted as text).
        self.say_label = QLabel()
        self.say_input = QLineEdit()
        self.say_label.setBuddy(self.say_input)
        self.say_button = QPushButton()
        self.phrases = QComboBox()  # saved phrases first, then recent history
        self.phrases_label = QLabel()
        self.phrases_label.setBuddy(self.phrases)
        self.save_phrase = QPushButton()
        say_row = QHBoxLayout()
        say_row.addWidget(self.say_label)
        say_row.addWidget(self.say_input, 1)
        say_row.addWidget(self.say_button)
        say_row.addWidget(self.phrases_label)
        say_row.addWidget(self.phrases)
        say_row.addWidget(self.save_phrase)
        self.speaker: TypeToSpeak | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.live)
        layout.addLayout(buttons)
        layout.addLayout(say_row)
        self.setStyleSheet(STYLE)
        self.scale_font(1.0)
        self.turn_on.clicked.connect(self.turn_on_for_room)
        self.save.clicked.connect(self.save_transcript)
        self.original.toggled.connect(lambda _on: self._render_all())
        self.say_input.returnPressed.connect(self.speak)
        self.say_button.clicked.connect(self.speak)
        self.save_phrase.clicked.connect(self.keep_phrase)
        self.phrases.activated.connect(self._phrase_chosen)
        self.set_speaker(None)
        self.captions.on_change(self._on_change)
        self.captions.on_announce(self._say)
        session.add_listener(lambda _m: self.sync())
        self.retranslate()

    def _say(self, text: str) -> None:
        if self.translations is None:  # else announced once translated
            self._announce(text)

    def set_speaker(self, speaker: TypeToSpeak | None) -> None:
        self.speaker = speaker
        for w in (self.say_input, self.say_button, self.phrases, self.save_phrase):
            w.setEnabled(speaker is not None)
        self._fill_phrases()

    def _fill_phrases(self) -> None:
        self.phrases.clear()
        if self.speaker is None:
            return
        book = self.speaker.phrases
        seen = set(book.saved)
        for phrase in [*book.saved, *(p for p in book.history if p not in seen)]:
            self.phrases.addItem(phrase)

    def _phrase_chosen(self, index: int) -> None:
        self.say_input.setText(self.phrases.itemText(index))
        self.say_input.setFocus()

    def speak(self) -> None:
        text = self.say_input.text().strip()
        if self.speaker is None or not text:
            return
        speaker = self.speaker

        async def say() -> None:
            try:
                await speaker.say(text)
            except (ValueError, EngineUnavailable) as exc:  # nothing to say, or no voice
                self._announce(str(exc))
                return
            self.say_input.clear()
            self._fill_phrases()

        self._run(say())

    def keep_phrase(self) -> None:
        text = self.say_input.text().strip()
        if self.speaker is not None and text and self.speaker.save_phrase(text):
            self._fill_phrases()
            self._announce(self.tr("Phrase saved"))

    def set_translations(self, translations: CaptionTranslations | None) -> None:
        self.translations = translations
        self.original.setEnabled(translations is not None)

    def scale_font(self, factor: float = 1.0) -> None:
        font = QFont(self.font())
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * FONT_SCALE * factor)
        for w in (self.log, self.live):
            w.setFont(font)

    def retranslate(self) -> None:
        self.log.setAccessibleName(self.tr("Captions"))
        self.log.setAccessibleDescription(
            self.tr("What is said in your room, with who said it. Newest last.")
        )
        self.live.setAccessibleName(self.tr("Caption being spoken"))
        self.turn_on.setText(self.tr("Turn captions on for the room"))
        self.turn_on.setAccessibleName(self.tr("Turn captions on for the room"))
        self.save.setText(self.tr("Save transcript"))
        self.save.setAccessibleName(self.tr("Save transcript"))
        self.save.setAccessibleDescription(
            self.tr("Save the captions as text and WebVTT, where the room allows it")
        )
        self.say_label.setText(self.tr("Sa&y:"))
        self.say_input.setAccessibleName(self.tr("Type to speak"))
        self.say_input.setAccessibleDescription(
            self.tr("What you type is spoken into the room and posted as text. Press Enter.")
        )
        self.say_button.setText(self.tr("Speak"))
        self.say_button.setAccessibleName(self.tr("Speak"))
        self.phrases_label.setText(self.tr("P&hrases:"))
        self.phrases.setAccessibleName(self.tr("Saved and recent phrases"))
        self.save_phrase.setText(self.tr("Save phrase"))
        self.save_phrase.setAccessibleName(self.tr("Save phrase"))
        self.original.setText(self.tr("Show original"))
        self.original.setAccessibleName(self.tr("Show original"))
        self.original.setAccessibleDescription(
            self.tr("Show what was said instead of the translation")
        )
        self.sync()

    def sync(self) -> None:
        if self.captions.room_id != self._room_id:  # moved: the board started afresh
            self._room_id = self.captions.room_id
            self._rows.clear()
            self.log.clear()
            self.live.clear()
        room_id = self.session.my_room
        room = self.session.state.rooms.get(room_id) if room_id else None
        live = bool(room is not None and room.captions.live)
        self.turn_on.setEnabled(room is not None and not live)
        self.save.setEnabled(self.captions.saving_allowed())

    def lines(self) -> list[str]:
        return [self.log.item(i).text() for i in range(self.log.count())]

    def _line(self, caption: Caption) -> str:
        return f"{self.captions.board.name_of(caption.speaker_id)}: {caption.text.strip()}"

    def _render(self, row: int) -> None:
        speaker, original, shown, label = self._rows[row]
        text = original if self.original.isChecked() else shown
        line = f"{speaker}: {text}"
        if label and not self.original.isChecked():
            line += f"\n({label})"
        item = self.log.item(row)
        item.setText(line)
        item.setToolTip(original)

    def _render_all(self) -> None:
        for row in range(len(self._rows)):
            self._render(row)

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.FINAL:
            c = change.caption
            speaker = self.captions.board.name_of(c.speaker_id)
            text = c.text.strip()
            self._rows.append((speaker, text, text, ""))
            self.log.addItem(QListWidgetItem())
            self._render(len(self._rows) - 1)
            self.log.scrollToBottom()
            if self.translations is not None:
                self._run(self._translate(len(self._rows) - 1, c.speaker_id))
        live = self.captions.board.live()
        self.live.setText("\n".join(self._line(c) for c in live))

    # ------------------------------------------------------------ actions

    def _run(self, coro: Coroutine[Any, Any, None]) -> None:
        async def guarded() -> None:
            try:
                await coro
            except SessionError as exc:
                self._report(exc)

        task = asyncio.get_running_loop().create_task(guarded())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _translate(self, row: int, speaker_id: str) -> None:
        assert self.translations is not None
        speaker, original, _shown, _label = self._rows[row]
        if speaker_id == self.session.person_id:
            self._announce(f"{speaker}: {original}")
            return
        shown = await self.translations.caption(speaker_id, original)
        ui = "ja" if self.tr("Captions") == "字幕" else "en"
        if row < len(self._rows) and self._rows[row][1] == original:
            self._rows[row] = (speaker, original, shown.text, shown.label(ui))
            self._render(row)
        self._announce(f"{speaker}: {shown.text}")

    def turn_on_for_room(self) -> None:
        room_id = self.session.my_room
        if room_id is None:
            self._announce(self.tr("Join a room to turn its captions on"))
            return
        self._run(self.session.set_room_captions(room_id, True))

    def save_transcript(self) -> Path | None:
        try:
            txt, _vtt = self.captions.save_transcript(self.transcript_dir)
        except TranscriptNotAllowed:
            self._announce(self.tr("This room does not allow saving transcripts"))
            return None
        except OSError as exc:
            self._announce(self.tr("Could not save the transcript: %1").replace("%1", str(exc)))
            return None
        self._announce(self.tr("Transcript saved to %1").replace("%1", str(txt)))
        return txt


class CaptionsDock(QDockWidget):
    """The pane in a dock: resizable, movable, and detachable into its own window."""

    def __init__(self, pane: CaptionsPane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captionsDock")
        self.pane = pane
        self.setWidget(pane)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Captions"))
        self.setAccessibleName(self.tr("Captions"))
        self.pane.retranslate()

    def toggle_floating(self) -> None:
        self.show()
        self.setFloating(not self.isFloating())
        # The keyboard follows the captions: into their window, or back to the main one.
        self.window().activateWindow()
        self.pane.log.setFocus()
