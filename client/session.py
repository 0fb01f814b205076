"""The headless session: connect, sign in, mirror the office, reconnect, resume.

No Qt here: tests, bots, benchmarks and the desktop app all drive this same class.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
import secrets
import ssl
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from rooms.captions import CaptionLine
from rooms.checkin import HalfDay
from rooms.errors import ErrorCode
from rooms.mirror import Mirror
from rooms.presence import Availability, Location
from rooms.protocol import (
    PROTOCOL_VERSION,
    AnswerKnock,
    AnswerTap,
    AuditEntries,
    AuditEntry,
    BoardReply,
    CaptionHistory,
    CreateInvite,
    CreateRoom,
    DeleteRoom,
    EndCheckIn,
    Error,
    Event,
    FeedReply,
    GetCaptionHistory,
    HistoryFile,
    HistoryReply,
    InviteCreated,
    JoinRoom,
    KnockOn,
    LeaveRoom,
    ListAudit,
    LockRoom,
    Login,
    Logout,
    Ok,
    Ping,
    Pong,
    PresenceChanged,
    PrivacyReply,
    ReportReply,
    Request,
    Resume,
    RollCallStatus,
    RoomSpec,
    RosterReply,
    SendCaption,
    SendChat,
    ServerMessage,
    SetLanguage,
    SetPresence,
    SetRoomCaptions,
    Snapshot,
    StartCheckIn,
    Sync,
    TapPerson,
    VoiceAnswer,
    VoiceConfig,
    Welcome,
    decode_server,
    encode,
)

log = logging.getLogger("yoriai.session")

MAX_SERVER_FRAME = 32 * 1024 * 1024  # snapshots of a large office are big
# Refusals that retrying cannot fix. NOT_AUTHENTICATED here means a saved token was
# refused and there is no password to fall back on.
_AUTH_FAILURES = frozenset(
    {
        ErrorCode.BAD_CREDENTIALS,
        ErrorCode.ACCOUNT_DISABLED,
        ErrorCode.UNSUPPORTED_VERSION,
        ErrorCode.LOCKED_OUT,
        ErrorCode.NOT_AUTHENTICATED,
        ErrorCode.TOKEN_EXPIRED,
    }
)

R = TypeVar("R")


class Status(enum.StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    ONLINE = "online"
    RECONNECTING = "reconnecting"
    SIGNED_OUT = "signed-out"
    FAILED = "failed"  # the server refused us for good (bad password, disabled, too old)


class SessionError(Exception):
    """A request or sign-in the server refused, or that could not be sent."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class NotSent(SessionError):
    """The request never left: nothing happened on the server."""

    def __init__(self, message: str = "not sent: the connection dropped") -> None:
        super().__init__("not_sent", message)


class Unconfirmed(SessionError):
    """The request was sent, but the session ended before the server answered: it may
    or may not have been done. (While the session lives, it is sent again after a
    reconnect with the same id, and the server answers a repeat without redoing it.)"""

    def __init__(self, message: str = "sent, but the session ended before the reply") -> None:
        super().__init__("unconfirmed", message)


Listener = Callable[[ServerMessage], None]
StatusListener = Callable[[Status], None]


