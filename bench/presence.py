"""Presence fan-out and login-surge benchmark.

    python bench/presence.py --clients 2000

Starts the real presence server (`python -m server.cli serve`) on 127.0.0.1 with a
temporary database holding N + 1 + SURGE people, then measures:

1. **Login surge** (`surge_s`, `surge_failures`): SURGE fresh `Session`s sign in with a
   password, all started together; wall time until every one has its snapshot.
   By default this runs on an office where nobody else is online; `--surge-online`
   runs it after the latency rounds, with the N clients still connected.
2. **Presence fan-out** (`p50_ms`, `p99_ms`): N signed-in `Session`s (resumed from
   tokens minted in the database beforehand, so that setting up 2000 of them does not
   cost 2000 argon2 checks) watch one more session change its status text. Each round
   runs from just before `set_presence` is sent until the `presence` event has gone
   through every client's `Session` (decoded, applied to its mirror, listeners called);
   p50/p99 are over the per-round time until *all* N have it.
3. **Raw baseline** (`raw_p50_ms`, `raw_p99_ms`): a minimal `websockets` server in its
   own process (same `serve` settings as ours: compression=None, same ping and size
   limits) that `broadcast`s every frame it receives to all its connections, and N raw
   client connections in the same client process(es). Each round runs from just before a
   trigger connection sends a text frame of the same byte size as our presence event
   until all N raw clients have received the broadcast, so both sides pay one
   client->server hop and one fan-out. `ratio_p99 = p99_ms / raw_p99_ms`.
   Both servers and all 2N connections are up together, and the rounds alternate
   between the two (which one goes first alternates too), so that both see the same
   background load when other work shares the machine.

The clients run in `--workers` worker processes (default 2: at N=2000 one process needs
about a core's worth of CPU per round just to read 2000 frames, so a single client loop
measures itself), or with `--workers 0` in this process's loop; the raw baseline always
uses the same arrangement. Times are taken with `time.monotonic()` (CLOCK_MONOTONIC,
system-wide on Linux), so they compare across processes.

The server, the clients and anything else running share the machine's cores: the CPU
lines (and the `*_cpu_ms_per_round` keys) show how much went to the server, to our
clients and to other processes, so a run disturbed by other work can be told apart.
Human-readable figures come first; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import functools
import gc
import json
import multiprocessing
import multiprocessing.connection
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Final

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

# Run as `python bench/presence.py`, this folder comes first on sys.path, where a script
# such as bench/rooms.py would shadow the `rooms` package: put the project root there.
ROOT: Final = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [
    p for p in sys.path if Path(p or ".").resolve() not in (ROOT, Path(__file__).parent.resolve())
]

from client.session import Session, SessionError, Status  # noqa: E402
from rooms.people import Person  # noqa: E402
from rooms.protocol import MAX_FRAME_BYTES, PresenceChanged, ServerMessage, encode  # noqa: E402
from server.passwords import hash_password  # noqa: E402
from server.storage import Store  # noqa: E402
from server.tokens import new_token, token_hash  # noqa: E402

PASSWORD: Final = "bench-password-1"
HOST: Final = "127.0.0.1"
MARK_LEN: Final = 6  # round markers look like "r00042" (and "w00001" for warm-up rounds)
WARMUP_ROUNDS: Final = 3  # not counted
TOKEN_TTL_S: Final = 24 * 3600.0


def _marker(round_no: int) -> str:
    return f"r{round_no:05d}"


# ---------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated linearly between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 2)


# ---------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> tuple[float, float]:
    """CPU seconds all cores spent busy, and stolen by the hypervisor, since boot."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return float("nan"), float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks
    hz = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / hz, steal / hz


class CpuMeter:
    """CPU used by the server, by our client processes, and by everything else."""

    def __init__(self, server: Callable[[], float], client_pids: Sequence[int]) -> None:
        self._server = server
        self._pids = sorted({*client_pids, os.getpid()})
        self._start = self._read()

    def _read(self) -> tuple[float, float, float, float]:
        busy, steal = _machine_busy()
        return self._server(), sum(_cpu_seconds(p) for p in self._pids), busy, steal

    def stop(self) -> dict[str, float]:
        end = self._read()
        server, clients, busy, steal = (b - a for a, b in zip(self._start, end, strict=True))
        return {
            "server": server,
            "clients": clients,
            "others": max(0.0, busy - server - clients),
            "steal": steal,
        }


