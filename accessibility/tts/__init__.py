"""Text to speech: synthesizers, and the source that feeds speech into outgoing audio."""

from accessibility.tts.source import SpeechSource
from accessibility.tts.synthesizer import (
    DEFAULT_SYNTHESIZER,
    MAX_SPEECH_TEXT,
    Speech,
    SpeechSynthesizer,
    synthesizers,
)

__all__ = [
    "DEFAULT_SYNTHESIZER",
    "MAX_SPEECH_TEXT",
    "Speech",
    "SpeechSource",
    "SpeechSynthesizer",
    "synthesizers",
]
