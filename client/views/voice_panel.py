"""The room's audio in the office window: state, mute, push-to-talk, a level meter,
the link's quality and a test sound. Drives a `VoiceSession` (client/voice.py).

Everything here is readable by a screen reader: the meter is a progress bar whose value
(0-100) and accessible description ("-23 dB") change with the microphone, and the
state and quality are labels with accessible names.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

if TYPE_CHECKING:  # aiortc and PyAV load with the voice, not at start-up
    from client.voice import VoiceSession

METER_FLOOR_DB = -60.0  # the meter's zero: quieter than this is silence
TALK_KEY = Qt.Key.Key_F9  # hold to talk, in push-to-talk mode


def meter_value(dbfs: float) -> int:
    """A level in dBFS as 0-100 on the meter."""
    if dbfs <= METER_FLOOR_DB:
        return 0
    return round(100 * (min(0.0, dbfs) - METER_FLOOR_DB) / -METER_FLOOR_DB)


class VoicePanel(QWidget):
    mute_requested = Signal()
    push_to_talk_changed = Signal(bool)
    test_sound_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.voice: VoiceSession | None = None
        self.device_problem = ""  # why there is no microphone or speaker, said plainly
        self.state = QLabel()
        self.mute = QPushButton()
        self.mute.setCheckable(True)
        self.push_to_talk = QCheckBox()
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.quality = QLabel()
        self.test = QPushButton()
        self.devices = QLabel()
        self.devices.setWordWrap(True)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state, 0, 0, 1, 2)
        layout.addWidget(self.mute, 1, 0)
        layout.addWidget(self.push_to_talk, 1, 1)
        layout.addWidget(self.meter, 2, 0, 1, 2)
        layout.addWidget(self.quality, 3, 0)
        layout.addWidget(self.test, 3, 1)
        layout.addWidget(self.devices, 4, 0, 1, 2)
        # The buttons show the state of the session, so they only ask; it decides.
        self.mute.clicked.connect(self._mute_clicked)
        self.push_to_talk.toggled.connect(self.push_to_talk_changed)
        self.test.clicked.connect(self.test_sound_requested)
        self._level_timer = QTimer(self)
        self._level_timer.setInterval(200)
        self._level_timer.timeout.connect(self.refresh_level)
        self._quality_timer = QTimer(self)
        self._quality_timer.setInterval(2000)
        self._quality_timer.timeout.connect(self._ask_quality)
        self._quality_task: asyncio.Task[None] | None = None
        self.quality_text = ""
        self.retranslate()

    def _mute_clicked(self) -> None:
        self.mute.setChecked(self.voice.muted if self.voice else False)
        self.mute_requested.emit()

    def attach(self, voice: VoiceSession, device_problem: str = "") -> None:
        self.voice = voice
        self.device_problem = device_problem
        voice.add_state_listener(lambda _s: self.sync())
        self._level_timer.start()
        self._quality_timer.start()
        self.sync()

    def detach(self) -> None:
        self._level_timer.stop()
        self._quality_timer.stop()
        if self._quality_task is not None:
            self._quality_task.cancel()
        self.voice = None

    def retranslate(self) -> None:
        self.mute.setAccessibleName(self.tr("Mute microphone"))
        self.push_to_talk.setText(self.tr("&Push to talk (hold F9)"))
        self.push_to_talk.setAccessibleName(self.tr("Push to talk"))
        self.meter.setAccessibleName(self.tr("Microphone level"))
        self.quality.setAccessibleName(self.tr("Connection quality"))
        self.test.setText(self.tr("Play a test &sound"))
        self.test.setAccessibleName(self.tr("Play a test sound"))
        self.state.setAccessibleName(self.tr("Voice"))
        self.devices.setAccessibleName(self.tr("Audio devices"))
        self.sync()

    def state_text(self) -> str:
        voice = self.voice
        if voice is None or voice.state == "idle":
            return self.tr("Voice: not in a room")
        if voice.state == "connecting":
            return self.tr("Voice: connecting…")
        if voice.state == "failed":
            return self.tr("Voice failed: %1").replace("%1", voice.last_error or "")
        return self.tr("Voice: connected")

    def sync(self) -> None:
        voice = self.voice
        muted = voice.muted if voice else False
        self.mute.setChecked(muted)
        self.mute.setText(self.tr("Un&mute (Ctrl+M)") if muted else self.tr("&Mute (Ctrl+M)"))
        self.mute.setAccessibleDescription(self.tr("Muted") if muted else self.tr("Not muted"))
        with _blocked(self.push_to_talk):
            self.push_to_talk.setChecked(bool(voice and voice.push_to_talk))
        text = self.state_text()
        self.state.setText(text)
        self.state.setAccessibleDescription(text)
        self.devices.setText(self.device_problem)
        self.devices.setVisible(bool(self.device_problem))
        self.devices.setAccessibleDescription(self.device_problem)
        self.quality.setText(self.tr("Quality: %1").replace("%1", self.quality_text or "–"))
        self.quality.setAccessibleDescription(self.quality.text())
        self.refresh_level()

    def refresh_level(self) -> None:
        level = self.voice.input_level if self.voice else METER_FLOOR_DB
        value = meter_value(level)
        if value != self.meter.value():
            self.meter.setValue(value)
        described = (
            self.tr("Silent") if value == 0 else self.tr("%1 dB").replace("%1", f"{level:.0f}")
        )
        if self.meter.accessibleDescription() != described:
            self.meter.setAccessibleDescription(described)

    def _ask_quality(self) -> None:
        voice = self.voice
        if voice is None or voice.state != "connected":
            if self.quality_text:
                self.quality_text = ""
                self.sync()
            return
        if self._quality_task is not None and not self._quality_task.done():
            return

        async def ask() -> None:
            quality = await voice.quality()
            self.quality_text = quality_label(self, str(quality))
            self.sync()

        self._quality_task = asyncio.ensure_future(ask())


def quality_label(widget: QObject, quality: str) -> str:
    names = {
        "good": widget.tr("good"),
        "fair": widget.tr("fair"),
        "poor": widget.tr("poor"),
        "unknown": widget.tr("measuring"),
    }
    return names.get(quality, quality)


@contextlib.contextmanager
def _blocked(widget: QObject) -> Iterator[None]:
    old = widget.blockSignals(True)
    try:
        yield
    finally:
        widget.blockSignals(old)


class TalkKey(QObject):
    """Hold F9 to talk (an application-wide filter: it works wherever the focus is)."""

    def __init__(self, pressed: Callable[[], None], released: Callable[[], None]) -> None:
        super().__init__()
        self.pressed = pressed
        self.released = released

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() != TALK_KEY.value or event.isAutoRepeat():
            return False
        (self.pressed if kind == QEvent.Type.KeyPress else self.released)()
        return True
