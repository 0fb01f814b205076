"""Live-caption figures: engine cost inside the pipeline, and caption latency.

1. Real-time factor (processing time / audio time) of each engine in the captioning
   pipeline (48 kHz microphone frames -> Captioner worker thread -> resampling ->
   recognizer -> caption.send -> a real server on 127.0.0.1 -> the listener's session),
   against the same engine called directly on the same clip (16 kHz in 0.1 s pieces,
   no server), in the same run. Both are fed as fast as they go; each is run
   `--repeat` times and the best run counts, so a busy machine does not decide the
   ratio. Whisper's partials are off for this comparison: how often they are decoded
   depends on how the audio arrives, which would make the two runs do different work.
   overhead_ratio = pipeline RTF / direct RTF (the worst engine's is reported).
2. Latency with speech fed in real time (20 ms frames on a 20 ms clock): from the end
   of each utterance at the speaker to its final caption at the listener, and from
   the start of speech to the first partial at the listener.

    python bench/captions.py [--repeat 3] [--utterances 10]

Prints figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accessibility.audio import WEBRTC_FRAME_SAMPLES, WEBRTC_RATE, Pcm, resample, silence
from accessibility.stt.recognizer import SpeechRecognizer
from accessibility.stt.vosk_engine import VoskEngine
from accessibility.stt.whisper_engine import WhisperEngine, WhisperSettings
from accessibility.tts.espeak import EspeakEngine
from client.captioner import Captioner
from client.session import Session
from rooms.protocol import Caption, ServerMessage
from server.app import YoriaiServer
from server.cli import create_demo
from server.config import ServerConfig
from server.demo import DEMO_PASSWORD
from server.storage import Store

KOREAN = [
    "안녕하세요",
    "감사합니다",
    "회의",
    "시작",
    "사과",
    "사랑",
    "컴퓨터",
    "음악",
    "오늘",
    "학교",
]
# Two words an utterance, so there is something to show before the final.
KOREAN_PHRASES = [
    "안녕하세요 감사합니다",
    "회의 시작",
    "오늘 음악",
    "사랑 사과",
    "컴퓨터 학교",
]
ENGLISH = [
    "Please send me the report before lunch.",
    "The meeting starts in the small room after the break.",
    "Thank you for joining the weekly team meeting.",
    "We need to finish the budget plan by Friday.",
]


@dataclass
class Engine:
    name: str
    language: str
    phrases: list[str]
    open: Callable[[int, bool], SpeechRecognizer]  # (sample rate, partials?)


def engines() -> list[Engine]:
    vosk = VoskEngine()
    whisper = {
        p: WhisperEngine(settings=WhisperSettings(partial_every_s=1.0 if p else 0.0))
        for p in (False, True)
    }
    return [
        Engine(
            "vosk",
            "ko",
            KOREAN_PHRASES,
            lambda rate, _p: vosk.open(language="ko", sample_rate=rate, grammar=KOREAN),
        ),
        Engine(
            "faster-whisper",
            "en",
            ENGLISH,
            lambda rate, p: whisper[p].open(language="en", sample_rate=rate),
        ),
    ]


def speech(text: str, language: str) -> Pcm:
    s = EspeakEngine().synthesize(text, language)
    return resample(s.pcm, s.rate, WEBRTC_RATE)


@dataclass
class Clip:
    pcm: Pcm  # 48 kHz
    spans: list[tuple[int, int]] = field(default_factory=list)  # speech sample ranges

    @property
    def seconds(self) -> float:
        return len(self.pcm) / WEBRTC_RATE


def make_clip(engine: Engine, count: int) -> Clip:
    parts: list[Pcm] = [silence(0.3, WEBRTC_RATE)]
    spans = []
    pos = len(parts[0])
    for i in range(count):
        s = speech(engine.phrases[i % len(engine.phrases)], engine.language)
        spans.append((pos, pos + len(s)))
        gap = silence(1.2, WEBRTC_RATE)
        parts += [s, gap]
        pos += len(s) + len(gap)
    return Clip(np.concatenate(parts), spans)


def frames(pcm: Pcm) -> list[Pcm]:
    return [pcm[i : i + WEBRTC_FRAME_SAMPLES] for i in range(0, len(pcm), WEBRTC_FRAME_SAMPLES)]


def direct_run(engine: Engine, clip: Clip) -> tuple[float, int]:
    """The engine alone: 16 kHz audio straight into the recognizer, 0.1 s at a time."""
    recognizer = engine.open(16_000, False)
    pcm16 = resample(clip.pcm, WEBRTC_RATE, 16_000)
    finals = 0
    start = time.perf_counter()
    for i in range(0, len(pcm16), 1600):
        finals += sum(r.final for r in recognizer.feed(pcm16[i : i + 1600]))
    finals += sum(r.final for r in recognizer.flush())
    return time.perf_counter() - start, finals


class Room:
    """A real server on 127.0.0.1 with a speaker (aiko) and a listener (yui) in room-1."""

    def __init__(self, server: YoriaiServer, speaker: Session, listener: Session) -> None:
        self.server = server
        self.speaker = speaker
        self.listener = listener
        self.events: list[tuple[float, Caption]] = []
        listener.add_listener(self._heard)

    def _heard(self, message: ServerMessage) -> None:
        if isinstance(message, Caption):
            self.events.append((time.perf_counter(), message))

    @classmethod
    async def open(cls, tmp: Path) -> Room:
        db = tmp / "bench.db"
        store = await Store.open(db)
        await create_demo(store)
        await store.close()
        server = await YoriaiServer.open(ServerConfig(host="127.0.0.1", port=0, db_path=db))
        _host, port = await server.start()
        url = f"ws://127.0.0.1:{port}"
        speaker = Session(url, username="aiko", password=DEMO_PASSWORD)
        listener = Session(url, username="yui", password=DEMO_PASSWORD)
        await speaker.connect()
        await listener.connect()
        await speaker.join("room-1")
        await listener.join("room-1")
        await listener.set_room_captions("room-1", True)
        await speaker.wait_until(lambda: speaker.state.rooms["room-1"].captions.live)
        return cls(server, speaker, listener)

    async def close(self) -> None:
        await self.speaker.close()
        await self.listener.close()
        await self.server.close()

    def finals(self) -> list[tuple[float, Caption]]:
        return [(t, c) for t, c in self.events if c.final and c.text]


async def pipeline_run(room: Room, engine: Engine, clip: Clip, expected: int) -> float:
    """Through the Captioner and the server, until the listener has every final."""
    room.events.clear()
    captioner = Captioner(room.speaker, lambda: engine.open(WEBRTC_RATE, False))
    assert await captioner.start()  # the model is loaded (and cached) before timing
    start = time.perf_counter()
    for frame in frames(clip.pcm):
        captioner.feed(frame)
    await captioner.stop()  # flushes the recognizer and sends what is left
    await room.listener.wait_until(lambda: len(room.finals()) >= expected, within=300)
    return room.finals()[-1][0] - start


async def latency_run(room: Room, engine: Engine, clip: Clip) -> dict[str, list[float]]:
    """Speech fed on a real-time clock; when did the listener see each caption?"""
    room.events.clear()
    captioner = Captioner(room.speaker, lambda: engine.open(WEBRTC_RATE, True))
    assert await captioner.start()
    fs = frames(clip.pcm)
    t0 = time.perf_counter()
    fed_at: list[float] = []
    for i, frame in enumerate(fs):
        delay = t0 + i * 0.02 - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        captioner.feed(frame)
        fed_at.append(time.perf_counter())
    await captioner.stop()
    await room.listener.wait_until(lambda: len(room.finals()) >= len(clip.spans), within=60)

    def when(sample: int) -> float:  # wall time the frame holding this sample was fed
        return fed_at[min(sample // WEBRTC_FRAME_SAMPLES, len(fed_at) - 1)]

    by_utt: dict[str, list[tuple[float, Caption]]] = {}
    for t, c in room.events:
        by_utt.setdefault(c.utterance, []).append((t, c))
    order = sorted(by_utt, key=lambda u: int(u.rsplit("-", 1)[1]))
    finals, partials = [], []
    for span, utt in zip(
        clip.spans,
        [u for u in order if any(c.final and c.text for _, c in by_utt[u])],
        strict=False,
    ):
        events = by_utt[utt]
        final_t = next(t for t, c in events if c.final)
        finals.append(final_t - when(span[1] - 1))
        first_partial = next((t for t, c in events if not c.final), None)
        if first_partial is not None:
            partials.append(first_partial - when(span[0]))
    return {"final": finals, "first_partial": partials}


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3) if values else float("nan")


async def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--utterances", type=int, default=10)
    args = ap.parse_args()
    result: dict[str, object] = {}
    per_engine: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        room = await Room.open(Path(tmp))
        try:
            for engine in engines():
                count = args.utterances if engine.name == "vosk" else min(args.utterances, 4)
                clip = make_clip(engine, count)
                engine.open(16_000, False).close()  # load the model outside the timings
                direct, pipe = [], []
                expected = 0
                for _ in range(args.repeat):
                    seconds, expected = direct_run(engine, clip)
                    direct.append(seconds)
                    pipe.append(await pipeline_run(room, engine, clip, expected))
                rtf_direct = min(direct) / clip.seconds
                rtf_pipe = min(pipe) / clip.seconds
                lat = await latency_run(room, engine, clip)
                per_engine[engine.name] = {
                    "clip_s": round(clip.seconds, 2),
                    "finals": expected,
                    "rtf_direct": round(rtf_direct, 4),
                    "rtf_pipeline": round(rtf_pipe, 4),
                    "overhead_ratio": round(rtf_pipe / rtf_direct, 3),
                    "first_partial_p50_s": pct(lat["first_partial"], 50),
                    "final_p50_s": pct(lat["final"], 50),
                    "final_p95_s": pct(lat["final"], 95),
                    "latency_samples": len(lat["final"]),
                }
                f = per_engine[engine.name]
                print(
                    f"{engine.name:15s} clip {f['clip_s']:6.1f} s  RTF direct {f['rtf_direct']:.3f}"
                    f"  pipeline {f['rtf_pipeline']:.3f}  overhead x{f['overhead_ratio']:.3f}"
                    f"  | first partial p50 {f['first_partial_p50_s']} s"
                    f"  final p50 {f['final_p50_s']} s  p95 {f['final_p95_s']} s"
                    f"  (n={f['latency_samples']})",
                    flush=True,
                )
        finally:
            await room.close()
    vosk = per_engine["vosk"]
    result = {
        "overhead_ratio": max(e["overhead_ratio"] for e in per_engine.values()),
        "first_partial_p50_s": vosk["first_partial_p50_s"],
        "final_p50_s": vosk["final_p50_s"],
        "final_p95_s": vosk["final_p95_s"],
        "engines": per_engine,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
