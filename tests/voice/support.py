"""Voice test helpers: participants with tone sources, and reading tones out of audio."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import numpy as np

from client.session import Session
from client.voice import VoiceSession, VoiceState
from rooms.media.audio import SAMPLE_RATE, Pcm
from rooms.media.tracks import PcmSource, ToneSource
from server.demo import DEMO_PASSWORD
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


OPEN_VOICES: list[VoiceSession] = []  # closed after each test (conftest)


async def participant(
    office: Office | str,
    user: str,
    room: str | None,
    frequency: float | None,
    *,
    source: PcmSource | None = None,
    relay_only: bool = False,
) -> Participant:
    if isinstance(office, str):
        session = Session(office, username=user, password=DEMO_PASSWORD)
        await session.connect()
    else:
        session = await office.session(user)
    voice = VoiceSession(
        session,
        source or (ToneSource(frequency) if frequency is not None else None),
        relay_only=relay_only,
    )
    OPEN_VOICES.append(voice)
    await voice.start()
    if room is not None:
        await session.join(room)
        await voice.wait_connected()
    return Participant(session, voice, frequency)


def _segment_db(pcm: Pcm, frequency: float) -> float:
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(pcm.size)))
    freqs = np.fft.rfftfreq(pcm.size, 1 / SAMPLE_RATE)
    band = (freqs > frequency - 12) & (freqs < frequency + 12)
    speech = (freqs > 100) & (freqs < 4_000)
    floor = float(np.median(spectrum[speech])) + 1e-9
    return float(20 * np.log10(float(spectrum[band].max()) / floor + 1e-12))


def tone_db(pcm: Pcm, frequency: float, segment_s: float = 0.1) -> float:
    """How far a tone stands above the noise floor of the speech band, in dB.

    The floor is the median of 100-4000 Hz, where the codec's own noise lies. The audio
    is cut into 100 ms pieces and the median piece counts, so a drop-out or two on a
    busy machine (a click, a gap) does not decide the result; silent pieces are skipped.
    """
    n = int(segment_s * SAMPLE_RATE)
    pieces = [pcm[i : i + n] for i in range(0, pcm.size - n + 1, n)]
    loud = [x for x in pieces if float(np.sqrt(np.mean(np.square(x)))) > 1e-3]
    if not loud:
        return 0.0
    return float(np.median([_segment_db(x, frequency) for x in loud]))


def prominence_db(pcm: Pcm, frequency: float, segment_s: float = 0.1) -> float:
    """How far a tone stands above the spectrum right around it (within 150 Hz), in dB;
    the median over 100 ms pieces. A tone that leaked in is a sharp peak; the skirt of
    a loud tone nearby, widened by drop-outs on a loaded machine, is smooth."""
    n = int(segment_s * SAMPLE_RATE)
    values = []
    for i in range(0, pcm.size - n + 1, n):
        x = pcm[i : i + n]
        if float(np.sqrt(np.mean(np.square(x)))) <= 1e-3:
            continue
        spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
        freqs = np.fft.rfftfreq(x.size, 1 / SAMPLE_RATE)
        offset = np.abs(freqs - frequency)
        around = spectrum[(offset > 30) & (offset < 150)]
        peak = float(spectrum[offset < 12].max())
        values.append(20 * np.log10(peak / (float(np.median(around)) + 1e-9) + 1e-12))
    return float(np.median(values)) if values else 0.0


# A tone that leaked stands out of its surroundings by far more than this.
PROMINENT_DB = 12.0

# Opus leaves coding noise near loud tones: two tones coded alone show an absent
# frequency in the same band 25-35 dB below them. A tone that is in the mix stands
# within a few dB of the loudest one, and far above the floor.
HEARD_DB = (
    30.0  # over the floor (a missing tone sits near 0; drop-outs on a loaded machine cost ~5)
)
ABSENT_BELOW_DB = 20.0  # under the weakest tone that is there (a leak is within 6)


def check_tones(
    pcm: Pcm, present: list[float], absent: list[float], who: str = "", near: float = 1.0
) -> None:
    """Every `present` tone is clearly in the audio; every `absent` one is not. Absent
    tones within a factor `near` of a present one are not judged: the codec's noise
    fills the band around a tone (tests that use this check each room from elsewhere)."""
    absent = [f for f in absent if all(max(f, p) / min(f, p) >= near for p in present)]
    levels = {f: tone_db(pcm, f) for f in [*present, *absent]}
    for f in present:
        assert levels[f] > HEARD_DB, f"{who} does not hear {f:.0f} Hz: {levels}"
    if present:
        ceiling = min(levels[f] for f in present) - ABSENT_BELOW_DB
    else:
        ceiling = HEARD_DB - ABSENT_BELOW_DB
    for f in absent:
        if levels[f] >= ceiling:
            # Loud there, but is it a tone or the skirt of the one next to it?
            prominence = prominence_db(pcm, f)
            assert prominence < PROMINENT_DB, (
                f"{who} hears {f:.0f} Hz ({prominence:.1f} dB above its surroundings): {levels}"
            )


async def heard(p: Participant, seconds: float = 1.0, settle: float = 1.2) -> Pcm:
    """The last `seconds` of what a participant hears, after letting the mix settle."""
    await asyncio.sleep(settle)
    assert p.voice.state is VoiceState.CONNECTED, p.voice.last_error
    return p.voice.recorder.recent(seconds)
