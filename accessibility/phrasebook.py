"""Type-to-speak phrases: what a person said recently, and phrases they saved.

Field users reuse frequent phrases ("I agree", "One moment please"), so the text box
offers saved phrases first, then recent ones. Stored as a small JSON file per person
(the client picks where); written atomically so a crash never loses the book.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

MAX_HISTORY: Final = 50
MAX_SAVED: Final = 200
MAX_PHRASE: Final = 1000


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class PhraseBook:
    history: list[str] = field(default_factory=list)  # most recent first
    saved: list[str] = field(default_factory=list)  # in the person's own order

    def used(self, text: str) -> None:
        """Remember a phrase just spoken (moving it to the top if it was there)."""
        phrase = _norm(text)
        if not phrase or len(phrase) > MAX_PHRASE:
            return
        self.history = [phrase, *(p for p in self.history if p != phrase)][:MAX_HISTORY]

    def save(self, text: str) -> bool:
        phrase = _norm(text)
        if not phrase or phrase in self.saved or len(phrase) > MAX_PHRASE:
            return False
        if len(self.saved) >= MAX_SAVED:
            raise ValueError(f"at most {MAX_SAVED} saved phrases")
        self.saved.append(phrase)
        return True

    def unsave(self, text: str) -> bool:
        phrase = _norm(text)
        if phrase not in self.saved:
            return False
        self.saved.remove(phrase)
        return True

    def move(self, text: str, index: int) -> None:
        phrase = _norm(text)
        self.saved.remove(phrase)
        self.saved.insert(max(0, min(index, len(self.saved))), phrase)

    def forget_history(self) -> None:
        self.history.clear()

    def suggestions(self, prefix: str = "", limit: int = 10) -> list[str]:
        """Saved phrases, then recent ones, that start with (or contain) what was typed."""
        want = _norm(prefix).casefold()
        pool = [*self.saved, *(p for p in self.history if p not in self.saved)]
        starts = [p for p in pool if p.casefold().startswith(want)]
        contains = [p for p in pool if want in p.casefold() and p not in starts]
        return (starts + contains)[:limit]

    # ------------------------------------------------------------ storage

    def to_json(self) -> str:
        return json.dumps(
            {"version": 1, "saved": self.saved, "history": self.history},
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, data: str) -> PhraseBook:
        raw = json.loads(data)
        if not isinstance(raw, dict):
            raise ValueError("a phrase book is a JSON object")
        book = cls()
        for phrase in raw.get("saved", []):
            if isinstance(phrase, str):
                book.save(phrase)
        history = [p for p in raw.get("history", []) if isinstance(p, str)]
        for phrase in reversed(history[:MAX_HISTORY]):
            book.used(phrase)
        return book

    @classmethod
    def load(cls, path: Path) -> PhraseBook:
        """The book at `path`; an empty one if there is none. A damaged file is kept
        aside (`.damaged`) rather than overwritten."""
        try:
            return cls.from_json(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (ValueError, OSError):
            path.replace(path.with_suffix(path.suffix + ".damaged"))
            return cls()

    def store(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".phrases-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.to_json())
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
