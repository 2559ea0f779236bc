"""Who is asking: the one place that turns a request into the client's address.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as it was written by
a proxy of ours (`ATC_TRUSTED_PROXIES`). With no proxy configured the client is the connection's address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(request: HttpRequest) -> str:
    """Return the address of the client behind `request`: the connection's, or the rightmost untrusted hop.

    When the connection comes from a trusted proxy, `X-Forwarded-For` is read from the right (the entry our
    own proxy appended) leftwards past every trusted proxy; the first address that is not one of ours is the
    client. Anything further left was written by the client itself and is ignored. An entry that is not an
    address stops the walk at the last hop known for sure.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies: Sequence[Network] = settings.ATC_TRUSTED_PROXIES
    known = _address(remote)
    if known is None or not proxies or not _is_trusted(known, proxies):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        known = address
        if not _is_trusted(address, proxies):
            break
    return str(known)
