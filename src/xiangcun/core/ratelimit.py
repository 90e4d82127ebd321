"""Rate limits for heavy pages (exports): per client address per minute, and a cap on how many run at
once in a process, so that a burst of anonymous downloads cannot starve everybody else (``/healthz``
answered in 52 s while sixteen anonymous exports ran).

Counts live in Django's cache (``CACHE_URL``: per process with the default local-memory cache, shared
across workers with Redis or the database cache). A refused request gets 429 with ``Retry-After`` and
a Chinese message; nothing is computed for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiangcun.core.clientaddr import client_ip
from xiangcun.core.errors import ApplicationError

_SLOTS: dict[str, threading.BoundedSemaphore] = {}
_LOCK = threading.Lock()


def _slots(name: str, size: int) -> threading.BoundedSemaphore:
    with _LOCK:
        if name not in _SLOTS:
            _SLOTS[name] = threading.BoundedSemaphore(size)
        return _SLOTS[name]


def _refuse(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request,
        "429.html",
        {"retry_after": retry_after},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


class RateLimited(ApplicationError):
    """Too many requests: 429 (the API's handler and the error middleware map it)."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("请求过于频繁，请稍后再试")
        self.retry_after = retry_after


def count_request(request: HttpRequest, name: str, *, per_minute: int, anonymous_per_minute: int) -> None:
    """Count ``request`` against ``name``'s allowance for this minute; raise ``RateLimited`` beyond it.

    For API operations (call it first in the operation); pages use the ``limited`` decorator."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        who, allowance = f"user:{user.pk}", per_minute
    else:
        who, allowance = f"addr:{client_ip(request)}", anonymous_per_minute
    window = int(time.time() // 60)
    key = f"ratelimit:{name}:{who}:{window}"
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=70)
        count = 1
    if count > allowance:
        raise RateLimited(60 - int(time.time() % 60))


def limited(
    name: str,
    *,
    per_minute: int,
    anonymous_per_minute: int,
    concurrent: int = 2,
    methods: tuple[str, ...] | None = None,
) -> Callable[..., Any]:
    """Allow ``per_minute`` requests a minute per logged-in user (``anonymous_per_minute`` per address
    for visitors) and at most ``concurrent`` at a time in this process; with ``methods``, only those
    requests count (a form's GET is free, its POSTs are limited)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if methods is not None and request.method not in methods:
                return view(request, *args, **kwargs)
            try:
                count_request(request, name, per_minute=per_minute, anonymous_per_minute=anonymous_per_minute)
            except RateLimited as exc:
                return _refuse(request, exc.retry_after)
            slots = _slots(name, concurrent)
            if not slots.acquire(blocking=False):
                return _refuse(request, 5)
            try:
                return view(request, *args, **kwargs)
            finally:
                slots.release()

        return wrapper

    return decorate
