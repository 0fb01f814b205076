"""What the administrator decides: which engines may run, in which order, how long
each may take, and the office's default language.

On a closed network set `offline_only = true`: only engines that need no network
(the phrase book, Apertium) are built at all. The policy comes from the `[translation]`
table of the admin policy file (TOML); see docs/translation.md.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accessibility import languages

BUILT_IN_ORDER: tuple[str, ...] = ("phrasebook", "apertium", "libretranslate")


class PolicyError(ValueError):
    """The policy file says something Yoriai cannot follow."""


@dataclass(frozen=True, slots=True)
class TranslationPolicy:
    # The order engines are asked in. None: the built-ins, then any plug-in by name.
    engines: tuple[str, ...] | None = None
    # Engines that may run at all. None: every registered engine.
    allowed: frozenset[str] | None = None
    offline_only: bool = False
    default_language: str = "ja"
    timeout_s: float = 3.0
    # After an engine fails or times out it is skipped for this long, so a dead server
    # costs one timeout, not one per caption.
    retry_after_s: float = 15.0
    max_chars: int = 5000
    cache_entries: int = 4096
    cache_chars: int = 1_000_000
    # Per-engine settings ([translation.engine.NAME]); `timeout_s` there overrides ours.
    engine_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not languages.is_supported(self.default_language):
            raise PolicyError(
                f"default_language: {languages.UnknownLanguage(self.default_language)}"
            )
        object.__setattr__(self, "default_language", languages.normalize_tag(self.default_language))
        for name, value in (
            ("timeout_s", self.timeout_s),
            ("retry_after_s", self.retry_after_s),
        ):
            if value < 0:
                raise PolicyError(f"{name} must not be negative")
        if self.max_chars < 1:
            raise PolicyError("max_chars must be at least 1")

    def blocked_because(self, name: str, *, offline: bool) -> str | None:
        """Why the policy refuses an engine, or None when it may run."""
        if self.allowed is not None and name not in self.allowed:
            return f"{name} is not in the allowed engines"
        if self.offline_only and not offline:
            return f"{name} needs the network and this office is offline only"
        return None

    def order(self, registered: list[str]) -> list[str]:
        """The registered engines in the order to ask them."""
        if self.engines is not None:
            return [n for n in self.engines if n in registered]
        built_in = [n for n in BUILT_IN_ORDER if n in registered]
        return built_in + sorted(n for n in registered if n not in BUILT_IN_ORDER)

    def settings_for(self, name: str) -> Mapping[str, Any]:
        return self.engine_settings.get(name, {})

    def timeout_for(self, name: str) -> float:
        value = self.settings_for(name).get("timeout_s", self.timeout_s)
        if not isinstance(value, int | float) or value <= 0:
            raise PolicyError(f"translation.engine.{name}.timeout_s must be a positive number")
        return float(value)

    # ------------------------------------------------------------ reading

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> TranslationPolicy:
        """Build from the `[translation]` table (already parsed)."""
        known = {
            "engines",
            "allowed_engines",
            "offline_only",
            "default_language",
            "timeout_s",
            "retry_after_s",
            "max_chars",
            "cache_entries",
            "cache_chars",
            "engine",
        }
        unknown = sorted(set(table) - known)
        if unknown:
            raise PolicyError(f"unknown translation settings: {', '.join(unknown)}")
        engines = table.get("engines")
        allowed = table.get("allowed_engines")
        settings = table.get("engine", {})
        if not isinstance(settings, Mapping) or not all(
            isinstance(v, Mapping) for v in settings.values()
        ):
            raise PolicyError("[translation.engine.NAME] must be tables")
        try:
            return cls(
                engines=None if engines is None else tuple(_names(engines, "engines")),
                allowed=None if allowed is None else frozenset(_names(allowed, "allowed_engines")),
                offline_only=_bool(table.get("offline_only", False), "offline_only"),
                default_language=str(table.get("default_language", "ja")),
                timeout_s=_number(table.get("timeout_s", 3.0), "timeout_s"),
                retry_after_s=_number(table.get("retry_after_s", 15.0), "retry_after_s"),
                max_chars=int(_number(table.get("max_chars", 5000), "max_chars")),
                cache_entries=int(_number(table.get("cache_entries", 4096), "cache_entries")),
                cache_chars=int(_number(table.get("cache_chars", 1_000_000), "cache_chars")),
                engine_settings={str(k): dict(v) for k, v in settings.items()},
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, PolicyError):
                raise
            raise PolicyError(str(exc)) from exc

    @classmethod
    def load(cls, path: str | Path) -> TranslationPolicy:
        """Read the `[translation]` table of a policy file (absent: the defaults)."""
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"{path}: {exc}") from exc
        table = data.get("translation", {})
        if not isinstance(table, Mapping):
            raise PolicyError(f"{path}: [translation] must be a table")
        return cls.from_mapping(table)


def _names(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"{what} must be a list of engine names")
    return list(value)


def _bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(f"{what} must be true or false")
    return value


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(f"{what} must be a number")
    return float(value)
