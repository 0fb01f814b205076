"""Audio frames as the rooms use them: 48 kHz mono, 20 ms, float32 in [-1, 1].

Everything that mixes or measures works on numpy arrays of FRAME_SAMPLES samples; the
conversions to and from PyAV frames and Opus packets live here, once.
"""

from __future__ import annotations

import fractions
import math
from typing import TYPE_CHECKING, Any, Final

import av
import numpy as np
import numpy.typing as npt

SAMPLE_RATE: Final = 48_000
FRAME_MS: Final = 20
FRAME_SAMPLES: Final = SAMPLE_RATE * FRAME_MS // 1000  # 960
TIME_BASE: Final = fractions.Fraction(1, SAMPLE_RATE)
SILENCE_DBFS: Final = -100.0
# Silent frames an encoder codes to identical bytes before it counts as settled.
SETTLED_FRAMES: Final = 8

Pcm = npt.NDArray[np.float32]
# An encoded Opus packet; not tied to a container stream. (Generic in the stubs only.)
if TYPE_CHECKING:
    Packet = av.Packet[Any]
else:
    Packet = av.Packet


def silence(samples: int = FRAME_SAMPLES) -> Pcm:
    return np.zeros(samples, dtype=np.float32)


def level_dbfs(pcm: Pcm) -> float:
    """RMS level in dB relative to full scale (a full-scale sine is about -3 dBFS)."""
    if pcm.size == 0:
        return SILENCE_DBFS
    rms = float(np.sqrt(np.mean(np.square(pcm, dtype=np.float64))))
    return SILENCE_DBFS if rms < 1e-5 else max(SILENCE_DBFS, 20.0 * math.log10(rms))


def tone(frequency: float, start: int, samples: int = FRAME_SAMPLES, amplitude: float = 0.3) -> Pcm:
    """A sine wave from sample `start` on, so consecutive frames join without clicks."""
    n = np.arange(start, start + samples, dtype=np.float64)
    return (amplitude * np.sin(2.0 * np.pi * frequency * n / SAMPLE_RATE)).astype(np.float32)


def to_int16(pcm: Pcm) -> npt.NDArray[np.int16]:
    return (np.clip(pcm, -1.0, 1.0) * 32767.0).astype(np.int16)


def from_frame(frame: av.AudioFrame) -> Pcm:
    """A decoded frame (any rate, layout or sample format) as 48 kHz mono float32."""
    if frame.sample_rate != SAMPLE_RATE:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        parts = [from_frame(f) for f in resampler.resample(frame)]
        return np.concatenate(parts) if parts else silence(0)
    data = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if frame.format.is_planar:
        mono = data.mean(axis=0) if channels > 1 else data[0]
    else:
        mono = data.reshape(-1, channels).mean(axis=1) if channels > 1 else data.reshape(-1)
    out: Pcm = np.asarray(mono, dtype=np.float32)
    if np.issubdtype(data.dtype, np.integer):
        out = out / np.float32(32768.0)
    return out


def to_frame(pcm: Pcm, pts: int) -> av.AudioFrame:
    """A mono s16 frame for aiortc's own encoder (clients sending from a microphone)."""
    frame = av.AudioFrame.from_ndarray(to_int16(pcm).reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = SAMPLE_RATE
    frame.pts = pts
    frame.time_base = TIME_BASE
    return frame


class OpusStream:
    """One Opus encoder: PCM frames in, RTP-ready packets out.

    The server encodes each distinct mix once and hands the same packet to every
    listener of that mix (aiortc's sender packs pre-encoded packets as they are), so
    the packet's pts is the mixer's clock, shared by every stream.
    """

    def __init__(
        self, *, bitrate: int = 32_000, complexity: int = 5, skip_silence: bool = True
    ) -> None:
        self.skip_silence = skip_silence
        self.skipped = 0  # silent frames answered with the settled packet
        self._settled: bytes | None = None
        self._silent_run = 0
        self._last_silent: bytes | None = None
        codec = av.CodecContext.create("libopus", "w")
        codec.bit_rate = bitrate
        codec.format = "s16"
        codec.layout = "mono"
        codec.sample_rate = SAMPLE_RATE
        codec.time_base = TIME_BASE
        # CELT only ("lowdelay"): 2.5 ms look-ahead instead of SILK's, and about a
        # sixth of the CPU of "voip" on this hardware; at 32 kbit/s speech stays clear.
        codec.options = {"application": "lowdelay", "compression_level": str(complexity)}
        self._codec = codec

    def encode(self, pcm: Pcm, pts: int) -> Packet | None:
        # Digital silence costs nearly a full encode, and most mixes in a meeting are
        # silent (a lone speaker's own mix-minus, a quiet room). Once the encoder has
        # settled (SETTLED_FRAMES silent frames in a row coded to the same bytes) we
        # resend that packet instead of encoding: the listener's decoder sees the same
        # stream, and the encoder's state is all but the same when speech resumes (the
        # next words decode at the same level, their waveform 40 dB within the
        # continuous encode's; tests/unit/test_media_core.py). Unlike a silence packet
        # from another encoder, which once cost the next word 20 dB.
        silent = not pcm.any()
        if silent and self._settled is not None:
            self.skipped += 1
            return _stamped(self._settled, pts)
        frame = to_frame(pcm, pts)
        packets = self._codec.encode(frame)
        if not packets:
            return None
        packet = packets[-1]
        # The encoder's own pts is offset by its look-ahead; the mixer clock is the truth.
        packet.pts = pts
        packet.time_base = TIME_BASE
        if silent and self.skip_silence:
            data = bytes(packet)
            self._silent_run = self._silent_run + 1 if data == self._last_silent else 1
            self._last_silent = data
            if self._silent_run >= SETTLED_FRAMES:
                self._settled = data
        else:
            self._settled, self._silent_run, self._last_silent = None, 0, None
        return packet


def _stamped(data: bytes, pts: int) -> Packet:
    packet = av.Packet(data)
    packet.pts = pts
    packet.time_base = TIME_BASE
    return packet
