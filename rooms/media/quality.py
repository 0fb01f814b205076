"""Connection quality from RTCP figures, in words a person (and a screen reader) can use."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Quality(enum.StrEnum):
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class LinkStats:
    round_trip_ms: float | None
    jitter_ms: float | None
    loss_pct: float | None
    packets_received: int = 0
    packets_sent: int = 0

    @property
    def quality(self) -> Quality:
        return classify(self.round_trip_ms, self.jitter_ms, self.loss_pct)


def classify(
    round_trip_ms: float | None, jitter_ms: float | None, loss_pct: float | None
) -> Quality:
    """ITU-T G.114-style bands: under 300 ms round trip, 30 ms jitter and 3 % loss a call
    sounds fine; past 600 ms, 60 ms or 10 % people talk over each other and lose words."""
    if round_trip_ms is None and jitter_ms is None and loss_pct is None:
        return Quality.UNKNOWN
    rtt, jit, loss = round_trip_ms or 0.0, jitter_ms or 0.0, loss_pct or 0.0
    if rtt > 600 or jit > 60 or loss > 10:
        return Quality.POOR
    if rtt > 300 or jit > 30 or loss > 3:
        return Quality.FAIR
    return Quality.GOOD
