"""Announcements: what a screen reader says, and what self-voicing speaks.

Events that matter (someone enters or leaves my room, a knock, a call, the connection
dropping and coming back) go to assistive technology as a
`QAccessibleAnnouncementEvent` on the main window. People without a screen reader
can have the same text spoken by text-to-speech (pyttsx3 with espeak-ng), in a worker
thread so speech never stalls the window.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

from client.settings import AnnounceLevel

log = logging.getLogger("yoriai.announcer")

HISTORY = 100


class Voice:
    """Speaks text through pyttsx3 in its own thread, one utterance after another.

    With `to_dir`, each utterance is written to a numbered WAV file there instead of
    the speakers (for tests and for machines without audio).
    """

    def __init__(self, language: str = "en", to_dir: Path | None = None) -> None:
        self.language = language
        self.to_dir = to_dir
        self.spoken: list[Path] = []
        self.failed: str | None = None
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._run, name="yoriai-voice", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        if self.failed is None:
            self._idle.clear()
            self._queue.put(text)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until everything queued has been spoken (for tests and shutdown)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            engine = self._engine()
        except Exception as exc:  # no espeak-ng, no audio: say so once, keep the app going
            self.failed = f"text-to-speech is unavailable: {exc}"
            log.warning(self.failed)
            self._idle.set()
            return
        while True:
            text = self._queue.get()
            if text is None:
                break
            try:
                if self.to_dir is not None:
                    out = self.to_dir / f"utterance-{len(self.spoken) + 1:03d}.wav"
                    engine.save_to_file(text, str(out))
                    engine.runAndWait()
                    # pyttsx3's espeak driver can return before it writes the file; the
                    # next utterance must not start until it has, or it takes its name.
                    deadline = time.monotonic() + 10
                    while not out.exists() and time.monotonic() < deadline:
                        time.sleep(0.01)
                    self.spoken.append(out)
                else:
                    engine.say(text)
                    engine.runAndWait()
            except Exception:
                log.exception("speaking failed")
            if self._queue.empty():
                self._idle.set()
        self._idle.set()

    def _engine(self) -> Any:
        import pyttsx3  # imported here: only people who turn self-voicing on pay for it

        engine = pyttsx3.init()
        wanted = self.language.split("-")[0]
        for voice in engine.getProperty("voices") or []:
            languages = [str(x).lstrip("\x05") for x in getattr(voice, "languages", [])]
            if any(lang.split("-")[0] == wanted for lang in languages) or str(
                getattr(voice, "id", "")
            ).endswith("/" + wanted):
                engine.setProperty("voice", voice.id)
                break
        return engine


class Announcer(QObject):
    """Sends announcements to assistive technology, filtered by the user's level."""

    announced = Signal(str)

    def __init__(self, level: AnnounceLevel = AnnounceLevel.NORMAL) -> None:
        super().__init__()
        self.level = level
        self.target: QObject | None = None  # the main window, once there is one
        self.voice: Voice | None = None
        self.history: deque[str] = deque(maxlen=HISTORY)

    def set_self_voicing(self, on: bool, language: str = "en", to_dir: Path | None = None) -> None:
        if on and self.voice is None:
            self.voice = Voice(language, to_dir)
        elif not on and self.voice is not None:
            self.voice.close()
            self.voice = None

    def announce(
        self, text: str, level: AnnounceLevel = AnnounceLevel.NORMAL, *, urgent: bool = False
    ) -> bool:
        """Announce `text` if the user wants this level. Returns whether it was announced."""
        if self.level is AnnounceLevel.OFF or level > self.level:
            return False
        self.history.append(text)
        if self.target is not None:
            event = QAccessibleAnnouncementEvent(self.target, text)
            event.setPoliteness(
                QAccessible.AnnouncementPoliteness.Assertive
                if urgent
                else QAccessible.AnnouncementPoliteness.Polite
            )
            QAccessible.updateAccessibility(event)
        if self.voice is not None:
            self.voice.say(text)
        self.announced.emit(text)
        return True

    def close(self) -> None:
        self.set_self_voicing(False)
