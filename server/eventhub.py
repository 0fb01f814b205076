"""The event hub: where the office decides, and how its decisions reach every connection.

One server process: `LocalEventHub`, the default. It decides, persists, commits and
delivers under one asyncio lock, as the server always did.

Many server processes: `RedisEventHub` (server/redishub.py). One node leads: it alone
runs the office state machine, and the others forward their clients' requests to it.
Both share what is here: the work a node asks of the office (`Work`, which travels
between nodes), and the leader's side of doing it (`Leader.run`): dedupe a retried
request, decide, persist the effects (with the request, so a retry is answered and not
redone), commit, and say whom to tell.

Connections are counted per node: the office hears that a person came online when
their first connection anywhere opens, and that their link dropped when their last one
anywhere closes. Each node numbers its own reports (`version`), so a late report never
undoes a newer one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

import msgspec

from rooms.errors import ErrorCode, OfficeError
from rooms.office import Delivery, Office, Outcome, SaveCheckIn
from rooms.people import Person
from rooms.protocol import Error, OfficeRequest, Ok, encode
from rooms.room import Room
from rooms.site import Site
from server.storage import AppliedRequest, StorageError, Store

log = logging.getLogger("yoriai.eventhub")

# A retried request is answered from here for this long (and from the database after).
DEDUPE_WINDOW_S = 600.0


class _Work(msgspec.Struct, kw_only=True, tag_field="work"):
    node: str


class ConnectWork(_Work, tag="connect"):
    """A person's connection opened on `node` (their directory entry as signed in)."""

    person: Person
    version: int


class DisconnectWork(_Work, tag="disconnect"):
    person_id: str
    version: int
    signed_out: bool = False


class OfficeWork(_Work, tag="office"):
    actor: str
    request: OfficeRequest
    peer: str | None = None  # the client's address: it verifies on-site check-ins
    session: str | None = None  # the session's token hash: retries are deduplicated by it


Work: TypeAlias = ConnectWork | DisconnectWork | OfficeWork
Reply: TypeAlias = Ok | Error
ReplyCallback = Callable[[Reply], None]

_reply_decoder = msgspec.json.Decoder(Reply)


def unavailable(message: str = "the office is not answering right now: try again shortly") -> Error:
    return Error(id=None, code=ErrorCode.SERVICE_UNAVAILABLE, message=message)


@dataclass(slots=True)
class Done:
    """What running one piece of work did: events (already committed) and the reply."""

    deliveries: list[Delivery] = field(default_factory=list)
    last_days: dict[str, str] = field(default_factory=dict)
    reply: Reply = field(default_factory=lambda: Ok(id=0))
    dedupe_key: tuple[str, int] | None = None


class RecentReplies:
    """Replies to recent requests by (session, request id): a retry gets the same answer."""

    def __init__(self, window: float = DEDUPE_WINDOW_S) -> None:
        self.window = window
        self._replies: dict[tuple[str, int], tuple[float, Reply]] = {}
        self._since_prune = 0

    def get(self, key: tuple[str, int]) -> Reply | None:
        found = self._replies.get(key)
        return None if found is None else found[1]

    def put(self, key: tuple[str, int], reply: Reply, now: float) -> None:
        self._replies[key] = (now, reply)
        self._since_prune += 1
        if self._since_prune > 1000:
            self.prune(now)

    def prune(self, now: float) -> None:
        self._since_prune = 0
        cutoff = now - self.window
        self._replies = {k: v for k, v in self._replies.items() if v[0] >= cutoff}

    def load(self, applied: Iterable[AppliedRequest], now: float) -> None:
        for a in applied:
            try:
                self._replies.setdefault(
                    (a.session, a.request_id), (now, _reply_decoder.decode(a.reply))
                )
            except msgspec.DecodeError:
                continue

    def __len__(self) -> int:
        return len(self._replies)


