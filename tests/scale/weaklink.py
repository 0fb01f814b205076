"""A weak link between two network namespaces the test creates: 150 ms round trip,
30 ms jitter, 2 % loss, and outages on demand.

The issue asks for veth with `tc netem`. This machine's kernel has no netem (it boots
with `nomodule` and no /lib/modules; `tc qdisc add ... netem` answers "Specified qdisc
kind is unknown"), and neither do CI's machines, which are of the same kind. So the
impairment is done by a stand-in for netem, named as such: each namespace gets a TUN
device instead of a veth end, and `LinkEmulator` carries the IP packets between the
two, delaying each by 75 ms ± 15 ms in each direction and dropping 2 % of them, or all
of them during an outage. Real packets, real TCP retransmissions and timeouts; only
the wire is simulated. The addresses (198.18.0.0/15, set aside for benchmarking) live
only inside the two namespaces; the host's own network is never touched.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import heapq
import os
import random
import select
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000

SERVER_ADDRESS = "198.18.0.1"
CLIENT_ADDRESS = "198.18.0.2"


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def _tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def netns_available() -> str | None:
    """None if this process may create network namespaces, else why not."""
    probe = f"yoriai-probe-{os.getpid()}"
    try:
        _ip("netns", "add", probe)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return f"cannot create a network namespace: {exc} {detail.decode(errors='replace')}"
    _ip("netns", "del", probe)
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    return None


@dataclass
class LinkEmulator:
    """Carries packets between two TUN devices with delay, jitter and loss."""

    one_way_s: float = 0.075
    jitter_s: float = 0.015
    loss: float = 0.02
    seed: int = 7
    down: bool = False
    carried: int = 0
    dropped: int = 0
    _fds: tuple[int, int] = (-1, -1)
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self, a: int, b: int) -> None:
        self._fds = (a, b)
        self._thread = threading.Thread(target=self._run, name="weak-link", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        rnd = random.Random(self.seed)
        a, b = self._fds
        queue: list[tuple[float, int, int, bytes]] = []
        n = 0
        while not self._stop.is_set():
            wait = 0.05 if not queue else max(0.0, queue[0][0] - time.monotonic())
            ready, _, _ = select.select([a, b], [], [], min(wait, 0.05))
            now = time.monotonic()
            for fd in ready:
                packet = os.read(fd, 65535)
                if self.down or rnd.random() < self.loss:
                    self.dropped += 1
                    continue
                delay = max(0.0, self.one_way_s + rnd.uniform(-self.jitter_s, self.jitter_s))
                n += 1
                heapq.heappush(queue, (now + delay, n, b if fd == a else a, packet))
            while queue and queue[0][0] <= time.monotonic():
                _due, _n, out, packet = heapq.heappop(queue)
                if self.down:
                    self.dropped += 1
                    continue
                with contextlib.suppress(OSError):
                    os.write(out, packet)
                    self.carried += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)


@dataclass
class WeakLink:
    """Two namespaces (server side, client side) joined by the emulated link."""

    emulator: LinkEmulator
    server_ns: str
    client_ns: str

    def run_in_server_ns(self, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.server_ns, *argv]

    @contextlib.contextmanager
    def client_side(self) -> Iterator[None]:
        """Run this thread (the test's event loop) inside the client namespace."""
        libc = ctypes.CDLL(None, use_errno=True)
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.client_ns}", os.O_RDONLY)
        try:
            if libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns into the client namespace failed")
            yield
        finally:
            libc.setns(home, CLONE_NEWNET)
            os.close(target)
            os.close(home)


@contextlib.contextmanager
def weak_link(emulator: LinkEmulator) -> Iterator[WeakLink]:
    tag = f"{os.getpid() % 100000}"
    server_ns, client_ns = f"yoriai-srv-{tag}", f"yoriai-cli-{tag}"
    server_dev, client_dev = f"ywS{tag}", f"ywC{tag}"
    _ip("netns", "add", server_ns)
    try:
        _ip("netns", "add", client_ns)
        try:
            fd_server, fd_client = _tun(server_dev), _tun(client_dev)
            try:
                for ns, dev, me, peer in (
                    (server_ns, server_dev, SERVER_ADDRESS, CLIENT_ADDRESS),
                    (client_ns, client_dev, CLIENT_ADDRESS, SERVER_ADDRESS),
                ):
                    _ip("link", "set", dev, "netns", ns)
                    _ip("-n", ns, "link", "set", "lo", "up")
                    _ip("-n", ns, "addr", "add", me, "peer", peer, "dev", dev)
                    _ip("-n", ns, "link", "set", dev, "up")
                emulator.start(fd_server, fd_client)
                try:
                    yield WeakLink(emulator, server_ns, client_ns)
                finally:
                    emulator.stop()
            finally:
                os.close(fd_server)
                os.close(fd_client)
        finally:
            subprocess.run(["ip", "netns", "del", client_ns], check=False)
    finally:
        subprocess.run(["ip", "netns", "del", server_ns], check=False)
