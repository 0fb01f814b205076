"""espeak-ng, run as a program that writes WAV to its standard output.

Why the program and not pyttsx3 driving libespeak-ng: each utterance is its own short
process, so synthesis is safe from any thread and several can run at once, a stuck
one can be killed, a crash cannot take the client down, and nothing touches temporary
files. pyttsx3's espeak driver runs one in-process engine with its own event loop
that is known to hang on a second `runAndWait` and to return before the file is
written; it stays available as the `pyttsx3` engine for Windows and macOS, where it
drives the system voices (SAPI5, NSSpeechSynthesizer) instead.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from typing import Final

from accessibility.audio import AudioFormatError, read_wav
from accessibility.languages import display_name, primary
from accessibility.registry import EngineUnavailable
from accessibility.tts.synthesizer import Speech, clean_text

# espeak-ng voice for each of the office's languages. Filipino has none in espeak-ng.
VOICES: Final[dict[str, str]] = {
    "ja": "ja",
    "en": "en-us",
    "zh": "cmn",
    "ko": "ko",
    "id": "id",
    "th": "th",
    "vi": "vi",
    "my": "my",
    "es": "es",
    "fr": "fr-fr",
    "pt": "pt-br",
}
_TIMEOUT_S: Final = 30.0


@functools.cache
def _installed_voices(binary: str) -> frozenset[str]:
    out = subprocess.run(  # noqa: S603 (our own binary, fixed arguments)
        [binary, "--voices"], capture_output=True, check=True, timeout=_TIMEOUT_S
    ).stdout.decode("utf-8", "replace")
    names = set()
    for line in out.splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 4:
            names.add(cols[1].lower())  # the language column, e.g. "en-us"
    return frozenset(names)


class EspeakEngine:
    name = "espeak-ng"

    def __init__(self, binary: str | None = None, words_per_minute: int = 165) -> None:
        self.binary = binary or shutil.which("espeak-ng") or shutil.which("espeak")
        self.words_per_minute = words_per_minute

    def _require(self) -> str:
        if self.binary is None:
            raise EngineUnavailable(
                "not_installed",
                "espeak-ng is not installed; install it (Debian/Ubuntu: apt install espeak-ng)",
            )
        return self.binary

    def voice_for(self, language: str) -> str:
        binary = self._require()
        voice = VOICES.get(primary(language))
        if voice is None or voice not in _installed_voices(binary):
            raise EngineUnavailable(
                "no_voice", f"espeak-ng has no voice for {display_name(language)} ({language})"
            )
        return voice

    def has_voice(self, language: str) -> bool:
        try:
            self.voice_for(language)
        except EngineUnavailable:
            return False
        return True

    def synthesize(self, text: str, language: str, *, voice: str | None = None) -> Speech:
        binary = self._require()
        chosen = voice or self.voice_for(language)
        spoken = clean_text(text)
        if not spoken:
            raise ValueError("there is no text to speak")
        # Text goes through stdin, never argv, so nothing in it reads as an option.
        try:
            proc = subprocess.run(  # noqa: S603 (the text goes through stdin)
                [binary, "-v", chosen, "-s", str(self.words_per_minute), "-b", "1", "--stdout"],
                input=spoken.encode("utf-8"),
                capture_output=True,
                timeout=_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise EngineUnavailable(
                "tts_failed", "espeak-ng took too long and was stopped"
            ) from None
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip()
            raise EngineUnavailable("tts_failed", f"espeak-ng failed: {message}")
        try:
            pcm, rate = read_wav(proc.stdout)
        except AudioFormatError as exc:
            raise EngineUnavailable(
                "tts_failed", f"espeak-ng wrote no usable audio: {exc}"
            ) from exc
        return Speech(pcm=pcm, rate=rate, text=spoken, language=language)
