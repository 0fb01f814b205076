"""Make the earcons: short, soft two-note chimes, 48 kHz mono 16-bit WAV.

Run `python assets/earcons/generate.py` to rebuild them. Joining rises, leaving falls,
so the two are told apart by direction alone (no need to hear pitch well); mute is a
single low note, unmute a single higher one.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 48_000
HERE = Path(__file__).parent


def note(freq: float, seconds: float, gain: float = 0.25) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = np.minimum(1.0, t / 0.01) * np.exp(-t * 6.0)  # 10 ms attack, soft decay
    # A little second harmonic makes it a chime rather than a test beep.
    wave_ = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
    return gain * envelope * wave_ / 1.3


def write(name: str, samples: np.ndarray) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(HERE / f"{name}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def main() -> None:
    gap = np.zeros(int(0.02 * RATE))
    write("join", np.concatenate([note(660, 0.12), gap, note(990, 0.22)]))
    write("leave", np.concatenate([note(990, 0.12), gap, note(660, 0.22)]))
    write("mute", note(440, 0.15))
    write("unmute", note(880, 0.15))


if __name__ == "__main__":
    main()
