"""Media tracks: what a peer connection sends, and reading what it receives.

* `PacketTrack` hands out pre-encoded Opus packets pushed into it (the server's mixes).
* `SourceTrack` paces a PCM source at 20 ms, applies mute, and encodes it once with our
  own mono Opus encoder (aiortc's default would encode stereo at 96 kbit/s in a thread).
* `ToneSource` and `ClickSource` are test and benchmark sources; a microphone is another.
* `read_audio` drains a received track into a callback, frame by frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from rooms.media.audio import (
    FRAME_SAMPLES,
    SAMPLE_RATE,
    SILENCE_DBFS,
    OpusStream,
    Packet,
    Pcm,
    from_frame,
    level_dbfs,
    silence,
    tone,
)

FRAME_S = FRAME_SAMPLES / SAMPLE_RATE


class PacketTrack(MediaStreamTrack):
    """An audio track fed with encoded packets; keeps at most `depth` waiting."""

    kind = "audio"

    def __init__(self, depth: int = 3) -> None:
        super().__init__()
        self._queue: asyncio.Queue[Packet | None] = asyncio.Queue()
        self._depth = depth
        self.dropped = 0

    def push(self, packet: Packet) -> None:
        while self._queue.qsize() >= self._depth:
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(packet)

    async def recv(self) -> Packet:
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            raise MediaStreamError
        return packet

    def stop(self) -> None:
        if self.readyState == "live":
            self._queue.put_nowait(None)
        super().stop()


class PcmSource(Protocol):
    def __call__(self, start: int) -> Pcm:
        """FRAME_SAMPLES of audio starting at sample `start` of the stream."""
        ...


class ToneSource:
    def __init__(self, frequency: float, amplitude: float = 0.3) -> None:
        self.frequency = frequency
        self.amplitude = amplitude

    def __call__(self, start: int) -> Pcm:
        return tone(self.frequency, start, amplitude=self.amplitude)


class ClickSource:
    """Silence with a short loud burst whenever `click()` was called: the mouth end of
    a mouth-to-ear latency measurement. `clicked_at` records when each burst went out."""

    def __init__(self, frequency: float = 1_000.0) -> None:
        self.frequency = frequency
        self._pending = 0
        self.clicked_at: list[float] = []

    def click(self) -> None:
        self._pending += 1

    def __call__(self, start: int) -> Pcm:
        if self._pending:
            self._pending -= 1
            self.clicked_at.append(time.monotonic())
            return tone(self.frequency, start, amplitude=0.8)
        return silence()


class SourceTrack(MediaStreamTrack):
    """A paced, encoded audio track from a PCM source, with mute."""

    kind = "audio"

    def __init__(self, source: PcmSource, *, bitrate: int = 32_000) -> None:
        super().__init__()
        self.source = source
        self.muted = False
        self.level = SILENCE_DBFS  # of the last frame sent, before mute: the mic meter
        self._encoder = OpusStream(bitrate=bitrate)
        self._pts = 0
        self._start: float | None = None

    async def recv(self) -> Packet:
        if self.readyState != "live":
            raise MediaStreamError
        while True:
            if self._start is None:
                self._start = time.monotonic()
            else:
                self._pts += FRAME_SAMPLES
                wait = self._start + self._pts / SAMPLE_RATE - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                elif wait < -0.2:
                    # We fell far behind (a stalled loop): start the clock again rather
                    # than send a burst of stale frames.
                    self._start = time.monotonic() - self._pts / SAMPLE_RATE
            pcm = self.source(self._pts)
            self.level = level_dbfs(pcm)
            packet = self._encoder.encode(silence() if self.muted else pcm, self._pts)
            if packet is not None:
                return packet


async def read_audio(
    track: MediaStreamTrack,
    on_pcm: Callable[[Pcm], Awaitable[None] | None],
) -> None:
    """Read decoded frames from a received track until it ends."""
    with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
        while True:
            frame = await track.recv()
            assert isinstance(frame, av.AudioFrame)
            result = on_pcm(from_frame(frame))
            if result is not None:
                await result


class Recorder:
    """The last `seconds` of received audio, for meters, tests and benchmarks."""

    def __init__(self, seconds: float = 5.0) -> None:
        self._buf = np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
        self._end = 0  # samples written in all, ever; the ring index is _end % size
        self.frames = 0
        self.level = SILENCE_DBFS
        self.listeners: list[Callable[[Pcm], None]] = []

    def __call__(self, pcm: Pcm) -> None:
        size = self._buf.shape[0]
        pcm = pcm[-size:]
        idx = (self._end + np.arange(pcm.shape[0])) % size
        self._buf[idx] = pcm
        self._end += pcm.shape[0]
        self.frames += 1
        self.level = level_dbfs(pcm)
        for listener in self.listeners:
            listener(pcm)

    def recent(self, seconds: float) -> Pcm:
        size = self._buf.shape[0]
        n = min(int(seconds * SAMPLE_RATE), self._end, size)
        idx = (self._end - n + np.arange(n)) % size
        return self._buf[idx].copy()

    def clear(self) -> None:
        self._buf[:] = 0
        self._end = 0
