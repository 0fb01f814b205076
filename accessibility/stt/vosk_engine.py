"""Vosk (Kaldi) speech recognition: the default engine. Streams natively.

A loaded model is shared by every recognizer for it (loading the Korean model takes
seconds and hundreds of megabytes), and a model that fails to load is reported once
with a clear message instead of taking the client down.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from accessibility.audio import Pcm
from accessibility.registry import EngineUnavailable
from accessibility.stt.models import VOSK, ModelError, ModelStore
from accessibility.stt.recognizer import Recognition, SpeechRecognizer

# Vosk decodes in chunks this long (seconds): an endpoint is found to within a chunk.
_CHUNK_S = 0.1

_models: dict[Path, Any] = {}
_models_lock = threading.Lock()


def _vosk() -> Any:
    try:
        import vosk
    except ImportError as exc:  # pragma: no cover - vosk is a core dependency
        raise EngineUnavailable("not_installed", f"Vosk is not installed: {exc}") from exc
    vosk.SetLogLevel(-2)  # Kaldi logs and warnings go to stderr otherwise
    return vosk


def load_model(path: Path) -> Any:
    """The Vosk model at `path`, loaded once per process."""
    path = path.resolve()
    with _models_lock:
        model = _models.get(path)
        if model is None:
            vosk = _vosk()
            try:
                model = vosk.Model(str(path))
            except Exception as exc:
                raise ModelError(
                    "model_corrupt",
                    f"the Vosk model at {path} could not be loaded; it is damaged or "
                    "incomplete. Reinstall it with `yoriai-models install ARCHIVE --replace`.",
                ) from exc
            _models[path] = model
        return model


class VoskEngine:
    name = VOSK

    def __init__(self, store: ModelStore | None = None) -> None:
        self.store = store or ModelStore()

    def open(
        self,
        *,
        language: str,
        sample_rate: int,
        grammar: Sequence[str] | None = None,
        model: Path | None = None,
    ) -> VoskRecognizer:
        if model is None:
            info = self.store.find(VOSK, language)
            model, language = info.path, info.language
        return VoskRecognizer(
            load_model(model), language=language, sample_rate=sample_rate, grammar=grammar
        )


class VoskRecognizer(SpeechRecognizer):
    def __init__(
        self,
        model: Any,
        *,
        language: str,
        sample_rate: int,
        grammar: Sequence[str] | None = None,
    ) -> None:
        super().__init__(language=language, sample_rate=sample_rate)
        vosk = _vosk()
        if grammar is not None:
            phrases = json.dumps([*grammar, "[unk]"], ensure_ascii=False)
            self._rec = vosk.KaldiRecognizer(model, self.engine_rate, phrases)
        else:
            self._rec = vosk.KaldiRecognizer(model, self.engine_rate)
        self._rec.SetWords(True)
        # Partial word times would be nice, but with them on, grammar-limited models
        # return empty partials; a partial's times come from the audio clock instead.
        self._rec.SetPartialWords(False)
        self._partial = ""
        self._utt_start: float | None = None

    def _accept(self, pcm: Pcm) -> list[Recognition]:
        out: list[Recognition] = []
        step = int(self.engine_rate * _CHUNK_S)
        for i in range(0, len(pcm), step):
            chunk = pcm[i : i + step]
            at = self.audio_time + i / self.engine_rate
            if self._rec.AcceptWaveform(np.ascontiguousarray(chunk).tobytes()):
                final = self._final(
                    json.loads(self._rec.Result()), at + len(chunk) / self.engine_rate
                )
                if final is not None:
                    out.append(final)
            else:
                partial = self._partial_result(json.loads(self._rec.PartialResult()), at)
                if partial is not None:
                    out.append(partial)
        return out

    def _finish(self) -> list[Recognition]:
        final = self._final(json.loads(self._rec.FinalResult()), self.audio_time)
        return [final] if final is not None else []

    def _partial_result(self, data: dict[str, Any], at: float) -> Recognition | None:
        text = str(data.get("partial", "")).strip()
        if not text or text == self._partial:
            return None
        if self._utt_start is None:
            self._utt_start = at
        self._partial = text
        return self._result(text, False, self._utt_start, at + _CHUNK_S)

    def _final(self, data: dict[str, Any], at: float) -> Recognition | None:
        text = str(data.get("text", "")).strip()
        words = data.get("result") or []
        had_partial = bool(self._partial)
        start = self._utt_start
        self._partial = ""
        self._utt_start = None
        if not text and not had_partial:
            return None  # noise that never became words: no utterance to close
        if words:
            start, end = float(words[0]["start"]), float(words[-1]["end"])
        else:
            end = at
            start = at if start is None else start
        # An empty final tells listeners to drop the partial they were shown.
        return self._result(text, True, start, end)
