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
class IceServerConfig:
    """A STUN or TURN server handed to clients. TURN without a username gets
    per-person credentials from `VoiceSettings.turn_secret` (coturn's use-auth-secret)."""

    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


# Off by default: on a busy 2-core machine the thread hand-over each tick cost more
# than it saved (bench/rooms.py --baseline-threads). Worth trying on more cores.
DEFAULT_ENCODE_THREADS = 0


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    ice_servers: tuple[IceServerConfig, ...] = ()
    # coturn `static-auth-secret`: TURN credentials are made per person and expire.
    turn_secret: str | None = None
    turn_ttl_s: float = 12 * 3600.0
    # The addresses the server offers as ICE host candidates: its public (or LAN)
    # address. None: every address of every interface but loopback (aioice's choice).
    media_addresses: tuple[str, ...] | None = None
    opus_bitrate: int = 32_000
    opus_complexity: int = 5
    max_participants: int = 500
    # Threads that run the Opus encodes of each 20 ms tick beside the event loop
    # (0: encode in the loop). The encoder lets go of the GIL while it works.
    encode_threads: int = DEFAULT_ENCODE_THREADS


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
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    # Where people reach this server, for invitation links (say https://office.example.jp).
    # None: the address it listens on.
    public_url: str | None = None
    # Signs guest invitations. None: a random secret kept in the database.
    invite_secret: bytes | None = None
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
