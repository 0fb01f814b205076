"""Cheap voice clients for the capacity bench (bench/rooms.py --cheap): one process
carries many participants and spends as little CPU on them as a client can.

Each participant signs in, joins its room and connects audio like the real client, but
sends Opus packets encoded once at start-up (a tone for the room's speaker, digital
silence for the others, as an open microphone in a quiet room sends) and, instead of
decoding what it receives, counts the packets. The server's work is unchanged: it
still decodes every inbound packet and mixes and encodes every room.

    python bench/voice_clients.py URL user:room:hz ...   (hz 0 = silence)

Prints READY when every participant is connected, then reads "measure SECONDS" on
stdin and prints one JSON line: packets per second received by each participant.
"""

from __future__ import annotations

import asyncio
import fractions
import json
import sys
import time
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiortc import RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.jitterbuffer import JitterBuffer, JitterFrame  # noqa: E402
from aiortc.mediastreams import MediaStreamTrack  # noqa: E402
from aiortc.rtp import RtpPacket  # noqa: E402

from client.session import Session  # noqa: E402
from rooms.media.audio import FRAME_SAMPLES, OpusStream, Packet, silence  # noqa: E402
from rooms.media.peer import configuration, use_host_addresses  # noqa: E402
from rooms.media.tracks import ToneSource  # noqa: E402
from rooms.protocol import VoiceAnswer, VoiceOffer  # noqa: E402
from server.demo import DEMO_PASSWORD  # noqa: E402

JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"  # as rooms/media/peer.py's tap_audio
TIME_BASE = fractions.Fraction(1, 48_000)


def pre_encoded(hz: float, frames: int = 50) -> list[bytes]:
    enc = OpusStream()
    source = ToneSource(hz) if hz else None
    out: list[bytes] = []
    i = 0
    while len(out) < frames:
        pcm = source(i * FRAME_SAMPLES) if source is not None else silence()
        packet = enc.encode(pcm, i * FRAME_SAMPLES)
        if packet is not None and i >= 3:  # past the encoder's start-up frames
            out.append(bytes(packet))
        i += 1
    return out


class LoopTrack(MediaStreamTrack):
    """Sends the same encoded packets round and round, one every 20 ms."""

    kind = "audio"

    def __init__(self, packets: list[bytes]) -> None:
        super().__init__()
        self._packets = packets
        self._n = 0
        self._start: float | None = None

    async def recv(self) -> Packet:
        if self._start is None:
            self._start = time.monotonic()
        due = self._start + self._n * 0.02
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        packet = av.Packet(self._packets[self._n % len(self._packets)])
        packet.pts = self._n * FRAME_SAMPLES
        packet.time_base = TIME_BASE
        self._n += 1
        return packet


class Counter(JitterBuffer):
    """In place of aiortc's jitter buffer: counts packets, decodes nothing."""

    def __init__(self) -> None:
        super().__init__(capacity=16)
        self.packets = 0

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        self.packets += 1
        return False, None


async def join(url: str, user: str, room: str, packets: list[bytes]) -> Counter:
    session = Session(url, username=user, password=DEMO_PASSWORD)
    await session.connect()
    await session.join(room)
    pc = RTCPeerConnection(configuration())
    pc.addTrack(LoopTrack(packets))
    counter = Counter()
    connected = asyncio.get_running_loop().create_future()

    @pc.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        for t in pc.getTransceivers():
            if t.receiver.track is track:
                setattr(t.receiver, JITTER_BUFFER, counter)

    @pc.on("connectionstatechange")
    def on_state() -> None:
        if pc.connectionState == "connected" and not connected.done():
            connected.set_result(None)

    await pc.setLocalDescription(await pc.createOffer())
    reply = await session.request(
        VoiceOffer(id=session.next_id(), room_id=room, sdp=pc.localDescription.sdp)
    )
    assert isinstance(reply, VoiceAnswer), reply
    await pc.setRemoteDescription(RTCSessionDescription(sdp=reply.sdp, type="answer"))
    await asyncio.wait_for(connected, 30)
    return counter


async def main() -> None:
    use_host_addresses(["127.0.0.1"])
    url, specs = sys.argv[1], [s.split(":") for s in sys.argv[2:]]
    tones = {hz: pre_encoded(float(hz)) for _u, _r, hz in specs}
    counters: list[Counter] = []
    for i in range(0, len(specs), 10):
        counters += await asyncio.gather(
            *(join(url, u, r, tones[hz]) for u, r, hz in specs[i : i + 10])
        )
    print("READY", flush=True)
    line = await asyncio.to_thread(sys.stdin.readline)
    seconds = float(line.split()[1])
    before, t0 = [c.packets for c in counters], time.monotonic()
    await asyncio.sleep(seconds)
    dt = time.monotonic() - t0
    rates = [(c.packets - b) / dt for c, b in zip(counters, before, strict=True)]
    print(json.dumps({"packets_per_s": rates}), flush=True)
    await asyncio.to_thread(sys.stdin.readline)  # stay connected until told to go


if __name__ == "__main__":
    asyncio.run(main())