def _raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft != resource.RLIM_INFINITY and soft < needed:
        print(f"warning: RLIMIT_NOFILE is {soft}, below the {needed} this run needs")


async def _wait_healthy(url: str, proc_alive: Callable[[], bool], within: float) -> dict[str, Any]:
    deadline = time.monotonic() + within

    def get() -> dict[str, Any]:
        with urllib.request.urlopen(url, timeout=2) as resp:
            body: dict[str, Any] = json.loads(resp.read())
            return body

    while True:
        if not proc_alive():
            raise RuntimeError(f"the server exited before {url} answered")
        try:
            return await asyncio.to_thread(get)
        except (OSError, urllib.error.URLError, ValueError):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {within} s") from None
            await asyncio.sleep(0.1)


@dataclass
class YoriaiProcess:
    """The real server, as `yoriai-server serve` runs it, in a subprocess."""

    db: Path
    log_path: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self.port}"

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: ASYNC220 (returns at once)
                [
                    sys.executable,
                    "-m",
                    "server.cli",
                    "--db",
                    str(self.db),
                    "serve",
                    "--host",
                    HOST,
                    "--port",
                    str(self.port),
                    "--log-level",
                    "WARNING",
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        await _wait_healthy(self.health_url, lambda: self.alive, within=30)

    @property
    def health_url(self) -> str:
        return f"http://{HOST}:{self.port}/healthz"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    async def health(self) -> dict[str, Any]:
        return await _wait_healthy(self.health_url, lambda: self.alive, within=10)

    def cpu(self) -> float:
        return _cpu_seconds(self.proc.pid) if self.proc is not None else float("nan")

    async def metric(self, sample: str) -> float:
        """One sample from /metrics, such as `yoriai_logins_total{result="ok"}` (0 if absent)."""

        def get() -> float:
            url = f"http://{HOST}:{self.port}/metrics"
            with urllib.request.urlopen(url, timeout=5) as resp:
                for line in resp.read().decode().splitlines():
                    name, _, value = line.rpartition(" ")
                    if name == sample:
                        return float(value)
            return 0.0

        try:
            return await asyncio.to_thread(get)
        except (OSError, ValueError):
            return float("nan")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# ---------------------------------------------------------------- the raw baseline server


def _raw_server_main(port: int) -> None:
    """A minimal websockets server that broadcasts every frame it gets to everyone."""
    asyncio.run(_raw_server(port))


async def _raw_server(port: int) -> None:
    everyone: set[ServerConnection] = set()

    async def handler(conn: ServerConnection) -> None:
        everyone.add(conn)
        try:
            async for message in conn:
                broadcast(everyone, message)
        finally:
            everyone.discard(conn)

    def healthz(conn: ServerConnection, request: Request) -> Response | None:
        if request.path == "/healthz":
            body = json.dumps({"status": "ok", "connections": len(everyone)}).encode()
            return Response(200, "OK", Headers([("Content-Type", "application/json")]), body)
        return None

    async with serve(
        handler,
        HOST,
        port,
        process_request=healthz,
        max_size=MAX_FRAME_BYTES,
        compression=None,
        ping_interval=20,
        ping_timeout=20,
    ) as server:
        await server.serve_forever()


@dataclass
class RawProcess:
    port: int = field(default_factory=_free_port)
    proc: BaseProcess | None = None

    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self.port}"

    async def start(self) -> None:
        self.proc = multiprocessing.get_context("spawn").Process(
            target=_raw_server_main, args=(self.port,), name="raw-server", daemon=True
        )
        self.proc.start()
        await _wait_healthy(f"http://{HOST}:{self.port}/healthz", lambda: self.alive, within=30)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.is_alive()

    def cpu(self) -> float:
        pid = self.proc.pid if self.proc is not None else None
        return _cpu_seconds(pid) if pid is not None else float("nan")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(5)
            if self.proc.is_alive():
                self.proc.kill()
                self.proc.join(5)
        self.proc = None


