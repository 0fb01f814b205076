"""Three server processes over PostgreSQL and Redis behind HAProxy, all real, on
127.0.0.1: one consistent office; SIGKILL of the leading node; Redis and then
PostgreSQL restarted under the running office."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from client.session import Session, SessionError, Status
from rooms.presence import Availability, Link, Location, LocationKind
from rooms.protocol import RoomSpec
from server.cli import create_demo
from server.demo import DEMO_PASSWORD, DEMO_PEOPLE
from server.stores import open_store

from .cluster import Balancer, Node, leader_of
from .services import PostgresServer, RedisServer

USERS = ["aiko", "kenji", "yui", "haruto", "riku", "emma", "sota", "mei", "hana"]
TONO = Location(kind=LocationKind.SATELLITE, site_id="tono")


@dataclass
class Cluster:
    nodes: list[Node]
    balancer: Balancer
    redis: RedisServer
    database: str
    sessions: dict[str, Session]

    def session(self, user: str, request_timeout: float = 10.0) -> Session:
        s = Session(
            self.balancer.url,
            username=user,
            password=DEMO_PASSWORD,
            backoff=(0.05, 0.5),
            request_timeout=request_timeout,
        )
        self.sessions[user] = s
        return s


@pytest.fixture
async def cluster(pg_url: str, redis_server: RedisServer, tmp_path: Path) -> AsyncIterator[Cluster]:
    store = await open_store(pg_url)
    await create_demo(store)
    await store.close()
    assert set(USERS) <= {p.id for p in DEMO_PEOPLE}
    nodes = [Node(f"node-{n}", pg_url, redis_server.url, tmp_path) for n in (1, 2, 3)]
    balancer = Balancer(nodes, tmp_path)
    c = Cluster(nodes, balancer, redis_server, pg_url, {})
    try:
        nodes[0].start()  # the first leads; the others load the office from it
        await asyncio.gather(*(asyncio.to_thread(n.start) for n in nodes[1:]))
        await asyncio.to_thread(balancer.start)
        yield c
    finally:
        for s in c.sessions.values():
            with contextlib.suppress(Exception):
                await s.close()
        balancer.stop()
        for n in nodes:
            n.stop()


def _view(s: Session) -> tuple[object, ...]:
    st = s.state
    return (st.seq, st.presence, st.rooms, st.people)


async def converge(sessions: list[Session], within: float = 10.0) -> None:
    """Every session's mirror holds the same office (same seq, presence, rooms)."""
    deadline = time.monotonic() + within
    while True:
        views = [_view(s) for s in sessions]
        if all(v == views[0] for v in views) and all(s.mirror.synced for s in sessions):
            return
        if time.monotonic() > deadline:
            seqs = {s.username: s.state.seq for s in sessions}
            raise AssertionError(f"the mirrors did not converge: {seqs}")
        await asyncio.sleep(0.05)


