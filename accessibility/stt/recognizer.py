"""The streaming speech-to-text interface every engine implements.

Feed int16 mono PCM at the rate the recognizer was opened with, in pieces of any size;
get back `Recognition`s: partials (the best guess so far, replaced as more is heard)
and finals (an utterance is over). Times are seconds of audio since the stream began,
so a caller that knows when the first sample was captured can put them on a clock.

Recognizers are not thread-safe: one thread feeds one recognizer. They do their work
inside `feed`, so a caller that must not block runs them on a worker thread (the
client's `Captioner` does).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from accessibility.audio import Pcm, Resampler, as_pcm
from accessibility.registry import Registry


@dataclass(frozen=True, slots=True)
class Recognition:
    text: str
    final: bool
    start: float  # seconds of audio since the stream began
    end: float
    language: str
    utterance: int  # 0, 1, 2 ... within this stream; a final closes its utterance


class SpeechRecognizer(abc.ABC):
    """Resamples what it is fed to the engine's rate and keeps the audio clock."""

    #: the rate the engine itself wants
    engine_rate: int = 16_000

    def __init__(self, *, language: str, sample_rate: int) -> None:
        self.language = language
        self.sample_rate = sample_rate
        self._resampler = Resampler(sample_rate, self.engine_rate)
        self._engine_samples = 0  # fed to the engine so far
        self.utterance = 0
        self.closed = False

    @property
    def audio_time(self) -> float:
        """Seconds of audio the engine has been given."""
        return self._engine_samples / self.engine_rate

    def feed(self, pcm: Pcm) -> list[Recognition]:
        if self.closed:
            raise RuntimeError("this recognizer is closed")
        chunk = self._resampler.process(as_pcm(pcm))
        if len(chunk) == 0:
            return []
        results = self._accept(chunk)
        self._engine_samples += len(chunk)
        return results

    def flush(self) -> list[Recognition]:
        """The speaker stopped (or the stream ends): finalise what was heard."""
        if self.closed:
            return []
        tail = self._resampler.process(as_pcm([]), last=True)
        results = self._accept(tail) if len(tail) else []
        self._engine_samples += len(tail)
        self._resampler = Resampler(self.sample_rate, self.engine_rate)
        return results + self._finish()

    def close(self) -> None:
        self.closed = True

    def _result(self, text: str, final: bool, start: float, end: float) -> Recognition:
        r = Recognition(
            text=text,
            final=final,
            start=max(0.0, start),
            end=max(start, end),
            language=self.language,
            utterance=self.utterance,
        )
        if final:
            self.utterance += 1
        return r

    @abc.abstractmethod
    def _accept(self, pcm: Pcm) -> list[Recognition]:
        """Take engine-rate audio that starts at `self.audio_time`."""

    @abc.abstractmethod
    def _finish(self) -> list[Recognition]:
        """Finalise the utterance in progress, if any."""


class SpeechEngine(Protocol):
    name: str

    def open(
        self,
        *,
        language: str,
        sample_rate: int,
        grammar: Sequence[str] | None = None,
        model: Path | None = None,
    ) -> SpeechRecognizer:
        """A recognizer for `language`, fed at `sample_rate`.

        `grammar` limits recognition to these phrases, where the engine supports it.
        `model` picks a model directory; by default the installed model for the
        language is used. Raises EngineUnavailable (model_missing, model_corrupt, ...).
        """
        ...


engines: Registry[SpeechEngine] = Registry("yoriai.stt", "speech-to-text engine")
DEFAULT_ENGINE = "vosk"
