"""A client's copy of the office, kept by the same reducer the server uses."""

from __future__ import annotations

from rooms.protocol import Event, Snapshot, StateEvent
from rooms.state import OfficeState

_STATE_EVENTS = StateEvent.__args__


class Mirror:
    def __init__(self) -> None:
        self.state = OfficeState()
        self.me: str | None = None
        self.synced = False

    def load(self, snapshot: Snapshot) -> None:
        self.state.load(snapshot)
        self.me = snapshot.me
        self.synced = True

    def receive(self, event: Event) -> bool:
        """Apply an event. Returns False when a state event shows a gap: ask for a sync."""
        if isinstance(event, _STATE_EVENTS):
            if not self.synced:
                return False
            if event.seq <= self.state.seq:
                return True  # already have it (a resync can overlap in-flight events)
            if event.seq != self.state.seq + 1:
                self.synced = False
                return False
        self.state.apply(event)
        return True
