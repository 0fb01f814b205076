"""The presence server: a WebSocket endpoint around the office state machine.

One asyncio process. Each connection signs in (password or token), receives a welcome
and a snapshot, then sends requests and receives replies and events. The office core
decides; this layer authenticates, persists what must last, and fans events out.
HTTP `GET /healthz` and `GET /metrics` share the port.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import http
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from rooms.captions import may_read_history, purge_plan
from rooms.errors import ErrorCode, OfficeError
from rooms.office import Delivery, Office
from rooms.people import Person, Role
from rooms.protocol import (
    PROTOCOL_VERSION,
    AuditEntries,
    CaptionHistory,
    CreateInvite,
    Error,
    GetCaptionHistory,
    GetVoiceConfig,
    GuestJoin,
    ListAudit,
    Login,
    Logout,
    OfficeRequest,
    Ok,
    PersonRemoved,
    Ping,
    Pong,
    ProtocolError,
    Resume,
    SendCaption,
    Sync,
    VoiceIce,
    VoiceOffer,
    VoiceStop,
    Welcome,
    decode_request,
)
from rooms.protocol import (
    Request as ClientRequest,
)
from rooms.room import Room
from rooms.site import Site, local_day
from server.config import ServerConfig
from server.eventhub import (
    ConnectWork,
    DisconnectWork,
    Done,
    EventHub,
    Leader,
    LocalEventHub,
    OfficeWork,
    Reply,
)
from server.guests import GUEST_ONLY_MESSAGE, GUEST_REQUESTS, Guests
from server.hub import Hub
from server.lockout import Lockout, LockoutPolicy, say_seconds
from server.metrics import Metrics
from server.passwords import hash_password_async, needs_rehash, verify_password_async
from server.queries import SITE_QUERIES, Queries
from server.ratelimit import TokenBucket
from server.storage import StorageError, Store
from server.stores import open_store, report_reader
from server.tokens import new_token, token_hash
from server.voice import Voice

log = logging.getLogger("yoriai.server")

CLOSE_POLICY = 1008
CLOSE_TRY_LATER = 1013


@dataclass(slots=True)
class _Client:
    conn: ServerConnection
    bucket: TokenBucket
    captions: TokenBucket
    person_id: str | None = None
    token_hash: str | None = None
    signed_out: bool = False
    gone: bool = False  # the socket closed (a late sign-in reply must not register it)
    signing_in: bool = False  # a login is being checked (argon2 queues in a surge)
    guest: bool = False  # signed in by invitation: one room's audio and nothing else
    refused: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


class YoriaiServer:
    def __init__(self, config: ServerConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.office = Office(config.rules)
        self.metrics = Metrics()
        self.hub = Hub(self.metrics)
        self.leader = Leader(self.office, store)
        # decide -> persist -> commit -> deliver runs under the event hub's lock (on the
        # leading node), so the office is never changed between a decision and its
        # commit, and seq order is send order. One process: the in-process hub.
        self.events: EventHub = LocalEventHub(self.leader, self.deliver)
        # Sign-ins under way per person: their connection is not in the hub yet, but
        # it is coming, so the person's last connection here has not closed.
        self._arriving: dict[str, int] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self._server: Server | None = None
        self._background: list[asyncio.Task[None]] = []
        self._data_version = 0
        self.started = time.time()
        # The clock for attendance (closing times, retention); tests move it forward.
        self.clock: Callable[[], float] = time.time
        self.reports = report_reader(store)
        limits = config.limits
        self.lockout = Lockout(
            store,
            LockoutPolicy(
                account_free=limits.lockout_account_free,
                address_free=limits.lockout_address_free,
                base_s=limits.lockout_base_s,
                max_s=limits.lockout_max_s,
            ),
        )
        self.queries = Queries(self.office, store, self.reports, lambda: self.clock())
        self.address: tuple[str, int] = (config.host, config.port)
        self._spawned: set[asyncio.Task[None]] = set()
        self.voice = Voice(self)
        self.guests = Guests(self)

    @classmethod
    async def open(cls, config: ServerConfig) -> YoriaiServer:
        if config.redis_url is not None and config.database_url is None:
            raise StorageError("many servers need a shared PostgreSQL database, not SQLite")
        store = await open_store(config.database)
        server = cls(config, store)
        if config.redis_url is not None:
            from server.redishub import ClusterSettings, RedisEventHub  # only for many servers

            settings = ClusterSettings(
                redis_url=config.redis_url, lease_s=config.lease_s, node_ttl_s=config.node_ttl_s
            )
            if config.node_id:
                settings = dataclasses.replace(settings, node_id=config.node_id)
            server.events = RedisEventHub(
                settings, server.leader, server.deliver, server.resync_clients, server.hub.people
            )
        server.office.load(
            await store.people(),
            await store.rooms(),
            await store.sites(),
            await store.open_checkins(),
        )
        rollcall, answers = await store.active_rollcall()
        server.office.load_attendance(
            schedules=await store.schedules(),
            last_days=await store.last_days(),
            notice_acks=await store.notice_acks(),
            rollcall=rollcall,
            answers=answers,
        )
        await server.purge()
        server._data_version = await store.data_version()
        return server

    async def purge(self) -> dict[str, int]:
        """Delete history older than the retention period the admin set."""
        days = await self.store.retention_days()
        self.office.retention_days = days
        before = self.clock() - days * 86400
        counts = await self.store.purge(before, local_day(before, self.office.rules.time_zone))
        if any(counts.values()):
            detail = " ".join(f"{k}={v}" for k, v in counts.items())
            await self.store.audit(self.clock(), "yoriai-server", "retention.purge", detail)
            log.info("retention (%d days) purged %s", days, detail)
        return counts

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> tuple[str, int]:
        limits = self.config.limits
        self._server = await serve(
            self._handle,
            self.config.host,
            self.config.port,
            ssl=self.config.ssl_context(),
            process_request=self._process_request,
            max_size=limits.max_frame_bytes,
            compression=None,  # per-message deflate would compress once per client
            ping_interval=20,
            ping_timeout=20,
            close_timeout=limits.close_timeout_s,
            server_header="Yoriai",
        )
        await self.events.start()
        self._background = [
            asyncio.create_task(self._ticker(), name="office-tick"),
            asyncio.create_task(self._watch_directory(), name="directory-watch"),
            asyncio.create_task(self._purge_captions(), name="caption-purge"),
            asyncio.create_task(self._purge_daily(), name="retention-purge"),
        ]
        sock = next(iter(self._server.sockets))
        host, port = sock.getsockname()[:2]
        self.address = (host, port)
        self.voice.media.start()
        log.info(
            "serving on %s:%s (db %s, node %s)", host, port, self.store.path, self.events.node_id
        )
        return host, port

    async def serve_forever(self) -> None:
        assert self._server is not None
        await self._server.serve_forever()

    def resync_clients(self) -> None:
        """The office was reloaded from the leader: every client here gets it afresh."""
        for pid in self.hub.people():
            for conn in self.hub.connections_of(pid):
                self.hub.send(conn, self.office.snapshot(pid))

    def deliver(self, deliveries: list[Delivery]) -> None:
        """Send committed events to this node's connections (every node does this)."""
        self.hub.deliver(deliveries)
        for delivery in deliveries:
            if isinstance(delivery.event, PersonRemoved):
                # Removed or disabled: their connections here close too.
                for conn in self.hub.connections_of(delivery.event.person_id):
                    task = asyncio.get_running_loop().create_task(
                        conn.close(CLOSE_POLICY, "account disabled")
                    )
                    self._closing.add(task)
                    task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        await self.events.close()
        for task in self._background:
            task.cancel()
        for task in self._background:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.voice.media.close()
        if self._server is not None:
            self._server.close(close_connections=True)
            await self._server.wait_closed()
        self.reports.close()
        if self._spawned:
            await asyncio.gather(*self._spawned, return_exceptions=True)
        await self.store.close()

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine in the background, kept until it is done."""
        task = asyncio.get_running_loop().create_task(coro)
        self._spawned.add(task)
        task.add_done_callback(self._spawned.discard)

    # ------------------------------------------------------------ HTTP

    async def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        page = await self.guests.http(request)
        if page is not None:
            return page
        if path == "/healthz":
            try:
                await self.store.ping()
            except StorageError as exc:
                return _json(
                    http.HTTPStatus.SERVICE_UNAVAILABLE, {"status": "fail", "db": str(exc)}
                )
            body = {
                "status": "ok",
                "protocol": PROTOCOL_VERSION,
                "connections": len(self.hub.connections),
                "online": self.hub.online(),
                **self.events.status(),
                "uptime_s": round(time.time() - self.started, 1),
            }
            return _json(http.HTTPStatus.OK, body)
        if path == "/metrics":
            return Response(
                200,
                "OK",
                Headers([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]),
                self.metrics.render(),
            )
        return None

    # ------------------------------------------------------------ WebSocket

    async def _handle(self, conn: ServerConnection) -> None:
        limits = self.config.limits
        client = _Client(
            conn,
            TokenBucket(limits.rate_per_s, limits.burst),
            TokenBucket(limits.caption_rate_per_s, limits.caption_burst),
        )
        self.metrics.connections.inc()
        loop = asyncio.get_running_loop()
        timer = loop.call_later(limits.sign_in_timeout_s, self._sign_in_timeout, client)
        try:
            async for frame in conn:
                if not client.bucket.take(time.monotonic()):
                    client.refused += 1
                    if client.refused >= limits.abuse_threshold:
                        await conn.close(CLOSE_POLICY, "too many requests")
                        break
                    self._error(client, None, ErrorCode.RATE_LIMITED, "slow down: request refused")
                    continue
                try:
                    request = decode_request(frame)
                except ProtocolError as exc:
                    self._error(client, exc.request_id, exc.code, exc.message)
                    continue
                if isinstance(request, SendCaption) and not client.captions.take(time.monotonic()):
                    self._error(
                        client, request.id, ErrorCode.RATE_LIMITED, "too many captions: slow down"
                    )
                    continue
                started = time.perf_counter()
                self.metrics.requests.labels(request.__struct_config__.tag).inc()
                try:
                    await self._dispatch(client, request)
                except StorageError as exc:
                    log.warning("storage failed: %s", exc)
                    self._error(
                        client,
                        request.id,
                        ErrorCode.STORAGE_UNAVAILABLE,
                        "the server cannot save right now; try again shortly",
                    )
                except Exception:
                    log.exception("request %r failed", request.__struct_config__.tag)
                    self._error(client, request.id, ErrorCode.INTERNAL, "internal server error")
                self.metrics.latency.observe(time.perf_counter() - started)
                if client.signed_out:
                    await conn.close(1000, "signed out")
                    break
        except ConnectionClosed:
            pass
        finally:
            client.gone = True
            timer.cancel()
            self.metrics.connections.dec()
            await self._detach(client)

    def _sign_in_timeout(self, client: _Client) -> None:
        if client.signing_in and not client.gone:
            # Not idle: its sign-in waits its turn (a surge of logins). Look again later.
            loop = asyncio.get_running_loop()
            loop.call_later(self.config.limits.sign_in_timeout_s, self._sign_in_timeout, client)
            return
        if client.person_id is None:
            task = asyncio.get_running_loop().create_task(
                client.conn.close(CLOSE_POLICY, "sign in first")
            )
            client.tasks.add(task)
            task.add_done_callback(client.tasks.discard)

    def _error(self, client: _Client, rid: int | None, code: ErrorCode, message: str) -> None:
        self.metrics.errors.labels(code.value).inc()
        self.hub.send(client.conn, Error(id=rid, code=code, message=message))

    async def _dispatch(self, client: _Client, request: ClientRequest) -> None:
        match request:
            case Login() | Resume():
                client.signing_in = True
                try:
                    await self._sign_in(client, request)
                finally:
                    client.signing_in = False
            case GuestJoin():
                await self.guests.join(client, request)
            case Ping(id=rid):
                self.hub.send(client.conn, Pong(id=rid, server_time=time.time()))
            case _ if client.person_id is None:
                self._error(client, request.id, ErrorCode.NOT_AUTHENTICATED, "sign in first")
            case _ if client.guest and not isinstance(request, GUEST_REQUESTS):
                self._error(client, request.id, ErrorCode.FORBIDDEN, GUEST_ONLY_MESSAGE)
            case GetVoiceConfig() | VoiceOffer() | VoiceIce() | VoiceStop():
                await self.voice.handle(client, client.person_id, request)
            case CreateInvite():
                await self.guests.create_invite(client, client.person_id, request)
            case Sync(id=rid):
                self.hub.send(client.conn, self.office.snapshot(client.person_id))
                self.hub.send(client.conn, Ok(id=rid))
            case Logout(id=rid):
                if client.token_hash is not None:
                    await self.store.revoke_session(client.token_hash)
                self.hub.send(client.conn, Ok(id=rid))
                client.signed_out = True
                await self._detach(client)
            case ListAudit(id=rid, limit=limit):
                person = self.office.state.people.get(client.person_id)
                if person is None or not person.role.at_least(Role.ADMIN):
                    self._error(
                        client, rid, ErrorCode.FORBIDDEN, "only administrators read the audit log"
                    )
                    return
                entries = await self.store.audit_entries(limit)
                # Recorded after the read: the reader sees the log as it was.
                await self.store.audit(time.time(), person.id, "audit.read", str(limit))
                self.hub.send(client.conn, AuditEntries(id=rid, entries=entries))
            case GetCaptionHistory():
                await self._caption_history(client, client.person_id, request)
            case _ if isinstance(request, SITE_QUERIES):
                try:
                    reply = await self.queries.answer(client.person_id, request)
                except OfficeError as exc:
                    self._error(client, request.id, exc.code, exc.message)
                    return
                self.hub.send(client.conn, reply)
            case _:
                await self._office_request(client, client.person_id, request)

    async def _office_request(self, client: _Client, actor: str, request: OfficeRequest) -> None:
        address = client.conn.remote_address
        work = OfficeWork(
            node=self.events.node_id,
            actor=actor,
            request=request,
            peer=str(address[0]) if address else None,  # verifies on-site check-ins
            session=client.token_hash,  # a retry of this request is answered, not redone
        )
        await self.events.submit(work, lambda reply: self._reply(client, request.id, reply))

    def _reply(self, client: _Client, rid: int, reply: Reply) -> None:
        if isinstance(reply, Error):
            self._error(client, rid, reply.code, reply.message)
        else:
            self.hub.send(client.conn, msgspec.structs.replace(reply, id=rid))

    async def _caption_history(
        self, client: _Client, actor: str, request: GetCaptionHistory
    ) -> None:
        state = self.office.state
        room = state.rooms.get(request.room_id)
        person = state.people.get(actor)
        if room is None or person is None:
            self._error(client, request.id, ErrorCode.NOT_FOUND, "there is no such room")
            return
        allowed = may_read_history(
            is_admin=person.role.at_least(Role.ADMIN),
            inside=state.room_of(actor) == room.id,
            policy=room.captions,
        )
        if not allowed:
            self._error(
                client,
                request.id,
                ErrorCode.FORBIDDEN,
                f"{room.name} does not allow saving its captions",
            )
            return
        lines = await self.store.caption_lines(room.id, request.since)
        self.hub.send(client.conn, CaptionHistory(id=request.id, room_id=room.id, lines=lines))

    # ------------------------------------------------------------ signing in

    async def _sign_in(self, client: _Client, request: Login | Resume) -> None:
        if client.person_id is not None:
            self._error(client, request.id, ErrorCode.CONFLICT, "already signed in")
            return
        if request.v != PROTOCOL_VERSION:
            self._error(
                client,
                request.id,
                ErrorCode.UNSUPPORTED_VERSION,
                f"this server speaks protocol {PROTOCOL_VERSION}, not {request.v}: update Yoriai",
            )
            return
        client.signing_in = True
        try:
            await self._sign_in_checked(client, request)
        finally:
            client.signing_in = False

    async def _sign_in_checked(self, client: _Client, request: Login | Resume) -> None:
        now = time.time()
        if isinstance(request, Login):
            person = await self._check_password(client, request)
            if person is None:
                return
            token = new_token()
            client.token_hash = token_hash(token)
            await self.store.add_session(client.token_hash, person.id, now, self.config.token_ttl_s)
            expires = now + self.config.token_ttl_s
        else:
            found = await self._check_token(client, request, now)
            if found is None:
                return
            person, expires = found
            token = request.token
        self.metrics.logins.labels("ok").inc()
        await self._attach(client, person, token, expires, request.id)

    async def _check_password(self, client: _Client, request: Login) -> Person | None:
        address = client.conn.remote_address
        peer = str(address[0]) if address else None
        now = time.time()
        wait = await self.lockout.locked_for(request.username, peer, now)
        if wait > 0:
            self.metrics.logins.labels("locked_out").inc()
            self._error(
                client,
                request.id,
                ErrorCode.LOCKED_OUT,
                f"too many failed sign-ins: try again in {say_seconds(wait)}",
            )
            return None
        creds = await self.store.credentials(request.username)
        ok = await verify_password_async(
            creds.password_hash if creds else None,
            request.password,
            wanted=lambda: client.conn.state is State.OPEN,
        )
        if creds is None or not ok:
            self.metrics.logins.labels("bad_credentials").inc()
            for key, seconds in await self.lockout.failed(request.username, peer, now):
                await self.store.audit(
                    now, key, "signin.lockout", f"locked for {say_seconds(seconds)}"
                )
                log.warning("sign-in lockout: %s for %s", key, say_seconds(seconds))
            self._error(
                client, request.id, ErrorCode.BAD_CREDENTIALS, "wrong user name or password"
            )
            return None
        await self.lockout.succeeded(request.username)
        if creds.disabled:
            self.metrics.logins.labels("disabled").inc()
            self._error(client, request.id, ErrorCode.ACCOUNT_DISABLED, "this account is disabled")
            return None
        if needs_rehash(creds.password_hash):
            await self.store.set_password(
                creds.person.id, await hash_password_async(request.password)
            )
        return creds.person

    async def _check_token(
        self, client: _Client, request: Resume, now: float
    ) -> tuple[Person, float] | None:
        session = await self.store.session(token_hash(request.token))
        if session is None:
            self.metrics.logins.labels("bad_token").inc()
            self._error(
                client,
                request.id,
                ErrorCode.NOT_AUTHENTICATED,
                "this session has ended: sign in again",
            )
            return None
        person_id, expires = session
        if expires < now:
            await self.store.revoke_session(token_hash(request.token))
            self._error(
                client, request.id, ErrorCode.TOKEN_EXPIRED, "the session expired: sign in again"
            )
            return None
        creds = await self.store.credentials(person_id)
        if creds is None or creds.disabled:
            self._error(client, request.id, ErrorCode.ACCOUNT_DISABLED, "this account is disabled")
            return None
        client.token_hash = token_hash(request.token)
        return creds.person, expires

    async def _attach(
        self, client: _Client, person: Person, token: str, expires: float, rid: int
    ) -> None:
        welcome = Welcome(
            id=rid, protocol=PROTOCOL_VERSION, person_id=person.id, token=token, expires_at=expires
        )

        def attached(reply: Reply) -> None:
            # Runs in order with the office's events: the snapshot is exactly the state
            # the events that follow build on.
            self._arriving[person.id] -= 1
            if isinstance(reply, Error):
                self._error(client, rid, reply.code, reply.message)
                return
            if client.gone:
                return  # closed while signing in: _detach below reports it
            client.person_id = person.id
            self.hub.add(person.id, client.conn)
            self.hub.send(client.conn, welcome)
            self.hub.send(client.conn, self.office.snapshot(person.id))

        self._arriving[person.id] = self._arriving.get(person.id, 0) + 1
        work = ConnectWork(
            node=self.events.node_id, person=person, version=self.events.next_version()
        )
        reply = await self.events.submit(work, attached)
        if client.gone or isinstance(reply, Error):
            await self._report_gone(person.id, signed_out=False)

    async def _detach(self, client: _Client) -> None:
        pid = client.person_id
        if pid is None:
            return
        client.person_id = None
        self.hub.remove(pid, client.conn)
        if client.guest:
            await self._guest_gone(pid)
            return
        await self._report_gone(pid, signed_out=client.signed_out)

    async def _guest_gone(self, pid: str) -> None:
        """A guest has no account to come back to: gone is gone."""
        self.guests.forget(pid)

        async def step() -> Done:
            done = Done()
            if pid in self.office.state.people:
                done.deliveries = self.office.commit(self.office.remove_person(pid, time.time()))
            return done

        await self.events.on_leader(step)

    async def _report_gone(self, pid: str, *, signed_out: bool) -> None:
        """Tell the office when a person's last connection on this node is gone."""
        if self.hub.connections_of(pid) or self._arriving.get(pid, 0) > 0:
            return
        self._arriving.pop(pid, None)
        work = DisconnectWork(
            node=self.events.node_id,
            person_id=pid,
            version=self.events.next_version(),
            signed_out=signed_out,
        )
        await self.events.submit(work)

    # ------------------------------------------------------------ background

    async def _ticker(self) -> None:
        limits = self.config.limits
        while True:
            await asyncio.sleep(self.config.tick_s)
            if self.events.leading:
                await self.events.on_leader(lambda: self.leader.tick(self.clock()))
            for conn in self.hub.connections:
                transport = conn.transport
                if transport is not None and (
                    transport.get_write_buffer_size() > limits.max_backlog_bytes
                ):
                    log.warning("closing a connection that does not read")
                    transport.abort()

    async def _purge_captions(self) -> None:
        """Delete kept captions once their room's retention period is over."""
        while True:
            if not self.events.leading:
                await asyncio.sleep(self.config.caption_purge_s)
                continue
            rooms = list(self.office.state.rooms.values())
            plan = purge_plan(((r.id, r.captions) for r in rooms), time.time())
            try:
                purged = await self.store.purge_captions(plan)
            except StorageError as exc:
                log.warning("cannot purge old captions: %s", exc)
            else:
                if purged:
                    log.info("purged %d captions past their retention period", purged)
            await asyncio.sleep(self.config.caption_purge_s)

    async def _watch_directory(self) -> None:
        """Pick up what the admin CLI changed in the database while we run."""
        while True:
            await asyncio.sleep(self.config.directory_poll_s)
            if not self.events.leading:
                self._data_version = -1  # read it afresh on taking the lead
                continue
            try:
                version = await self.store.data_version()
                if version == self._data_version:
                    continue
                people = await self.store.people()
                rooms = await self.store.rooms()
                sites = await self.store.sites()
            except StorageError as exc:
                log.warning("cannot read the directory: %s", exc)
                continue
            # Guests are not in the directory; they stay until they leave.
            people += [p for p in self.office.state.people.values() if p.role is Role.GUEST]
            if await self.events.on_leader(self._directory_step(people, rooms, sites)):
                self._data_version = version

    def _directory_step(
        self, people: list[Person], rooms: list[Room], sites: list[Site]
    ) -> Callable[[], Awaitable[Done]]:
        async def step() -> Done:
            return self.leader.sync_directory(people, rooms, sites, time.time())

        return step

    async def _purge_daily(self) -> None:
        while True:
            await asyncio.sleep(self.config.purge_interval_s)
            if not self.events.leading:
                continue
            try:
                await self.purge()
            except StorageError as exc:
                log.warning("cannot purge old history: %s", exc)


def _json(status: http.HTTPStatus, body: object) -> Response:
    return Response(
        status.value,
        status.phrase,
        Headers([("Content-Type", "application/json")]),
        json.dumps(body).encode(),
    )


async def run(config: ServerConfig) -> None:
    server = await YoriaiServer.open(config)
    try:
        await server.start()
        await server.serve_forever()
    finally:
        await server.close()