# ---------------------------------------------------------------- clients


class Arrivals:
    """When each client first saw each round's marker; wakes the waiter once all have."""

    def __init__(self) -> None:
        self.size = 0
        self._seen: dict[str, dict[int, float]] = {}
        self._done: dict[str, asyncio.Future[None]] = {}

    def record(self, marker: str, index: int) -> None:
        now = time.monotonic()
        seen = self._seen.get(marker)
        if seen is None:
            seen = self._seen[marker] = {}
        if index in seen:
            return
        seen[index] = now
        if len(seen) >= self.size:
            done = self._done.get(marker)
            if done is not None and not done.done():
                done.set_result(None)

    async def wait(self, marker: str, within: float) -> list[float | None]:
        seen = self._seen.setdefault(marker, {})
        if len(seen) < self.size:
            done = self._done[marker] = asyncio.get_running_loop().create_future()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(within):
                    await done
        self._done.pop(marker, None)
        seen = self._seen.pop(marker, {})
        return [seen.get(i) for i in range(self.size)]


# (started, ended, completion time of each login that succeeded, failures, why logins
# reconnected), all times monotonic; a plain tuple, to cross the pipe from a worker.
SurgeResult = tuple[float, float, list[float], list[str], list[str]]


class ClientGroup:
    """Clients of one process: observer sessions, raw connections, surge sessions."""

    def __init__(self) -> None:
        self.arrivals = Arrivals()  # of the changer's presence events, at our sessions
        self.raw_arrivals = Arrivals()  # of the baseline's broadcasts, at raw connections
        self.sessions: list[Session] = []
        self.raw: list[ClientConnection] = []
        self.reconnects = 0  # by the N sessions, while connecting and during the rounds
        self.surge_sessions: list[Session] = []
        self._readers: list[asyncio.Task[None]] = []

    async def ping(self) -> int:
        return os.getpid()

    async def connect_sessions(
        self, url: str, tokens: list[str], changer: str, concurrency: int, within: float
    ) -> float:
        """Resume one session per token; every one records when the changer's event lands."""
        gate = asyncio.Semaphore(concurrency)
        self.arrivals = Arrivals()
        self.arrivals.size = len(tokens)
        arrivals = self.arrivals

        def listener_for(index: int) -> Callable[[ServerMessage], None]:
            def listener(message: ServerMessage) -> None:
                if type(message) is PresenceChanged and message.person_id == changer:
                    arrivals.record(message.presence.status_text, index)

            return listener

        async def one(index: int, token: str) -> None:
            async with gate:
                # reconnect: a handshake that times out while the server is busy (each
                # sign-in is fanned out to everyone already online) is tried again.
                session = Session(url, token=token, request_timeout=60)
                session.add_listener(listener_for(index))
                session.add_status_listener(self._count_reconnect)
                self.sessions.append(session)
                await session.connect()

        started = time.monotonic()
        async with asyncio.timeout(within):
            await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
        return time.monotonic() - started

    async def connect_raw(self, url: str, count: int, concurrency: int, within: float) -> float:
        gate = asyncio.Semaphore(concurrency)
        self.raw_arrivals = Arrivals()
        self.raw_arrivals.size = count
        arrivals = self.raw_arrivals

        async def read(ws: ClientConnection, index: int) -> None:
            with contextlib.suppress(Exception):
                async for message in ws:
                    arrivals.record(str(message[:MARK_LEN]), index)

        async def one(index: int) -> None:
            async with gate:
                ws = await ws_connect(
                    url, compression=None, proxy=None, max_size=MAX_FRAME_BYTES, open_timeout=30
                )
                self.raw.append(ws)
                self._readers.append(asyncio.create_task(read(ws, index)))

        started = time.monotonic()
        async with asyncio.timeout(within):
            await asyncio.gather(*(one(i) for i in range(count)))
        return time.monotonic() - started

    def _count_reconnect(self, status: Status) -> None:
        if status is Status.RECONNECTING:
            self.reconnects += 1

    async def reconnect_count(self) -> int:
        return self.reconnects

    async def settle(self) -> None:
        """Collect now and freeze what is left, so no long GC pass lands inside a round."""
        await asyncio.sleep(0.2)
        gc.collect()
        gc.freeze()

    async def wait(self, raw: bool, marker: str, within: float) -> list[float | None]:
        return await (self.raw_arrivals if raw else self.arrivals).wait(marker, within)

    async def surge(
        self, url: str, usernames: list[str], start_at: float, within: float
    ) -> SurgeResult:
        """Sign all in with passwords at once, starting at `start_at` (monotonic)."""
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        started = time.monotonic()
        finished: list[float] = []
        failures: list[str] = []
        retries: list[str] = []  # why a login had to reconnect

        def on_status(session: Session, status: Status) -> None:
            if status is Status.RECONNECTING:
                retries.append(str(session.last_error))

        late = False  # set once the time is up

        async def one(session: Session) -> None:
            try:
                await session.connect()
            except (SessionError, OSError) as exc:
                failures.append(
                    f"not signed in within {within} s" if late else f"{session.username}: {exc}"
                )
            else:
                finished.append(time.monotonic())

        sessions = [
            Session(url, username=u, password=PASSWORD, request_timeout=60) for u in usernames
        ]
        self.surge_sessions += sessions
        for session in sessions:
            session.add_status_listener(functools.partial(on_status, session))
        tasks = {asyncio.create_task(one(s)): s for s in sessions}
        _, pending = await asyncio.wait(tasks, timeout=within)
        ended = time.monotonic()
        if pending:
            # Closing makes connect() fail (and its error be read); cancel what still hangs.
            late = True
            await asyncio.gather(*(tasks[t].close() for t in pending), return_exceptions=True)
            _, stuck = await asyncio.wait(pending, timeout=10)
            for task in stuck:
                task.cancel()
            await asyncio.gather(*stuck, return_exceptions=True)
            failures += [f"not signed in within {within} s"] * len(stuck)
        return started, ended, finished, failures, retries

    async def logout_surge(self, within: float) -> None:
        """Sign the surge out, so their presence goes offline at once and stays quiet."""
        sessions, self.surge_sessions = self.surge_sessions, []
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await asyncio.gather(*(s.logout() for s in sessions), return_exceptions=True)
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)

    async def close(self) -> None:
        sessions, self.sessions = self.sessions + self.surge_sessions, []
        self.surge_sessions = []
        raw, self.raw = self.raw, []
        readers, self._readers = self._readers, []
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(30):
                await asyncio.gather(
                    *(s.close() for s in sessions),
                    *(ws.close() for ws in raw),
                    return_exceptions=True,
                )
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        gc.unfreeze()
        gc.collect()


