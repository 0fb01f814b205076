"""The desktop's microphone and speaker, opened from the settings, Qt-free.

A computer without audio devices (a CI machine, a captions-only desk) is normal: what is
missing becomes `problem`, a sentence to show and announce, and the office keeps working
(the room hears silence from us; we read captions).
"""

from __future__ import annotations

import logging

from client.audio_devices import (
    AudioDeviceError,
    Microphone,
    Speaker,
    choose,
    earcon,
    list_devices,
    test_sound,
)
from rooms.media.audio import Pcm
from rooms.media.tracks import PcmSource

log = logging.getLogger("yoriai.audio")


def device_names(kind: str) -> list[str]:
    """The microphones ("input") or speakers ("output") present; [] when none."""
    try:
        devices = list_devices()
    except AudioDeviceError:
        return []
    return [d.name for d in devices if (d.inputs if kind == "input" else d.outputs) > 0]


class DeskAudio:
    def __init__(
        self, input_device: str = "", output_device: str = "", source: PcmSource | None = None
    ) -> None:
        """`source` replaces the microphone (tests and demos feed a tone)."""
        self.microphone: Microphone | None = None
        self.speaker: Speaker | None = None
        problems: list[str] = []
        if source is None:
            try:
                self.microphone = Microphone(choose("input", input_device or None))
            except AudioDeviceError as exc:
                problems.append(str(exc))
        try:
            self.speaker = Speaker(choose("output", output_device or None))
        except AudioDeviceError as exc:
            problems.append(str(exc))
        self.source: PcmSource | None = source or self.microphone
        self.problem = "; ".join(dict.fromkeys(problems))
        if self.problem:
            log.warning("audio: %s", self.problem)

    def hear(self, pcm: Pcm) -> None:
        """A room frame to the speaker (a VoiceSession recorder listener)."""
        if self.speaker is not None:
            self.speaker(pcm)

    def play(self, pcm: Pcm) -> bool:
        if self.speaker is None:
            return False
        self.speaker.play(pcm)
        return True

    def play_earcon(self, name: str) -> bool:
        return self.play(earcon(name))

    def play_test_sound(self) -> bool:
        return self.play(test_sound())

    def close(self) -> None:
        for device in (self.microphone, self.speaker):
            if device is not None:
                device.close()
        self.microphone = self.speaker = None
