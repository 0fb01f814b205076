"""Device choice says clearly when there is no device; earcons rise and fall."""

from __future__ import annotations

import numpy as np
import pytest

from client import audio_devices
from client.audio_devices import AudioDeviceError, choose, earcon, list_devices
from rooms.media.audio import SAMPLE_RATE


def test_choosing_a_device_names_the_problem_when_there_is_none() -> None:
    inputs = [d for d in list_devices() if d.inputs > 0]
    if inputs:
        assert choose("input").inputs > 0
    else:
        with pytest.raises(AudioDeviceError, match="no microphone found: connect one"):
            choose("input")
    with pytest.raises(AudioDeviceError, match=r"no (microphone|speaker)"):
        choose("input", "a device nobody has")


def dominant(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm))
    return float(np.fft.rfftfreq(pcm.size, 1 / SAMPLE_RATE)[int(np.argmax(spectrum))])


def test_join_rises_and_leave_falls() -> None:
    join, leave = earcon("join"), earcon("leave")
    half = join.size // 2
    assert dominant(join[: half // 2]) < dominant(join[half:])
    assert dominant(leave[: half // 2]) > dominant(leave[half:])
    assert 0.2 < join.size / SAMPLE_RATE < 0.6
    assert dominant(earcon("mute")) < dominant(earcon("unmute"))
    assert abs(dominant(audio_devices.test_sound()) - 440) < 5
    with pytest.raises(ValueError):
        earcon("fanfare")