class Session:
    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        reconnect: bool = True,
        backoff: tuple[float, float] = (0.25, 10.0),
        request_timeout: float = 15.0,
        keepalive: tuple[float, float] = (20.0, 20.0),
    ) -> None:
        """`keepalive` is (ping interval, ping timeout): how soon a silent link is noticed
        as dead and the session reconnects. Shorten it on links that drop often."""
        self.url = url
        self.username = username
        self._password = password
        self.token = token
        self._ssl = ssl_context
        self._reconnect = reconnect
        self._backoff = backoff
        self._request_timeout = request_timeout
        self._keepalive = keepalive
        self.mirror = Mirror()
        self.status = Status.DISCONNECTED
        self.person_id: str | None = None
        self.last_error: SessionError | None = None
        self._ws: ClientConnection | None = None
        # Request ids start at a random point: the server recognises a retried request
        # by its session and id, and a new Session may resume an older one's token.
        self._ids = secrets.randbelow(1 << 40) << 10
        self._pending: dict[int, tuple[Request, asyncio.Future[ServerMessage]]] = {}
        self._listeners: list[Listener] = []
        self._status_listeners: list[StatusListener] = []
        self._changed = asyncio.Condition()
        self._runner: asyncio.Task[None] | None = None
        self._waiters = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._online = asyncio.Event()
        # Completed when the current connection drops: requests in flight are resent.
        self._link: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Called after every reconnect, once the room is back (voice re-establishes here).
        self._resumed_hooks: list[Callable[[], Coroutine[Any, Any, None]]] = []
        # Set once the first sign-in frame is on its way: a UI can build its window while
        # the server checks the password and prepares the snapshot.
        self.sign_in_sent = asyncio.Event()
        self._first = asyncio.get_running_loop().create_future()
        self._closing = False
        # What this person chose, restored after a reconnect if the server lost it.
        self._wanted_room: str | None = None
        self._wanted_presence: dict[str, Any] = {}

    # ------------------------------------------------------------ listening

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add_status_listener(self, listener: StatusListener) -> None:
        self._status_listeners.append(listener)

    def remove_listener(self, listener: Listener | StatusListener) -> None:
        for listeners in (self._listeners, self._status_listeners):
            with contextlib.suppress(ValueError):
                listeners.remove(listener)  # type: ignore[arg-type]

    @property
    def state(self) -> Any:
        return self.mirror.state

    @property
    def my_room(self) -> str | None:
        return None if self.person_id is None else self.state.room_of(self.person_id)

    async def wait_until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until the predicate holds; checked after every message and status change."""
        if predicate():
            return
        self._waiters += 1
        try:
            async with asyncio.timeout(within), self._changed:
                await self._changed.wait_for(predicate)
        finally:
            self._waiters -= 1

    # ------------------------------------------------------------ lifecycle

    async def connect(self) -> None:
        """Connect and sign in. Returns once the first snapshot is loaded."""
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name=f"session-{self.username}")
        try:
            await asyncio.shield(self._first)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        self._closing = True
        runner, self._runner = self._runner, None
        if self._ws is not None:
            await self._ws.close()
        if runner is not None:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        self._fail_pending(NotSent("the session was closed"))
        self._settle_first(NotSent("the session was closed"))
        if not self._first.cancelled() and self._first.done():
            self._first.exception()  # read, so asyncio does not log it as never retrieved
        if self.status not in (Status.SIGNED_OUT, Status.FAILED):
            self._set_status(Status.DISCONNECTED)

    async def logout(self) -> None:
        """Sign out: the server forgets the token, and others see us go offline."""
        self._reconnect = False
        with contextlib.suppress(SessionError):
            await self._request(Logout(id=self._next_id()))
        self.token = None
        self._set_status(Status.SIGNED_OUT)
        await self.close()

    async def _run(self) -> None:
        delay = self._backoff[0]
        attempt_failed_before = False
        while not self._closing:
            self._set_status(Status.RECONNECTING if attempt_failed_before else Status.CONNECTING)
            try:
                async with connect(
                    self.url,
                    ssl=self._ssl,
                    max_size=MAX_SERVER_FRAME,
                    compression=None,
                    proxy=None,
                    open_timeout=10,
                    ping_interval=self._keepalive[0],
                    ping_timeout=self._keepalive[1],
                    # A dead link will not carry the closing handshake either.
                    close_timeout=min(10.0, self._keepalive[1]),
                ) as ws:
                    self._ws = ws
                    await self._sign_in(ws)
                    delay = self._backoff[0]
                    await self._read(ws)
            except SessionError as exc:
                self.last_error = exc
                if exc.code in _AUTH_FAILURES or not self._reconnect:
                    self._set_status(Status.FAILED)
                    self._settle_first(exc)
                    return
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError) as exc:
                self.last_error = SessionError("disconnected", str(exc) or type(exc).__name__)
                log.debug("connection to %s lost: %s", self.url, exc)
            except InvalidURI as exc:
                self._set_status(Status.FAILED)
                self._settle_first(SessionError("invalid", str(exc)))
                return
            finally:
                self._ws = None
                self._online.clear()
                if not self._link.done():
                    self._link.set_result(None)
            if self._closing or not self._reconnect:
                if not self._closing:
                    self._set_status(Status.DISCONNECTED)
                self._settle_first(self.last_error or NotSent("could not connect"))
                return
            attempt_failed_before = True
            self._set_status(Status.RECONNECTING)
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not crypto)
            delay = min(delay * 2, self._backoff[1])

    async def _sign_in(self, ws: ClientConnection) -> None:
        rid = self._next_id()
        first: Request
        if self.token is not None:
            first = Resume(id=rid, v=PROTOCOL_VERSION, token=self.token)
        elif self.username is not None and self._password is not None:
            first = Login(
                id=rid, v=PROTOCOL_VERSION, username=self.username, password=self._password
            )
        else:
            raise SessionError(
                ErrorCode.BAD_CREDENTIALS, "no token and no password to sign in with"
            )
        await ws.send(encode(first).decode())
        self.sign_in_sent.set()
        welcome = await self._await_welcome(ws, rid)
        if welcome is None and isinstance(first, Resume) and self._password is not None:
            # The token was revoked or expired: fall back to the password once.
            self.token = None
            await self._sign_in(ws)
            return
        if welcome is None:
            raise SessionError(ErrorCode.NOT_AUTHENTICATED, "the session ended: sign in again")
        self.token = welcome.token
        self.person_id = welcome.person_id

    async def _await_welcome(self, ws: ClientConnection, rid: int) -> Welcome | None:
        snapshot_seen = False
        welcome: Welcome | None = None
        while not snapshot_seen:
            message = decode_server(await ws.recv())
            if isinstance(message, Error) and message.id == rid:
                if message.code in (ErrorCode.NOT_AUTHENTICATED, ErrorCode.TOKEN_EXPIRED):
                    return None
                raise SessionError(message.code, message.message)
            if isinstance(message, Welcome):
                welcome = message
            elif isinstance(message, Snapshot):
                snapshot_seen = True
                await self._dispatch(message)
        return welcome

    async def _read(self, ws: ClientConnection) -> None:
        if self._link.done():
            self._link = asyncio.get_running_loop().create_future()
        resumed = self._first.done()
        self._set_status(Status.ONLINE)
        self._online.set()
        self._settle_first(None)
        await self._restore()
        if resumed:
            for hook in list(self._resumed_hooks):
                self._spawn(hook())
        async for frame in ws:
            await self._dispatch(decode_server(frame))

    async def _restore(self) -> None:
        """After a reconnect, put back the room and status the server no longer has."""
        if self.person_id is None:
            return
        mine = self.state.presence_of(self.person_id)
        # A request in flight carries a newer wish than what we would restore.
        in_flight = {type(r) for r, _ in self._pending.values()}
        changes = {k: v for k, v in self._wanted_presence.items() if getattr(mine, k) != v}
        if changes and SetPresence not in in_flight:
            self._spawn(self._quiet(SetPresence(id=self._next_id(), **changes)))
        moving = in_flight & {JoinRoom, LeaveRoom}
        if self._wanted_room is not None and mine.room_id != self._wanted_room and not moving:
            self._spawn(self._quiet(JoinRoom(id=self._next_id(), room_id=self._wanted_room)))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _quiet(self, request: Request) -> None:
        try:
            await self._request(request)
        except SessionError as exc:
            log.info("could not restore after reconnect: %s", exc)
            if isinstance(request, JoinRoom):
                self._wanted_room = None

    async def _dispatch(self, message: ServerMessage) -> None:
        match message:
            case Snapshot():
                self.mirror.load(message)
                if self.status is Status.ONLINE:
                    # A fresh office mid-session (a resync, or many servers after a
                    # leader change): put back what we chose if it was lost.
                    await self._restore()
            case Welcome() | Ok() | Error() | Pong() | AuditEntries() | CaptionHistory():
                self._reply(message)
            case (
                BoardReply()
                | RosterReply()
                | HistoryReply()
                | ReportReply()
                | FeedReply()
                | PrivacyReply()
                | HistoryFile()
                | RollCallStatus()
                | VoiceConfig()
                | VoiceAnswer()
                | InviteCreated()
            ):
                self._reply(message)
            case _:
                if not self.mirror.receive(message) and self._ws is not None:
                    self._spawn(self._quiet(Sync(id=self._next_id())))
                self._track_room(message)
        for listener in list(self._listeners):
            try:
                listener(message)
            except Exception:
                log.exception("session listener failed")
        await self._notify()

    def _reply(self, message: ServerMessage) -> None:
        rid = getattr(message, "id", None)
        found = self._pending.pop(rid, None) if rid is not None else None
        future = found[1] if found is not None else None
        if future is not None and not future.done():
            future.set_result(message)
        elif isinstance(message, Error):
            self.last_error = SessionError(message.code, message.message)

    def _track_room(self, event: Event) -> None:
        # Moves the server made for us (an admitted knock, an accepted tap) are wanted too.
        if isinstance(event, PresenceChanged) and event.person_id == self.person_id:
            self._wanted_room = self.state.room_of(self.person_id)

    def _set_status(self, status: Status) -> None:
        if status == self.status:
            return
        self.status = status
        for listener in list(self._status_listeners):
            try:
                listener(status)
            except Exception:
                log.exception("status listener failed")
        self._spawn(self._notify())

    async def _notify(self) -> None:
        # Most messages have nobody waiting: skip the lock (it is per message, per client).
        if not self._waiters:
            return
        async with self._changed:
            self._changed.notify_all()

    def _settle_first(self, error: BaseException | None) -> None:
        if self._first.done():
            return
        if error is None:
            self._first.set_result(None)
        else:
            self._first.set_exception(error)

    def _fail_pending(self, error: SessionError) -> None:
        pending, self._pending = self._pending, {}
        for _request, future in pending.values():
            if not future.done():
                future.set_exception(error)

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    # ------------------------------------------------------------ requests

    async def _request(self, request: Request) -> ServerMessage:
        """Send a request and wait for its reply, across reconnects.

        While the link is down the request waits (up to the request timeout) and goes
        out once the session is back. If the link drops after it was sent, it is sent
        again with the same id after the reconnect: the server answers a repeat without
        doing it twice. Never lost in silence: if no reply comes in time, NotSent says it
        never left, Unconfirmed that it left but was not answered.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._request_timeout
        future: asyncio.Future[ServerMessage] = loop.create_future()
        self._pending[request.id] = (request, future)
        sent = False
        frame = encode(request).decode()
        try:
            while True:
                if self.status in (Status.SIGNED_OUT, Status.FAILED, Status.DISCONNECTED):
                    if self._closing or self.status is not Status.DISCONNECTED or sent:
                        raise (
                            Unconfirmed()
                            if sent
                            else NotSent(f"not sent: the session is {self.status.value}")
                        )
                    raise NotSent(f"not sent: the session is {self.status.value}")
                if future.done():
                    break  # the session ended and failed what was pending
                ws = self._ws
                if ws is None or self.status is not Status.ONLINE:
                    if not await self._wait_online(deadline, future):
                        if future.done():
                            break  # failed by close(): reported below
                        if sent:
                            raise Unconfirmed("no reply: the connection is still down") from None
                        raise NotSent("not sent: the connection is still down")
                    continue
                link = self._link
                try:
                    await ws.send(frame)
                    sent = True
                except ConnectionClosed:
                    await asyncio.sleep(0)
                    continue
                remaining = deadline - loop.time()
                waiting: set[asyncio.Future[Any]] = {future, link}
                finished, _ = await asyncio.wait(
                    waiting, timeout=max(0.0, remaining), return_when=asyncio.FIRST_COMPLETED
                )
                if future in finished:
                    answer = future.result() if future.exception() is None else None
                    retry = (
                        isinstance(answer, Error)
                        and answer.code == ErrorCode.SERVICE_UNAVAILABLE
                        and deadline - loop.time() > 0.5
                    )
                    if not retry:
                        break
                    # The office is changing hands: ask again, same id, shortly.
                    future = loop.create_future()
                    self._pending[request.id] = (request, future)
                    await asyncio.sleep(0.25)
                    continue
                if link in finished:
                    continue  # dropped: send again once we are back
                raise SessionError("timeout", "the server did not answer in time")
        finally:
            self._pending.pop(request.id, None)
        failure = future.exception()
        if failure is not None:
            if sent and isinstance(failure, NotSent):
                raise Unconfirmed() from failure
            raise failure
        reply = future.result()
        if isinstance(reply, Error):
            raise SessionError(reply.code, reply.message)
        return reply

    async def _wait_online(self, deadline: float, future: asyncio.Future[ServerMessage]) -> bool:
        """Wait for the link to come back (True), or the deadline or the end (False)."""
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            return False
        online = asyncio.ensure_future(self._online.wait())
        try:
            waiting: set[asyncio.Future[Any]] = {online, future}
            await asyncio.wait(waiting, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        finally:
            online.cancel()
        return self._online.is_set() and not future.done()

    def on_resumed(self, hook: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run `hook` after each reconnect, once room and status are restored: voice
        sessions re-establish their audio here (issue 4)."""
        self._resumed_hooks.append(hook)

    async def request(self, request: Request) -> ServerMessage:
        """Send a request and wait for its reply; raises SessionError when refused."""
        return await self._request(request)

    def next_id(self) -> int:
        """A fresh request id, for building requests outside this class."""
        return self._next_id()

    async def _ok(self, request: Request) -> str | None:
        reply = await self._request(request)
        assert isinstance(reply, Ok), reply
        return reply.ref

    async def ping(self) -> float:
        reply = await self._request(Ping(id=self._next_id()))
        assert isinstance(reply, Pong)
        return reply.server_time

    async def sync(self) -> None:
        await self._ok(Sync(id=self._next_id()))

    async def set_presence(
        self,
        *,
        availability: Availability | None = None,
        status_text: str | None = None,
        location: Location | msgspec.UnsetType | None = msgspec.UNSET,
    ) -> None:
        fields: dict[str, Any] = {}
        if availability is not None:
            fields["availability"] = availability
        if status_text is not None:
            fields["status_text"] = status_text
        if not isinstance(location, msgspec.UnsetType):
            fields["location"] = location
        await self._ok(SetPresence(id=self._next_id(), **fields))
        self._wanted_presence.update(fields)

    async def join(self, room_id: str) -> None:
        await self._ok(JoinRoom(id=self._next_id(), room_id=room_id))
        self._wanted_room = room_id

    async def leave(self) -> None:
        await self._ok(LeaveRoom(id=self._next_id()))
        self._wanted_room = None

    async def lock(self, room_id: str, locked: bool = True) -> None:
        await self._ok(LockRoom(id=self._next_id(), room_id=room_id, locked=locked))

    async def knock(self, room_id: str, message: str = "") -> str:
        ref = await self._ok(KnockOn(id=self._next_id(), room_id=room_id, message=message))
        assert ref is not None
        return ref

    async def answer_knock(self, knock_id: str, admit: bool) -> None:
        await self._ok(AnswerKnock(id=self._next_id(), knock_id=knock_id, admit=admit))

    async def tap(self, person_id: str, message: str = "") -> str:
        ref = await self._ok(TapPerson(id=self._next_id(), person_id=person_id, message=message))
        assert ref is not None
        return ref

    async def answer_tap(self, tap_id: str, accept: bool) -> None:
        await self._ok(AnswerTap(id=self._next_id(), tap_id=tap_id, accept=accept))

    async def chat(self, text: str) -> None:
        await self._ok(SendChat(id=self._next_id(), text=text))

    async def set_language(self, language: str) -> None:
        """Set my preferred language (a canonical tag: normalise it first)."""
        await self._ok(SetLanguage(id=self._next_id(), language=language))

    async def check_in(
        self,
        location: Location,
        *,
        half_day: HalfDay | None = None,
        plan: str = "",
        seat: str | None = None,
    ) -> str:
        ref = await self._ok(
            StartCheckIn(
                id=self._next_id(), location=location, half_day=half_day, plan=plan, seat=seat
            )
        )
        assert ref is not None
        return ref

    async def check_out(self, report: str = "") -> None:
        await self._ok(EndCheckIn(id=self._next_id(), report=report))

    async def create_room(self, room: RoomSpec) -> None:
        await self._ok(CreateRoom(id=self._next_id(), room=room))

    async def delete_room(self, room_id: str) -> None:
        await self._ok(DeleteRoom(id=self._next_id(), room_id=room_id))

    async def audit(self, limit: int = 100) -> list[AuditEntry]:
        reply = await self._request(ListAudit(id=self._next_id(), limit=limit))
        assert isinstance(reply, AuditEntries)
        return reply.entries

    async def set_room_captions(self, room_id: str, on: bool = True) -> None:
        await self._ok(SetRoomCaptions(id=self._next_id(), room_id=room_id, on=on))

    async def send_caption(
        self,
        *,
        utterance: str,
        final: bool,
        text: str,
        language: str,
        start: float,
        end: float,
    ) -> None:
        """Send a caption of our own speech to the room we are in."""
        await self._ok(
            SendCaption(
                id=self._next_id(),
                utterance=utterance,
                final=final,
                text=text,
                language=language,
                start=start,
                end=end,
            )
        )

    async def caption_history(self, room_id: str, since: float = 0.0) -> list[CaptionLine]:
        reply = await self._request(
            GetCaptionHistory(id=self._next_id(), room_id=room_id, since=since)
        )
        assert isinstance(reply, CaptionHistory)
        return reply.lines

    async def invite(self, room_id: str, ttl_s: float = 3600.0) -> InviteCreated:
        """An invitation link for a guest from a browser, into one room."""
        reply = await self._request(CreateInvite(id=self._next_id(), room_id=room_id, ttl_s=ttl_s))
        assert isinstance(reply, InviteCreated)
        return reply

    async def send_raw(self, frame: str | bytes) -> None:
        """Send a frame as it is (for tests of the server's defences)."""
        if self._ws is None:
            raise NotSent()
        await self._ws.send(frame)


async def _main(url: str, username: str, password: str) -> None:
    """Sign in and print the office and what happens in it, until Ctrl+C."""
    session = Session(url, username=username, password=password)
    await session.connect()
    st = session.state
    print(f"signed in as {session.person_id}; {len(st.people)} people, {len(st.rooms)} rooms")
    for room in st.rooms.values():
        names = ", ".join(st.people[p].display_name for p in sorted(st.occupants_of(room.id)))
        lock = " (locked)" if room.locked else ""
        print(f"  {room.name}{lock} {len(st.occupants_of(room.id))}/{room.capacity} {names}")
    session.add_listener(lambda m: print(type(m).__name__, encode(m).decode()))
    session.add_status_listener(lambda s: print("status:", s.value))
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 4:
        print("usage: python -m client.session URL USERNAME PASSWORD", file=sys.stderr)
        raise SystemExit(2)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(*sys.argv[1:4]))
