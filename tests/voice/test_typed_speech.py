"""Type-to-speak over real WebRTC: A, whose microphone is muted, types Korean words; B
hears them in the room's mixed audio (a real recognizer, listening to what B's client
received, hears the word), B's client shows the caption, and the transcript has it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np

from accessibility.audio import WEBRTC_FRAME_SAMPLES
from accessibility.tts.espeak import EspeakEngine
from accessibility.tts.source import SpeechSource
from client.captions import RoomCaptions
from client.speech import TypeToSpeak
from rooms.captions import CaptionPolicy
from rooms.media.audio import Pcm, level_dbfs, to_int16
from tests.integration.speech import korean_recognizer
from tests.integration.support import Office
from tests.integration.test_caption_relay import AIKO, set_policy
from tests.voice.support import participant

WORD = "컴퓨터"


async def until(predicate: Callable[[], bool], within: float = 10.0) -> None:
    """Poll: received audio and the speech queue change on other threads, not as events."""
    async with asyncio.timeout(within):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_typed_words_are_heard_in_the_room_audio_and_captioned(
    office: Office, tmp_path: Path
) -> None:
    speech = SpeechSource()
    aiko = await participant(office, "aiko", "room-1", 440.0, speech=speech)
    aiko.voice.set_muted(True)  # mute silences her microphone, not what she types
    yui = await participant(office, "yui", "room-1", None)
    await yui.session.set_room_captions("room-1", True)
    await set_policy(
        office, "room-1", CaptionPolicy(saving=True, keep_s=3600), aiko.session, yui.session
    )
    pane = RoomCaptions(yui.session)
    received: list[Pcm] = []
    yui.voice.recorder.listeners.append(received.append)
    await until(lambda: len(received) > 50)  # audio flows
    before = list(received)
    received.clear()

    typed = TypeToSpeak(aiko.session, EspeakEngine(), speech, language="ko")
    said = await typed.say(WORD)
    assert said.caption_posted and said.seconds_queued > 0.3
    await until(lambda: not speech.speaking, within=10)
    # Then a second of what follows, so the recognizer hears the word end.
    count = len(received)
    await until(lambda: len(received) >= count + 50, within=5)

    # Muted, her 440 Hz "microphone" sent silence; typed speech made the room loud.
    assert max(level_dbfs(f) for f in before) < -50
    assert max(level_dbfs(f) for f in received) > -30
    pcm = to_int16(np.concatenate(received))
    recognizer = korean_recognizer()
    heard = []
    for i in range(0, len(pcm), WEBRTC_FRAME_SAMPLES):
        heard += recognizer.feed(pcm[i : i + WEBRTC_FRAME_SAMPLES])
    heard += recognizer.flush()
    assert WORD in [r.text for r in heard if r.final]

    # Yui's client shows the caption, with Aiko as speaker, and the transcript has it.
    await yui.session.wait_until(lambda: [c.text for c in pane.board.finals()] == [WORD])
    caption = pane.board.finals()[0]
    assert caption.speaker_id == "aiko"
    txt, _ = pane.save_transcript(tmp_path, basename="minutes")
    first = dt.datetime.fromtimestamp(caption.start).strftime("%H:%M:%S")
    assert f"[{first}] {AIKO}: {WORD}" in txt.read_text("utf-8")
