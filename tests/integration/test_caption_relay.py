"""Captions end to end over a real server: A's client recognises A's speech (synthesised
speech fed to A's Captioner as the microphone), B's client shows it, and a transcript
has it with speaker and time. Also: policies, limits, and captions that cannot start."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from accessibility.audio import silence
from accessibility.captions import ChangeKind
from accessibility.stt.models import ModelStore
from accessibility.stt.vosk_engine import VoskEngine
from accessibility.tts import SpeechSource
from accessibility.tts.espeak import EspeakEngine
from client.captioner import Captioner, CaptionerStatus
from client.captions import RoomCaptions, TranscriptNotAllowed
from client.session import Session, SessionError
from client.speech import TypeToSpeak, phrasebook_path
from rooms.captions import CaptionPolicy
from rooms.protocol import Caption, ChatMessage
from server.cli import main as cli_main

from .speech import korean_recognizer, mic_frames, utterance
from .support import Office

AIKO = "佐藤 愛子 (Aiko Sato)"


async def room_with_captions(office: Office) -> tuple[Session, Session]:
    a = await office.session("aiko")
    b = await office.session("yui")
    await a.join("room-1")
    await b.join("room-1")
    await b.set_room_captions("room-1", True)
    await a.wait_until(lambda: a.state.rooms["room-1"].captions.live)
    return a, b


async def set_policy(
    office: Office, room_id: str, policy: CaptionPolicy, *watchers: Session
) -> None:
    """The admin runs `yoriai-server room captions`; the server picks the change up."""
    argv = ["--db", str(office.server.config.db_path), "room", "captions", room_id]
    argv += ["--saving", "on" if policy.saving else "off", "--keep-seconds", str(policy.keep_s)]
    assert await asyncio.to_thread(cli_main, argv) == 0
    for s in watchers:
        await s.wait_until(
            lambda s=s: (
                s.state.rooms[room_id].captions.saving == policy.saving
                and s.state.rooms[room_id].captions.keep_s == policy.keep_s
            )
        )


async def speak_into(captioner: Captioner, *words: str) -> None:
    for word in words:
        for frame in mic_frames(utterance(word, "ko")):
            captioner.feed(frame)
    await captioner.drain()


async def test_a_speakers_captions_reach_the_room_and_the_transcript(
    office: Office, tmp_path: Path
) -> None:
    a, b = await room_with_captions(office)
    await set_policy(office, "room-1", CaptionPolicy(saving=True, keep_s=3600), a, b)
    pane = RoomCaptions(b)
    announced: list[str] = []
    pane.on_announce(announced.append)
    changes: list[ChangeKind] = []
    pane.on_change(lambda c: changes.append(c.kind))

    captioner = Captioner(a, korean_recognizer)
    assert await captioner.start()
    before = dt.datetime.now().timestamp()
    await speak_into(captioner, "안녕하세요", "감사합니다", "회의")
    await captioner.stop()
    await b.wait_until(lambda: len(pane.board.finals()) >= 3)

    finals = pane.board.finals()
    assert [c.text for c in finals] == ["안녕하세요", "감사합니다", "회의"]
    assert all(c.speaker_id == "aiko" and c.language == "ko" for c in finals)
    # Fed faster than real time, so times follow the audio clock from the first frame.
    audio_s = sum(len(utterance(w, "ko")) for w in ("안녕하세요", "감사합니다", "회의")) / 48_000
    assert all(before - 1 <= c.start < c.end <= before + audio_s + 1 for c in finals)
    assert [c.start for c in finals] == sorted(c.start for c in finals)
    assert announced == [f"{AIKO}: {t}" for t in ("안녕하세요", "감사합니다", "회의")]
    assert changes.count(ChangeKind.FINAL) == 3

    txt, vtt = pane.save_transcript(tmp_path, basename="minutes")
    text = txt.read_text("utf-8")
    first = dt.datetime.fromtimestamp(finals[0].start).strftime("%H:%M:%S")
    assert f"[{first}] {AIKO}: 안녕하세요" in text
    assert "会議室 1 Room 1" in text.splitlines()[0]
    webvtt = vtt.read_text("utf-8")
    assert webvtt.startswith("WEBVTT\n\n00:00:00.000 --> ")
    assert f"<v {AIKO}>감사합니다" in webvtt

    # The room keeps captions, so the server has the finals (and only those)...
    kept = await b.caption_history("room-1")
    assert [(line.speaker_id, line.text) for line in kept] == [
        ("aiko", "안녕하세요"),
        ("aiko", "감사합니다"),
        ("aiko", "회의"),
    ]
    # ... and a newcomer can load them.
    late = await office.session("haruto")
    await late.join("room-1")
    late_pane = RoomCaptions(late)
    assert await late_pane.load_history() == 3
    assert [c.text for c in late_pane.board.finals()][-1] == "회의"


async def test_live_speech_shows_partials_at_the_listener_before_the_final(
    office: Office,
) -> None:
    a, b = await room_with_captions(office)
    pane = RoomCaptions(b)
    seen: list[tuple[ChangeKind, str]] = []
    pane.on_change(lambda c: seen.append((c.kind, c.caption.text)))
    captioner = Captioner(a, korean_recognizer)
    assert await captioner.start()
    for frame in mic_frames(utterance("안녕하세요 감사합니다", "ko", after=1.0)):
        captioner.feed(frame)
        await asyncio.sleep(0.02)  # a microphone delivers in real time
    await captioner.stop()
    await b.wait_until(lambda: any(kind is ChangeKind.FINAL for kind, _ in seen))
    kinds = [kind for kind, _ in seen]
    assert kinds[0] is ChangeKind.PARTIAL and kinds[-1] is ChangeKind.FINAL
    assert "안녕하세요" in seen[-1][1]


async def test_the_server_keeps_nothing_unless_the_room_allows_and_purges_after(
    start_office: object, tmp_path: Path
) -> None:
    office: Office = await start_office(caption_purge_s=0.1)  # type: ignore[operator]
    a, b = await room_with_captions(office)
    send = {"final": True, "language": "ja", "start": 0.0, "end": 0.0}
    await a.send_caption(utterance="u1", text="おはようございます", **send)  # type: ignore[arg-type]
    await set_policy(office, "room-1", CaptionPolicy(saving=True), a, b)
    assert await b.caption_history("room-1") == []  # relayed, never kept
    await set_policy(office, "room-1", CaptionPolicy(saving=True, keep_s=2), a, b)
    await a.send_caption(utterance="u2", text="こんにちは", **send)  # type: ignore[arg-type]
    assert [line.text for line in await b.caption_history("room-1")] == ["こんにちは"]
    await asyncio.sleep(2.5)  # past the retention period: the purge took it
    assert await b.caption_history("room-1") == []
    rows = await office.server.store.caption_lines("room-1")
    assert rows == []


async def test_transcripts_and_history_are_refused_where_the_room_does_not_allow(
    office: Office, tmp_path: Path
) -> None:
    _a, b = await room_with_captions(office)
    pane = RoomCaptions(b)
    out = tmp_path / "minutes"
    with pytest.raises(TranscriptNotAllowed):
        pane.save_transcript(out)
    with pytest.raises(SessionError) as info:
        await b.caption_history("room-1")
    assert info.value.code == "forbidden"
    assert not out.exists()


async def test_captions_only_reach_the_speakers_room_and_obey_limits(office: Office) -> None:
    a, b = await room_with_captions(office)
    c = await office.session("haruto")
    await c.join("room-2")
    got: dict[str, list[Caption]] = {"b": [], "c": []}
    b.add_listener(lambda m: got["b"].append(m) if isinstance(m, Caption) else None)
    c.add_listener(lambda m: got["c"].append(m) if isinstance(m, Caption) else None)
    base = {"language": "en", "start": 0.0, "end": 0.0}
    await a.send_caption(utterance="x", final=False, text="hello", **base)  # type: ignore[arg-type]
    await b.wait_until(lambda: bool(got["b"]))
    assert got["b"][0].speaker_id == "aiko" and got["c"] == []
    with pytest.raises(SessionError) as info:
        await a.send_caption(utterance="y", final=True, text="x" * 1001, **base)  # type: ignore[arg-type]
    assert info.value.code == "invalid"
    with pytest.raises(SessionError) as info:
        await c.send_caption(utterance="z", final=True, text="hi", **base)  # type: ignore[arg-type]
    assert info.value.code == "captions_off"
    # A flood of captions is cut off; the connection and the room carry on.
    codes = []
    for i in range(40):
        try:
            await a.send_caption(utterance=f"f{i}", final=False, text="spam", **base)  # type: ignore[arg-type]
        except SessionError as exc:
            codes.append(exc.code)
    assert "rate_limited" in codes
    await a.chat("still here")
    await b.wait_until(lambda: True)
    assert await a.ping() > 0


async def test_a_missing_model_leaves_the_room_working_without_captions(office: Office) -> None:
    a, b = await room_with_captions(office)
    statuses: list[tuple[CaptionerStatus, str]] = []
    engine = VoskEngine(ModelStore([], packages=False))
    captioner = Captioner(a, lambda: engine.open(language="ja", sample_rate=48_000))
    captioner.add_status_listener(lambda s, m: statuses.append((s, m)))
    assert not await captioner.start()
    assert captioner.status is CaptionerStatus.UNAVAILABLE
    assert "yoriai-models install" in captioner.message
    captioner.feed(next(mic_frames(utterance("회의", "ko"))))  # ignored, not an error
    chats: list[str] = []
    b.add_listener(lambda m: chats.append(m.text) if isinstance(m, ChatMessage) else None)
    await a.chat("captions are off for me, typing instead")
    await b.wait_until(lambda: bool(chats))
    assert statuses[-1][0] is CaptionerStatus.UNAVAILABLE


async def test_when_the_microphone_goes_the_last_words_are_sent_and_captions_stop(
    office: Office,
) -> None:
    a, b = await room_with_captions(office)
    pane = RoomCaptions(b)
    captioner = Captioner(a, korean_recognizer)
    assert await captioner.start()
    # Speech cut off mid-stream: no trailing silence, then the device disappears.
    for frame in mic_frames(utterance("컴퓨터", "ko", after=0.05)):
        captioner.feed(frame)
    captioner.source_lost("the headset was unplugged")
    await captioner.stop()
    assert captioner.status is CaptionerStatus.UNAVAILABLE
    assert "headset was unplugged" in captioner.message
    await b.wait_until(lambda: [c.text for c in pane.board.finals()] == ["컴퓨터"])
    captioner.feed(next(mic_frames(utterance("회의", "ko"))))  # after: ignored
    assert await a.ping() > 0


async def test_typed_text_is_spoken_into_the_outgoing_audio_and_posted(
    office: Office, tmp_path: Path
) -> None:
    """A types; the speech lands on A's SpeechSource as 48 kHz frames (what the voice
    layer mixes into A's WebRTC track), B gets it as chat and caption, and the same
    frames, recognised as a listener's microphone would hear them, say what was typed."""
    a, b = await room_with_captions(office)
    chats: list[str] = []
    b.add_listener(lambda m: chats.append(m.text) if isinstance(m, ChatMessage) else None)
    pane = RoomCaptions(b)
    source = SpeechSource()
    book = phrasebook_path(a.url, "aiko", base=tmp_path)
    typed = TypeToSpeak(a, EspeakEngine(), source, language="ko", phrases_path=book)
    said = await typed.say("사랑")
    assert said.chat_posted and said.caption_posted
    await b.wait_until(lambda: chats == ["사랑"] and len(pane.board.finals()) == 1)
    assert pane.board.finals()[0].speaker_id == "aiko"
    assert typed.phrases.history == ["사랑"] and book.exists()
    assert typed.save_phrase("감사합니다")

    frames = list(source.drain())
    assert len(frames) == round(said.seconds_queued / 0.02)
    recognizer = korean_recognizer()
    heard = []
    for frame in frames + list(mic_frames(silence(1.0, 48_000))):
        heard += recognizer.feed(frame)
    heard += recognizer.flush()
    assert [r.text for r in heard if r.final] == ["사랑"]
