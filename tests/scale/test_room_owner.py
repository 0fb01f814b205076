"""The seam for voice rooms on many servers (issue 4): a room's media is owned by one
node (a lease in Redis), and a message reaches one node's channel. Signalling for a
room is routed with these two: find the owner, send it there, answer the origin."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rooms.office import Office
from server.eventhub import Leader
from server.redishub import ClusterSettings, NodeMessage, RedisEventHub
from server.storage import Store

from .services import RedisServer


async def _hub(redis: RedisServer, name: str, store: Store) -> RedisEventHub:
    settings = ClusterSettings(redis_url=redis.url, node_id=name, lease_s=1.0, node_ttl_s=2.0)
    hub = RedisEventHub(settings, Leader(Office(), store), lambda _d: None, lambda: None)
    await hub.start()
    return hub


async def test_a_room_has_one_owner_and_messages_reach_a_node(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    store = await Store.open(tmp_path / "owner.db")
    a = await _hub(redis_server, "node-a", store)
    b = await _hub(redis_server, "node-b", store)
    try:
        assert await a.claim_room("room-1", ttl_s=0.6) == "node-a"
        assert await b.claim_room("room-1", ttl_s=0.6) == "node-a"  # taken: route to A
        assert await b.room_owner("room-1") == "node-a"

        offers: asyncio.Queue[NodeMessage] = asyncio.Queue()
        answers: asyncio.Queue[NodeMessage] = asyncio.Queue()

        async def on_offer(m: NodeMessage) -> None:
            await offers.put(m)
            await a.send_to_node(m.origin, "voice.answer", b"sdp-answer")

        async def on_answer(m: NodeMessage) -> None:
            await answers.put(m)

        a.on_node_message("voice.offer", on_offer)
        b.on_node_message("voice.answer", on_answer)
        await asyncio.sleep(0.2)  # both channels subscribed
        owner = await b.room_owner("room-1")
        assert owner is not None and await b.send_to_node(owner, "voice.offer", b"sdp-offer")
        offer = await asyncio.wait_for(offers.get(), 5)
        assert (offer.origin, offer.body) == ("node-b", b"sdp-offer")
        answer = await asyncio.wait_for(answers.get(), 5)
        assert (answer.origin, answer.body) == ("node-a", b"sdp-answer")
        assert not await b.send_to_node("node-gone", "voice.offer", b"x")  # nobody listens

        # The owner stops renewing (it died): its claim lapses and another node takes it.
        await asyncio.sleep(0.8)
        assert await b.claim_room("room-1") == "node-b"
        await b.release_room("room-1")
        assert await a.room_owner("room-1") is None
    finally:
        await a.close()
        await b.close()
        await store.close()
