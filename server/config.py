"""Server settings, with the embedded defaults a small office runs on."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from rooms.office import Rules
from rooms.protocol import MAX_FRAME_BYTES

DEFAULT_PORT = 8765


def default_db_path() -> Path:
    env = os.environ.get("YORIAI_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("yoriai", appauthor=False)) / "yoriai.db"


@dataclass(frozen=True, slots=True)
class Limits:
    max_frame_bytes: int = MAX_FRAME_BYTES
    rate_per_s: float = 20.0  # sustained requests per connection
    burst: float = 60.0
    # After this many refused requests the connection is closed (1008) as abusive.
    abuse_threshold: int = 200
    sign_in_timeout_s: float = 15.0
    # How long a closing handshake may take before the socket is just dropped; an
    # abusive client that floods us never reads our close frame.
    close_timeout_s: float = 3.0
    # A client that reads nothing while this much queues up for it is cut off (1013).
    max_backlog_bytes: int = 8 * 1024 * 1024
    # Captions per connection: a client sends at most ~4 partials a second plus finals.
    caption_rate_per_s: float = 8.0
    caption_burst: float = 16.0
    # Failed sign-ins before a lockout (per account, per address) and its backoff.
    lockout_account_free: int = 5
    lockout_address_free: int = 20
    lockout_base_s: float = 30.0
    lockout_max_s: float = 900.0


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    db_path: Path = field(default_factory=default_db_path)
    tls_cert: Path | None = None
    tls_key: Path | None = None
    token_ttl_s: float = 30 * 24 * 3600.0
    tick_s: float = 0.5
    directory_poll_s: float = 2.0
    # How often captions kept past their room's retention period are purged.
    caption_purge_s: float = 60.0
    purge_interval_s: float = 3600.0  # how often history past retention is deleted
    rules: Rules = field(default_factory=Rules)
    limits: Limits = field(default_factory=Limits)
    # Many servers: a PostgreSQL URL instead of db_path, and Redis for the event hub.
    database_url: str | None = None
    redis_url: str | None = None
    node_id: str | None = None  # default: host name, process id and a random part
    lease_s: float = 3.0  # a dead leader is replaced after about this long
    node_ttl_s: float = 5.0  # a dead node's people lose their link after about this long

    @property
    def database(self) -> str:
        """What to open: the PostgreSQL URL if there is one, else the SQLite file."""
        return self.database_url or str(self.db_path)

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.tls_cert is None:
            return None
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(self.tls_cert, self.tls_key)
        return ctx