class LocalGroup:
    """A ClientGroup in this process."""

    def __init__(self) -> None:
        self.group = ClientGroup()
        self.pid = os.getpid()

    async def call(self, name: str, *args: Any, within: float = 600) -> Any:
        method: Callable[..., Awaitable[Any]] = getattr(self.group, name)
        async with asyncio.timeout(within):
            return await method(*args)

    def stop(self) -> None:
        pass


def _worker_main(conn: multiprocessing.connection.Connection) -> None:
    asyncio.run(_worker(conn))


async def _worker(conn: multiprocessing.connection.Connection) -> None:
    group = ClientGroup()
    try:
        while True:
            try:
                command = await asyncio.to_thread(conn.recv)
            except EOFError:
                return
            if command is None:
                return
            name, args = command
            try:
                reply = ("ok", await getattr(group, name)(*args))
            except Exception as exc:
                reply = ("error", f"{type(exc).__name__}: {exc}")
            conn.send(reply)
    finally:
        await group.close()


class WorkerGroup:
    """A ClientGroup in a worker process, driven over a pipe."""

    def __init__(self, index: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_main, args=(child,), name=f"bench-worker-{index}", daemon=True
        )
        self.proc.start()
        child.close()
        self.pid = self.proc.pid or 0
        self._lock = asyncio.Lock()

    async def call(self, name: str, *args: Any, within: float = 600) -> Any:
        def exchange() -> Any:
            self.conn.send((name, args))
            if not self.conn.poll(within):
                raise TimeoutError(f"worker did not answer {name} within {within} s")
            return self.conn.recv()

        async with self._lock:
            status, value = await asyncio.to_thread(exchange)
        if status != "ok":
            raise RuntimeError(f"worker {self.pid}: {name} failed: {value}")
        return value

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(35)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)


