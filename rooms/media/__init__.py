"""The WebRTC pieces the server and the clients share: audio frames, mixing, levels,
tracks and peer setup.

Unlike the rest of `rooms/`, this package may use asyncio and aiortc/PyAV, because a
media track is asynchronous by nature. It still opens no sockets of its own and holds
no office rules; the import-linter contracts in pyproject.toml keep it that way.
"""
