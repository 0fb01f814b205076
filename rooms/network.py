"""Network hints: is an address inside a site's own address ranges?

Parsing only (the `ipaddress` module); nothing here opens a socket.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class NetworkError(ValueError):
    pass


@lru_cache(maxsize=1024)
def _parse(text: str) -> Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise NetworkError(f"not an address range: {text!r} (write it like 192.0.2.0/24)") from None


def parse_networks(texts: Iterable[str]) -> tuple[Network, ...]:
    return tuple(_parse(t) for t in texts)


def address_in(address: str | None, ranges: Iterable[str]) -> bool:
    """True when `address` falls inside any of `ranges`. Bad or missing input is False."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d
    try:
        networks = parse_networks(ranges)
    except NetworkError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)
