"""One answer, shared by the client, the download of a remote input and the sandbox, to "is
this host this machine?", and the rule on plain http that follows from it."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True for `localhost` and any loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuses_plain_http(scheme: str, host: str, *, insecure: bool) -> bool:
    """True for plain http to a host beyond this machine without `insecure`: what the API
    client refuses for its base URL and a download for each URL it fetches."""
    return scheme == "http" and not insecure and not is_loopback(host)
