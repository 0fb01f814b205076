"""Speech to text: a streaming recognizer interface, engines, and their models."""

from accessibility.stt.models import ModelError, ModelInfo, ModelStore
from accessibility.stt.recognizer import (
    DEFAULT_ENGINE,
    Recognition,
    SpeechEngine,
    SpeechRecognizer,
    engines,
)

__all__ = [
    "DEFAULT_ENGINE",
    "ModelError",
    "ModelInfo",
    "ModelStore",
    "Recognition",
    "SpeechEngine",
    "SpeechRecognizer",
    "engines",
]
