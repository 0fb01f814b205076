"""Three (or more) real `yoriai-server serve` processes over one PostgreSQL and one
Redis, behind a real HAProxy, all on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .services import free_port

ROOT = Path(__file__).resolve().parents[2]
HAPROXY_TEMPLATE = ROOT / "installer" / "scale-out" / "haproxy.cfg"


def health(port: int, timeout: float = 1.0) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as r:
            body: dict[str, Any] = json.loads(r.read())
            return body
    except (OSError, ValueError):
        return None


@dataclass
class Node:
    name: str
    database: str
    redis: str
    logdir: Path
    port: int = field(default_factory=free_port)
    grace: float = 3.0
    lease: float = 1.5
    node_ttl: float = 2.0
    proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        log = (self.logdir / f"{self.name}.log").open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "--db",
                self.database,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--redis",
                self.redis,
                "--node-id",
                self.name,
                "--lease",
                str(self.lease),
                "--node-ttl",
                str(self.node_ttl),
                "--reconnect-grace",
                str(self.grace),
                "--log-level",
                "INFO",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if wait:
            self.wait_healthy()

    def wait_healthy(self, within: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.logdir / (self.name + '.log')}")
            found = health(self.port)
            if found is not None:
                return found
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not become healthy")

    def health(self) -> dict[str, Any] | None:
        return health(self.port)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@dataclass
class Balancer:
    """HAProxy with the shipped configuration, pointed at these nodes."""

    nodes: list[Node]
    workdir: Path
    port: int = field(default_factory=free_port)
    maxconn: int = 2000  # tests: well inside any open-files limit (the bench raises it)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def config(self) -> str:
        text = HAPROXY_TEMPLATE.read_text()
        text = text.replace("bind 127.0.0.1:8765", f"bind 127.0.0.1:{self.port}")
        text = re.sub(r"maxconn \d+", f"maxconn {self.maxconn}", text)
        servers = "\n".join(f"    server {n.name} 127.0.0.1:{n.port} check" for n in self.nodes)
        return re.sub(r"(    server yoriai-\d .*\n?)+", servers + "\n", text)

    def start(self) -> None:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        path = self.workdir / "haproxy.cfg"
        path.write_text(self.config())
        subprocess.run([haproxy, "-c", "-q", "-f", str(path)], check=True)
        self.proc = subprocess.Popen(
            [haproxy, "-f", str(path), "-db"],
            stdout=(self.workdir / "haproxy.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if health(self.port) is not None:
                return
            time.sleep(0.1)
        raise RuntimeError("haproxy does not answer")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def leader_of(nodes: list[Node]) -> Node | None:
    for node in nodes:
        found = node.health()
        if found is not None and found.get("leader"):
            return node
    return None