class Leader:
    """The office's decisions, on the one node that makes them."""

    def __init__(
        self, office: Office, store: Store, clock: Callable[[], float] = time.time
    ) -> None:
        self.office = office
        self.store = store
        self.clock = clock
        self.recent = RecentReplies()
        # Who is connected where: person -> {node: version of the node's last report}.
        self.where: dict[str, dict[str, int]] = {}
        # The last version each node reported for each person, connected or not.
        self._versions: dict[tuple[str, str], int] = {}

    def connected(self, person_id: str) -> bool:
        return bool(self.where.get(person_id))

    def _commit(self, done: Done, outcome: Outcome) -> None:
        done.deliveries += self.office.commit(outcome)
        for effect in outcome.effects:
            if isinstance(effect, SaveCheckIn) and effect.day:
                done.last_days[effect.checkin.person_id] = self.office.state.last_day[
                    effect.checkin.person_id
                ]

    async def run(self, work: Work) -> Done:
        """Do one piece of work: decide, persist, commit. Call under the office lock."""
        done = Done()
        now = self.clock()
        match work:
            case OfficeWork():
                await self._office(done, work, now)
            case ConnectWork(node=node, person=person, version=version):
                done.reply = Ok(id=0)
                if not self._newer(person.id, node, version):
                    return done
                if self.office.state.people.get(person.id) != person:
                    self._commit(done, self.office.upsert_person(person))
                first = not self.connected(person.id)
                self.where.setdefault(person.id, {})[node] = version
                if first:
                    self._commit(done, self.office.connect(person.id, now))
            case DisconnectWork(node=node, person_id=pid, version=version, signed_out=signed_out):
                done.reply = Ok(id=0)
                if not self._newer(pid, node, version):
                    return done
                nodes = self.where.get(pid)
                if nodes is None or node not in nodes:
                    return done
                del nodes[node]
                if not nodes:
                    del self.where[pid]
                    self._commit(done, self.office.disconnect(pid, now, signed_out=signed_out))
        return done

    def note_version(self, pid: str, node: str, version: int) -> None:
        key = (pid, node)
        if version > self._versions.get(key, -1):
            self._versions[key] = version

    def _newer(self, pid: str, node: str, version: int) -> bool:
        key = (pid, node)
        if version <= self._versions.get(key, -1):
            return False
        self._versions[key] = version
        return True

    async def _office(self, done: Done, work: OfficeWork, now: float) -> None:
        rid = work.request.id
        key = (work.session, rid) if work.session is not None else None
        if key is not None:
            seen = self.recent.get(key)
            if seen is not None:
                done.reply = msgspec.structs.replace(seen, id=rid)
                return
        try:
            outcome = self.office.decide(work.actor, work.request, now, peer=work.peer)
        except OfficeError as exc:
            done.reply = Error(id=rid, code=exc.code, message=exc.message)
        else:
            reply = Ok(id=rid, ref=outcome.ref)
            if outcome.effects:
                applied = None
                if key is not None:
                    applied = AppliedRequest(key[0], key[1], encode(reply).decode())
                try:
                    await self.store.apply(outcome.effects, now, request=applied)
                except StorageError as exc:
                    log.warning("storage failed: %s", exc)
                    done.reply = Error(
                        id=rid,
                        code=ErrorCode.STORAGE_UNAVAILABLE,
                        message="the server cannot save right now; try again shortly",
                    )
                    return  # not remembered: a retry should try again
            self._commit(done, outcome)
            done.reply = reply
        if key is not None:
            self.recent.put(key, done.reply, now)
            done.dedupe_key = key

    async def tick(self, now: float) -> Done:
        """Expire knocks, taps and dropped links; check out closed sites."""
        done = Done()
        outcome = self.office.tick(now)
        if outcome.effects:  # automatic check-outs at closing time
            try:
                await self.store.apply(outcome.effects, now)
            except StorageError as exc:
                log.warning("cannot save the tick, will retry: %s", exc)
                return done
        self._commit(done, outcome)
        return done

    def sync_directory(
        self, people: list[Person], rooms: list[Room], sites: list[Site], now: float
    ) -> Done:
        done = Done()
        self._commit(done, self.office.sync_directory(people, rooms, sites, now))
        return done

    def forget_node(self, node: str) -> list[str]:
        """A node is gone: who had no other connection left."""
        gone = []
        for pid, nodes in list(self.where.items()):
            if nodes.pop(node, None) is not None and not nodes:
                del self.where[pid]
                gone.append(pid)
        return gone


class EventHub:
    """The interface the server talks to; `LocalEventHub` and `RedisEventHub` implement it."""

    node_id: str = "local"

    @property
    def leading(self) -> bool:
        """Does this node run the office's decisions (the ticker, the directory, purges)?"""
        raise NotImplementedError

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def submit(self, work: Work, on_reply: ReplyCallback | None = None) -> Reply:
        """Have the office do `work`; `on_reply` runs in order with the events it caused."""
        raise NotImplementedError

    async def on_leader(self, step: Callable[[], Awaitable[Done]]) -> bool:
        """Run a step of the leader's own (a tick, a directory sync) under the office lock,
        and deliver what it commits. False if this node does not lead."""
        raise NotImplementedError

    def next_version(self) -> int:
        raise NotImplementedError

    def status(self) -> dict[str, object]:
        return {"node": self.node_id, "leader": self.leading}


class LocalEventHub(EventHub):
    """One process: decide, persist, commit and deliver under one lock."""

    def __init__(
        self,
        leader: Leader,
        deliver: Callable[[list[Delivery]], None],
    ) -> None:
        self.leader = leader
        self._deliver = deliver
        self._lock = asyncio.Lock()
        self._versions = 0

    @property
    def leading(self) -> bool:
        return True

    def next_version(self) -> int:
        self._versions += 1
        return self._versions

    async def submit(self, work: Work, on_reply: ReplyCallback | None = None) -> Reply:
        async with self._lock:
            done = await self.leader.run(work)
            self._deliver(done.deliveries)
            if on_reply is not None:
                on_reply(done.reply)
        return done.reply

    async def on_leader(self, step: Callable[[], Awaitable[Done]]) -> bool:
        async with self._lock:
            self._deliver((await step()).deliveries)
        return True
