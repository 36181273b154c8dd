"""Who is a client: the one function that decides a request's client address.

Rate limits, django-axes' lock-outs and the security record all ask
`client_address(request)`, so that a forged header cannot make a client someone
else for one of them and not for the others.

`X-Forwarded-For` is a list that each proxy extends with the address it saw, so
only its right end is written by proxies we run; everything to the left of them
is whatever the client sent. It is read only when the connection itself comes
from a trusted proxy (settings.TRUSTED_PROXIES, addresses or networks), walking
from the right and skipping trusted proxies: the first address that is not one
of ours is the client. Without trusted proxies (the default) the header is
ignored and the address is the connection's (REMOTE_ADDR). The settings parse
TRUSTED_PROXIES into networks and refuse a malformed entry.
"""

import ipaddress

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_CACHE_ATTRIBUTE = "_xinfang_client_address"


def _parse_address(value: str) -> IPAddress | None:
    """An address as a proxy writes it: '1.2.3.4', '1.2.3.4:5678', '[::1]:80', '::1'."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, networks: list[IPNetwork]) -> bool:
    return any(address in network for network in networks)


def resolve(remote_addr: str, forwarded_for: str, trusted: list[IPNetwork]) -> str:
    """The client address from the connection's address and X-Forwarded-For."""
    remote = _parse_address(remote_addr or "")
    if remote is None:
        return (remote_addr or "").strip()
    if not trusted or not _trusted(remote, trusted):
        return str(remote)
    client = remote
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _parse_address(hop)
        if address is None:
            # Our proxy would not write garbage: it came from the client, so the
            # last address a trusted proxy vouched for is the best we know.
            break
        client = address
        if not _trusted(address, trusted):
            break
    return str(client)


def client_address(request) -> str:
    """The address of the client that sent `request` (a Django or DRF request);
    '' when unknown. Computed once per request."""
    request = getattr(request, "_request", request)  # DRF wraps Django's request
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    address = resolve(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXIES,
    )
    setattr(request, _CACHE_ATTRIBUTE, address)
    return address


def rate_identity(address: str) -> str:
    """Whom a rate limit counts: the address, or for IPv6 its /64 (one subscriber's
    network: a client may pick any of its 2^64 addresses at will)."""
    parsed = _parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address or "unknown"
