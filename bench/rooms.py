"""Voice rooms: mouth-to-ear latency through the server against a direct link, and how
many participants one server process mixes in real time.

    .venv/bin/python bench/rooms.py [--clicks 40] [--max-k 10] [--seconds 5]
        [--cheap PROCS] [--no-latency] [--encode-threads N] [--baseline-threads N]

Everything runs on 127.0.0.1. The server is a child process (`yoriai-server serve`),
as in production; the clients run here.

Latency: a sender injects a click (a 20 ms burst) into otherwise silent audio; the
receiver timestamps the first loud frame it decodes. Through the server: sender ->
server (decode, mix, encode) -> receiver. Direct: the same two kinds of peer connected
to each other with aiortc. Neither includes a sound card; the difference is what the
server adds.

Capacity: 10 rooms of k people, one speaking per room (the others silent, as in a
meeting), raising k until the server's mixing clock runs late (a tick more than one
frame late is a drop-out for everyone in the room) or the clients stop hearing 50
frames a second. CPU per participant is the server process's CPU over the run.

The last line is JSON: server_p95_ms, direct_p95_ms, added_p95_ms, max_participants,
cpu_per_participant_pct (and more).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiortc import RTCPeerConnection  # noqa: E402

from client.session import Session  # noqa: E402
from client.voice import VoiceSession  # noqa: E402
from rooms.media.audio import Pcm  # noqa: E402
from rooms.media.peer import configuration, tap_audio, use_host_addresses  # noqa: E402
from rooms.media.tracks import ClickSource, SourceTrack, ToneSource  # noqa: E402
from rooms.people import Person  # noqa: E402
from server.demo import DEMO_PASSWORD  # noqa: E402
from server.passwords import hash_password  # noqa: E402
from server.storage import Store  # noqa: E402
from tests.integration.support import ServerProcess, free_port, make_demo_db  # noqa: E402

CLICK_PEAK = 0.3


class ClickDetector:
    def __init__(self) -> None:
        self.heard_at: list[float] = []
        self._loud = False

    def __call__(self, pcm: Pcm) -> None:
        loud = float(np.max(np.abs(pcm))) > CLICK_PEAK
        if loud and not self._loud:
            self.heard_at.append(time.monotonic())
        self._loud = loud


def latencies(sent: list[float], heard: list[float]) -> list[float]:
    out = []
    for s in sent:
        after = [h for h in heard if s <= h < s + 0.25]
        if after:
            out.append((after[0] - s) * 1000.0)
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def clicks_through(click: ClickSource, n: int) -> None:
    await asyncio.sleep(1.0)
    for _ in range(n):
        click.click()
        await asyncio.sleep(0.3)
    await asyncio.sleep(0.5)


async def direct_latency(n: int) -> list[float]:
    a, b = RTCPeerConnection(configuration()), RTCPeerConnection(configuration())
    click, detector = ClickSource(), ClickDetector()
    a.addTrack(SourceTrack(click))
    b.addTransceiver("audio", direction="recvonly")

    @b.on("track")
    def on_track(track: object) -> None:
        for t in b.getTransceivers():
            if t.receiver.track is track:
                tap_audio(t.receiver, detector)

    await b.setLocalDescription(await b.createOffer())
    await a.setRemoteDescription(b.localDescription)
    await a.setLocalDescription(await a.createAnswer())
    await b.setRemoteDescription(a.localDescription)
    await clicks_through(click, n)
    await a.close()
    await b.close()
    return latencies(click.clicked_at, detector.heard_at)


async def join(url: str, user: str, room: str, source: object) -> VoiceSession:
    session = Session(url, username=user, password=DEMO_PASSWORD)
    await session.connect()
    voice = VoiceSession(session, source)  # type: ignore[arg-type]
    await voice.start()
    await session.join(room)
    await voice.wait_connected(30)
    return voice


async def close(voices: list[VoiceSession]) -> None:
    for v in voices:
        with contextlib.suppress(Exception):
            await v.close()
            await v.session.close()


async def server_latency(url: str, n: int) -> list[float]:
    click, detector = ClickSource(), ClickDetector()
    sender = await join(url, "aiko", "room-1", click)
    receiver = await join(url, "kenji", "room-1", None)
    receiver.recorder.listeners.append(detector)
    await clicks_through(click, n)
    await close([sender, receiver])
    return latencies(click.clicked_at, detector.heard_at)


def metrics(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    return {k: float(v) for k, v in re.findall(r"^(yoriai_voice_\w+) ([0-9.e+-]+)$", text, re.M)}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def capacity_step(url: str, port: int, pid: int, k: int, seconds: float) -> dict[str, float]:
    rooms = ["lobby", *(f"room-{n}" for n in range(1, 8)), "focus", "room-extra"]
    plan = [
        (f"bench{r * 20 + j}", room, ToneSource(300.0 + 40 * r) if j == 0 else None)
        for r, room in enumerate(rooms)
        for j in range(k)
    ]
    voices: list[VoiceSession] = []
    for i in range(0, len(plan), 10):
        voices += await asyncio.gather(
            *(join(url, u, room, src) for u, room, src in plan[i : i + 10])
        )
    await asyncio.sleep(1.5)
    m0, c0, t0 = metrics(port), cpu_seconds(pid), time.monotonic()
    f0 = [v.recorder.frames for v in voices]
    await asyncio.sleep(seconds)
    m1, c1, dt = metrics(port), cpu_seconds(pid), time.monotonic() - t0
    frames = [(v.recorder.frames - f) / dt for v, f in zip(voices, f0, strict=True)]
    await close(voices)
    return step_figures(k, frames, m0, m1, (c1 - c0) / dt)


def step_figures(
    k: int, rates: list[float], m0: dict[str, float], m1: dict[str, float], cpu: float
) -> dict[str, float]:
    ticks = m1["yoriai_voice_ticks_total"] - m0["yoriai_voice_ticks_total"]
    late = m1["yoriai_voice_late_ticks_total"] - m0["yoriai_voice_late_ticks_total"]
    return {
        "k": k,
        "participants": len(rates),
        "server_cpu_pct": 100.0 * cpu,
        "late_tick_pct": 100.0 * late / max(ticks, 1),
        "frames_per_s_min": min(rates),
        "frames_per_s_median": statistics.median(rates),
        "tick_ms_mean": 1000.0
        * (m1["yoriai_voice_tick_seconds_sum"] - m0["yoriai_voice_tick_seconds_sum"])
        / max(ticks, 1),
    }


async def capacity_step_cheap(
    url: str, port: int, pid: int, k: int, seconds: float, procs: int
) -> dict[str, float]:
    """The same step with bench/voice_clients.py processes as the participants."""
    rooms = ["lobby", *(f"room-{n}" for n in range(1, 8)), "focus", "room-extra"]
    specs = [
        f"bench{r * 20 + j}:{room}:{300 + 40 * r if j == 0 else 0}"
        for r, room in enumerate(rooms)
        for j in range(k)
    ]
    script = str(ROOT / "bench" / "voice_clients.py")
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            script,
            url,
            *specs[i::procs],
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for i in range(procs)
    ]
    try:
        for w in workers:
            assert w.stdout is not None
            line = await asyncio.wait_for(w.stdout.readline(), 120)
            if not line.startswith(b"READY"):
                raise RuntimeError("a client process failed to connect")
        await asyncio.sleep(1.5)
        m0, c0, t0 = metrics(port), cpu_seconds(pid), time.monotonic()
        for w in workers:
            assert w.stdin is not None
            w.stdin.write(f"measure {seconds}\n".encode())
            await w.stdin.drain()
        rates: list[float] = []
        for w in workers:
            assert w.stdout is not None
            rates += json.loads(await asyncio.wait_for(w.stdout.readline(), seconds + 30))[
                "packets_per_s"
            ]
        m1, c1, dt = metrics(port), cpu_seconds(pid), time.monotonic() - t0
    finally:
        for w in workers:
            if w.stdin is not None:
                with contextlib.suppress(Exception):
                    w.stdin.write(b"bye\n")
                    await w.stdin.drain()
        for w in workers:
            try:
                await asyncio.wait_for(w.wait(), 20)
            except TimeoutError:
                w.kill()
                await w.wait()
    return step_figures(k, rates, m0, m1, (c1 - c0) / dt)


def start_server(db: Path, encode_threads: int) -> ServerProcess:
    return ServerProcess(
        db,
        free_port(),
        args=("--media-address", "127.0.0.1", "--encode-threads", str(encode_threads)),
    )


async def sweep(
    proc: ServerProcess, args: argparse.Namespace
) -> tuple[list[dict[str, float]], dict[str, float] | None]:
    """Raise k until a step has drop-outs; the last good step is the capacity."""
    assert proc.proc is not None
    steps = []
    best = None
    for k in range(args.min_k, args.max_k + 1):
        if args.cheap:
            step = await capacity_step_cheap(
                proc.url, proc.port, proc.proc.pid, k, args.seconds, args.cheap
            )
        else:
            step = await capacity_step(proc.url, proc.port, proc.proc.pid, k, args.seconds)
        steps.append(step)
        print(
            f"k={k} n={step['participants']} server cpu {step['server_cpu_pct']:.0f}%"
            f" late {step['late_tick_pct']:.1f}% frames/s min {step['frames_per_s_min']:.0f}"
            f" median {step['frames_per_s_median']:.0f} tick {step['tick_ms_mean']:.2f} ms",
            flush=True,
        )
        if step["late_tick_pct"] > 1.0 or step["frames_per_s_min"] < 45:
            break
        best = step
    return steps, best


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clicks", type=int, default=40)
    ap.add_argument("--max-k", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--min-k", type=int, default=1)
    ap.add_argument(
        "--cheap",
        type=int,
        default=0,
        metavar="PROCS",
        help="participants are bench/voice_clients.py in PROCS processes (pre-encoded"
        " audio, no decoding) instead of full clients in this process",
    )
    ap.add_argument("--no-latency", action="store_true")
    ap.add_argument("--encode-threads", type=int, default=0)
    ap.add_argument(
        "--baseline-threads",
        type=int,
        default=None,
        metavar="N",
        help="sweep capacity again against a server with --encode-threads N, and report the ratio",
    )
    args = ap.parse_args()
    use_host_addresses(["127.0.0.1"])
    tmp = Path(tempfile.mkdtemp(prefix="yoriai-voice-bench-"))
    db = await make_demo_db(tmp / "bench.db")
    store = await Store.open(db)
    digest = hash_password(DEMO_PASSWORD)
    await store.add_people(
        (Person(id=f"bench{i}", display_name=f"Bench {i}"), digest) for i in range(200)
    )
    await store.close()
    # The extra room, and focus unlocked, so ten open rooms take k people each.
    store = await Store.open(db)
    from rooms.room import Room

    await store.save_room(Room(id="room-extra", name="Extra", capacity=50))
    for room in await store.rooms():
        if room.id in ("lobby", "focus") or room.id.startswith("room-"):
            await store.save_room(Room(id=room.id, name=room.name, capacity=50))
    await store.close()
    proc = start_server(db, args.encode_threads)
    await asyncio.to_thread(proc.start)
    base_steps: list[dict[str, float]] = []
    base_best: dict[str, float] | None = None
    try:
        direct = [] if args.no_latency else await direct_latency(args.clicks)
        server = [] if args.no_latency else await server_latency(proc.url, args.clicks)
        n_direct = len(direct)
        print(
            f"direct p50 {pct(direct, 50):.1f} ms p95 {pct(direct, 95):.1f} ms ({n_direct} clicks)"
        )
        n_server = len(server)
        print(
            f"server p50 {pct(server, 50):.1f} ms p95 {pct(server, 95):.1f} ms ({n_server} clicks)"
        )
        steps, best = await sweep(proc, args)
        if args.baseline_threads is not None:
            proc.stop()
            proc = start_server(db, args.baseline_threads)
            await asyncio.to_thread(proc.start)
            print(f"baseline: --encode-threads {args.baseline_threads}", flush=True)
            base_steps, base_best = await sweep(proc, args)
    finally:
        proc.stop()
    result = {
        "server_p50_ms": round(pct(server, 50), 1),
        "server_p95_ms": round(pct(server, 95), 1),
        "direct_p50_ms": round(pct(direct, 50), 1),
        "direct_p95_ms": round(pct(direct, 95), 1),
        "added_p95_ms": round(pct(server, 95) - pct(direct, 95), 1),
        "latency_ratio_p95": round(pct(server, 95) / pct(direct, 95), 2),
        "max_participants": best["participants"] if best else 0,
        "cpu_per_participant_pct": round(best["server_cpu_pct"] / best["participants"], 2)
        if best
        else None,
        "clients": f"{args.cheap} cheap client processes" if args.cheap else "full, in-process",
        "encode_threads": args.encode_threads,
        "steps": steps,
        "baseline_encode_threads": args.baseline_threads,
        "baseline_max_participants": base_best["participants"] if base_best else 0,
        "capacity_ratio": round(best["participants"] / base_best["participants"], 2)
        if best and base_best
        else None,
        "baseline_steps": base_steps,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
