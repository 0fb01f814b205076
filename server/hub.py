"""The in-process event hub: who is connected, and fan-out of events to them.

Each event is encoded once and written to every connection that may see it, without
awaiting each one (websockets' `broadcast`). Every write to a client goes through here,
synchronously, so a client receives frames in exactly the order the office made them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import msgspec
from websockets.asyncio.server import ServerConnection, broadcast

from rooms.office import Delivery
from rooms.protocol import encode
from server.metrics import Metrics


class Hub:
    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._by_person: dict[str, set[ServerConnection]] = {}
        self._all: set[ServerConnection] = set()
        # Guests get only what is sent to them by name (their room, its audio), never
        # the office's events.
        self._guests: set[ServerConnection] = set()
        # Called after each batch is delivered (room media follows presence this way).
        self.on_delivered: list[Callable[[list[Delivery]], None]] = []

    @property
    def connections(self) -> frozenset[ServerConnection]:
        return frozenset(self._all | self._guests)

    def people(self) -> list[str]:
        """Everyone with a connection here."""
        return list(self._by_person)

    def online(self) -> int:
        return len(self._by_person)

    def connections_of(self, person_id: str) -> frozenset[ServerConnection]:
        return frozenset(self._by_person.get(person_id, ()))

    def add(self, person_id: str, conn: ServerConnection, *, guest: bool = False) -> bool:
        """Register a signed-in connection. True if it is the person's first."""
        conns = self._by_person.setdefault(person_id, set())
        conns.add(conn)
        if guest:
            self._guests.add(conn)
        else:
            self._all.add(conn)
        self._metrics.online.set(len(self._by_person))
        return len(conns) == 1

    def remove(self, person_id: str, conn: ServerConnection) -> bool:
        """Forget a connection. True if it was the person's last."""
        self._all.discard(conn)
        self._guests.discard(conn)
        conns = self._by_person.get(person_id)
        if conns is None or conn not in conns:
            return False
        conns.discard(conn)
        if conns:
            return False
        del self._by_person[person_id]
        self._metrics.online.set(len(self._by_person))
        return True

    def send(self, conn: ServerConnection, message: msgspec.Struct) -> None:
        broadcast([conn], encode(message).decode())
        self._metrics.frames_out.inc()

    def send_to(self, person_ids: Iterable[str], message: msgspec.Struct) -> None:
        """A message for these people, guests included, on every connection they have."""
        targets = [c for pid in person_ids for c in self._by_person.get(pid, ())]
        if targets:
            broadcast(targets, encode(message).decode())
            self._metrics.frames_out.inc(len(targets))

    def deliver(self, deliveries: Iterable[Delivery]) -> None:
        deliveries = list(deliveries)
        for delivery in deliveries:
            data = encode(delivery.event).decode()
            if delivery.to is None:
                targets: Iterable[ServerConnection] = self._all
                count = len(self._all)
            else:
                targets = [
                    c
                    for pid in delivery.to
                    for c in self._by_person.get(pid, ())
                    if c not in self._guests
                ]
                count = len(targets)
            broadcast(targets, data)
            self._metrics.events.inc()
            self._metrics.frames_out.inc(count)
        for hook in self.on_delivered:
            hook(deliveries)