Group = LocalGroup | WorkerGroup


def _split(items: Sequence[Any], parts: int) -> list[list[Any]]:
    return [list(items[i::parts]) for i in range(parts)]


# ---------------------------------------------------------------- measurements


@dataclass
class Rounds:
    all_s: list[float] = field(default_factory=list)  # per round: until ALL clients had it
    each_s: list[float] = field(default_factory=list)  # per client per round
    missed: int = 0  # client-rounds that never arrived within the timeout
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per round

    def summary(self) -> dict[str, float]:
        return {
            "p50_ms": _ms(percentile(self.all_s, 50)),
            "p99_ms": _ms(percentile(self.all_s, 99)),
            "max_ms": _ms(max(self.all_s, default=float("nan"))),
            "client_p50_ms": _ms(percentile(self.each_s, 50)),
            "client_p99_ms": _ms(percentile(self.each_s, 99)),
        }


@dataclass
class Side:
    """One of the two systems the rounds compare."""

    raw: bool
    trigger: Callable[[str], Awaitable[None]]  # make the change / send the frame
    server_cpu: Callable[[], float]
    rounds: Rounds = field(default_factory=Rounds)


async def _run_rounds(
    groups: Sequence[Group], sides: Sequence[Side], rounds: int, gap: float, within: float
) -> None:
    """Time `rounds` rounds of each side, alternating sides (and which goes first), so
    that both see the same background load when other work shares the machine."""
    pids = [g.pid for g in groups]
    cpu: list[dict[str, float]] = [{} for _ in sides]
    for n in range(-WARMUP_ROUNDS, rounds):
        marker = _marker(n) if n >= 0 else f"w{-n:05d}"
        order = list(enumerate(sides))
        if n % 2:
            order.reverse()
        for i, side in order:
            meter = CpuMeter(side.server_cpu, pids)
            t0 = time.monotonic()
            await side.trigger(marker)
            replies = await asyncio.gather(
                *(g.call("wait", side.raw, marker, within, within=within + 30) for g in groups)
            )
            used = meter.stop()
            await asyncio.sleep(gap)
            if n < 0:
                continue
            for k, v in used.items():
                cpu[i][k] = cpu[i].get(k, 0.0) + v / rounds
            times = [t for reply in replies for t in reply]
            got = [t - t0 for t in times if t is not None]
            result = side.rounds
            result.missed += len(times) - len(got)
            if len(got) == len(times):
                result.all_s.append(max(got))
            result.each_s += got
    for side, used in zip(sides, cpu, strict=True):
        side.rounds.cpu = used


async def _surge(
    groups: Sequence[Group], url: str, usernames: list[str], within: float
) -> dict[str, Any]:
    start_at = time.monotonic() + 0.5  # every process starts its logins at this instant
    parts = _split(usernames, len(groups))
    results: list[SurgeResult] = await asyncio.gather(
        *(
            g.call("surge", url, part, start_at, within, within=within + 60)
            for g, part in zip(groups, parts, strict=True)
        )
    )
    started = min(r[0] for r in results)
    ended = max(r[1] for r in results)
    finished = [t - started for r in results for t in r[2]]
    failures = [f for r in results for f in r[3]]
    return {
        "surge": len(usernames),
        "surge_s": round(ended - started, 3),  # until every login succeeded or gave up
        "surge_failures": len(failures),
        "surge_login_p50_ms": _ms(percentile(finished, 50)),
        "surge_login_p99_ms": _ms(percentile(finished, 99)),
        "surge_retries": sum(len(r[4]) for r in results),
        "surge_retry_reasons": collections.Counter(x for r in results for x in r[4]).most_common(3),
        "surge_errors": sorted(set(failures))[:5],
        "surge_per_s": _histogram(finished),
    }


