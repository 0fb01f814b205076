"""Room media hosting: one aiortc peer connection per participant, one mixing clock.

Every participant's decoded audio goes into their room's `RoomMixer`; a single clock
ticks every 20 ms for all rooms, mixes each room once (mix-minus, one encode per
distinct mix) and pushes the packets to each participant's outgoing track. A room's
speaking set is announced on change, at most about five times a second.

This layer knows nothing of presence: the server tells it who may be in which room
and stops people who leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from rooms.errors import ErrorCode, OfficeError
from rooms.media.audio import FRAME_MS, FRAME_SAMPLES, Pcm
from rooms.media.mixer import RoomMixer, encode_all
from rooms.media.peer import (
    SignallingError,
    check_offer,
    configuration,
    parse_candidate,
    tap_audio,
)
from rooms.media.speaking import SpeakingTracker
from rooms.media.tracks import PacketTrack
from rooms.protocol import VoiceClosed, VoiceSpeaking

log = logging.getLogger("yoriai.media")

TICK_S = FRAME_MS / 1000
# A tick this late counts as a drop-out: listeners' buffers run dry.
LATE_S = TICK_S


class MediaMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        r = registry
        self.participants = Gauge(
            "yoriai_voice_participants", "People with audio connected to a room", registry=r
        )
        self.rooms = Gauge("yoriai_voice_rooms", "Rooms with audio running", registry=r)
        self.ticks = Counter("yoriai_voice_ticks_total", "Mixer ticks run", registry=r)
        self.late_ticks = Counter(
            "yoriai_voice_late_ticks_total",
            "Mixer ticks that ran more than one frame late (audible drop-outs)",
            registry=r,
        )
        self.encodes = Counter("yoriai_voice_encodes_total", "Opus encodes of mixes", registry=r)
        self.tick_seconds = Histogram(
            "yoriai_voice_tick_seconds",
            "Time to mix and encode every room once",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.05),
            registry=r,
        )
        self.signalling_errors = Counter(
            "yoriai_voice_signalling_errors_total", "Offers and candidates refused", registry=r
        )


@dataclass(eq=False)
class _Participant:
    pid: str
    room_id: str
    pc: RTCPeerConnection
    out: PacketTrack
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    pending: list[Pcm] = field(default_factory=list)
    pending_len: int = 0
    closed: bool = False


ToPerson = Callable[[str, VoiceClosed], None]
ToRoom = Callable[[str, VoiceSpeaking], None]


class MediaHost:
    def __init__(
        self,
        to_person: ToPerson,
        to_room: ToRoom,
        registry: CollectorRegistry,
        *,
        bitrate: int = 32_000,
        complexity: int = 5,
        max_participants: int = 500,
        encode_threads: int = 0,
    ) -> None:
        self._to_person = to_person
        self._to_room = to_room
        self.metrics = MediaMetrics(registry)
        self._bitrate = bitrate
        self._complexity = complexity
        self._max = max_participants
        self._threads = encode_threads
        self._pool = (
            ThreadPoolExecutor(encode_threads, thread_name_prefix="opus")
            if encode_threads > 0
            else None
        )
        self._participants: dict[str, _Participant] = {}
        self._mixers: dict[str, RoomMixer] = {}
        self._speaking: dict[str, SpeakingTracker] = {}
        self._clock: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._pts = 0
        self.late_ticks = 0
        self.ticks = 0
        self.encodes = 0

    # ------------------------------------------------------------ reading

    def room_of(self, pid: str) -> str | None:
        p = self._participants.get(pid)
        return None if p is None else p.room_id

    def participants(self, room_id: str | None = None) -> frozenset[str]:
        return frozenset(
            pid for pid, p in self._participants.items() if room_id in (None, p.room_id)
        )

    def speaking(self, room_id: str) -> frozenset[str]:
        tracker = self._speaking.get(room_id)
        return frozenset() if tracker is None else tracker.speaking

    async def stats(self, pid: str) -> dict[str, object]:
        p = self._participants.get(pid)
        if p is None:
            return {}
        report = await p.pc.getStats()
        return {k: vars(v) for k, v in report.items()}

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if self._clock is None:
            self._clock = asyncio.create_task(self._run_clock(), name="voice-clock")

    async def close(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._clock
            self._clock = None
        for pid in list(self._participants):
            self.stop(pid, "the server is shutting down", notify=False)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    # ------------------------------------------------------------ signalling

    async def answer(
        self,
        pid: str,
        room_id: str,
        sdp: str,
        *,
        ice_servers: Sequence[tuple[Sequence[str], str | None, str | None]] = (),
        still_in_room: Callable[[], bool] = lambda: True,
    ) -> str:
        """Answer a participant's offer and connect their audio to the room."""
        try:
            check_offer(sdp)
        except SignallingError as exc:
            self.metrics.signalling_errors.inc()
            raise OfficeError(ErrorCode.INVALID, str(exc)) from None
        if pid not in self._participants and len(self._participants) >= self._max:
            raise OfficeError(ErrorCode.MEDIA_FAILED, "the server carries all the audio it can")
        if pid in self._participants:
            self.stop(pid, "restarted", notify=False)
        pc = RTCPeerConnection(configuration(ice_servers))
        p = _Participant(pid=pid, room_id=room_id, pc=pc, out=PacketTrack())

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind != "audio" or p.closed:
                return
            for transceiver in pc.getTransceivers():
                if transceiver.receiver.track is track:
                    tap_audio(transceiver.receiver, lambda pcm: self._inbound(p, pcm))

        @pc.on("connectionstatechange")
        def on_state() -> None:
            if pc.connectionState == "failed" and not p.closed:
                self.stop(pid, "the audio connection failed", ErrorCode.MEDIA_FAILED)

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
            pc.addTrack(p.out)
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            self.metrics.signalling_errors.inc()
            await pc.close()
            raise OfficeError(
                ErrorCode.INVALID, f"cannot use this offer: {exc or type(exc).__name__}"
            ) from None
        if not still_in_room() or p.closed:
            await pc.close()
            raise OfficeError(ErrorCode.NOT_IN_ROOM, "you left the room before audio started")
        if pid in self._participants:  # a second offer raced this one: the later wins
            self.stop(pid, "restarted", notify=False)
        self._participants[pid] = p
        mixer = self._mixers.get(room_id)
        if mixer is None:
            mixer = self._mixers[room_id] = RoomMixer(
                bitrate=self._bitrate, complexity=self._complexity
            )
            self._speaking[room_id] = SpeakingTracker()
        mixer.add(pid)
        self._gauges()
        return pc.localDescription.sdp

    async def add_candidate(
        self, pid: str, room_id: str, candidate: str, sdp_mid: str | None, index: int | None
    ) -> None:
        p = self._participants.get(pid)
        if p is None or p.room_id != room_id:
            self.metrics.signalling_errors.inc()
            raise OfficeError(ErrorCode.NOT_IN_ROOM, "you have no audio in that room")
        if not candidate:
            return  # end of candidates: aiortc needs no word of it
        try:
            parsed = parse_candidate(candidate, sdp_mid, index)
        except SignallingError as exc:
            self.metrics.signalling_errors.inc()
            raise OfficeError(ErrorCode.INVALID, str(exc)) from None
        if parsed.sdpMid is None and parsed.sdpMLineIndex is None:
            parsed.sdpMLineIndex = 0
        try:
            await p.pc.addIceCandidate(parsed)
        except Exception as exc:
            self.metrics.signalling_errors.inc()
            raise OfficeError(ErrorCode.INVALID, f"cannot use this candidate: {exc}") from None

    def stop(
        self, pid: str, reason: str, code: ErrorCode | None = None, *, notify: bool = True
    ) -> None:
        """Stop a participant's audio now; the peer connection closes in the background."""
        p = self._participants.pop(pid, None)
        if p is None:
            return
        p.closed = True
        mixer = self._mixers.get(p.room_id)
        if mixer is not None:
            mixer.remove(pid)
            if not mixer.participants:
                del self._mixers[p.room_id]
                self._speaking.pop(p.room_id, None)
        for task in list(p.tasks):
            task.cancel()
        p.out.stop()
        closing = asyncio.get_running_loop().create_task(p.pc.close())
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)
        self._gauges()
        if notify:
            self._to_person(pid, VoiceClosed(room_id=p.room_id, reason=reason, code=code))

    def _gauges(self) -> None:
        self.metrics.participants.set(len(self._participants))
        self.metrics.rooms.set(len(self._mixers))

    # ------------------------------------------------------------ audio

    def _inbound(self, p: _Participant, pcm: Pcm) -> None:
        """Re-cut whatever frame size arrives into 20 ms frames for the mixer."""
        if p.closed:
            return
        mixer = self._mixers.get(p.room_id)
        if mixer is None:
            return
        if pcm.shape[0] == FRAME_SAMPLES and not p.pending:
            mixer.push(p.pid, pcm)
            return
        p.pending.append(pcm)
        p.pending_len += pcm.shape[0]
        if p.pending_len >= FRAME_SAMPLES:
            joined = np.concatenate(p.pending)
            while joined.shape[0] >= FRAME_SAMPLES:
                mixer.push(p.pid, joined[:FRAME_SAMPLES])
                joined = joined[FRAME_SAMPLES:]
            p.pending = [joined] if joined.shape[0] else []
            p.pending_len = joined.shape[0]

    async def _run_clock(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time()
        while True:
            deadline += TICK_S
            delay = deadline - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            elif -delay > LATE_S:
                self.late_ticks += 1
                self.metrics.late_ticks.inc()
                if -delay > 10 * TICK_S:
                    deadline = loop.time()  # a long stall: start the clock again
            started = time.perf_counter()
            try:
                await self.tick(loop.time())
            except Exception:
                log.exception("mixer tick failed")
            self.metrics.tick_seconds.observe(time.perf_counter() - started)

    async def tick(self, now: float) -> None:
        """Mix every room once and hand each participant their packet. The encodes,
        most of a tick's work, run in the worker threads while the loop carries on
        receiving and sending packets; rooms are cut into one batch per thread."""
        self._pts += FRAME_SAMPLES
        self.ticks += 1
        self.metrics.ticks.inc()
        rooms = [(room_id, mixer, mixer.mix(self._pts)) for room_id, mixer in self._mixers.items()]
        jobs = [job for _room_id, _mixer, mixes in rooms for job in mixes.jobs]
        if self._pool is None or len(jobs) < 2:
            packets = encode_all(jobs)
        else:
            loop = asyncio.get_running_loop()
            size = -(-len(jobs) // self._threads)
            batches = await asyncio.gather(
                *(
                    loop.run_in_executor(self._pool, encode_all, jobs[i : i + size])
                    for i in range(0, len(jobs), size)
                )
            )
            packets = [packet for batch in batches for packet in batch]
        start = 0
        for room_id, mixer, mixes in rooms:
            end = start + len(mixes.jobs)
            result = mixer.deliver(mixes, packets[start:end])
            start = end
            self.encodes += result.encodes
            self.metrics.encodes.inc(result.encodes)
            for pid, packet in result.packets.items():
                p = self._participants.get(pid)
                if p is not None and p.room_id == room_id:  # may have left meanwhile
                    p.out.push(packet)
            tracker = self._speaking.get(room_id)
            change = None if tracker is None else tracker.update(result.levels, now)
            if change is not None:
                self._to_room(room_id, VoiceSpeaking(room_id=room_id, speaking=sorted(change)))
