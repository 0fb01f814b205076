"""The snow-day surge: three servers behind HAProxy over PostgreSQL and Redis, against
one server (SQLite) in the same run; then the most clients the cluster holds with a
presence change reaching everyone within 1 s at p99; then a fuzzing run.

    ./dev bench surge [--clients 400] [--directory 4000] [--max-clients 5000]

Everything runs on 127.0.0.1. The last line printed is JSON with surge_failures,
surge_s, multi_p99_ms, single_p99_ms (and p50s), max_clients, fuzz_inputs,
fuzz_crashes.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from client.session import Session, SessionError  # noqa: E402
from rooms.people import Person  # noqa: E402
from rooms.protocol import (  # noqa: E402
    PROTOCOL_VERSION,
    Login,
    PresenceChanged,
    encode,
)
from server.passwords import hash_password  # noqa: E402
from server.stores import open_store  # noqa: E402
from tests.scale.cluster import Balancer, Node  # noqa: E402
from tests.scale.services import PostgresServer, RedisServer, free_port  # noqa: E402

PASSWORD = "snow-day-2025"


async def make_directory(target: str, people: int) -> None:
    store = await open_store(target)
    digest = hash_password(PASSWORD)  # one hash for all: the bench is not about argon2
    batch = [
        (Person(id=f"p{n:05d}", display_name=f"職員 {n}", team=f"team-{n % 80}"), digest)
        for n in range(people)
    ]
    for i in range(0, len(batch), 1000):
        await store.add_people(batch[i : i + 1000])
    await store.close()


FAILURE_REASONS: collections.Counter[str] = collections.Counter()


async def surge(url: str, clients: int, within: float) -> tuple[list[Session], int, float]:
    """Log `clients` people in, spread evenly over `within` seconds."""
    sessions: list[Session] = []
    failures = 0
    started = time.monotonic()

    async def one(n: int) -> None:
        nonlocal failures
        await asyncio.sleep(within * n / clients)
        s = Session(
            url, username=f"p{n:05d}", password=PASSWORD, reconnect=False, request_timeout=30
        )
        try:
            await s.connect()
            sessions.append(s)
        except Exception as exc:
            failures += 1
            FAILURE_REASONS[getattr(exc, "code", type(exc).__name__)] += 1
            await s.close()

    await asyncio.gather(*(one(n) for n in range(clients)))
    return sessions, failures, time.monotonic() - started


class _Arrivals:
    """When each session saw one presence change."""

    def __init__(self, person: str | None, text: str, expected: int) -> None:
        self.person, self.text, self.expected = person, text, expected
        self.at: dict[int, float] = {}
        self.done = asyncio.Event()

    def listener(self, i: int) -> Callable[[object], None]:
        loop = asyncio.get_running_loop()

        def heard(m: object) -> None:
            if (
                isinstance(m, PresenceChanged)
                and m.person_id == self.person
                and m.presence.status_text == self.text
                and i not in self.at
            ):
                self.at[i] = loop.time()
                if len(self.at) == self.expected:
                    self.done.set()

        return heard


async def fan_out(sessions: list[Session], changes: int) -> list[float]:
    """Presence changes by a few people; for each, how long until every session had it."""
    latencies: list[float] = []
    loop = asyncio.get_running_loop()
    for n in range(changes):
        actor = sessions[n % len(sessions)]
        arrivals = _Arrivals(actor.person_id, f"storm {n}", len(sessions))
        hooks = [(s, arrivals.listener(i)) for i, s in enumerate(sessions)]
        for s, h in hooks:
            s.add_listener(h)
        sent = loop.time()
        await actor.set_presence(status_text=arrivals.text)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrivals.done.wait(), 10)
        for s, h in hooks:
            s.remove_listener(h)
        missing = len(sessions) - len(arrivals.at)
        latencies += [t - sent for t in arrivals.at.values()] + [10.0] * missing
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def close_all(sessions: list[Session]) -> None:
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)


class RawClients:
    """Light clients for the capacity probe: a raw socket each, no mirror, a reader that
    keeps reading (as a real client does) and notes when the probe's text arrives."""

    def __init__(self, url: str, directory: int) -> None:
        self.url = url
        self.directory = directory  # past it, people sign in a second time (a laptop too)
        self.conns: list[object] = []
        self.readers: list[asyncio.Task[None]] = []
        self.probe: bytes | None = None
        self.arrivals: list[float] = []
        self.last_frame = 0.0

    async def add(self, first: int, count: int, concurrency: int = 25) -> int:
        """Sign in `count` more; returns how many made it."""
        made = 0
        gate = asyncio.Semaphore(concurrency)

        async def one(n: int) -> None:
            nonlocal made
            async with gate:
                for _attempt in range(3):
                    try:
                        ws = await connect(self.url, max_size=2**25, open_timeout=30)
                        break
                    except Exception:  # busy: try again
                        await asyncio.sleep(0.5)
                else:
                    return
                who = f"p{n % self.directory:05d}"
                login = Login(id=1, v=PROTOCOL_VERSION, username=who, password=PASSWORD)
                await ws.send(encode(login).decode())
                self.conns.append(ws)
                self.readers.append(asyncio.create_task(self._read(ws)))
                made += 1

        await asyncio.gather(*(one(n) for n in range(first, first + count)))
        return made

    @property
    def alive(self) -> int:
        return sum(not r.done() for r in self.readers)

    async def _read(self, ws: object) -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(Exception):
            async for frame in ws:  # type: ignore[attr-defined]
                self.last_frame = loop.time()
                data = frame if isinstance(frame, bytes) else frame.encode()
                if self.probe is not None and self.probe in data:
                    self.arrivals.append(loop.time())

    async def close(self) -> None:
        for r in self.readers:
            r.cancel()
        await asyncio.gather(*(ws.close() for ws in self.conns), return_exceptions=True)  # type: ignore[attr-defined]


