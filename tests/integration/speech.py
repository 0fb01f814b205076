"""Speech test material: espeak-ng says it, real models recognise it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import numpy as np

from accessibility.audio import WEBRTC_FRAME_SAMPLES, WEBRTC_RATE, Pcm, resample, silence
from accessibility.stt import engines
from accessibility.stt.models import ModelStore
from accessibility.stt.recognizer import Recognition, SpeechRecognizer
from accessibility.stt.whisper_engine import WhisperEngine, WhisperSettings
from accessibility.tts import synthesizers

# Korean words the small Korean model knows; recognised with a grammar of these words.
KOREAN_WORDS = [
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
ENGLISH_SENTENCES = [
    "Please send me the report before lunch.",
    "The meeting starts in the small room after the break.",
    "Thank you for joining the weekly team meeting.",
    "We need to finish the budget plan by Friday.",
]


@cache
def say(text: str, language: str) -> Pcm:
    """espeak-ng's speech at 48 kHz, as a microphone would deliver it."""
    speech = synthesizers.create("espeak-ng").synthesize(text, language)
    return resample(speech.pcm, speech.rate, WEBRTC_RATE)


def utterance(text: str, language: str, *, before: float = 0.3, after: float = 1.0) -> Pcm:
    return np.concatenate(
        [silence(before, WEBRTC_RATE), say(text, language), silence(after, WEBRTC_RATE)]
    )


def mic_frames(pcm: Pcm) -> Iterator[Pcm]:
    for i in range(0, len(pcm), WEBRTC_FRAME_SAMPLES):
        yield pcm[i : i + WEBRTC_FRAME_SAMPLES]


def recognise(recognizer: SpeechRecognizer, pcm: Pcm) -> list[Recognition]:
    out: list[Recognition] = []
    for frame in mic_frames(pcm):
        out += recognizer.feed(frame)
    return out + recognizer.flush()


def korean_recognizer(sample_rate: int = WEBRTC_RATE) -> SpeechRecognizer:
    return engines.create("vosk").open(language="ko", sample_rate=sample_rate, grammar=KOREAN_WORDS)


def whisper_recognizer(partials: bool = False) -> SpeechRecognizer:
    settings = WhisperSettings(partial_every_s=1.0 if partials else 0.0)
    return WhisperEngine(ModelStore(), settings).open(language="en", sample_rate=WEBRTC_RATE)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())
