"""pyttsx3: the system's own voices (SAPI5 on Windows, NSSpeechSynthesizer on macOS,
libespeak-ng on Linux), for machines without the espeak-ng program.

pyttsx3 keeps one engine per process with its own event loop, which is not safe to
drive from two threads; every call here goes through one lock, and audio comes back
through a temporary WAV file because that is the only output pyttsx3 offers.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import threading
from pathlib import Path
from typing import Any

from accessibility.audio import AudioFormatError, read_wav
from accessibility.languages import display_name, same_language
from accessibility.registry import EngineUnavailable
from accessibility.tts.synthesizer import Speech, clean_text

_lock = threading.Lock()


def _languages(voice: Any) -> list[str]:
    out = []
    for lang in getattr(voice, "languages", None) or []:
        if isinstance(lang, bytes):
            lang = lang.decode("ascii", "ignore").lstrip("\x05")
        out.append(str(lang))
    return out


class Pyttsx3Engine:
    name = "pyttsx3"

    def __init__(self) -> None:
        try:
            import pyttsx3
        except ImportError as exc:
            raise EngineUnavailable(
                "not_installed", "pyttsx3 is not installed (pip install 'yoriai[pyttsx3]')"
            ) from exc
        with _lock:
            try:
                self._engine = pyttsx3.init()
            except Exception as exc:  # no driver, no libespeak-ng, no SAPI
                raise EngineUnavailable("not_installed", f"pyttsx3 cannot start: {exc}") from exc

    def _voice_id(self, language: str) -> str:
        for voice in self._engine.getProperty("voices"):
            if any(same_language(lang, language) for lang in _languages(voice)):
                return str(voice.id)
        raise EngineUnavailable(
            "no_voice", f"no system voice for {display_name(language)} ({language})"
        )

    def has_voice(self, language: str) -> bool:
        with _lock:
            try:
                self._voice_id(language)
            except EngineUnavailable:
                return False
        return True

    def synthesize(self, text: str, language: str, *, voice: str | None = None) -> Speech:
        spoken = clean_text(text)
        with _lock, tempfile.TemporaryDirectory(prefix="yoriai-tts-") as tmp:
            out = Path(tmp) / "speech.wav"
            self._engine.setProperty("voice", voice or self._voice_id(language))
            # pyttsx3 prints a line for each saved file; keep it off the console.
            with contextlib.redirect_stdout(io.StringIO()):
                self._engine.save_to_file(spoken, str(out))
                self._engine.runAndWait()
            try:
                pcm, rate = read_wav(out.read_bytes())
            except (OSError, AudioFormatError) as exc:
                raise EngineUnavailable("tts_failed", f"pyttsx3 wrote no audio: {exc}") from exc
        return Speech(pcm=pcm, rate=rate, text=spoken, language=language)
