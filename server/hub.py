"""The in-process event hub: who is connected, and fan-out of events to them.

Each event is encoded once and written to every connection that may see it, without
awaiting each one (websockets' `broadcast`). Every write to a client goes through here,
synchronously, so a client receives frames in exactly the order the office made them.
"""

from __future__ import annotations

from collections.abc import Iterable

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

    @property
    def connections(self) -> frozenset[ServerConnection]:
        return frozenset(self._all)

    def people(self) -> list[str]:
        """Everyone with a connection here."""
        return list(self._by_person)

    def online(self) -> int:
        return len(self._by_person)

    def connections_of(self, person_id: str) -> frozenset[ServerConnection]:
        return frozenset(self._by_person.get(person_id, ()))

    def add(self, person_id: str, conn: ServerConnection) -> bool:
        """Register a signed-in connection. True if it is the person's first."""
        conns = self._by_person.setdefault(person_id, set())
        conns.add(conn)
        self._all.add(conn)
        self._metrics.online.set(len(self._by_person))
        return len(conns) == 1

    def remove(self, person_id: str, conn: ServerConnection) -> bool:
        """Forget a connection. True if it was the person's last."""
        self._all.discard(conn)
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

    def deliver(self, deliveries: Iterable[Delivery]) -> None:
        for delivery in deliveries:
            data = encode(delivery.event).decode()
            if delivery.to is None:
                targets: Iterable[ServerConnection] = self._all
                count = len(self._all)
            else:
                targets = [c for pid in delivery.to for c in self._by_person.get(pid, ())]
                count = len(targets)
            broadcast(targets, data)
            self._metrics.events.inc()
            self._metrics.frames_out.inc(count)