async def probe_capacity(
    url: str, sessions: list[Session], limit: int, step: int, directory: int
) -> int:
    """Add clients in steps while a presence change still reaches every one of them
    within 1 s at p99."""
    raw = RawClients(url, directory)
    best = len(sessions)
    loop = asyncio.get_running_loop()
    try:
        while len(sessions) + len(raw.conns) < limit:
            count = min(step, limit - len(sessions) - len(raw.conns))
            made = await raw.add(len(sessions) + len(raw.conns), count)
            if made < count:
                print(f"  only {made} of {count} more could sign in", flush=True)
            # Measure the steady state: wait until the arrivals' own presence storm (each
            # newcomer is announced to everyone) has been delivered.
            settle = loop.time() + 120
            while loop.time() < settle and loop.time() - raw.last_frame < 1.5:  # noqa: ASYNC110
                await asyncio.sleep(0.25)
            total = len(sessions) + len(raw.conns)
            worst: list[float] = []
            for n in range(3):
                text = f"probe {total} {n}"
                raw.arrivals = []
                raw.probe = text.encode()
                sent = loop.time()
                try:
                    await sessions[n].set_presence(status_text=text)
                except SessionError as exc:  # overloaded: this many is too many
                    print(f"  {total} clients: the change was refused ({exc})", flush=True)
                    return best
                await asyncio.sleep(2.0)
                got = [t - sent for t in raw.arrivals]
                worst += got + [10.0] * (raw.alive - len(got))
            p99 = pct(worst, 99)
            dropped = len(raw.conns) - raw.alive
            print(f"  {total} clients: p99 {p99:.0f} ms, {dropped} connections lost", flush=True)
            if p99 > 1000 or made < count or dropped:
                break
            best = total
    finally:
        await raw.close()
    return best


