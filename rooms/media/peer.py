"""Peer connection setup shared by the server and the clients.

* `configuration` builds an RTCConfiguration from the ICE servers the server hands out.
  It always passes a list, even an empty one: given None, aiortc falls back to a public
  STUN server, and Yoriai never calls out to the internet.
* `use_host_addresses` chooses which local addresses ICE offers as host candidates.
  aioice offers every interface address except loopback and has no option for it
  (aiortc/aioice#2, #57), so we replace its address lookup. A server names its public
  address here; tests name 127.0.0.1 so media never leaves loopback.
* `tap_audio` takes a receiver's Opus packets as they arrive and decodes them right
  there, in the event loop, instead of aiortc's path: a jitter buffer with four frames
  (80 ms) of prefetch, then a decoder thread per receiver. The server's mixer queue is
  its jitter buffer, so the prefetch only adds delay; and with dozens of receivers the
  decoder threads fight the event loop for the GIL (each decode takes 40 µs; the
  thread hops and GIL hand-overs around it cost far more).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import aioice.ice
import av
from aiortc import (
    RTCConfiguration,
    RTCIceCandidate,
    RTCIceServer,
    RTCRtpReceiver,
)
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from aiortc.rtp import RtpPacket
from aiortc.sdp import SessionDescription, candidate_from_sdp

from rooms.media.audio import SAMPLE_RATE, Pcm, from_frame

MAX_SDP_BYTES: Final = 16 * 1024
MAX_CANDIDATE_BYTES: Final = 512

_aioice_host_addresses = aioice.ice.get_host_addresses


class SignallingError(ValueError):
    """An offer or candidate we cannot use. The message says why, for the sender."""


def configuration(
    ice_servers: Sequence[tuple[Sequence[str], str | None, str | None]] = (),
    *,
    relay_only: bool = False,
) -> RTCConfiguration:
    """ICE servers as (urls, username, credential); relay_only forces TURN."""
    servers = [
        RTCIceServer(urls=list(urls), username=username, credential=credential)
        for urls, username, credential in ice_servers
    ]
    policy = RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL
    return RTCConfiguration(iceServers=servers, iceTransportPolicy=policy)


def use_host_addresses(addresses: Sequence[str] | None) -> None:
    """Offer exactly these local addresses as ICE host candidates (None: aioice's own
    choice, every non-loopback interface). Process-wide, as aioice's lookup is."""
    if addresses is None:
        aioice.ice.get_host_addresses = _aioice_host_addresses
        return
    chosen = list(addresses)

    def host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in chosen if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

    aioice.ice.get_host_addresses = host_addresses


class _AudioTap(JitterBuffer):
    """Sits where aiortc's jitter buffer was: decodes each Opus packet (one packet is one
    frame) as it arrives, in order, drops late ones, and hands nothing to aiortc."""

    def __init__(self, on_pcm: Callable[[Pcm], None]) -> None:
        super().__init__(capacity=16)
        self._on_pcm = on_pcm
        self._last_seq: int | None = None
        self._decoder = av.CodecContext.create("libopus", "r")
        self._decoder.format = "s16"
        self._decoder.layout = "mono"
        self._decoder.sample_rate = SAMPLE_RATE
        self.packets = 0
        self.late = 0
        self.errors = 0

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        seq = packet.sequence_number
        if self._last_seq is not None and ((seq - self._last_seq) & 0xFFFF) >= 0x8000:
            self.late += 1  # older than what we already played
            return False, None
        self._last_seq = seq
        data: bytes = getattr(packet, "_data", packet.payload)  # depayloaded by the receiver
        if not data:
            return False, None
        self.packets += 1
        try:
            frames = self._decoder.decode(av.Packet(data))
        except av.FFmpegError:
            self.errors += 1
            return False, None
        for frame in frames:
            self._on_pcm(from_frame(frame))
        return False, None


def tap_audio(receiver: RTCRtpReceiver, on_pcm: Callable[[Pcm], None]) -> _AudioTap:
    """Receive a track's audio as 48 kHz mono PCM, decoded as each packet arrives."""
    attr = "_RTCRtpReceiver__jitter_buffer"
    if not hasattr(receiver, attr):
        raise RuntimeError("this aiortc has no audio jitter buffer where we expect one")
    tap = _AudioTap(on_pcm)
    setattr(receiver, attr, tap)
    return tap


def check_offer(sdp: str) -> None:
    """Refuse an offer that is not one we can answer: it must parse, and carry audio."""
    if len(sdp.encode()) > MAX_SDP_BYTES:
        raise SignallingError(f"the SDP is larger than {MAX_SDP_BYTES} bytes")
    try:
        parsed = SessionDescription.parse(sdp)
    except Exception as exc:
        raise SignallingError(f"malformed SDP: {exc or type(exc).__name__}") from None
    audio = [m for m in parsed.media if m.kind == "audio"]
    if not audio:
        raise SignallingError("the offer has no audio section")
    if not any(c.mimeType.lower() == "audio/opus" for m in audio for c in m.rtp.codecs):
        raise SignallingError("the offer does not include Opus audio")
    if any(m.ice is None or not m.ice.usernameFragment or not m.ice.password for m in audio):
        raise SignallingError("the offer has no ICE credentials")


def parse_candidate(
    candidate: str, sdp_mid: str | None, sdp_mline_index: int | None
) -> RTCIceCandidate:
    """A trickled candidate line ("candidate:..." or without the prefix)."""
    if len(candidate) > MAX_CANDIDATE_BYTES:
        raise SignallingError("the ICE candidate is too long")
    text = candidate.removeprefix("a=").removeprefix("candidate:")
    try:
        parsed = candidate_from_sdp(text)
    except (AssertionError, ValueError, IndexError) as exc:
        raise SignallingError(f"malformed ICE candidate: {exc or 'too few fields'}") from None
    parsed.sdpMid = sdp_mid
    parsed.sdpMLineIndex = sdp_mline_index
    return parsed


def stats_of(report: Any) -> dict[str, Any]:
    """An RTCStatsReport as plain dicts by id, for logging and quality figures."""
    return {key: vars(value) for key, value in report.items()}
