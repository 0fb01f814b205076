"""Synthesised speech queued for a person's outgoing audio, in WebRTC-sized frames.

`SpeechSource` turns `Speech` at any rate into 48 kHz mono int16 frames of 20 ms
(960 samples), the frame the room's audio runs on. The voice layer pulls one frame
per tick (`read_frame`, or `mix_into` to add it to the microphone's frame), from any
thread. It knows nothing of aiortc: frames are numpy arrays.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator

import numpy as np

from accessibility.audio import WEBRTC_FRAME_SAMPLES, WEBRTC_RATE, Pcm, frames, resample
from accessibility.tts.synthesizer import Speech


class SpeechSource:
    rate = WEBRTC_RATE
    frame_samples = WEBRTC_FRAME_SAMPLES

    def __init__(self, *, gain: float = 1.0) -> None:
        self.gain = gain
        self._frames: deque[Pcm] = deque()
        self._lock = threading.Lock()
        self._idle_listeners: list[Callable[[], None]] = []

    def say(self, speech: Speech) -> float:
        """Queue speech after whatever is already queued; returns its length in seconds."""
        pcm = resample(speech.pcm, speech.rate, self.rate)
        if self.gain != 1.0:
            pcm = np.clip(pcm.astype(np.float32) * self.gain, -32768, 32767).astype(np.int16)
        cut = frames(pcm, self.frame_samples)
        with self._lock:
            self._frames.extend(cut)
        return len(cut) * self.frame_samples / self.rate

    def read_frame(self) -> Pcm | None:
        """The next 20 ms of speech, or None when there is nothing to say."""
        with self._lock:
            if not self._frames:
                return None
            frame = self._frames.popleft()
            finished = not self._frames
        if finished:
            for listener in list(self._idle_listeners):
                listener()
        return frame

    def mix_into(self, frame: Pcm) -> Pcm:
        """The microphone's frame with the next speech frame added (saturating)."""
        speech = self.read_frame()
        if speech is None:
            return frame
        mixed = frame.astype(np.int32) + speech.astype(np.int32)
        return np.clip(mixed, -32768, 32767).astype(np.int16)

    def drain(self) -> Iterator[Pcm]:
        """Every queued frame, now (for tests and offline rendering)."""
        while (frame := self.read_frame()) is not None:
            yield frame

    def on_idle(self, listener: Callable[[], None]) -> None:
        """Call `listener` (on the reading thread) when the last queued frame is read."""
        self._idle_listeners.append(listener)

    @property
    def speaking(self) -> bool:
        with self._lock:
            return bool(self._frames)

    @property
    def pending_s(self) -> float:
        with self._lock:
            return len(self._frames) * self.frame_samples / self.rate

    def cancel(self) -> None:
        """Stop speaking (the person pressed Escape)."""
        with self._lock:
            self._frames.clear()
