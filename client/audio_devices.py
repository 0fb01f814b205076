"""Audio devices through sounddevice (PortAudio), Qt-free: device choice, the microphone
as a PCM source, a speaker with a playout buffer, a test sound, and earcons.

Every failure to find or open a device is an `AudioDeviceError` whose message says what
to do, for the desktop to show and announce.
"""

from __future__ import annotations

import threading
import wave
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from rooms.media.audio import FRAME_SAMPLES, SAMPLE_RATE, Pcm, silence, tone

EARCONS_DIR: Final = Path(__file__).resolve().parents[1] / "assets" / "earcons"
EARCONS: Final = ("join", "leave", "mute", "unmute")


class AudioDeviceError(Exception):
    """No usable device, or it could not be opened. The message says what to do."""


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # PortAudio itself is missing
        raise AudioDeviceError(
            f"audio is not available on this computer (PortAudio: {exc}); install"
            " PortAudio (Debian: libportaudio2) or join to read captions only"
        ) from None
    return sounddevice


@dataclass(frozen=True, slots=True)
class Device:
    index: int
    name: str
    inputs: int
    outputs: int
    is_default_input: bool = False
    is_default_output: bool = False


def list_devices() -> list[Device]:
    sd = _sd()
    try:
        found = sd.query_devices()
        default_in, default_out = sd.default.device
    except Exception as exc:  # PortAudio errors are not one class
        raise AudioDeviceError(f"cannot list audio devices: {exc}") from None
    return [
        Device(
            index=i,
            name=str(d["name"]),
            inputs=int(d["max_input_channels"]),
            outputs=int(d["max_output_channels"]),
            is_default_input=i == default_in,
            is_default_output=i == default_out,
        )
        for i, d in enumerate(found)
    ]


def choose(kind: str, wanted: str | int | None = None) -> Device:
    """The input ("input") or output ("output") device to use: by index, by (part of)
    its name, or the system default; AudioDeviceError when there is none."""
    devices = [d for d in list_devices() if (d.inputs if kind == "input" else d.outputs) > 0]
    what = "microphone" if kind == "input" else "speaker or headphones"
    if not devices:
        raise AudioDeviceError(
            f"no {what} found: connect one and try again"
            + (", or join to listen only" if kind == "input" else "")
        )
    if wanted is None:
        flag = "is_default_input" if kind == "input" else "is_default_output"
        return next((d for d in devices if getattr(d, flag)), devices[0])
    for d in devices:
        if d.index == wanted or (isinstance(wanted, str) and wanted.lower() in d.name.lower()):
            return d
    names = ", ".join(d.name for d in devices)
    raise AudioDeviceError(f"no {what} called {wanted!r}; available: {names}")


class Microphone:
    """A PCM source (for SourceTrack) fed by a sounddevice input stream."""

    def __init__(self, device: Device | None = None) -> None:
        self.device = device or choose("input")
        self._frames: deque[Pcm] = deque(maxlen=10)
        self._lock = threading.Lock()
        sd = _sd()
        try:
            self._stream = sd.InputStream(
                device=self.device.index,
                samplerate=SAMPLE_RATE,
                channels=1,
                dtype="float32",
                blocksize=FRAME_SAMPLES,
                callback=self._callback,
            )
            self._stream.start()
        except Exception as exc:
            raise AudioDeviceError(f"cannot open {self.device.name}: {exc}") from None

    def _callback(self, data: Any, frames: int, time: Any, status: Any) -> None:
        with self._lock:
            self._frames.append(np.array(data[:, 0], dtype=np.float32))

    def __call__(self, start: int) -> Pcm:
        with self._lock:
            return self._frames.popleft() if self._frames else silence()

    def close(self) -> None:
        self._stream.close()


class Speaker:
    """Plays received audio; its queue is the playout (jitter) buffer."""

    def __init__(self, device: Device | None = None, depth_frames: int = 4) -> None:
        self.device = device or choose("output")
        self._frames: deque[Pcm] = deque(maxlen=depth_frames * 3)
        self._lock = threading.Lock()
        sd = _sd()
        try:
            self._stream = sd.OutputStream(
                device=self.device.index,
                samplerate=SAMPLE_RATE,
                channels=1,
                dtype="float32",
                blocksize=FRAME_SAMPLES,
                callback=self._callback,
            )
            self._stream.start()
        except Exception as exc:
            raise AudioDeviceError(f"cannot open {self.device.name}: {exc}") from None

    def __call__(self, pcm: Pcm) -> None:
        """Queue a frame (a VoiceSession recorder listener)."""
        with self._lock:
            self._frames.append(pcm)

    def play(self, pcm: Pcm) -> None:
        for i in range(0, pcm.shape[0], FRAME_SAMPLES):
            chunk = pcm[i : i + FRAME_SAMPLES]
            self(np.pad(chunk, (0, FRAME_SAMPLES - chunk.shape[0])))

    def _callback(self, out: Any, frames: int, time: Any, status: Any) -> None:
        with self._lock:
            pcm = self._frames.popleft() if self._frames else silence(frames)
        out[:, 0] = (
            pcm[:frames] if pcm.shape[0] >= frames else np.pad(pcm, (0, frames - pcm.shape[0]))
        )

    def close(self) -> None:
        self._stream.close()


def earcon(name: str) -> Pcm:
    """An earcon's samples (48 kHz mono), from assets/earcons."""
    if name not in EARCONS:
        raise ValueError(f"no earcon {name!r}; there are {', '.join(EARCONS)}")
    with wave.open(str(EARCONS_DIR / f"{name}.wav"), "rb") as w:
        if w.getframerate() != SAMPLE_RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError(f"{name}.wav is not 48 kHz mono 16-bit")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return (data.astype(np.float32) / 32768.0).astype(np.float32)


def test_sound() -> Pcm:
    """Half a second of a soft 440 Hz tone, to check the speaker works."""
    return np.concatenate(
        [tone(440.0, i, amplitude=0.2) for i in range(0, SAMPLE_RATE // 2, FRAME_SAMPLES)]
    )
