"""Mix-minus for one room: everyone hears everyone but themselves.

Each 20 ms tick takes one frame from every participant, gates out the quiet ones, and
sums the rest once. A speaker hears the sum minus their own frame; everyone who is not
speaking hears the same full sum. So a room needs one encode per *distinct* mix: one
for the listeners plus one per active speaker, and in a meeting, where one or two
people talk at a time, that is two or three encodes however many listen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import av
import numpy as np

from rooms.media.audio import (
    FRAME_SAMPLES,
    SILENCE_DBFS,
    OpusStream,
    Packet,
    Pcm,
    level_dbfs,
    silence,
)

# Below this a frame is not mixed at all: it is a muted or idle microphone, and the
# noise of many idle microphones would otherwise add up.
GATE_DBFS: Final = -55.0
# A participant's queue deeper than this is trimmed, so a burst after a stall does not
# become permanent delay.
MAX_QUEUE_FRAMES: Final = 3
# A queue that never ran below two frames for this many ticks holds standing delay:
# drop a frame to take it out (the mixer's jitter buffer adapts down, never up past 3).
DRAIN_WINDOW_TICKS: Final = 50
# A speaker keeps their own mix-minus for this long after their last loud frame, so a
# late or quiet frame does not switch them to the shared stream (whose encoder has
# their own voice in its memory) and back.
HOLD_TICKS: Final = 25


@dataclass(frozen=True, slots=True)
class MixPlan:
    """Who hears which mix. `None` is the shared full mix; a person id is that
    person's mix-minus. Pure arithmetic, kept apart so it can be tested alone."""

    total: Pcm
    active: frozenset[str]
    mixes: dict[str | None, Pcm]
    listens_to: dict[str, str | None]


def plan_mix(
    frames: Mapping[str, Pcm], everyone: Iterable[str], held: Iterable[str] = ()
) -> MixPlan:
    """Sum the active frames once; derive each distinct mix from the sum. People in
    `held` (recent speakers) keep a mix of their own even in a tick they are quiet."""
    active = frozenset(frames)
    own = active | frozenset(held)
    total = silence()
    for pcm in frames.values():
        total = total + pcm
    mixes: dict[str | None, Pcm] = {}
    listens_to: dict[str, str | None] = {}
    for pid in everyone:
        if pid in own:
            mixes[pid] = total - frames[pid] if pid in frames else total
            listens_to[pid] = pid
        else:
            listens_to[pid] = None
            if None not in mixes:
                mixes[None] = total
    return MixPlan(total=total, active=active, mixes=mixes, listens_to=listens_to)


def soft_clip(pcm: Pcm) -> Pcm:
    """Keep a loud sum in range without the harsh edge of a hard clip."""
    peak = float(np.max(np.abs(pcm))) if pcm.size else 0.0
    if peak <= 1.0:
        return pcm
    return np.tanh(pcm).astype(np.float32)


@dataclass(slots=True)
class _Input:
    queue: deque[Pcm] = field(default_factory=deque)
    encoder: OpusStream | None = None
    level: float = SILENCE_DBFS
    late: int = 0  # ticks that found no frame waiting
    hold: int = 0  # ticks left in which this speaker keeps their own mix
    window: int = 0
    window_min: int = MAX_QUEUE_FRAMES
    drained: int = 0  # frames dropped to cut standing delay


@dataclass(frozen=True, slots=True)
class TickResult:
    packets: dict[str, Packet]
    levels: dict[str, float]
    encodes: int


@dataclass(frozen=True, slots=True)
class EncodeJob:
    key: str | None  # whose mix-minus, or None for the shared mix
    encoder: OpusStream
    pcm: Pcm
    pts: int


@dataclass(frozen=True, slots=True)
class TickMixes:
    pts: int
    listens_to: dict[str, str | None]
    levels: dict[str, float]
    jobs: list[EncodeJob]


def encode_all(jobs: Sequence[EncodeJob]) -> list[Packet | None]:
    """Encode mixes. Safe in a worker thread while the event loop runs: each encoder
    appears in one job per tick, and nothing else touches it until `deliver`."""
    return [job.encoder.encode(soft_clip(job.pcm), job.pts) for job in jobs]


