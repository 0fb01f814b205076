"""faster-whisper (CTranslate2 Whisper), where installed (`pip install yoriai[whisper]`).

Whisper decodes a whole window at a time, so it is made to stream by cutting the
audio into utterances by voice activity (`EnergyVad`): each finished utterance is
decoded once for its final caption, and while someone talks, the utterance so far is
decoded every `partial_every_s` for a partial. faster-whisper's own Silero VAD
(`vad_filter`) can also trim silence inside each utterance; it is off by default
because the energy cut already leaves little to trim.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accessibility.audio import Pcm, to_float
from accessibility.languages import whisper_code
from accessibility.registry import EngineUnavailable
from accessibility.stt.models import MULTILINGUAL, WHISPER, ModelError, ModelStore
from accessibility.stt.recognizer import Recognition, SpeechRecognizer
from accessibility.stt.vad import EnergyVad, Segment, VadSettings

_models: dict[tuple[Path, str, int], Any] = {}
_models_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class WhisperSettings:
    compute_type: str = "int8"
    cpu_threads: int = max(1, min(4, os.cpu_count() or 1))
    beam_size: int = 1  # greedy: several times faster on a CPU, little worse on clear speech
    partial_every_s: float = 1.0  # 0 turns partials off
    vad_filter: bool = False
    vad: VadSettings = field(default_factory=VadSettings)


def _faster_whisper() -> Any:
    try:
        import faster_whisper
    except ImportError as exc:
        raise EngineUnavailable(
            "not_installed",
            "faster-whisper is not installed; install Yoriai with the 'whisper' extra "
            "(pip install 'yoriai[whisper]')",
        ) from exc
    return faster_whisper


def load_model(path: Path, settings: WhisperSettings) -> Any:
    key = (path.resolve(), settings.compute_type, settings.cpu_threads)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            fw = _faster_whisper()
            try:
                model = fw.WhisperModel(
                    str(key[0]),
                    device="cpu",
                    compute_type=settings.compute_type,
                    cpu_threads=settings.cpu_threads,
                    local_files_only=True,  # never reach for a model hub
                )
            except Exception as exc:
                raise ModelError(
                    "model_corrupt",
                    f"the faster-whisper model at {path} could not be loaded; it is damaged "
                    f"or incomplete ({exc}). Reinstall it with `yoriai-models install`.",
                ) from exc
            _models[key] = model
        return model


class WhisperEngine:
    name = WHISPER

    def __init__(
        self, store: ModelStore | None = None, settings: WhisperSettings | None = None
    ) -> None:
        self.store = store or ModelStore()
        self.settings = settings or WhisperSettings()

    def open(
        self,
        *,
        language: str,
        sample_rate: int,
        grammar: Sequence[str] | None = None,
        model: Path | None = None,
    ) -> WhisperRecognizer:
        # Whisper has no grammar; it is accepted and ignored so callers need not care.
        if model is None:
            info = self.store.find(WHISPER, language)
            model = info.path
            if info.language != MULTILINGUAL:
                language = info.language
        return WhisperRecognizer(
            load_model(model, self.settings),
            language=language,
            sample_rate=sample_rate,
            settings=self.settings,
        )


class WhisperRecognizer(SpeechRecognizer):
    def __init__(
        self, model: Any, *, language: str, sample_rate: int, settings: WhisperSettings
    ) -> None:
        super().__init__(language=language, sample_rate=sample_rate)
        self._model = model
        self.settings = settings
        self._vad = EnergyVad(self.engine_rate, settings.vad)
        self._last_partial_at = 0.0  # length of the utterance when last decoded
        self._partial = ""

    def transcribe(self, audio: Pcm, *, beam_size: int | None = None) -> str:
        """Decode one stretch of audio (also what the benchmark calls directly)."""
        segments, _info = self._model.transcribe(
            to_float(audio),
            language=whisper_code(self.language),
            beam_size=beam_size or self.settings.beam_size,
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=self.settings.vad_filter,
        )
        return " ".join(s.text.strip() for s in segments).strip()

    def _accept(self, pcm: Pcm) -> list[Recognition]:
        out = [self._final(seg) for seg in self._vad.feed(pcm)]
        results = [r for r in out if r is not None]
        if results:
            return results
        partial = self._maybe_partial()
        return [partial] if partial is not None else []

    def _finish(self) -> list[Recognition]:
        seg = self._vad.flush()
        final = self._final(seg) if seg is not None else None
        return [final] if final is not None else []

    def _maybe_partial(self) -> Recognition | None:
        every = self.settings.partial_every_s
        current = self._vad.current()
        if every <= 0 or current is None:
            return None
        length = len(current.audio) / self.engine_rate
        if length - self._last_partial_at < every:
            return None
        self._last_partial_at = length
        text = self.transcribe(current.audio, beam_size=1)
        if not text or text == self._partial:
            return None
        self._partial = text
        return self._result(text, False, current.start, current.end)

    def _final(self, seg: Segment) -> Recognition | None:
        had_partial = bool(self._partial)
        self._partial = ""
        self._last_partial_at = 0.0
        text = self.transcribe(seg.audio)
        if not text and not had_partial:
            return None
        return self._result(text, True, seg.start, seg.end)
