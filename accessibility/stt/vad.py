"""Voice activity by energy, to cut a stream into utterances for engines that need whole
utterances (Whisper decodes a window at a time, it does not stream).

A frame is speech when it is clearly louder than the background, which is tracked as
it changes; an utterance ends after enough quiet. Pure numpy and deterministic, so it
is cheap on a weak laptop and easy to test.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from accessibility.audio import Pcm, rms_dbfs


@dataclass(frozen=True, slots=True)
class VadSettings:
    frame_ms: int = 30
    # A frame counts as speech this far above the background, and never below the floor.
    margin_db: float = 12.0
    floor_dbfs: float = -50.0
    start_frames: int = 3  # this much speech in a row opens an utterance (90 ms)
    end_silence_s: float = 0.5  # this much quiet closes it
    preroll_s: float = 0.3  # audio kept from before the opening, so first sounds are not lost
    max_utterance_s: float = 15.0  # a long talker is cut here, so captions keep flowing


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech, with where it starts in the stream (seconds)."""

    audio: Pcm
    start: float
    complete: bool  # False: still going (a snapshot for a partial result)
    rate: int = 16_000

    @property
    def end(self) -> float:
        return self.start + len(self.audio) / self.rate


@dataclass
class EnergyVad:
    rate: int = 16_000
    settings: VadSettings = field(default_factory=VadSettings)
    noise_db: float = -90.0
    _pending: Pcm = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    _pos: int = 0  # samples consumed into frames so far
    _preroll: deque[Pcm] = field(default_factory=deque)
    _run: int = 0  # consecutive speech frames while not in speech
    _quiet: int = 0  # consecutive quiet frames while in speech
    _speech: list[Pcm] = field(default_factory=list)
    _speech_start: int = 0
    in_speech: bool = False

    @property
    def frame_samples(self) -> int:
        return self.rate * self.settings.frame_ms // 1000

    def threshold(self) -> float:
        return max(self.noise_db + self.settings.margin_db, self.settings.floor_dbfs)

    def current(self) -> Segment | None:
        """The utterance in progress, if any."""
        if not self.in_speech:
            return None
        return Segment(
            np.concatenate(self._speech), self._speech_start / self.rate, False, self.rate
        )

    def feed(self, pcm: Pcm) -> list[Segment]:
        """Take audio; return the utterances it completed."""
        done: list[Segment] = []
        data = np.concatenate([self._pending, pcm]) if len(self._pending) else pcm
        n = self.frame_samples
        whole = len(data) // n * n
        for i in range(0, whole, n):
            seg = self._frame(data[i : i + n])
            if seg is not None:
                done.append(seg)
        self._pending = data[whole:].copy()
        return done

    def flush(self) -> Segment | None:
        """The stream stops: whatever speech is open is complete."""
        if not self.in_speech:
            return None
        if len(self._pending):
            self._speech.append(self._pending)
            self._pending = np.zeros(0, dtype=np.int16)
        return self._close()

    def _frame(self, frame: Pcm) -> Segment | None:
        s = self.settings
        level = rms_dbfs(frame)
        loud = level > self.threshold()
        start_pos = self._pos
        self._pos += len(frame)
        if not self.in_speech:
            # Only quiet frames teach us the background, so speech cannot raise it.
            if not loud:
                self._learn_noise(level)
            self._preroll.append(frame)
            keep = max(1, round(s.preroll_s * 1000 / s.frame_ms)) + s.start_frames
            while len(self._preroll) > keep:
                self._preroll.popleft()
            self._run = self._run + 1 if loud else 0
            if self._run >= s.start_frames:
                self.in_speech = True
                self._quiet = 0
                self._speech = list(self._preroll)
                self._speech_start = start_pos + len(frame) - sum(len(f) for f in self._preroll)
                self._preroll.clear()
            return None
        self._speech.append(frame)
        self._quiet = 0 if loud else self._quiet + 1
        quiet_s = self._quiet * s.frame_ms / 1000
        length_s = sum(len(f) for f in self._speech) / self.rate
        if quiet_s >= s.end_silence_s or length_s >= s.max_utterance_s:
            return self._close()
        return None

    def _close(self) -> Segment:
        # Trailing quiet is not part of what was said.
        keep = len(self._speech) - max(0, self._quiet - 3)
        audio = np.concatenate(self._speech[:keep])
        seg = Segment(audio, self._speech_start / self.rate, True, self.rate)
        self.in_speech = False
        self._speech = []
        self._run = 0
        self._quiet = 0
        return seg

    def _learn_noise(self, level: float) -> None:
        if level == float("-inf"):
            return
        if level < self.noise_db or self.noise_db <= -90.0:
            self.noise_db = level  # fall fast
        else:
            self.noise_db += 0.05 * (level - self.noise_db)  # rise slowly
