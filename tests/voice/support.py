"""Voice test helpers: participants with tone sources, and reading tones out of audio."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import numpy as np

from client.session import Session
from client.voice import VoiceSession, VoiceState
from rooms.media.audio import SAMPLE_RATE, Pcm
from rooms.media.tracks import PcmSource, ToneSource
from tests.integration.support import Office


@dataclass
class Participant:
    session: Session
    voice: VoiceSession
    frequency: float | None

    @property
    def pid(self) -> str:
        assert self.session.person_id is not None
        return self.session.person_id


async def participant(
    office: Office,
    user: str,
    room: str | None,
    frequency: float | None,
    *,
    source: PcmSource | None = None,
    relay_only: bool = False,
) -> Participant:
    session = await office.session(user)
    voice = VoiceSession(
        session,
        source or (ToneSource(frequency) if frequency is not None else None),
        relay_only=relay_only,
    )
    await voice.start()
    if room is not None:
        await session.join(room)
        await voice.wait_connected()
    return Participant(session, voice, frequency)


def tone_db(pcm: Pcm, frequency: float) -> float:
    """How far a tone stands above the noise floor of the speech band, in dB. The floor
    is the median of 100-4000 Hz, where the codec's own noise lies, not of the whole
    spectrum (mostly digital zero above the codec's bandwidth)."""
    if pcm.size < SAMPLE_RATE // 10:
        return 0.0
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(pcm.size)))
    freqs = np.fft.rfftfreq(pcm.size, 1 / SAMPLE_RATE)
    band = (freqs > frequency - 4) & (freqs < frequency + 4)
    speech = (freqs > 100) & (freqs < 4_000)
    floor = float(np.median(spectrum[speech])) + 1e-9
    return float(20 * np.log10(float(spectrum[band].max()) / floor + 1e-12))


# Opus at 32 kbit/s leaves coding noise near loud tones: two tones coded alone show a
# third, absent frequency between them at about 27 dB over the floor. A tone that is
# really there stands 70-80 dB over it.
HEARD_DB = 50.0
ABSENT_DB = 40.0


async def heard(p: Participant, seconds: float = 1.0, settle: float = 1.2) -> Pcm:
    """The last `seconds` of what a participant hears, after letting the mix settle."""
    await asyncio.sleep(settle)
    assert p.voice.state is VoiceState.CONNECTED, p.voice.last_error
    return p.voice.recorder.recent(seconds)
