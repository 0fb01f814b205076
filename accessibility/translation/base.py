"""The translator hook: what an engine is, what a translation carries, how one fails.

An engine is any object with a `name`, a `version`, an `offline` flag and three async
methods (`supports`, `translate`, `aclose`). It returns a `Translation` (the text and
the engine and version that made it), raises `Declined` when it has nothing to offer
for this text (the chain moves on quietly), and raises anything else when it breaks
(the chain notes the failure and moves on). The chain never loses the original.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from accessibility import languages


class Declined(Exception):
    """The engine has no translation for this text (a phrase book miss, say)."""


class TranslationError(Exception):
    """The engine tried and failed (a crashed process, a server error)."""


class NoticeCode(enum.StrEnum):
    """Why a caption is shown untranslated. Stable: the UI switches on these."""

    NO_ENGINE = "no_engine"  # no allowed engine translates this pair
    ENGINE_FAILED = "engine_failed"
    TIMED_OUT = "timed_out"
    UNKNOWN_LANGUAGE = "unknown_language"
    TOO_LONG = "too_long"


_MESSAGES: dict[NoticeCode, tuple[str, str]] = {
    NoticeCode.NO_ENGINE: (
        "No translation available from {source} to {target}; showing the original.",
        "{source}から{target}への翻訳はありません。原文を表示しています。",
    ),
    NoticeCode.ENGINE_FAILED: (
        "Translation failed ({engine}); showing the original.",
        "翻訳できませんでした（{engine}）。原文を表示しています。",
    ),
    NoticeCode.TIMED_OUT: (
        "Translation took too long ({engine}); showing the original.",
        "翻訳が時間内に終わりませんでした（{engine}）。原文を表示しています。",
    ),
    NoticeCode.UNKNOWN_LANGUAGE: (
        "Unknown language {source} or {target}; showing the original.",
        "言語 {source} または {target} に対応していません。原文を表示しています。",
    ),
    NoticeCode.TOO_LONG: (
        "Too long to translate; showing the original.",
        "長すぎるため翻訳できません。原文を表示しています。",
    ),
}


@dataclass(frozen=True, slots=True)
class Notice:
    """Why the text shown is the original. `detail` is for logs, not for people."""

    code: NoticeCode
    source: str
    target: str
    engine: str | None = None
    detail: str = ""

    def message(self, ui_language: str = "en") -> str:
        english, japanese = _MESSAGES[self.code]
        template = japanese if ui_language.lower().startswith("ja") else english
        return template.format(
            source=_name(self.source, ui_language),
            target=_name(self.target, ui_language),
            engine=self.engine or "-",
        )


def _name(tag: str, ui_language: str) -> str:
    tag_found = languages.match_tag(tag)
    return languages.get(tag_found).name(ui_language) if tag_found else tag


@dataclass(frozen=True, slots=True)
class Failure:
    """One engine that failed or timed out on the way to a result."""

    engine: str
    code: NoticeCode
    detail: str


@dataclass(frozen=True, slots=True)
class Translation:
    """A text in the target language, or the original with a notice saying why not."""

    text: str
    original: str
    source: str
    target: str
    engine: str | None = None  # None: nothing translated it (same language, or a notice)
    engine_version: str | None = None
    notice: Notice | None = None
    cached: bool = False
    failures: tuple[Failure, ...] = field(default=())

    @property
    def translated(self) -> bool:
        return self.engine is not None

    @classmethod
    def by(
        cls, engine: Translator, text: str, *, original: str, source: str, target: str
    ) -> Translation:
        """What an engine returns: its text, its name and its version."""
        return cls(
            text=text,
            original=original,
            source=source,
            target=target,
            engine=engine.name,
            engine_version=engine.version,
        )

    @classmethod
    def untranslated(
        cls, original: str, source: str, target: str, notice: Notice | None = None
    ) -> Translation:
        return cls(text=original, original=original, source=source, target=target, notice=notice)

    def with_original(self, original: str, *, cached: bool) -> Translation:
        """The same translation for another copy of the text (a cache hit)."""
        failures = () if cached else self.failures
        return replace(self, original=original, cached=cached, failures=failures)


@runtime_checkable
class Translator(Protocol):
    """A translation engine. Construct cheaply (no I/O); do the work in the methods."""

    @property
    def name(self) -> str:
        """The name it is registered under (its entry point name)."""
        ...

    @property
    def version(self) -> str:
        """Its version, shown beside each translation it makes."""
        ...

    @property
    def offline(self) -> bool:
        """True when it works with no network at all (allowed on closed networks)."""
        ...

    async def supports(self, source: str, target: str) -> bool:
        """Whether it can translate between these canonical tags (may ask a server)."""
        ...

    async def translate(self, text: str, source: str, target: str) -> Translation:
        """Translate, or raise Declined (nothing to offer) or any error (failed)."""
        ...

    async def aclose(self) -> None:
        """Release processes, connections and files."""
        ...
