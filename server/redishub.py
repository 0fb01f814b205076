"""The event hub over Redis, for many server processes behind one address.

One node leads (a lease in Redis, fenced by a term in PostgreSQL): it alone runs the
office state machine. Every node holds a replica of the office and serves its own
connections from it: snapshots, reads, reports. How it fits together (see
docs/architecture.md, "Many servers"):

* **Forwarding.** A follower publishes its clients' work (requests, connects,
  disconnects) on the leader's channel, each with a ticket. The leader decides,
  persists and commits it like a single server would.
* **The log.** The leader appends each commit to a Redis Stream: the events with their
  audiences, and the replies to forwarded work. XADD gives one total order; every node
  reads the stream and applies the same commits through the same reducer, in order,
  delivers each event to its own connections, and answers its own tickets from the
  replies. A commit carries the `seq` it was decided on, so a node that missed one
  sees the gap and asks for a reset (the whole state, in the log).
* **Terms.** Taking the lead bumps the term in the database and puts a marker in the
  log. Entries of an older term that land after the marker are ignored by everyone,
  and the database refuses a deposed leader's writes. The new leader has applied
  everything before its marker, as has every follower, so all replicas agree.
* **Presence.** Each node keeps a heartbeat key with a time to live and a hash of the
  people connected to it (with versions). The leader rebuilds who-is-where from those
  hashes when it takes over and checks them regularly; a node whose heartbeat expired
  is dead, and its people's links drop (reconnecting, then offline after the grace
  time, unless they come back through another node).
* **Rooms owned by a node.** `claim_room` / `room_owner` keep a room -> node map with
  a lease, and `send_to_node` delivers a message to one node's channel: the seam for
  voice rooms, whose audio lives on one node and whose signalling is routed to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import msgspec
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from rooms.checkin import CheckIn
from rooms.knock import Knock, Tap
from rooms.office import Delivery, Outcome
from rooms.people import Person
from rooms.presence import Link, Presence
from rooms.protocol import Error, Event, Ok
from rooms.rollcall import RollCall, RollCallAnswer
from rooms.room import Room
from rooms.schedule import ScheduleEntry
from rooms.site import Site
from rooms.state import OfficeState
from server.eventhub import (
    ConnectWork,
    DisconnectWork,
    Done,
    EventHub,
    Leader,
    Reply,
    ReplyCallback,
    Work,
    unavailable,
)
from server.storage import StorageError

log = logging.getLogger("yoriai.redishub")


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    redis_url: str
    node_id: str = field(
        default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    )
    prefix: str = "yoriai:"
    lease_s: float = 3.0  # the leader's lease; a dead leader is replaced after this
    node_ttl_s: float = 5.0  # a node whose heartbeat is this old is dead
    heartbeat_s: float = 1.0
    reconcile_s: float = 1.0  # how often the leader checks nodes and their people
    forward_timeout_s: float = 8.0  # a forwarded request waits this long for the leader
    log_max: int = 100_000  # entries kept in the stream (approximately)


# ---------------------------------------------------------------- what travels


class Shipped(msgspec.Struct, array_like=True):
    event: Event
    to: list[str] | None


class TicketReply(msgspec.Struct, array_like=True):
    node: str
    ticket: int
    message: Ok | Error
    session: str | None = None
    rid: int | None = None


class Entry(msgspec.Struct, tag="entry"):
    term: int
    node: str
    n: int  # numbers the term's entries: an append retried after a lost reply is seen twice
    base_seq: int
    deliveries: list[Shipped]
    last_days: dict[str, str] = {}
    replies: list[TicketReply] = []


class Lead(msgspec.Struct, tag="lead"):
    term: int
    node: str


class StateDump(msgspec.Struct):
    seq: int
    people: list[Person]
    presence: dict[str, Presence]
    rooms: list[Room]
    sites: list[Site]
    knocks: list[Knock]
    taps: list[Tap]
    checkins: list[CheckIn]
    schedules: dict[str, list[ScheduleEntry]]
    last_day: dict[str, str]
    notice_acks: dict[str, int]
    rollcall: RollCall | None
    rollcall_answers: list[RollCallAnswer]


class Reset(msgspec.Struct, tag="reset"):
    term: int
    node: str
    state: StateDump


LogRecord: TypeAlias = Entry | Lead | Reset


class Forward(msgspec.Struct, tag="forward"):
    node: str
    ticket: int
    work: Work


class NeedReset(msgspec.Struct, tag="need-reset"):
    node: str


class NodeMessage(msgspec.Struct, tag="node-message"):
    """A message for one node (voice signalling, later): `kind` says what it is."""

    origin: str
    kind: str
    body: bytes


ToLeader: TypeAlias = Forward | NeedReset

_log_decoder = msgspec.json.Decoder(LogRecord)
_leader_decoder = msgspec.json.Decoder(ToLeader)
_node_decoder = msgspec.json.Decoder(NodeMessage)
_encoder = msgspec.json.Encoder()


def dump_state(st: OfficeState) -> StateDump:
    return StateDump(
        seq=st.seq,
        people=list(st.people.values()),
        presence=dict(st.presence),
        rooms=list(st.rooms.values()),
        sites=list(st.sites.values()),
        knocks=list(st.knocks.values()),
        taps=list(st.taps.values()),
        checkins=list(st.checkins.values()),
        schedules={k: list(v) for k, v in st.schedules.items()},
        last_day=dict(st.last_day),
        notice_acks=dict(st.notice_acks),
        rollcall=st.rollcall,
        rollcall_answers=list(st.rollcall_answers.values()),
    )


def load_state(st: OfficeState, dump: StateDump) -> None:
    st.seq = dump.seq
    st.people = {p.id: p for p in dump.people}
    st.presence = dict(dump.presence)
    st.rooms = {r.id: r for r in dump.rooms}
    st.sites = {s.id: s for s in dump.sites}
    st.knocks = {k.id: k for k in dump.knocks}
    st.taps = {t.id: t for t in dump.taps}
    st.checkins = {c.person_id: c for c in dump.checkins}
    st.schedules = {k: tuple(v) for k, v in dump.schedules.items()}
    st.last_day = dict(dump.last_day)
    st.notice_acks = dict(dump.notice_acks)
    st.rollcall = dump.rollcall
    st.rollcall_answers = {a.person_id: a for a in dump.rollcall_answers}
    st._reindex()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# Extends the leader's lease only while it still holds it.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# A node's report about one person, kept only if newer than what is there:
# +version while connected, -version once gone.
_REPORT = """
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if math.abs(cur) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0
"""


@dataclass(slots=True)
class _Pending:
    work: Work
    callback: ReplyCallback | None
    future: asyncio.Future[Reply]


@dataclass(slots=True)
class _Outgoing:
    base_seq: int
    done: Done
    origin: tuple[str, int] | None  # (node, ticket) of forwarded work
    callback: ReplyCallback | None
    future: asyncio.Future[Reply] | None


class RedisEventHub(EventHub):
    def __init__(
        self,
        settings: ClusterSettings,
        leader: Leader,
        deliver: Callable[[list[Delivery]], None],
        resync_clients: Callable[[], None],
        local_people: Callable[[], list[str]] = list,
    ) -> None:
        self.settings = settings
        self.node_id = settings.node_id
        self.leader = leader
        self.office = leader.office
        self._deliver = deliver
        self._resync_clients = resync_clients
        self._local_people = local_people
        # A surge of sign-ins makes hundreds of calls at once: they wait for one of a
        # bounded set of connections instead of failing with "too many connections".
        pool = aioredis.BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=64,
            timeout=settings.forward_timeout_s,
            socket_timeout=max(3.0, settings.lease_s),
            socket_connect_timeout=2.0,
            health_check_interval=5,
            # A pooled connection that died with a Redis restart is replaced, once.
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[RedisConnectionError],
        )
        self.redis: aioredis.Redis = aioredis.Redis(connection_pool=pool)
        p = settings.prefix
        self._k_leader = p + "leader"
        self._k_log = p + "log"
        self._k_work = p + "work"
        self._k_nodes = p + "nodes"
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)
        self._report = self.redis.register_script(_REPORT)
        self._lock = asyncio.Lock()  # the office lock, while this node leads
        # Versions start from the clock, so a server restarted under the same --node-id
        # reports newer versions than its previous life did.
        self._versions = itertools.count(int(time.time() * 1_000_000))
        self._tickets = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._outgoing: asyncio.Queue[_Outgoing] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._role_task: asyncio.Task[None] | None = None
        self._node_handlers: dict[str, Callable[[NodeMessage], Awaitable[None]]] = {}
        # Where this node is in the log, and what it knows of the terms.
        self._last_id = b"0-0"
        self.term_seen = 0
        self.term = 0  # our term while we lead
        self._leading = False
        self._lease_until = 0.0
        self.synced = False
        self._lead_marker: asyncio.Future[None] | None = None
        self._reset_queued = False
        self._last_entry = (0, 0)
        self._entries = itertools.count(1)
        self._redis_ok = False
        self._started = time.monotonic()

    # ------------------------------------------------------------ keys

    def _k_alive(self, node: str) -> str:
        return f"{self.settings.prefix}node:{node}"

    def _k_people(self, node: str) -> str:
        return f"{self.settings.prefix}node:{node}:people"

    def _k_node_channel(self, node: str) -> str:
        return f"{self.settings.prefix}to:{node}"

    def _k_room(self, room_id: str) -> str:
        return f"{self.settings.prefix}room-owner:{room_id}"

    # ------------------------------------------------------------ lifecycle

    @property
    def leading(self) -> bool:
        return self._leading and time.monotonic() < self._lease_until

    def status(self) -> dict[str, object]:
        return {
            "node": self.node_id,
            "leader": self.leading,
            "term": self.term_seen,
            "synced": self.synced,
            "redis": "ok" if self._redis_ok else "unreachable",
        }

    def next_version(self) -> int:
        return next(self._versions)

    async def start(self) -> None:
        try:
            # A previous life under this node id may have left people behind: not ours.
            await self.redis.delete(self._k_people(self.node_id))
            last: Any = await self.redis.xrevrange(self._k_log, count=1)
            self._redis_ok = True
        except RedisError as exc:
            log.warning("Redis is unreachable at start (%s); will keep trying", exc)
            last = []
        if last:
            # The office has a history we did not see: wait for a reset before serving
            # from our replica (a leader sends one when asked).
            self._last_id = last[0][0]
        else:
            self.synced = True  # nothing to follow: the state we loaded is the office's
        self._tasks = [
            asyncio.create_task(self._read_log(), name="hub-log"),
            asyncio.create_task(self._heartbeat(), name="hub-heartbeat"),
            asyncio.create_task(self._node_channel(), name="hub-node-channel"),
        ]
        if not self.synced:
            await self._ask_reset()
        # Give the first leader a moment, so clients meet a working office.
        deadline = time.monotonic() + self.settings.lease_s * 2
        while time.monotonic() < deadline and not (self.synced and await self._leader_known()):  # noqa: ASYNC110
            await asyncio.sleep(0.05)

    async def _leader_known(self) -> bool:
        try:
            return bool(await self.redis.exists(self._k_leader))
        except RedisError:
            return False

    async def close(self) -> None:
        tasks = [*self._tasks, *([self._role_task] if self._role_task else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(RedisError, OSError):
            if self._leading:
                await self._release(keys=[self._k_leader], args=[self.node_id])
            await self.redis.srem(self._k_nodes, self.node_id)
            await self.redis.delete(self._k_alive(self.node_id))
        self._fail_pending(unavailable("the server is shutting down"))
        await self.redis.aclose()
        await self.redis.connection_pool.disconnect()

    # ------------------------------------------------------------ submitting work

    async def submit(self, work: Work, on_reply: ReplyCallback | None = None) -> Reply:
        try:
            await self._register(work)
        except RedisError as exc:
            log.warning("cannot record a connection in Redis: %s", exc)
            reply = unavailable("the office's message service is unreachable: try again shortly")
            if on_reply is not None:
                on_reply(reply)
            return reply
        if self.leading:
            return await self._run_here(work, on_reply)
        return await self._forward(work, on_reply)

    async def _register(self, work: Work) -> None:
        """Keep this node's hash of connected people ahead of the messages about them."""
        if isinstance(work, ConnectWork):
            v = work.version
            await self._report(keys=[self._k_people(self.node_id)], args=[work.person.id, v, v])
        elif isinstance(work, DisconnectWork):
            v = work.version
            await self._report(keys=[self._k_people(self.node_id)], args=[work.person_id, v, -v])

    async def _run_here(self, work: Work, on_reply: ReplyCallback | None) -> Reply:
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        async with self._lock:
            base = self.office.state.seq
            done = await self.leader.run(work)
            self._outgoing.put_nowait(_Outgoing(base, done, None, on_reply, future))
        return await future

    async def _forward(self, work: Work, on_reply: ReplyCallback | None) -> Reply:
        ticket = next(self._tickets)
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending[ticket] = _Pending(work, on_reply, future)
        message = _encoder.encode(Forward(node=self.node_id, ticket=ticket, work=work))
        deadline = time.monotonic() + self.settings.forward_timeout_s
        try:
            while not future.done():
                try:
                    listeners = await self.redis.publish(self._k_work, message)
                    self._redis_ok = True
                except RedisError:
                    self._redis_ok = False
                    break  # no message service: say so now rather than at the deadline
                if listeners:
                    # Answered through the log; resent by _read_log if the leader changes.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                            return await asyncio.shield(future)
                    break
                if time.monotonic() >= deadline:
                    break
                await asyncio.sleep(0.1)  # no leader right now: one is being chosen
            if future.done():
                return future.result()
        finally:
            self._pending.pop(ticket, None)
        reply = unavailable(
            "the office is not answering right now: try again shortly"
            if self._redis_ok
            else "the office's message service is unreachable: try again shortly"
        )
        if on_reply is not None:
            on_reply(reply)
        return reply

    async def on_leader(self, step: Callable[[], Awaitable[Done]]) -> bool:
        if not self.leading:
            return False
        async with self._lock:
            if not self.leading:
                return False
            base = self.office.state.seq
            done = await step()
            self._outgoing.put_nowait(_Outgoing(base, done, None, None, None))
        return True

    def _fail_pending(self, reply: Error) -> None:
        pending, self._pending = self._pending, {}
        for p in pending.values():
            if not p.future.done():
                if p.callback is not None:
                    p.callback(reply)
                p.future.set_result(reply)

    # ------------------------------------------------------------ the log, every node

    async def _read_log(self) -> None:
        while True:
            try:
                found: Any = await self.redis.xread(
                    {self._k_log: self._last_id}, count=500, block=500
                )
                self._redis_ok = True
            except (RedisError, OSError) as exc:
                if self._redis_ok:
                    log.warning("cannot read the office log: %s", exc)
                self._redis_ok = False
                await asyncio.sleep(0.25)
                continue
            for _stream, records in found:
                for record_id, fields in records:
                    self._last_id = record_id
                    try:
                        record = _log_decoder.decode(fields[b"d"])
                    except (msgspec.DecodeError, KeyError):
                        log.warning("skipping an unreadable log entry %s", record_id)
                        continue
                    try:
                        self._apply(record)
                    except Exception:
                        log.exception("applying log entry %s failed; asking for a reset", record_id)
                        self.synced = False
                        await self._ask_reset()

    def _apply(self, record: LogRecord) -> None:
        match record:
            case Lead(term=term, node=node):
                if term < self.term_seen:
                    return
                self.term_seen = term
                if node == self.node_id and self._lead_marker is not None:
                    if not self._lead_marker.done():
                        self._lead_marker.set_result(None)
                elif node != self.node_id:
                    if self._leading:
                        self._step_down("another node took the lead")
                    self._resend_pending()
            case Reset(term=term, state=state):
                if term < self.term_seen:
                    return
                self.term_seen = term
                if self.synced or self._leading:
                    return
                load_state(self.office.state, state)
                self.synced = True
                log.info("loaded the office from the leader at seq %d", state.seq)
                self._resync_clients()
            case Entry():
                self._apply_entry(record)

    def _apply_entry(self, e: Entry) -> None:
        if e.term < self.term_seen:
            return  # a deposed leader's late entry
        if e.node == self.node_id and self._leading:
            return  # ours: applied when we committed it
        if e.term > self.term_seen:
            self.term_seen = e.term
        if (e.term, e.n) <= self._last_entry:
            return  # appended twice (a retry): applied already
        self._last_entry = (e.term, e.n)
        if self.synced and e.base_seq != self.office.state.seq:
            log.warning(
                "gap in the office log (at %d, entry from %d): asking for a reset",
                self.office.state.seq,
                e.base_seq,
            )
            self.synced = False
            self._spawn(self._ask_reset())
        if self.synced:
            outcome = Outcome(
                base_seq=e.base_seq,
                deliveries=[
                    Delivery(d.event, None if d.to is None else frozenset(d.to))
                    for d in e.deliveries
                ],
            )
            deliveries = self.office.commit(outcome)
            for pid, day in e.last_days.items():
                self.office.state.last_day[pid] = max(day, self.office.state.last_day.get(pid, ""))
            self._deliver(deliveries)
        now = time.time()
        for r in e.replies:
            if r.session is not None and r.rid is not None:
                self.leader.recent.put((r.session, r.rid), r.message, now)
            if r.node == self.node_id:
                pending = self._pending.pop(r.ticket, None)
                if pending is not None and not pending.future.done():
                    if pending.callback is not None:
                        pending.callback(r.message)
                    pending.future.set_result(r.message)

    def _resend_pending(self) -> None:
        """A new leader: what we forwarded to the old one may be lost, so send it again
        (a request is deduplicated by its session and id; connects carry versions)."""
        for ticket, p in list(self._pending.items()):
            message = _encoder.encode(Forward(node=self.node_id, ticket=ticket, work=p.work))
            self._spawn(self._publish_quietly(self._k_work, message))

    async def _publish_quietly(self, channel: str, message: bytes) -> None:
        with contextlib.suppress(RedisError):
            await self.redis.publish(channel, message)

    async def _ask_reset(self) -> None:
        await self._publish_quietly(self._k_work, _encoder.encode(NeedReset(node=self.node_id)))

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.append(task)
        task.add_done_callback(lambda t: self._tasks.remove(t) if t in self._tasks else None)

    # ------------------------------------------------------------ heartbeat and election

    async def _heartbeat(self) -> None:
        s = self.settings
        while True:
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.set(
                        self._k_alive(self.node_id), str(time.time()), px=int(s.node_ttl_s * 1000)
                    )
                    pipe.sadd(self._k_nodes, self.node_id)
                    pipe.exists(self._k_people(self.node_id))
                    *_, has_people = await pipe.execute()
                here = self._local_people()
                if here and not has_people:
                    # Redis lost our record (a restart): write it again from what we hold.
                    log.info("re-recording %d people connected here", len(here))
                    mapping: Any = {pid: self.next_version() for pid in here}
                    await self.redis.hset(self._k_people(self.node_id), mapping=mapping)
                self._redis_ok = True
                if not self.synced and not self._leading:
                    await self._ask_reset()  # until a leader hears us
                await self._elect()
            except (RedisError, OSError) as exc:
                if self._redis_ok:
                    log.warning("Redis is unreachable: %s", exc)
                self._redis_ok = False
                if self._leading and time.monotonic() >= self._lease_until:
                    self._step_down("lost Redis")
            await asyncio.sleep(min(s.heartbeat_s, s.lease_s / 3))

    async def _elect(self) -> None:
        s = self.settings
        lease_ms = int(s.lease_s * 1000)
        if self._leading:
            began = time.monotonic()
            if await self._renew(keys=[self._k_leader], args=[self.node_id, lease_ms]):
                self._lease_until = began + s.lease_s * 0.8
            else:
                self._step_down("the lease was lost")
            return
        if self._role_task is not None and not self._role_task.done():
            return  # taking over already
        if not self.synced and time.monotonic() - self._started < s.lease_s * 3:
            return  # let a node that holds the office's state lead
        if await self.redis.set(self._k_leader, self.node_id, nx=True, px=lease_ms):
            self._lease_until = time.monotonic() + s.lease_s * 0.8
            self._role_task = asyncio.create_task(self._take_over(), name="hub-take-over")

    async def _take_over(self) -> None:
        """Become the leader: a new term, every earlier commit applied, then lead."""
        try:
            term = await self.leader.store.take_term()
        except StorageError as exc:
            log.warning("cannot take the lead without the database: %s", exc)
            with contextlib.suppress(RedisError):
                await self._release(keys=[self._k_leader], args=[self.node_id])
            return
        loop = asyncio.get_running_loop()
        self._lead_marker = loop.create_future()
        try:
            await self.redis.xadd(
                self._k_log,
                {"d": _encoder.encode(Lead(term=term, node=self.node_id))},
                maxlen=self.settings.log_max,
                approximate=True,
            )
            # Everything before our marker is applied here, as on every other node.
            async with asyncio.timeout(self.settings.lease_s * 2):
                await self._lead_marker
        except (RedisError, TimeoutError) as exc:
            log.warning("could not take the lead: %s", exc)
            with contextlib.suppress(RedisError):
                await self._release(keys=[self._k_leader], args=[self.node_id])
            return
        async with self._lock:
            self.term = term
            self._leading = True
            self._lease_until = time.monotonic() + self.settings.lease_s * 0.8
            self.synced = True
            self._started = time.monotonic()
            base = self.office.state.seq
            done = Done()
            try:
                # What the last leader saved but may not have told anyone before it died.
                store = self.leader.store
                self.leader._commit(
                    done,
                    self.office.sync_directory(
                        await store.people(), await store.rooms(), await store.sites(), time.time()
                    ),
                )
                self.leader._commit(
                    done, self.office.sync_checkins(await store.open_checkins(), time.time())
                )
                await self._rebuild_where()
                self.leader.recent.load(
                    await self.leader.store.applied_requests(
                        time.time() - self.leader.recent.window
                    ),
                    time.time(),
                )
            except (RedisError, StorageError) as exc:
                log.warning("taking over with what we know: %s", exc)
            # Links are only raised now: a node whose record Redis lost (a restart) writes
            # it again within a heartbeat, so drops wait for the first check of the nodes.
            raised = self._reconcile_presence(drops=False)
            done.deliveries += raised.deliveries
            self._outgoing.put_nowait(_Outgoing(base, done, None, None, None))
        log.info("node %s leads the office (term %d, seq %d)", self.node_id, term, base)
        tasks = [
            asyncio.create_task(self._serve_leader(), name="hub-leader"),
            asyncio.create_task(self._ship(), name="hub-ship"),
            asyncio.create_task(self._watch_nodes(), name="hub-nodes"),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    def _step_down(self, why: str) -> None:
        if not self._leading:
            return
        log.warning("node %s stops leading: %s", self.node_id, why)
        self._leading = False
        self._lease_until = 0.0
        if not self._outgoing.empty():
            # Commits we made but never shipped: our replica is ahead of everyone's.
            self.synced = False
        while not self._outgoing.empty():
            out = self._outgoing.get_nowait()
            self._settle(out, unavailable())
        if self._role_task is not None:
            self._role_task.cancel()
        if not self.synced:
            self._spawn(self._ask_reset())

    # ------------------------------------------------------------ the leader's work

    async def _serve_leader(self) -> None:
        while self.leading:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(self._k_work)
                while self.leading:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
                    if message is None or message.get("type") != "message":
                        continue
                    try:
                        incoming = _leader_decoder.decode(message["data"])
                    except msgspec.DecodeError:
                        log.warning("unreadable message for the leader")
                        continue
                    if isinstance(incoming, NeedReset):
                        await self._send_reset()
                    else:
                        await self._run_forwarded(incoming)
            except (RedisError, OSError) as exc:
                log.warning("the leader's channel failed: %s", exc)
                await asyncio.sleep(0.25)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _run_forwarded(self, forward: Forward) -> None:
        async with self._lock:
            if not self.leading:
                return
            base = self.office.state.seq
            done = await self.leader.run(forward.work)
            self._outgoing.put_nowait(
                _Outgoing(base, done, (forward.node, forward.ticket), None, None)
            )

    async def _send_reset(self) -> None:
        if self._reset_queued:
            return  # one is on its way: it serves every node that asked
        self._reset_queued = True
        async with self._lock:
            # Queued in order with commits, so it lands after them in the log.
            self._outgoing.put_nowait(_Outgoing(-1, Done(), None, None, None))

    async def _ship(self) -> None:
        """Append commits to the log in order, then deliver them here and answer."""
        while True:
            batch = [await self._outgoing.get()]
            while not self._outgoing.empty():
                batch.append(self._outgoing.get_nowait())
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for out in batch:
                        pipe.xadd(
                            self._k_log,
                            {"d": self._encode(out)},
                            maxlen=self.settings.log_max,
                            approximate=True,
                        )
                    await pipe.execute()
            except (RedisError, OSError) as exc:
                log.warning("cannot append to the office log: %s", exc)
                for out in batch:
                    self._settle(out, unavailable())
                self.synced = False
                self._step_down("the log is unreachable")
                return
            for out in batch:
                if out.base_seq >= 0:
                    self._deliver(out.done.deliveries)
                self._settle(out, out.done.reply)

    def _encode(self, out: _Outgoing) -> bytes:
        if out.base_seq < 0:
            self._reset_queued = False
            return _encoder.encode(
                Reset(term=self.term, node=self.node_id, state=dump_state(self.office.state))
            )
        replies = []
        done = out.done
        if out.origin is not None or done.dedupe_key is not None:
            node, ticket = out.origin if out.origin is not None else (self.node_id, 0)
            session, rid = done.dedupe_key if done.dedupe_key is not None else (None, None)
            replies.append(
                TicketReply(node=node, ticket=ticket, message=done.reply, session=session, rid=rid)
            )
        return _encoder.encode(
            Entry(
                term=self.term,
                node=self.node_id,
                n=next(self._entries),
                base_seq=out.base_seq,
                deliveries=[
                    Shipped(d.event, None if d.to is None else sorted(d.to))
                    for d in done.deliveries
                ],
                last_days=done.last_days,
                replies=replies,
            )
        )

    @staticmethod
    def _settle(out: _Outgoing, reply: Reply) -> None:
        if out.callback is not None:
            out.callback(reply)
        if out.future is not None and not out.future.done():
            out.future.set_result(reply)

    # ------------------------------------------------------------ nodes and presence

    async def _rebuild_where(self) -> None:
        """Who is connected where, from every live node's own record."""
        live = await self._live_nodes()
        where: dict[str, dict[str, int]] = {}
        for node in live:
            people: Any = await self.redis.hgetall(self._k_people(node))
            for raw_pid, raw_version in people.items():
                pid, version = _text(raw_pid), int(raw_version)
                self.leader.note_version(pid, node, abs(version))
                if version > 0:
                    where.setdefault(pid, {})[node] = version
        self.leader.where = where

    async def _live_nodes(self) -> list[str]:
        members: Any = await self.redis.smembers(self._k_nodes)
        nodes = sorted(_text(m) for m in members)
        async with self.redis.pipeline(transaction=False) as pipe:
            for node in nodes:
                pipe.exists(self._k_alive(node))
            alive = await pipe.execute()
        dead = [n for n, a in zip(nodes, alive, strict=True) if not a]
        for node in dead:
            log.warning("node %s stopped its heartbeat: its people's links drop", node)
            await self.redis.srem(self._k_nodes, node)
            await self.redis.delete(self._k_people(node))
        return [n for n, a in zip(nodes, alive, strict=True) if a]

    def _reconcile_presence(self, *, drops: bool = True) -> Done:
        """Bring links in line with who is connected: no ghosts, nobody left out."""
        done = Done()
        now = time.time()
        st = self.office.state
        for pid, presence in list(st.presence.items()):
            if drops and presence.link is Link.ONLINE and not self.leader.connected(pid):
                self.leader._commit(done, self.office.disconnect(pid, now, signed_out=False))
        for pid in list(self.leader.where):
            if pid in st.people and st.presence_of(pid).link is not Link.ONLINE:
                self.leader._commit(done, self.office.connect(pid, now))
        return done

    async def _watch_nodes(self) -> None:
        # The first check waits a heartbeat and more, so every live node has recorded
        # its people (again, after a Redis restart) before anyone's link is dropped.
        await asyncio.sleep(max(self.settings.reconcile_s, self.settings.heartbeat_s * 2))
        while self.leading:
            try:
                live = set(await self._live_nodes())
                async with self._lock:
                    if not self.leading:
                        return
                    for node in {n for nodes in self.leader.where.values() for n in nodes} - live:
                        self.leader.forget_node(node)
                    await self._rebuild_where()
                    base = self.office.state.seq
                    done = self._reconcile_presence()
                    if done.deliveries:
                        self._outgoing.put_nowait(_Outgoing(base, done, None, None, None))
            except (RedisError, OSError) as exc:
                log.warning("cannot check the nodes: %s", exc)
            await asyncio.sleep(self.settings.reconcile_s)

    # ------------------------------------------------------------ rooms owned by a node

    async def claim_room(self, room_id: str, ttl_s: float = 10.0) -> str:
        """Own a room's media here unless another live node does; returns the owner.
        The owner renews its claim while the room is in use; a dead owner's claim lapses."""
        key = self._k_room(room_id)
        await self.redis.set(key, self.node_id, nx=True, px=int(ttl_s * 1000))
        owner: Any = await self.redis.get(key)
        if owner == self.node_id.encode():
            await self.redis.pexpire(key, int(ttl_s * 1000))
        return _text(owner) if owner else self.node_id

    async def room_owner(self, room_id: str) -> str | None:
        owner: Any = await self.redis.get(self._k_room(room_id))
        return _text(owner) if owner else None

    async def release_room(self, room_id: str) -> None:
        await self._release(keys=[self._k_room(room_id)], args=[self.node_id])

    def on_node_message(self, kind: str, handler: Callable[[NodeMessage], Awaitable[None]]) -> None:
        self._node_handlers[kind] = handler

    async def send_to_node(self, node: str, kind: str, body: bytes) -> bool:
        """Deliver a message to one node (False if it is not listening)."""
        message = _encoder.encode(NodeMessage(origin=self.node_id, kind=kind, body=body))
        return bool(await self.redis.publish(self._k_node_channel(node), message))

    async def _node_channel(self) -> None:
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(self._k_node_channel(self.node_id))
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is None or message.get("type") != "message":
                        continue
                    try:
                        incoming = _node_decoder.decode(message["data"])
                    except msgspec.DecodeError:
                        continue
                    handler = self._node_handlers.get(incoming.kind)
                    if handler is not None:
                        self._spawn(handler(incoming))
            except (RedisError, OSError):
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
