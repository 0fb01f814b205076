from collections.abc import AsyncIterator, Iterator

import pytest

from rooms.media.peer import use_host_addresses
from tests.integration.support import office, server_process, start_office
from tests.voice.support import OPEN_VOICES

__all__ = ["office", "server_process", "start_office"]


@pytest.fixture(autouse=True)
def loopback_media() -> Iterator[None]:
    """ICE host candidates on 127.0.0.1 only: media never leaves loopback."""
    use_host_addresses(["127.0.0.1"])
    yield
    use_host_addresses(["127.0.0.1"])  # never fall back to real interfaces in a test run


@pytest.fixture(autouse=True)
async def close_voices() -> AsyncIterator[None]:
    yield
    while OPEN_VOICES:
        voice = OPEN_VOICES.pop()
        await voice.close()
        await voice.session.close()