async def until(predicate: object, within: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():  # type: ignore[operator]
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def no_ghosts(s: Session, online: set[str]) -> bool:
    """Exactly `online` are shown connected, and nobody else sits in a room."""
    st = s.state
    shown = {pid for pid, p in st.presence.items() if p.link is Link.ONLINE}
    seated = {pid for pid, p in st.presence.items() if p.room_id is not None}
    return shown == online and seated <= online


async def test_three_nodes_one_office_and_a_killed_leader(cluster: Cluster) -> None:
    sessions = [cluster.session(u) for u in USERS]
    await asyncio.gather(*(s.connect() for s in sessions))
    by = {s.username: s for s in sessions}

    # HAProxy spread the clients over all three nodes.
    counts = [(n.health() or {}).get("online", 0) for n in cluster.nodes]
    assert all(c > 0 for c in counts) and sum(counts) == len(USERS), counts
    leader = leader_of(cluster.nodes)
    assert leader is not None
    assert sum(bool((n.health() or {}).get("leader")) for n in cluster.nodes) == 1

    # Changes made through every node: presence, rooms, a check-in, a new room.
    await by["yui"].join("room-1")
    await by["haruto"].join("room-1")
    await by["riku"].set_presence(availability=Availability.BUSY, status_text="議事録")
    checkin_id = await by["emma"].check_in(TONO, plan="午前: 設計レビュー")
    await by["aiko"].create_room(RoomSpec(id="war-room", name="対策室 War room", capacity=4))
    await by["aiko"].lock("room-2")
    await by["aiko"].join("war-room")
    await by["yui"].lock("room-1")
    knock = await by["mei"].knock("room-1", "入ってもいい?")
    await by["yui"].wait_until(lambda: knock in by["yui"].state.knocks)
    await by["yui"].answer_knock(knock, admit=True)
    await converge(sessions)
    st = by["hana"].state
    assert st.occupants_of("room-1") == {"yui", "haruto", "mei"}
    assert st.occupants_of("war-room") == {"aiko"}
    assert st.rooms["room-2"].locked
    assert st.presence_of("riku").status_text == "議事録"
    assert no_ghosts(by["hana"], set(USERS))

    # SIGKILL the leading node: its clients reconnect through HAProxy to the others,
    # another node takes the lead, and presence converges with no ghosts.
    on_leader = (leader.health() or {}).get("online", 0)
    assert on_leader > 0
    leader.kill()
    killed_at = time.monotonic()

    def left() -> float:  # the bound: converged within 10 s of the kill
        return max(0.1, killed_at + 10 - time.monotonic())

    await until(
        lambda: (
            all(s.status is Status.ONLINE for s in sessions)
            and leader_of(cluster.nodes) not in (None, leader)
        ),
        left(),
        "every client back online and a new leader",
    )
    await until(lambda: no_ghosts(by["hana"], set(USERS)), left(), "no ghosts")
    await converge(sessions, within=left())
    st = by["hana"].state
    # Each client put back its own room; the office kept what others did.
    assert st.occupants_of("room-1") == {"yui", "haruto", "mei"}
    assert st.occupants_of("war-room") == {"aiko"}
    assert st.rooms["room-2"].locked and "war-room" in st.rooms
    assert st.presence_of("riku").availability is Availability.BUSY

    # Nothing stored was lost.
    store = await open_store(cluster.database)
    try:
        rooms = {r.id: r for r in await store.rooms()}
        assert rooms["war-room"].capacity == 4
        (checkin,) = await store.open_checkins()
        assert (checkin.id, checkin.person_id, checkin.plan) == (
            checkin_id,
            "emma",
            "午前: 設計レビュー",
        )
        actions = {(e.actor, e.action, e.detail) for e in await store.audit_entries()}
        assert ("aiko", "room.create", "war-room") in actions
    finally:
        await store.close()

    # A person who leaves goes offline everywhere; the survivors still agree.
    await by["kenji"].logout()
    rest = [s for s in sessions if s.username != "kenji"]
    await until(lambda: no_ghosts(by["hana"], set(USERS) - {"kenji"}), 10, "kenji offline")
    await converge(rest)

    # The killed server comes back under the same name and takes new people in.
    await asyncio.to_thread(leader.start)
    await asyncio.sleep(5)  # HAProxy marks it up after two health checks 2 s apart
    late = cluster.session("minjun")
    await late.connect()
    await until(lambda: (leader.health() or {}).get("online", 0) >= 1, 10, "people on it")
    everyone = set(USERS) - {"kenji"} | {"minjun"}
    await until(lambda: no_ghosts(by["hana"], everyone), 10, "minjun online")
    await converge([*rest, late])
    await late.join("war-room")
    await until(lambda: by["aiko"].state.occupants_of("war-room") == {"aiko", "minjun"}, 10, "join")


async def test_redis_then_postgres_restart_fail_clearly_and_recover(
    cluster: Cluster, postgres: PostgresServer
) -> None:
    # A short request timeout: a refused request is retried (same id) only this long.
    sessions = [cluster.session(u, request_timeout=3.0) for u in USERS[:6]]
    await asyncio.gather(*(s.connect() for s in sessions))
    by = {s.username: s for s in sessions}
    await by["yui"].join("room-1")
    await converge(sessions)

    # Redis goes away: requests that change the office fail with a clear code.
    cluster.redis.stop()
    with pytest.raises(SessionError) as refused:
        await by["haruto"].join("room-1")
    assert refused.value.code == "service_unavailable", refused.value
    assert "try again" in refused.value.message
    health = cluster.nodes[0].health()
    assert health is not None and health["redis"] == "unreachable"

    # Redis is back (empty: no persistence): the nodes elect a leader again by themselves.
    cluster.redis.start()
    await until(
        lambda: (
            leader_of(cluster.nodes) is not None
            and all((n.health() or {}).get("redis") == "ok" for n in cluster.nodes)
        ),
        20,
        "a leader after Redis came back",
    )
    for _attempt in range(40):
        try:
            await by["haruto"].join("room-1")
            break
        except SessionError as exc:
            assert exc.code == "service_unavailable", exc
            await asyncio.sleep(0.25)
    else:
        pytest.fail("the office did not recover after Redis came back")
    await converge(sessions, within=10)
    await until(lambda: no_ghosts(by["emma"], set(USERS[:6])), 10, "presence after Redis")
    assert by["emma"].state.occupants_of("room-1") == {"yui", "haruto"}

    # PostgreSQL goes away: what must be saved fails clearly; presence still works.
    postgres.stop()
    try:
        with pytest.raises(SessionError) as refused:
            await by["riku"].check_in(TONO, plan="雪の日")
        assert refused.value.code == "storage_unavailable", refused.value
        await by["riku"].set_presence(status_text="データベース待ち")
    finally:
        postgres.start()
    for _attempt in range(40):
        try:
            await by["riku"].check_in(TONO, plan="雪の日")
            break
        except SessionError as exc:
            assert exc.code in ("storage_unavailable", "service_unavailable"), exc
            await asyncio.sleep(0.25)
    else:
        pytest.fail("the office did not recover after PostgreSQL came back")
    await converge(sessions, within=10)
    assert by["yui"].state.presence_of("riku").status_text == "データベース待ち"
    store = await open_store(cluster.database)
    try:
        assert [c.person_id for c in await store.open_checkins()] == ["riku"]
    finally:
        await store.close()
