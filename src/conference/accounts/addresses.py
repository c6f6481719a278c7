"""Which address a request comes from, for the login throttle."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import cache

from conference.settings import Settings


@cache
def _networks(
    written: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network) for network in written)


def _trusted(address: str, settings: Settings) -> bool:
    if not settings.trusted_proxies:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(settings.trusted_proxies))


def client_address(peer: str, forwarded_for: Iterable[str], settings: Settings) -> str:
    """The client's address: the connection's own, unless it is one of the trusted
    proxies (CONFERENCE_TRUSTED_PROXIES), whose X-Forwarded-For is then read from the
    right, past every trusted proxy, to the first address a proxy of ours was told by
    someone else. Nothing a client writes in the header is believed from anyone else,
    loopback included.
    """
    if not _trusted(peer, settings):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, settings):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # not an address: the proxy's own is the one we know
    return peer
