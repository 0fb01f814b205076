"""The phrase book: common office and counter phrases, written by people, in all twelve
languages. It answers instantly and exactly for what it knows, and declines the rest.

Data lives in `assets/phrasebook/*.toml` (see office.toml for the format). An office
may add its own files through the engine's `paths` setting; later files add phrases,
and a phrase id seen again replaces the earlier one.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accessibility import languages
from accessibility.translation.base import Declined, Translation
from accessibility.translation.normalize import phrase_key

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "assets" / "phrasebook"


class PhrasebookError(ValueError):
    """A phrase book file that cannot be used (bad TOML, a missing language)."""


@dataclass(frozen=True, slots=True)
class Phrase:
    id: str
    category: str
    texts: Mapping[str, str]  # canonical tag -> the phrase in that language
    also: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    identical: frozenset[str] = frozenset()  # languages written exactly as English

    def text(self, tag: str) -> str:
        return self.texts[tag]

    def variants(self, tag: str) -> tuple[str, ...]:
        return (self.texts[tag], *self.also.get(tag, ()))


@dataclass(frozen=True, slots=True)
class Collision:
    """Two phrases that read the same in one language; the first one wins."""

    language: str
    key: str
    kept: str
    shadowed: str


class Phrasebook:
    def __init__(self, phrases: Iterable[Phrase], version: str = "0") -> None:
        by_id: dict[str, Phrase] = {}
        for phrase in phrases:
            by_id[phrase.id] = phrase
        self.phrases: tuple[Phrase, ...] = tuple(by_id.values())
        self.version = version
        self.collisions: list[Collision] = []
        self._index: dict[str, dict[str, Phrase]] = {tag: {} for tag in languages.TAGS}
        for phrase in self.phrases:
            for tag in languages.TAGS:
                for variant in phrase.variants(tag):
                    self._add(tag, phrase_key(variant), phrase)

    def _add(self, tag: str, key: str, phrase: Phrase) -> None:
        index = self._index[tag]
        kept = index.get(key)
        if kept is None:
            index[key] = phrase
        elif kept.id != phrase.id:
            self.collisions.append(Collision(tag, key, kept.id, phrase.id))

    def lookup(self, text: str, language: str) -> Phrase | None:
        """The phrase this text says in this language, after normalisation."""
        tag = languages.match_tag(language)
        if tag is None:
            return None
        return self._index[tag].get(phrase_key(text))

    def translate(self, text: str, source: str, target: str) -> str | None:
        phrase = self.lookup(text, source)
        tag = languages.match_tag(target)
        return None if phrase is None or tag is None else phrase.text(tag)

    def by_category(self, category: str) -> list[Phrase]:
        return [p for p in self.phrases if p.category == category]

    def get(self, phrase_id: str) -> Phrase | None:
        return next((p for p in self.phrases if p.id == phrase_id), None)

    # ------------------------------------------------------------ loading

    @classmethod
    def load(cls, paths: Iterable[str | Path] | None = None) -> Phrasebook:
        """Load TOML phrase books; a directory means every *.toml in it, by name."""
        files: list[Path] = []
        for path in [DEFAULT_DIR] if paths is None else [Path(p) for p in paths]:
            if path.is_dir():
                files.extend(sorted(path.glob("*.toml")))
            elif path.is_file():
                files.append(path)
            else:
                raise PhrasebookError(f"no phrase book at {path}")
        if not files:
            raise PhrasebookError("no phrase book files found")
        phrases: list[Phrase] = []
        digest = hashlib.sha256()
        versions: list[str] = []
        for file in files:
            raw = file.read_bytes()
            digest.update(raw)
            try:
                data = tomllib.loads(raw.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise PhrasebookError(f"{file}: {exc}") from exc
            versions.append(str(data.get("version", "0")))
            entries = data.get("phrase", [])
            if not isinstance(entries, list):
                raise PhrasebookError(f"{file}: [[phrase]] must be an array of tables")
            phrases.extend(_phrase(entry, file) for entry in entries)
        version = f"{max(versions)}+{digest.hexdigest()[:10]}"
        return cls(phrases, version)


def _phrase(entry: Any, file: Path) -> Phrase:
    if not isinstance(entry, dict):
        raise PhrasebookError(f"{file}: a phrase must be a table")
    pid = entry.get("key")  # not "id": that is Indonesian
    if not isinstance(pid, str) or not pid:
        raise PhrasebookError(f"{file}: a phrase has no key")
    texts: dict[str, str] = {}
    for tag in languages.TAGS:
        value = entry.get(tag)
        if not isinstance(value, str) or not value.strip():
            raise PhrasebookError(f"{file}: phrase {pid!r} has no {tag} text")
        if not phrase_key(value):
            raise PhrasebookError(f"{file}: phrase {pid!r} in {tag} is only punctuation")
        texts[tag] = value.strip()
    extra = set(entry) - {*languages.TAGS, "key", "category", "also", "identical"}
    if extra:
        raise PhrasebookError(f"{file}: phrase {pid!r} has unknown keys {sorted(extra)}")
    also_raw = entry.get("also", {})
    also: dict[str, tuple[str, ...]] = {}
    if not isinstance(also_raw, dict):
        raise PhrasebookError(f"{file}: phrase {pid!r}: 'also' must be a table")
    for tag, values in also_raw.items():
        if tag not in languages.TAGS:
            raise PhrasebookError(f"{file}: phrase {pid!r}: 'also' has unknown language {tag}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise PhrasebookError(f"{file}: phrase {pid!r}: also.{tag} must be a list of text")
        also[tag] = tuple(v.strip() for v in values if v.strip())
    identical = entry.get("identical", [])
    if not isinstance(identical, list) or not set(identical) <= set(languages.TAGS):
        raise PhrasebookError(f"{file}: phrase {pid!r}: 'identical' must list languages")
    return Phrase(
        id=pid,
        category=str(entry.get("category", "")),
        texts=texts,
        also=also,
        identical=frozenset(identical),
    )


class PhrasebookTranslator:
    """The `phrasebook` engine. Settings: `paths` (files or folders; default: ours),
    `extra_paths` (added after ours)."""

    name = "phrasebook"
    offline = True

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        settings = settings or {}
        self._paths: list[str | Path] | None = settings.get("paths")
        extra = settings.get("extra_paths")
        if extra:
            self._paths = [*(self._paths or [DEFAULT_DIR]), *extra]
        self._book: Phrasebook | None = None

    @property
    def book(self) -> Phrasebook:
        if self._book is None:  # loaded on first use: construction does no I/O
            self._book = Phrasebook.load(self._paths)
        return self._book

    @property
    def version(self) -> str:
        return self.book.version

    async def supports(self, source: str, target: str) -> bool:
        return languages.is_supported(source) and languages.is_supported(target)

    async def translate(self, text: str, source: str, target: str) -> Translation:
        found = self.book.translate(text, source, target)
        if found is None:
            raise Declined(f"not in the phrase book: {text!r}")
        return Translation.by(self, found, original=text, source=source, target=target)

    async def warm_up(self) -> None:
        _ = self.book

    async def aclose(self) -> None:
        return None
