"""A least-recently-used cache of translations, bounded by entries and by characters.

Captions repeat ("yes", "can you hear me?", a name): a hit costs a dict lookup instead
of an engine call. Only real translations are kept, never a fallback to the original,
so an engine that recovers is asked again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from accessibility.translation.base import Translation

CacheKey = tuple[str, str, str]  # (source, target, text)


@dataclass(slots=True)
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0


class TranslationCache:
    def __init__(self, max_entries: int = 4096, max_chars: int = 1_000_000) -> None:
        if max_entries < 0 or max_chars < 0:
            raise ValueError("cache bounds must not be negative")
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.stats = CacheStats()
        self._entries: OrderedDict[CacheKey, Translation] = OrderedDict()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def chars(self) -> int:
        return self._chars

    def get(self, key: CacheKey) -> Translation | None:
        found = self._entries.get(key)
        if found is None:
            self.stats.misses += 1
            return None
        self._entries.move_to_end(key)
        self.stats.hits += 1
        return found

    def put(self, key: CacheKey, value: Translation) -> None:
        if not value.translated:
            return
        size = _size(key, value)
        if size > self.max_chars or self.max_entries == 0:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._chars -= _size(key, old)
        self._entries[key] = value
        self._chars += size
        while len(self._entries) > self.max_entries or self._chars > self.max_chars:
            old_key, old_value = self._entries.popitem(last=False)
            self._chars -= _size(old_key, old_value)
            self.stats.evictions += 1

    def clear(self) -> None:
        self._entries.clear()
        self._chars = 0


def _size(key: CacheKey, value: Translation) -> int:
    return len(key[2]) + len(value.text)
