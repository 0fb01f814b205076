"""Relay-only audio through a real coturn on 127.0.0.1, over TCP (as from a network
that blocks UDP)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from rooms.protocol import GetVoiceConfig, VoiceConfig
from server.config import IceServerConfig, VoiceSettings
from tests.integration.support import Office, free_port
from tests.voice.support import check_tones, heard, participant

TURN_USER = "yoriai"
TURN_PASSWORD = "relay-test-password"


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[int]:
    binary = shutil.which("turnserver")
    assert binary, "coturn is not installed: ./dev test installs it (Debian package coturn)"
    port = free_port()
    relay = free_port()
    conf = tmp_path / "turnserver.conf"
    conf.write_text(
        "\n".join(
            [
                f"listening-port={port}",
                "listening-ip=127.0.0.1",
                "relay-ip=127.0.0.1",
                f"min-port={relay}",
                f"max-port={relay + 50}",
                "lt-cred-mech",
                f"user={TURN_USER}:{TURN_PASSWORD}",
                "realm=yoriai.test",
                "fingerprint",
                "allow-loopback-peers",  # the server's media is on 127.0.0.1 too
                "no-tls",
                "no-dtls",
                "no-cli",
                "no-multicast-peers",
                f"pidfile={tmp_path / 'turnserver.pid'}",
                f"log-file={tmp_path / 'turn.log'}",
                "simple-log",
                "verbose",
            ]
        )
    )
    proc = subprocess.Popen(
        [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("coturn did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
async def turn_office(
    start_office: Callable[..., Awaitable[Office]], coturn: int
) -> AsyncIterator[Office]:
    url = f"turn:127.0.0.1:{coturn}?transport=tcp"
    voice = VoiceSettings(
        ice_servers=(IceServerConfig(urls=(url,), username=TURN_USER, credential=TURN_PASSWORD),),
        media_addresses=("127.0.0.1",),
    )
    yield await start_office(voice=voice)


def selected_pair_types(voice: object) -> tuple[str, str]:
    pc = voice._pc  # type: ignore[attr-defined]
    ice = pc.getTransceivers()[0].sender.transport.transport
    pair = ice._connection._nominated[1]  # aioice's chosen pair for the RTP component
    return pair.local_candidate.type, pair.remote_candidate.type


async def test_relay_only_audio_through_coturn(turn_office: Office) -> None:
    aiko = await participant(turn_office, "aiko", "room-7", 440.0, relay_only=True)
    kenji = await participant(turn_office, "kenji", "room-7", 660.0, relay_only=True)
    for p in (aiko, kenji):
        local, remote = selected_pair_types(p.voice)
        assert local == "relay", (local, remote)  # every packet goes through coturn
    check_tones(await heard(aiko, settle=1.5), present=[660.0], absent=[440.0], who="aiko")
    check_tones(await heard(kenji, settle=0.1), present=[440.0], absent=[660.0], who="kenji")
    # The ICE servers came from the server's configuration, with the credentials.
    config = await aiko.session.request(GetVoiceConfig(id=aiko.session.next_id()))
    assert isinstance(config, VoiceConfig)
    assert config.ice_servers[0].username == TURN_USER
