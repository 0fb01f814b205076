"""Who is speaking, from per-frame levels, announced at most about five times a second.

Pure: levels and the time come in, a change (or nothing) comes out. A person counts as
speaking once their level rises above START_DBFS and until it has stayed below
STOP_DBFS for HOLD_S, so the gaps between words do not flicker the indicator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

START_DBFS: Final = -40.0
STOP_DBFS: Final = -48.0
HOLD_S: Final = 0.4
MIN_INTERVAL_S: Final = 0.2  # at most 5 announcements a second per room


@dataclass(slots=True)
class SpeakingTracker:
    start_dbfs: float = START_DBFS
    stop_dbfs: float = STOP_DBFS
    hold_s: float = HOLD_S
    min_interval_s: float = MIN_INTERVAL_S
    _speaking: set[str] = field(default_factory=set)
    _last_loud: dict[str, float] = field(default_factory=dict)
    _announced: frozenset[str] = frozenset()
    _announced_at: float = float("-inf")

    @property
    def speaking(self) -> frozenset[str]:
        return frozenset(self._speaking)

    def update(self, levels: Mapping[str, float], now: float) -> frozenset[str] | None:
        """Feed one tick of levels. Returns the new speaking set when it should be
        announced (it changed, and the last announcement was long enough ago)."""
        for pid, level in levels.items():
            if level >= self.start_dbfs or (pid in self._speaking and level >= self.stop_dbfs):
                self._last_loud[pid] = now
                self._speaking.add(pid)
            elif pid in self._speaking and now - self._last_loud.get(pid, now) >= self.hold_s:
                self._speaking.discard(pid)
        for pid in list(self._speaking):
            if pid not in levels:  # gone from the room
                self._speaking.discard(pid)
                self._last_loud.pop(pid, None)
        current = frozenset(self._speaking)
        if current == self._announced or now - self._announced_at < self.min_interval_s:
            return None
        self._announced = current
        self._announced_at = now
        return current