def _histogram(times: Sequence[float], step: float = 1.0) -> list[int]:
    """How many of `times` fall in each `step`-long bucket from 0."""
    counts = [0] * (int(max(times, default=0.0) // step) + 1)
    for t in times:
        counts[int(t // step)] += 1
    return counts


async def _make_database(db: Path, people: int) -> list[str]:
    """Add `people` people with one shared password, and a resumable token for each."""
    digest = hash_password(PASSWORD)
    ids = [f"b{i:05d}" for i in range(people)]
    store = await Store.open(db)
    try:
        await store.add_people(
            (Person(id=pid, display_name=f"Bench person {i}", team=f"t{i % 20}"), digest)
            for i, pid in enumerate(ids)
        )
    finally:
        await store.close()
    return ids


async def _mint_tokens(db: Path, person_ids: Sequence[str]) -> list[str]:
    store = await Store.open(db)
    tokens = [new_token() for _ in person_ids]
    now = time.time()
    try:
        for pid, token in zip(person_ids, tokens, strict=True):
            await store.add_session(token_hash(token), pid, now, TOKEN_TTL_S)
    finally:
        await store.close()
    return tokens


# ---------------------------------------------------------------- the run


@dataclass
class Options:
    clients: int
    rounds: int
    surge: int
    skip_surge: bool
    surge_online: bool
    workers: int
    concurrency: int
    gap: float
    timeout: float
    surge_timeout: float
    keep: bool


async def run(opts: Options) -> dict[str, Any]:
    n = opts.clients
    surge_n = 0 if opts.skip_surge else opts.surge
    _raise_fd_limit(2 * (2 * n + surge_n) + 512)
    tmp = Path(tempfile.mkdtemp(prefix="yoriai-bench-"))
    server = YoriaiProcess(db=tmp / "bench.db", log_path=tmp / "server.log")
    raw = RawProcess()
    groups: list[Group] = (
        [WorkerGroup(i) for i in range(opts.workers)] if opts.workers else [LocalGroup()]
    )
    changer: Session | None = None
    out: dict[str, Any] = {"clients": n, "rounds": opts.rounds, "workers": opts.workers}
    try:
        await asyncio.gather(*(g.call("ping", within=60) for g in groups))
        t = time.monotonic()
        ids = await _make_database(server.db, 1 + n + surge_n)
        changer_id, observer_ids, surge_ids = ids[0], ids[1 : 1 + n], ids[1 + n :]
        tokens = await _mint_tokens(server.db, [changer_id, *observer_ids])
        print(f"database: {len(ids)} people, {len(tokens)} tokens in {time.monotonic() - t:.1f} s")
        await server.start()
        print(f"server: pid {server.proc.pid if server.proc else '?'} at {server.url}")

        if surge_n and not opts.surge_online:
            out |= await _report_surge(groups, server, surge_ids, opts)

        # ---- our server: N observers and one changer
        changer = Session(server.url, token=tokens[0], reconnect=False)
        last_event: list[PresenceChanged] = []
        changer.add_listener(
            lambda m: (
                last_event.append(m)
                if type(m) is PresenceChanged and m.person_id == changer_id
                else None
            )
        )
        await changer.connect()
        t = time.monotonic()
        parts = _split(tokens[1:], len(groups))
        await asyncio.gather(
            *(
                g.call(
                    "connect_sessions",
                    server.url,
                    part,
                    changer_id,
                    max(1, opts.concurrency // len(groups)),
                    opts.timeout,
                    within=opts.timeout + 30,
                )
                for g, part in zip(groups, parts, strict=True)
            )
        )
        health = await server.health()
        print(
            f"connected {n} sessions in {time.monotonic() - t:.1f} s"
            f" (server: {health.get('connections')} connections, {health.get('online')} online)"
        )
        # ---- the raw websockets baseline: same N, same client processes
        await raw.start()
        t = time.monotonic()
        await asyncio.gather(
            *(
                g.call(
                    "connect_raw",
                    raw.url,
                    len(part),
                    max(1, opts.concurrency // len(groups)),
                    opts.timeout,
                    within=opts.timeout + 30,
                )
                for g, part in zip(groups, parts, strict=True)
            )
        )
        print(f"raw: connected {n} websockets in {time.monotonic() - t:.1f} s")
        trigger_ws = await ws_connect(
            raw.url, compression=None, proxy=None, max_size=MAX_FRAME_BYTES
        )
        drain = asyncio.create_task(_drain(trigger_ws))

        # The baseline frame is as long as our presence event: measure one.
        await changer.set_presence(status_text=_marker(99999))
        await changer.wait_until(lambda: bool(last_event), within=30)
        size = len(encode(last_event[-1]))

        async def presence(marker: str) -> None:
            assert changer is not None
            await changer.set_presence(status_text=marker)

        async def send(marker: str) -> None:
            await trigger_ws.send(marker + "x" * (size - len(marker)))

        await asyncio.gather(*(g.call("settle") for g in groups))
        gc.collect()
        gc.freeze()
        ours = Side(raw=False, trigger=presence, server_cpu=server.cpu)
        base = Side(raw=True, trigger=send, server_cpu=raw.cpu)
        try:
            await _run_rounds(groups, [ours, base], opts.rounds, opts.gap, opts.timeout)
        finally:
            await trigger_ws.close()
            drain.cancel()
        gc.unfreeze()

        out |= ours.rounds.summary()
        out |= {"missed": ours.rounds.missed, "event_bytes": size}
        out |= {f"{k}_cpu_ms_per_round": round(v * 1000, 1) for k, v in ours.rounds.cpu.items()}
        summary = base.rounds.summary()
        out |= {
            "raw_p50_ms": summary["p50_ms"],
            "raw_p99_ms": summary["p99_ms"],
            "raw_max_ms": summary["max_ms"],
            "raw_client_p50_ms": summary["client_p50_ms"],
            "raw_client_p99_ms": summary["client_p99_ms"],
            "raw_missed": base.rounds.missed,
        }
        out |= {f"raw_{k}_cpu_ms_per_round": round(v * 1000, 1) for k, v in base.rounds.cpu.items()}
        print(
            f"yoriai: presence to all {n}: p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms,"
            f" max {out['max_ms']} ms; per client p50 {out['client_p50_ms']} ms,"
            f" p99 {out['client_p99_ms']} ms; missed {ours.rounds.missed}; event {size} bytes"
        )
        print(f"        {_cpu_text(ours.rounds.cpu, 1000, 'ms')} per round")
        print(
            f"raw:    broadcast to all {n}: p50 {out['raw_p50_ms']} ms,"
            f" p99 {out['raw_p99_ms']} ms, max {out['raw_max_ms']} ms; per client p50"
            f" {out['raw_client_p50_ms']} ms, p99 {out['raw_client_p99_ms']} ms;"
            f" missed {base.rounds.missed}; frame {size} bytes"
        )
        print(f"        {_cpu_text(base.rounds.cpu, 1000, 'ms')} per round")
        raw_p99, raw_p50 = out["raw_p99_ms"], out["raw_p50_ms"]
        out["ratio_p99"] = round(out["p99_ms"] / raw_p99, 2) if raw_p99 else None
        out["ratio_p50"] = round(out["p50_ms"] / raw_p50, 2) if raw_p50 else None
        print(f"ratio p99 (yoriai / raw): {out['ratio_p99']}")
        out["reconnects"] = sum(await asyncio.gather(*(g.call("reconnect_count") for g in groups)))
        if out["reconnects"]:
            print(f"note: the {n} sessions had to reconnect {out['reconnects']} times")

        if surge_n and opts.surge_online:
            out |= await _report_surge(groups, server, surge_ids, opts)

        # Stop the servers first: 2000 sessions closing one by one would each be fanned
        # out to all the others still connected.
        server.stop()
        raw.stop()
        await changer.close()
        changer = None
        await asyncio.gather(*(g.call("close", within=120) for g in groups))
    except BaseException:
        tail = server.log_tail()
        if tail:
            print(f"--- server log ({server.log_path}):\n{tail}", file=sys.stderr)
        raise
    finally:
        if changer is not None:
            with contextlib.suppress(Exception):
                await changer.close()
        server.stop()
        raw.stop()
        for g in groups:
            g.stop()
        if not opts.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if "surge_s" not in out:
        out |= {"surge": 0, "surge_s": None, "surge_failures": None}
    return out


async def _report_surge(
    groups: Sequence[Group], server: YoriaiProcess, surge_ids: list[str], opts: Options
) -> dict[str, Any]:
    health = await server.health()
    ok_sample = 'yoriai_logins_total{result="ok"}'
    ok0 = await server.metric(ok_sample)
    meter = CpuMeter(server.cpu, [g.pid for g in groups])
    result = await _surge(groups, server.url, surge_ids, opts.surge_timeout)
    cpu = meter.stop()
    # More than one per person means work spent on connections that were dropped.
    server_ok = int(await server.metric(ok_sample) - ok0)
    result["surge_server_logins_ok"] = server_ok
    await asyncio.gather(*(g.call("logout_surge", 30.0, within=90) for g in groups))
    result["surge_others_cpu_s"] = round(cpu["others"], 2)
    print(
        f"surge: {len(surge_ids)} password logins ({health.get('online')} already online):"
        f" all done in {result['surge_s']} s, {result['surge_failures']} failed,"
        f" {result['surge_retries']} reconnects; per login p50"
        f" {result['surge_login_p50_ms']} ms, p99 {result['surge_login_p99_ms']} ms;"
        f" {_cpu_text(cpu, 1, 's')}"
    )
    print(
        f"  logins completed per second: {result.pop('surge_per_s')};"
        f" the server counted {server_ok} successful sign-ins"
    )
    for reason, count in result.pop("surge_retry_reasons"):
        print(f"  {count} reconnects after: {reason}")
    for error in result.pop("surge_errors"):
        print(f"  surge error: {error}")
    return result


def _cpu_text(cpu: dict[str, float], scale: float, unit: str) -> str:
    parts = ", ".join(f"{k} {v * scale:.1f} {unit}" for k, v in cpu.items())
    return f"CPU: {parts}"


async def _drain(ws: ClientConnection) -> None:
    with contextlib.suppress(Exception):
        async for _ in ws:
            pass


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--clients", type=int, default=200, help="N watching clients (default 200)")
    p.add_argument("--rounds", type=int, default=50, help="presence changes to time (default 50)")
    p.add_argument("--surge", type=int, default=400, help="logins in the surge (default 400)")
    p.add_argument("--skip-surge", action="store_true", help="do not measure the surge")
    p.add_argument(
        "--surge-online",
        action="store_true",
        help="run the surge while the N clients are online (default: before they connect)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        help="client worker processes (default 2; 0 runs the clients in this process)",
    )
    p.add_argument("--concurrency", type=int, default=50, help="connects in flight (default 50)")
    p.add_argument("--gap", type=float, default=0.05, help="pause between rounds, s")
    p.add_argument("--timeout", type=float, default=600.0, help="limit per phase, s")
    p.add_argument("--surge-timeout", type=float, default=60.0, help="limit for the surge, s")
    p.add_argument("--keep", action="store_true", help="keep the temporary database and log")
    a = p.parse_args(argv)
    if a.clients < 1 or a.rounds < 1 or a.surge < 0 or a.workers < 0:
        p.error("--clients and --rounds must be positive, --surge and --workers not negative")
    opts = Options(
        clients=a.clients,
        rounds=a.rounds,
        surge=a.surge,
        skip_surge=a.skip_surge or a.surge == 0,
        surge_online=a.surge_online,
        workers=a.workers,
        concurrency=a.concurrency,
        gap=a.gap,
        timeout=a.timeout,
        surge_timeout=a.surge_timeout,
        keep=a.keep,
    )
    # A plain `kill` unwinds like Ctrl+C, so the servers and workers are stopped too.
    signal.signal(signal.SIGTERM, _terminate)
    out = asyncio.run(run(opts))
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
