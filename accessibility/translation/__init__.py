"""Translation hooks: the `Translator` protocol, engines found by entry point, and a
cached chain that always returns something to show (a translation, or the original
with a notice). See docs/translation.md."""

from accessibility.translation.base import (
    Declined,
    Failure,
    Notice,
    NoticeCode,
    Translation,
    TranslationError,
    Translator,
)
from accessibility.translation.cache import TranslationCache
from accessibility.translation.chain import Blocked, Stage, TranslationChain, build_chain
from accessibility.translation.policy import PolicyError, TranslationPolicy
from accessibility.translation.registry import (
    ENTRY_POINT_GROUP,
    RegistryError,
    TranslatorRegistry,
    default_registry,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Blocked",
    "Declined",
    "Failure",
    "Notice",
    "NoticeCode",
    "PolicyError",
    "RegistryError",
    "Stage",
    "Translation",
    "TranslationCache",
    "TranslationChain",
    "TranslationError",
    "TranslationPolicy",
    "Translator",
    "TranslatorRegistry",
    "build_chain",
    "default_registry",
]