def run_fuzz(seconds: float) -> tuple[int, int]:
    """The protocol decoder and the office under random frames (pure, no sockets)."""
    from hypothesis import HealthCheck, given, settings

    from rooms.errors import OfficeError
    from rooms.office import Office
    from rooms.protocol import OfficeRequest, ProtocolError, decode_request

    OFFICE_REQUESTS = OfficeRequest.__args__  # type: ignore[attr-defined]
    from server.demo import DEMO_PEOPLE, DEMO_ROOMS, DEMO_SITES
    from tests.hardening.fuzzing import frames

    office = Office()
    office.load(DEMO_PEOPLE, DEMO_ROOMS, DEMO_SITES)
    counts = {"inputs": 0, "crashes": 0}
    deadline = time.monotonic() + seconds

    @settings(
        max_examples=2000, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(frame=frames)
    def one(frame: str | bytes) -> None:
        if time.monotonic() > deadline:
            return
        counts["inputs"] += 1
        try:
            request = decode_request(frame)
        except ProtocolError:
            return
        except Exception:
            counts["crashes"] += 1
            return
        if not isinstance(request, OFFICE_REQUESTS):
            return  # the connection layer's (ping, sync, reads): covered by the tests
        try:
            office.commit(office.decide("aiko", request, time.time()))
        except OfficeError:
            pass  # a refusal with a code: the right answer to a bad request
        except Exception:
            counts["crashes"] += 1

    while time.monotonic() < deadline:
        try:
            one()  # 2,000 fresh examples a round (no example database)
        except Exception:
            counts["crashes"] += 1
    return counts["inputs"], counts["crashes"]


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=400)
    ap.add_argument("--directory", type=int, default=4000)
    ap.add_argument("--within", type=float, default=10.0)
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--max-clients", type=int, default=5000)
    ap.add_argument("--step", type=int, default=500)
    ap.add_argument("--fuzz-seconds", type=float, default=30.0)
    args = ap.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    work = Path(tempfile.mkdtemp(prefix="yoriai-surge-"))
    pgdir = Path(tempfile.mkdtemp(prefix="yoriai-pg-"))
    pg = PostgresServer(pgdir)
    redis = RedisServer(work / "redis")
    nodes: list[Node] = []
    balancer: Balancer | None = None
    single: Node | None = None
    result: dict[str, object] = {}
    try:
        pg.init()
        pg.start()
        pg.create_database("surge")
        redis.start()
        print(f"directory of {args.directory} in PostgreSQL and in SQLite", flush=True)
        await make_directory(pg.dsn("surge"), args.directory)
        await make_directory(str(work / "single.db"), args.directory)

        nodes = [
            Node(f"node-{n}", pg.dsn("surge"), redis.url, work, grace=30.0, lease=3.0, node_ttl=5.0)
            for n in (1, 2, 3)
        ]
        nodes[0].start()
        for n in nodes[1:]:
            n.start()
        balancer = Balancer(nodes, work, maxconn=9000)
        balancer.start()

        print(
            f"surge: {args.clients} logins within {args.within:.0f} s through HAProxy", flush=True
        )
        sessions, failures, took = await surge(balancer.url, args.clients, args.within)
        print(f"  {len(sessions)} signed in, {failures} failed, {took:.1f} s", flush=True)
        if FAILURE_REASONS:
            print(f"  why: {dict(FAILURE_REASONS)}", flush=True)
            FAILURE_REASONS.clear()
        multi = await fan_out(sessions, args.changes)
        print(
            f"  fan-out across nodes: p50 {pct(multi, 50):.0f} ms, p99 {pct(multi, 99):.0f} ms",
            flush=True,
        )
        result.update(
            surge_failures=failures,
            surge_s=round(took, 2),
            multi_p50_ms=round(pct(multi, 50), 1),
            multi_p99_ms=round(pct(multi, 99), 1),
        )

        print(
            f"capacity: adding clients in steps of {args.step} up to {args.max_clients}", flush=True
        )
        result["max_clients"] = await probe_capacity(
            balancer.url, sessions, args.max_clients, args.step, args.directory
        )
        await close_all(sessions)
        balancer.stop()
        for n in nodes:
            n.stop()
        nodes = []

        print("baseline: one server (SQLite, in-process hub), the same surge", flush=True)
        single = Node("single", str(work / "single.db"), "", work)
        single_cmd_port = free_port()
        single.port = single_cmd_port
        await asyncio.to_thread(start_single, single)
        url = f"ws://127.0.0.1:{single.port}"
        sessions, s_failures, s_took = await surge(url, args.clients, args.within)
        if FAILURE_REASONS:
            print(f"  why: {dict(FAILURE_REASONS)}", flush=True)
        one_node = await fan_out(sessions, args.changes)
        print(
            f"  {len(sessions)} signed in, {s_failures} failed; fan-out p50 "
            f"{pct(one_node, 50):.0f} ms, p99 {pct(one_node, 99):.0f} ms",
            flush=True,
        )
        result.update(
            single_failures=s_failures,
            single_surge_s=round(s_took, 2),
            single_p50_ms=round(pct(one_node, 50), 1),
            single_p99_ms=round(pct(one_node, 99), 1),
        )
        await close_all(sessions)
        single.stop()
        single = None
        mp, sp = result["multi_p99_ms"], result["single_p99_ms"]
        result["p99_ratio_multi_over_single"] = round(float(mp) / max(float(sp), 0.1), 2)  # type: ignore[arg-type]
    finally:
        if balancer is not None:
            balancer.stop()
        for n in nodes:
            n.stop()
        if single is not None:
            single.stop()
        redis.stop()
        pg.stop("immediate")
        shutil.rmtree(pgdir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)

    print(f"fuzzing the decoder and the office for {args.fuzz_seconds:.0f} s", flush=True)
    inputs, crashes = run_fuzz(args.fuzz_seconds)
    print(f"  {inputs} inputs, {crashes} crashes", flush=True)
    result.update(fuzz_inputs=inputs, fuzz_crashes=crashes)
    print(json.dumps(result))


def start_single(node: Node) -> None:
    """`serve` without --redis: the single-process default."""
    import os
    import subprocess

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    node.proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
            "--db",
            node.database,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(node.port),
            "--log-level",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    node.wait_healthy()


if __name__ == "__main__":
    asyncio.run(main())
