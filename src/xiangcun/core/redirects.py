"""Where to go after a log-in or a registration: the ``next`` a page passed along, if it stays here."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest) -> str | None:
    """The ``next`` of the form (or of the query string) when it is a page of this site, else ``None``:
    an off-site or scheme-relative address (``//evil.example``, ``https://evil.example/``) is refused."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