class RoomMixer:
    """The audio of one room. Not thread-safe: one clock drives every room's tick."""

    def __init__(self, *, bitrate: int = 32_000, complexity: int = 5) -> None:
        self._inputs: dict[str, _Input] = {}
        self._bitrate = bitrate
        self._complexity = complexity
        self._shared = self._encoder()
        self._silence: dict[int, Packet] = {}

    def _encoder(self) -> OpusStream:
        return OpusStream(bitrate=self._bitrate, complexity=self._complexity)

    @property
    def participants(self) -> frozenset[str]:
        return frozenset(self._inputs)

    def add(self, pid: str) -> None:
        self._inputs.setdefault(pid, _Input())

    def remove(self, pid: str) -> None:
        self._inputs.pop(pid, None)

    def push(self, pid: str, pcm: Pcm) -> None:
        """A decoded frame from a participant (FRAME_SAMPLES of 48 kHz mono)."""
        inp = self._inputs.get(pid)
        if inp is None:
            return
        inp.queue.append(pcm)
        while len(inp.queue) > MAX_QUEUE_FRAMES:
            inp.queue.popleft()

    def skipped_encodes(self) -> int:
        """Silent frames answered without encoding, by this room's current encoders."""
        return self._shared.skipped + sum(
            inp.encoder.skipped for inp in self._inputs.values() if inp.encoder is not None
        )

    def level(self, pid: str) -> float:
        inp = self._inputs.get(pid)
        return SILENCE_DBFS if inp is None else inp.level

    def tick(self, pts: int) -> TickResult:
        """Mix and encode this tick, here and now."""
        mixes = self.mix(pts)
        return self.deliver(mixes, encode_all(mixes.jobs))

    def mix(self, pts: int) -> TickMixes:
        """The first half of a tick: take a frame from everyone and work out each
        distinct mix. The encodes it lists may run elsewhere (`encode_all`, in a
        worker thread: the Opus encoder lets go of the GIL), then `deliver`."""
        frames: dict[str, Pcm] = {}
        levels: dict[str, float] = {}
        held: list[str] = []
        for pid, inp in self._inputs.items():
            self._drain(inp)
            if inp.queue:
                pcm = inp.queue.popleft()
                if pcm.shape[0] != FRAME_SAMPLES:
                    pcm = np.resize(pcm, FRAME_SAMPLES).astype(np.float32)
                inp.level = level_dbfs(pcm)
                if inp.level > GATE_DBFS:
                    frames[pid] = pcm
                    inp.hold = HOLD_TICKS
            else:
                inp.late += 1
                inp.level = SILENCE_DBFS
            if inp.hold > 0:
                inp.hold -= 1
                held.append(pid)
            levels[pid] = inp.level
        plan = plan_mix(frames, self._inputs, held)
        # Every distinct mix is encoded, silence too: Opus codes band energies relative
        # to the previous frame, so a listener's stream must come from one continuous
        # encoder. (A cached silence packet between two encodes made the next word come
        # out 20 dB too quiet.) Silence costs a few bytes.
        jobs = [
            EncodeJob(key, self._shared if key is None else self._speaker_encoder(key), mix, pts)
            for key, mix in plan.mixes.items()
        ]
        return TickMixes(pts=pts, listens_to=plan.listens_to, levels=levels, jobs=jobs)

    def deliver(self, mixes: TickMixes, packets: list[Packet | None]) -> TickResult:
        """The second half of a tick: each listener's packet from the encoded mixes."""
        encoded = {
            job.key: packet if packet is not None else self._silent(mixes.pts)
            for job, packet in zip(mixes.jobs, packets, strict=True)
        }
        return TickResult(
            packets={pid: encoded[key] for pid, key in mixes.listens_to.items()},
            levels=mixes.levels,
            encodes=len(mixes.jobs),
        )

    @staticmethod
    def _drain(inp: _Input) -> None:
        inp.window_min = min(inp.window_min, len(inp.queue))
        inp.window += 1
        if inp.window >= DRAIN_WINDOW_TICKS:
            if inp.window_min >= 2 and inp.queue:
                inp.queue.popleft()
                inp.drained += 1
            inp.window = 0
            inp.window_min = MAX_QUEUE_FRAMES

    def _speaker_encoder(self, pid: str) -> OpusStream:
        inp = self._inputs[pid]
        if inp.encoder is None:
            inp.encoder = self._encoder()
        return inp.encoder

    def _silent(self, pts: int) -> Packet:
        # Opus codes digital silence in a few bytes; encode it once and re-stamp copies.
        template = self._silence.get(0)
        if template is None:
            enc = self._encoder()
            template = None
            for i in range(3):  # past the encoder's start-up frames
                template = enc.encode(silence(), i * FRAME_SAMPLES) or template
            assert template is not None
            self._silence[0] = template
        packet = av.Packet(bytes(template))
        packet.pts = pts
        packet.time_base = template.time_base
        return packet
