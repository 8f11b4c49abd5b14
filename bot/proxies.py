"""The client's address behind reverse proxies, for the limits counted per address.

One rule for the console's sign-in limit and the chat channels' message limit, so neither can be
dodged by a client writing its own X-Forwarded-For.
"""

from __future__ import annotations

import ipaddress


def client_address(forwarded_for: str | None, peer: str | None, trusted_proxy_count: int) -> str:
    """The address of the client that sent a request, as the trusted proxies saw it.

    Each trusted proxy appends the address it got the request from, so with ``n`` proxies the
    client's is the n-th hop from the right; hops further left are whatever the client wrote.
    With fewer hops than proxies the request did not pass through them all, and a hop that is no
    IP address was not written by a proxy (and, used as a key, any character could reach a
    database or Redis): in both cases the peer counts.
    """
    hops = [hop.strip() for hop in (forwarded_for or "").split(",")]
    if 0 < trusted_proxy_count <= len(hops) and is_ip_address(hops[-trusted_proxy_count]):
        return hops[-trusted_proxy_count]
    return peer or "unknown"


def is_ip_address(text: str) -> bool:
    """Whether ``text`` is an IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
