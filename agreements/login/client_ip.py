"""The client's address, also behind the reverse proxy.

Behind the TLS-terminating proxy every connection comes from the proxy, so ``REMOTE_ADDR`` is
the proxy's address. The proxy appends the address it saw to ``X-Forwarded-For``; anything left
of that came from the client and may be forged. So the header is read from the right, and only
as far as the addresses are trusted proxies (``TRUSTED_PROXIES``: ``FORWARDED_ALLOW_IPS`` when
``BEHIND_PROXY`` is on, the same list gunicorn trusts). The first address that is no trusted
proxy is the client. ``*`` trusts whatever connects, and then only the last hop it added.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies if p != "*")


def parse_address(value: str | None) -> Address | None:
    """An address as proxies write it (``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``), or None."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address (django-axes' ``AXES_CLIENT_IP_CALLABLE``)."""
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    proxies = tuple(settings.TRUSTED_PROXIES)
    networks = _networks(proxies)
    any_peer = "*" in proxies

    def trusted(address: Address) -> bool:
        return any(address in network for network in networks)

    if not (any_peer or trusted(peer)):
        return str(peer)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    client = peer
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            break  # a garbled entry: keep the last address a trusted proxy vouched for
        client = address
        if any_peer or not trusted(address):
            break
    return str(client)
