"""Fuzzing the protocol decoder and the server's handlers (hypothesis, bounded here;
bench/surge.py runs longer): every input gets an answer or a clear error, never an
internal error, and the server keeps serving and stays consistent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from hypothesis import HealthCheck, given, settings
from websockets.asyncio.client import connect

from rooms.errors import ErrorCode
from rooms.protocol import (
    PROTOCOL_VERSION,
    Error,
    Login,
    Ping,
    Pong,
    ProtocolError,
    Welcome,
    decode_request,
    decode_server,
    encode,
)
from server.config import Limits
from server.demo import DEMO_PASSWORD
from tests.integration.support import Office, assert_mirror_matches

from .fuzzing import frames


@settings(max_examples=600, deadline=None)
@given(frame=frames)
def test_the_decoder_answers_every_input_with_a_request_or_a_protocol_error(
    frame: str | bytes,
) -> None:
    try:
        request = decode_request(frame)
    except ProtocolError as exc:
        assert exc.code in (ErrorCode.MALFORMED, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID)
        assert exc.message
    else:
        assert encode(request)  # what was accepted is well formed


async def send_and_check(ws: object, frame: str | bytes, marker: int) -> list[object]:
    """Send a frame, then a ping; return what came back before the pong."""
    await ws.send(frame)  # type: ignore[attr-defined]
    await ws.send(encode(Ping(id=marker)).decode())  # type: ignore[attr-defined]
    seen = []
    while True:
        message = decode_server(await asyncio.wait_for(ws.recv(), 10))  # type: ignore[attr-defined]
        if isinstance(message, Pong) and message.id == marker:
            return seen
        seen.append(message)


async def test_the_server_survives_fuzzed_frames_and_stays_consistent(
    start_office: Callable[..., Awaitable[Office]],
) -> None:
    office = await start_office(
        limits=Limits(
            rate_per_s=1e6,
            burst=1e6,
            abuse_threshold=10**9,
            caption_rate_per_s=1e6,
            caption_burst=1e6,
        )
    )
    observer = await office.session("kenji")
    crashes: list[tuple[object, object]] = []
    inputs = 0
    async with connect(office.url, max_size=2**25) as ws:
        await ws.send(
            encode(
                Login(id=1, v=PROTOCOL_VERSION, username="aiko", password=DEMO_PASSWORD)
            ).decode()
        )
        signed_in = await send_and_check(ws, encode(Ping(id=2)).decode(), 3)
        assert any(isinstance(m, Welcome) for m in signed_in)
        collected: list[str | bytes] = []

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
        @given(frame=frames)
        def gather(frame: str | bytes) -> None:
            collected.append(frame)

        gather()
        for n, frame in enumerate(collected):
            inputs += 1
            replies = await send_and_check(ws, frame, 10**15 + n)
            for reply in replies:
                if isinstance(reply, Error) and reply.code is ErrorCode.INTERNAL:
                    crashes.append((frame, reply))
    assert inputs == len(collected) >= 100
    assert crashes == []
    # Still serving, and a newcomer's view matches the server's.
    await observer.ping()
    fresh = await office.session("yui")
    await fresh.ping()
    assert_mirror_matches(fresh, office.server)
