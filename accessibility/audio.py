"""PCM helpers shared by speech engines: int16 mono arrays, resampling, WAV bytes.

Audio moves through Yoriai as numpy int16 mono arrays. Engines want 16 kHz; WebRTC
wants 48 kHz in 20 ms frames. soxr does the rate changes, streaming where a stream is
cut into frames so that no clicks appear at frame edges.
"""

from __future__ import annotations

import struct
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt
import soxr

Pcm = npt.NDArray[np.int16]

WEBRTC_RATE: Final = 48_000
FRAME_MS: Final = 20
WEBRTC_FRAME_SAMPLES: Final = WEBRTC_RATE * FRAME_MS // 1000  # 960


class AudioFormatError(ValueError):
    """Bytes that are not the PCM WAV we expected."""


def as_pcm(samples: npt.ArrayLike) -> Pcm:
    """Anything array-like as a flat int16 array (float input is taken as -1.0..1.0)."""
    arr: npt.NDArray[Any] = np.asarray(samples)
    if arr.ndim != 1:
        raise ValueError(f"expected mono samples (1-D), got shape {arr.shape}")
    if arr.dtype == np.int16:
        return cast(Pcm, arr)
    if np.issubdtype(arr.dtype, np.floating):
        arr = np.round(arr * 32767.0)
    return cast(Pcm, np.clip(arr, -32768, 32767).astype(np.int16))


def to_float(pcm: Pcm) -> npt.NDArray[np.float32]:
    return pcm.astype(np.float32) / 32768.0


def resample(pcm: Pcm, from_rate: int, to_rate: int) -> Pcm:
    """Resample a whole clip (use `Resampler` for a stream cut into pieces)."""
    if from_rate == to_rate or len(pcm) == 0:
        return pcm
    return as_pcm(soxr.resample(pcm, from_rate, to_rate))


class Resampler:
    """A streaming resampler: feed pieces, get pieces, with no seams between them."""

    def __init__(self, from_rate: int, to_rate: int) -> None:
        self.from_rate = from_rate
        self.to_rate = to_rate
        self._stream = (
            None if from_rate == to_rate else soxr.ResampleStream(from_rate, to_rate, 1, "int16")
        )

    def process(self, pcm: Pcm, *, last: bool = False) -> Pcm:
        if self._stream is None:
            return pcm
        return as_pcm(self._stream.resample_chunk(pcm, last=last))


def read_wav(data: bytes) -> tuple[Pcm, int]:
    """Samples and rate of a 16-bit PCM WAV, mono or downmixed to mono.

    Tolerates the header a streaming writer leaves (espeak-ng --stdout writes sizes of
    0x7FFFFFFF because it cannot seek back): the data chunk runs to the end of the bytes.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioFormatError("not a RIFF/WAVE file")
    pos = 12
    rate = channels = bits = 0
    while pos + 8 <= len(data):
        chunk, size = struct.unpack_from("<4sI", data, pos)
        body = pos + 8
        if chunk == b"fmt ":
            fmt, channels, rate, _byte_rate, _align, bits = struct.unpack_from(
                "<HHIIHH", data, body
            )
            if fmt not in (1, 0xFFFE) or bits != 16:
                raise AudioFormatError(
                    f"only 16-bit PCM WAV is supported (format {fmt}, {bits} bit)"
                )
        elif chunk == b"data":
            if not rate:
                raise AudioFormatError("WAV data before its format chunk")
            end = min(len(data), body + size)
            usable = (end - body) // (2 * channels) * (2 * channels)
            samples = np.frombuffer(data, dtype="<i2", count=usable // 2, offset=body)
            if channels > 1:
                samples = samples.reshape(-1, channels).mean(axis=1)
            return as_pcm(samples.astype(np.int16) if channels > 1 else samples.copy()), rate
        pos = body + size + (size & 1)
    raise AudioFormatError("WAV without a data chunk")


def write_wav(pcm: Pcm, rate: int) -> bytes:
    """A mono 16-bit WAV (for saving, debugging and tests)."""
    payload = pcm.astype("<i2").tobytes()
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(payload),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        len(payload),
    )
    return header + payload


def silence(seconds: float, rate: int) -> Pcm:
    return np.zeros(round(seconds * rate), dtype=np.int16)


def frames(pcm: Pcm, size: int) -> list[Pcm]:
    """Cut into frames of `size` samples; the last one is zero-padded."""
    out: list[Pcm] = []
    for start in range(0, len(pcm), size):
        frame = pcm[start : start + size]
        if len(frame) < size:
            frame = np.concatenate([frame, np.zeros(size - len(frame), dtype=np.int16)])
        out.append(frame)
    return out


def rms_dbfs(pcm: Pcm) -> float:
    """Loudness of a stretch of audio, in dB below full scale (-inf for digital silence)."""
    if len(pcm) == 0:
        return float("-inf")
    power = float(np.mean(np.square(pcm.astype(np.float64))))
    if power <= 0.0:
        return float("-inf")
    return 10.0 * float(np.log10(power / (32768.0**2)))
