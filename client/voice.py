"""The headless voice session: room audio that follows the person's room.

No Qt here. The desktop app wires its widgets to a `VoiceSession`: mute and
push-to-talk state, the microphone level, who is speaking, connection quality, and
events for earcons. Tests and benchmarks drive the same class with tone sources.

When the person's presence moves into a room, the session opens one peer connection to
the server (we offer, it answers over the presence WebSocket); when they leave, it
closes. The server mixes the room, so there is one stream up and one down.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from client.session import Session, SessionError
from rooms.media.audio import SILENCE_DBFS, Pcm, silence
from rooms.media.peer import configuration, tap_audio
from rooms.media.quality import LinkStats, Quality
from rooms.media.tracks import PcmSource, Recorder, SourceTrack
from rooms.protocol import (
    GetVoiceConfig,
    PresenceChanged,
    ServerMessage,
    VoiceAnswer,
    VoiceClosed,
    VoiceConfig,
    VoiceOffer,
    VoiceSpeaking,
    VoiceStop,
)

log = logging.getLogger("yoriai.voice")


class VoiceState(enum.StrEnum):
    IDLE = "idle"  # not in a room
    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILED = "failed"


class Cue(enum.StrEnum):
    """Moments that deserve a sound or an announcement (earcons, screen reader text)."""

    JOINED = "joined"  # we are in the room's audio
    LEFT = "left"
    ARRIVED = "arrived"  # someone else came into our room
    DEPARTED = "departed"
    MUTED = "muted"
    UNMUTED = "unmuted"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CueEvent:
    cue: Cue
    person_id: str | None = None
    detail: str = ""


class _Silence:
    def __call__(self, start: int) -> Pcm:
        return silence()


class VoiceSession:
    def __init__(
        self,
        session: Session,
        source: PcmSource | None = None,
        *,
        relay_only: bool = False,
        record_s: float = 5.0,
    ) -> None:
        self.session = session
        self.source: PcmSource = source or _Silence()
        self.relay_only = relay_only
        self.recorder = Recorder(record_s)  # what we hear; listeners get each frame
        self.state = VoiceState.IDLE
        self.room_id: str | None = None
        self.speaking: frozenset[str] = frozenset()
        self.last_error: str | None = None
        self._muted = False
        self._push_to_talk = False
        self._talk_held = False
        self._pc: RTCPeerConnection | None = None
        self._track: SourceTrack | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._wanted: str | None = None
        self._switch = asyncio.Lock()
        self._changed = asyncio.Condition()
        self._cue_listeners: list[Callable[[CueEvent], None]] = []
        self._state_listeners: list[Callable[[VoiceState], None]] = []
        self._speaking_listeners: list[Callable[[frozenset[str]], None]] = []
        self._started = False

    # ------------------------------------------------------------ listening

    def add_cue_listener(self, listener: Callable[[CueEvent], None]) -> None:
        self._cue_listeners.append(listener)

    def add_state_listener(self, listener: Callable[[VoiceState], None]) -> None:
        self._state_listeners.append(listener)

    def add_speaking_listener(self, listener: Callable[[frozenset[str]], None]) -> None:
        self._speaking_listeners.append(listener)

    def is_speaking(self, person_id: str) -> bool:
        """For a screen reader's query: is this person speaking right now?"""
        return person_id in self.speaking

    # ------------------------------------------------------------ mute and push-to-talk

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def push_to_talk(self) -> bool:
        return self._push_to_talk

    @property
    def transmitting(self) -> bool:
        """Is our microphone going out to the room now?"""
        if self._muted:
            return False
        return self._talk_held if self._push_to_talk else True

    def set_muted(self, muted: bool) -> None:
        if muted == self._muted:
            return
        self._muted = muted
        self._apply_transmit()
        self._cue(CueEvent(Cue.MUTED if muted else Cue.UNMUTED))

    def toggle_mute(self) -> bool:
        self.set_muted(not self._muted)
        return self._muted

    def set_push_to_talk(self, enabled: bool) -> None:
        """In push-to-talk mode the microphone goes out only while the key is held."""
        self._push_to_talk = enabled
        self._talk_held = False
        self._apply_transmit()

    def talk_pressed(self) -> None:
        self._talk_held = True
        self._apply_transmit()

    def talk_released(self) -> None:
        self._talk_held = False
        self._apply_transmit()

    def _apply_transmit(self) -> None:
        if self._track is not None:
            self._track.muted = not self.transmitting

    # ------------------------------------------------------------ levels and quality

    @property
    def input_level(self) -> float:
        """Microphone level in dBFS (before mute: the meter moves while muted)."""
        return self._track.level if self._track is not None else SILENCE_DBFS

    @property
    def output_level(self) -> float:
        return self.recorder.level

    async def link_stats(self) -> LinkStats:
        pc = self._pc
        if pc is None:
            return LinkStats(None, None, None)
        rtt = jitter = loss = None
        received = sent = 0
        for stat in (await pc.getStats()).values():
            kind = getattr(stat, "type", "")
            if kind == "remote-inbound-rtp":
                if stat.roundTripTime is not None:
                    rtt = stat.roundTripTime * 1000.0
                loss = stat.fractionLost * 100.0 if stat.fractionLost is not None else loss
            elif kind == "inbound-rtp":
                jitter = stat.jitter / 48.0 if stat.jitter is not None else None  # in 48 kHz ticks
                received = stat.packetsReceived
                if stat.packetsLost is not None and stat.packetsReceived:
                    lost = max(0, stat.packetsLost)
                    loss = max(loss or 0.0, 100.0 * lost / (lost + stat.packetsReceived))
            elif kind == "outbound-rtp":
                sent = stat.packetsSent
        return LinkStats(rtt, jitter, loss, packets_received=received, packets_sent=sent)

    async def quality(self) -> Quality:
        return (await self.link_stats()).quality

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Follow the session's room from now on (and join the current one's audio)."""
        if not self._started:
            self._started = True
            self.session.add_listener(self._on_message)
        self._follow(self.session.my_room)

    async def close(self) -> None:
        self._started = False
        self._wanted = None
        async with self._switch:
            await self._hang_up(notify_server=False)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def hang_up(self) -> None:
        """Stop our audio but stay in the room."""
        self._wanted = None
        async with self._switch:
            await self._hang_up(notify_server=True)

    async def reconnect(self) -> None:
        """Open the room's audio again (after hang_up, or a failure)."""
        self._follow(self.session.my_room, force=True)

    async def wait_until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_connected(self, within: float = 15.0) -> None:
        await self.wait_until(
            lambda: self.state in (VoiceState.CONNECTED, VoiceState.FAILED), within
        )
        if self.state is VoiceState.FAILED:
            raise SessionError("media_failed", self.last_error or "the audio did not connect")

    # ------------------------------------------------------------ following the room

    def _on_message(self, message: ServerMessage) -> None:
        me = self.session.person_id
        match message:
            case PresenceChanged(person_id=pid) if pid == me:
                self._follow(self.session.my_room)
            case PresenceChanged(person_id=pid, presence=presence):
                if self.room_id is None:
                    return
                was_here = pid in self._occupants
                here = presence.room_id == self.room_id
                if here and not was_here:
                    self._cue(CueEvent(Cue.ARRIVED, pid))
                elif was_here and not here:
                    self._cue(CueEvent(Cue.DEPARTED, pid))
                self._occupants = set(self.session.state.occupants_of(self.room_id))
            case VoiceSpeaking(room_id=room_id, speaking=speaking) if room_id == self.room_id:
                self.speaking = frozenset(speaking)
                for listener in list(self._speaking_listeners):
                    listener(self.speaking)
                self._poke()
            case VoiceClosed(room_id=room_id, reason=reason) if room_id == self.room_id:
                self.last_error = reason
                self._spawn(self._closed_by_server(reason))
            case _:
                pass

    def _follow(self, room_id: str | None, *, force: bool = False) -> None:
        if room_id == self._wanted and not force:
            return
        self._wanted = room_id
        self._spawn(self._switch_to(room_id))

    async def _closed_by_server(self, reason: str) -> None:
        async with self._switch:
            await self._hang_up(notify_server=False)
        self._set_state(VoiceState.FAILED if self._wanted else VoiceState.IDLE)
        if self._wanted:
            self._cue(CueEvent(Cue.FAILED, detail=reason))

    async def _switch_to(self, room_id: str | None) -> None:
        async with self._switch:
            if room_id != self._wanted:
                return  # superseded while we waited
            await self._hang_up(notify_server=False)
            if room_id is None:
                return
            try:
                await self._connect(room_id)
            except (SessionError, OSError, ValueError) as exc:
                self.last_error = str(exc)
                log.warning("voice in %s failed: %s", room_id, exc)
                await self._hang_up(notify_server=False)
                self._set_state(VoiceState.FAILED)
                self._cue(CueEvent(Cue.FAILED, detail=str(exc)))

    async def _connect(self, room_id: str) -> None:
        self._set_state(VoiceState.CONNECTING)
        self.room_id = room_id
        self._occupants = set(self.session.state.occupants_of(room_id))
        config = await self.session.request(GetVoiceConfig(id=self.session.next_id()))
        assert isinstance(config, VoiceConfig)
        servers = [(s.urls, s.username, s.credential) for s in config.ice_servers]
        pc = RTCPeerConnection(configuration(servers, relay_only=self.relay_only))
        self._pc = pc
        self._track = SourceTrack(self.source)
        self._apply_transmit()
        pc.addTrack(self._track)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            # Decoded as each packet arrives; a speaker's output stream is the playout
            # buffer (see client/audio_devices.py).
            for transceiver in pc.getTransceivers():
                if transceiver.receiver.track is track and track.kind == "audio":
                    tap_audio(transceiver.receiver, self.recorder)

        @pc.on("connectionstatechange")
        def on_state() -> None:
            if self._pc is not pc:
                return
            if pc.connectionState == "connected":
                self._set_state(VoiceState.CONNECTED)
                self._cue(CueEvent(Cue.JOINED))
            elif pc.connectionState == "failed":
                self.last_error = "the audio connection failed"
                self._set_state(VoiceState.FAILED)
                self._cue(CueEvent(Cue.FAILED, detail=self.last_error))

        await pc.setLocalDescription(await pc.createOffer())
        reply = await self.session.request(
            VoiceOffer(id=self.session.next_id(), room_id=room_id, sdp=pc.localDescription.sdp)
        )
        assert isinstance(reply, VoiceAnswer)
        if self._pc is pc:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=reply.sdp, type="answer"))

    async def _hang_up(self, *, notify_server: bool) -> None:
        pc, self._pc = self._pc, None
        self._track = None
        was_connected = self.state is VoiceState.CONNECTED
        if pc is not None:
            await pc.close()
            if notify_server:
                with contextlib.suppress(SessionError):
                    await self.session.request(VoiceStop(id=self.session.next_id()))
        self.room_id = None
        self.speaking = frozenset()
        if was_connected:
            self._cue(CueEvent(Cue.LEFT))
        self._set_state(VoiceState.IDLE)

    # ------------------------------------------------------------ plumbing

    _occupants: set[str] = set()  # noqa: RUF012 (replaced per room, never mutated)

    def _set_state(self, state: VoiceState) -> None:
        if state == self.state:
            return
        self.state = state
        for listener in list(self._state_listeners):
            try:
                listener(state)
            except Exception:
                log.exception("voice state listener failed")
        self._poke()

    def _cue(self, event: CueEvent) -> None:
        for listener in list(self._cue_listeners):
            try:
                listener(event)
            except Exception:
                log.exception("voice cue listener failed")
        self._poke()

    def _poke(self) -> None:
        self._spawn(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
