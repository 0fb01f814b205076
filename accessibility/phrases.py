"""A person's phrase history and fixed phrases, kept on their own machine.

Everything typed to speak is counted (variants that differ only in case, width,
punctuation or spacing count as one phrase). Phrases used often are suggested for
promotion; promoted ("fixed") phrases stay, in the order chosen, for one-key reuse.
The history is bounded: past `max_entries` the least used, least recent unfixed
phrase goes. Stored as JSON in the user's data folder, one file per user, written
atomically; a damaged file is set aside (never deleted) and a new one started.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import platformdirs

from accessibility import languages
from accessibility.translation.normalize import phrase_key

log = logging.getLogger("yoriai.phrases")

FORMAT_VERSION = 1
MAX_PHRASE_CHARS = 300  # longer texts are messages, not phrases
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(slots=True)
class PhraseEntry:
    text: str  # as last typed
    language: str
    count: int = 0
    last_used: float = 0.0
    fixed: bool = False
    fixed_order: int = 0  # position among the fixed phrases

    @property
    def key(self) -> tuple[str, str]:
        return (self.language, phrase_key(self.text))


def default_dir() -> Path:
    return platformdirs.user_data_path("yoriai", appauthor=False) / "phrases"


class PhraseHistory:
    def __init__(
        self,
        path: Path | None = None,
        *,
        max_entries: int = 500,
        promote_after: int = 3,
        autosave: bool = True,
    ) -> None:
        self.path = path
        self.max_entries = max_entries
        self.promote_after = promote_after
        self.autosave = autosave and path is not None
        self._entries: dict[tuple[str, str], PhraseEntry] = {}
        if path is not None:
            self._load(path)

    @classmethod
    def for_user(cls, user: str, *, base_dir: Path | None = None, **kw: Any) -> PhraseHistory:
        """The history of one user (their login name), in the user data folder."""
        if not user:
            raise ValueError("a phrase history belongs to a user")
        name = _SAFE_NAME.sub("_", user)[:64]
        return cls((base_dir or default_dir()) / f"{name}.json", **kw)

    # ------------------------------------------------------------ using

    def record(self, text: str, language: str, now: float | None = None) -> PhraseEntry | None:
        """Count one use of a phrase. Returns its entry (None if it is not a phrase)."""
        text = " ".join(text.split())
        tag = languages.match_tag(language)
        key = phrase_key(text)
        if tag is None or not key or len(text) > MAX_PHRASE_CHARS:
            return None
        entry = self._entries.get((tag, key))
        if entry is None:
            entry = PhraseEntry(text=text, language=tag)
            self._entries[(tag, key)] = entry
        entry.text = text
        entry.count += 1
        entry.last_used = time.time() if now is None else now
        self._trim()
        self._changed()
        return entry

    def get(self, text: str, language: str) -> PhraseEntry | None:
        tag = languages.match_tag(language)
        return None if tag is None else self._entries.get((tag, phrase_key(text)))

    def suggestions(
        self, language: str | None = None, *, prefix: str = "", limit: int = 5
    ) -> list[PhraseEntry]:
        """Phrases to offer while typing: most used first, then most recent."""
        want = phrase_key(prefix)
        found = [e for e in self._in(language) if phrase_key(e.text).startswith(want)]
        found.sort(key=lambda e: (-e.count, -e.last_used))
        return found[:limit]

    def promotion_candidates(self, language: str | None = None) -> list[PhraseEntry]:
        """Unfixed phrases used at least `promote_after` times: offer to fix them."""
        found = [e for e in self._in(language) if not e.fixed and e.count >= self.promote_after]
        found.sort(key=lambda e: (-e.count, -e.last_used))
        return found

    def fixed(self, language: str | None = None) -> list[PhraseEntry]:
        found = [e for e in self._in(language) if e.fixed]
        found.sort(key=lambda e: e.fixed_order)
        return found

    def promote(self, text: str, language: str) -> PhraseEntry:
        """Make a phrase fixed (adding it if it was never typed), at the end of the list."""
        entry = self.get(text, language)
        if entry is None:
            tag = languages.normalize_tag(language)
            text = " ".join(text.split())
            if not phrase_key(text) or len(text) > MAX_PHRASE_CHARS:
                raise ValueError("a fixed phrase is 1-300 characters of text")
            entry = PhraseEntry(text=text, language=tag)
            self._entries[entry.key] = entry
        if not entry.fixed:
            entry.fixed = True
            entry.fixed_order = 1 + max((e.fixed_order for e in self._entries.values()), default=0)
        self._changed()
        return entry

    def demote(self, text: str, language: str) -> bool:
        entry = self.get(text, language)
        if entry is None or not entry.fixed:
            return False
        entry.fixed = False
        entry.fixed_order = 0
        self._changed()
        return True

    def forget(self, text: str, language: str) -> bool:
        entry = self.get(text, language)
        if entry is None:
            return False
        del self._entries[entry.key]
        self._changed()
        return True

    def __len__(self) -> int:
        return len(self._entries)

    def _in(self, language: str | None) -> list[PhraseEntry]:
        if language is None:
            return list(self._entries.values())
        tag = languages.match_tag(language)
        return [e for e in self._entries.values() if e.language == tag]

    def _trim(self) -> None:
        while len(self._entries) > self.max_entries:
            unfixed = [e for e in self._entries.values() if not e.fixed]
            if not unfixed:
                return
            victim = min(unfixed, key=lambda e: (e.count, e.last_used))
            del self._entries[victim.key]

    # ------------------------------------------------------------ storing

    def _changed(self) -> None:
        if self.autosave:
            self.save()

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": FORMAT_VERSION,
            "phrases": [asdict(e) for e in self._entries.values()],
        }
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".phrases-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _load(self, path: Path) -> None:
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
                raise ValueError(f"unknown phrase file version {data.get('version')!r}")
            for item in data["phrases"]:
                entry = PhraseEntry(
                    text=str(item["text"]),
                    language=languages.normalize_tag(str(item["language"])),
                    count=int(item["count"]),
                    last_used=float(item["last_used"]),
                    fixed=bool(item.get("fixed", False)),
                    fixed_order=int(item.get("fixed_order", 0)),
                )
                if phrase_key(entry.text):
                    self._entries[entry.key] = entry
        except (ValueError, KeyError, TypeError) as exc:
            # Keep the damaged file for a person to look at; start afresh beside it.
            aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
            os.replace(path, aside)
            self._entries.clear()
            log.warning("phrase history %s is damaged (%s); moved to %s", path, exc, aside)
