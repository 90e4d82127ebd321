"""The client's address, believed from X-Forwarded-For only behind a trusted proxy.

``REMOTE_ADDR`` is the client unless it is one of ``TRUSTED_PROXIES`` (loopback by default: the
documented nginx on the same machine); then the right-most address of ``X-Forwarded-For`` that is not
itself a trusted proxy is the client. A client cannot choose its own address by sending the header.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for item in getattr(settings, "TRUSTED_PROXIES", []):
        try:
            out.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            continue
    return out


def _trusted(address: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind a trusted proxy the forwarded client."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks()
    if not _trusted(remote, networks):
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote
