"""A client's copy of the office, kept by the same reducer the server uses."""

from __future__ import annotations

from rooms.protocol import Event, PresenceChanged, Snapshot, StateEvent
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
        if isinstance(event, PresenceChanged) and event.person_id == self.me:
            self._forget_knocks_elsewhere()
        return True

    def _forget_knocks_elsewhere(self) -> None:
        """Drop knocks on doors I am no longer behind (but not my own knock).

        A knock's resolution goes to whoever is in the room when it ends; having left,
        I would never hear of it and would keep showing a knock I cannot answer.
        """
        here = self.state.room_of(self.me) if self.me is not None else None
        for knock_id, knock in list(self.state.knocks.items()):
            if knock.room_id != here and knock.person_id != self.me:
                del self.state.knocks[knock_id]
