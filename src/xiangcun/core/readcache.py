"""Public reads from the cache, never older than the last write.

Regions, villages and resources are read thousands of times for every change, so the public reads
built from them (the API's lists, the map's GeoJSON, the home page's figures) are kept in Django's
cache (the ``reads`` cache of the settings, beside ``CACHE_URL``'s: local memory by default, Redis when
configured) and revalidated by browsers with ``ETag``/``Last-Modified`` (304 without a body).

**Topics and their versions.** A topic is the data of one app (``regions``, ``resources``,
``recruitment``…). Its version is a random token in the table ``core.DataVersion``. Every change of
state is audited (``core/audit.py``, the Django admin's included), so one audit listener
(:func:`on_audit_entry`, registered in ``CoreConfig.ready``) gives the app of each entry's target a new
token, inside the writer's transaction. A cached value is stored under the tokens of the topics it was
built from; after the write commits, every reader sees the new token and builds afresh. A write that
changes another app's rows as well calls :func:`changed` for that app, *after* its ``audit()`` call (the
audit lock is then held: two writers never wait for each other's version rows in opposite order).

Why the tokens live in the database, not in the cache: the default cache is one local memory per
gunicorn worker, and a version replaced in one worker's memory would leave the other workers serving
the old data. The row is written in the writer's own transaction, so it commits with the change (no
gap between the commit and an ``on_commit`` hook in which a reader could cache old data under a new
version) and rolls back with it. Random tokens, not counters, so that a restored backup never reuses
a version under which other data was cached. Reading them is one query of a few rows per request
(memoised on the request). Entries also expire after ``READ_CACHE_SECONDS``, for writes made outside
the services (a shell, SQL by hand).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from xiangcun.core.models import DataVersion

T = TypeVar("T")

_ABSENT = "-"
_MEMO = "_xiangcun_data_versions"
_SELECT_VERSIONS = f"SELECT topic, token, changed_at FROM {DataVersion._meta.db_table}"
_MISSING = object()


@dataclass(frozen=True)
class Versions:
    """The versions of some topics: their tokens (in the order asked) and the latest change."""

    tokens: tuple[str, ...]
    changed_at: datetime | None

    @property
    def key(self) -> str:
        return ".".join(self.tokens)


def changed(*topics: str) -> None:
    """Give each topic a new version (inside the caller's transaction when there is one)."""
    now = timezone.now()
    for topic in sorted(set(topics)):
        token = secrets.token_hex(8)
        if not DataVersion.objects.filter(topic=topic).update(token=token, changed_at=now):
            DataVersion.objects.bulk_create(
                [DataVersion(topic=topic, token=token, changed_at=now)], ignore_conflicts=True
            )


def changed_all() -> None:
    """Every app's data changed: after demo data is rebuilt (in bulk, not through the services)."""
    from django.apps import apps

    changed(*(config.label for config in apps.get_app_configs()))


def on_audit_entry(entry: Any, target: Any) -> None:
    """The audit listener: the app of the entry's target (``regions.village`` → ``regions``) changed."""
    changed(entry.object_type.partition(".")[0])


def _all_versions(request: HttpRequest | None) -> dict[str, tuple[str, Any]]:
    memo = getattr(request, _MEMO, None) if request is not None else None
    if memo is None:
        # Plain SQL: the ORM's compiling of this query cost more than running it. ``changed_at`` stays
        # as the driver gives it (``_moment`` converts it).
        with connection.cursor() as cursor:
            cursor.execute(_SELECT_VERSIONS)
            memo = {topic: (token, at) for topic, token, at in cursor.fetchall()}
        if request is not None:
            setattr(request, _MEMO, memo)
    return memo


def _moment(value: Any) -> datetime:
    """A ``changed_at`` as the database driver gave it (SQLite: text in UTC), as an aware datetime."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a moment: {value!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def versions(topics: Iterable[str], request: HttpRequest | None = None) -> Versions:
    """The current versions of ``topics`` (read once per request when ``request`` is given)."""
    rows = _all_versions(request)
    found = [rows.get(t) for t in topics]
    stamps = [_moment(row[1]) for row in found if row is not None]
    return Versions(
        tokens=tuple(row[0] if row is not None else _ABSENT for row in found),
        changed_at=max(stamps) if stamps else None,
    )


def _cache_key(name: str, current: Versions) -> str:
    return "reads:" + hashlib.sha1(f"{name}|{current.key}".encode()).hexdigest()


def cached(
    name: str,
    topics: Iterable[str],
    build: Callable[[], T],
    *,
    request: HttpRequest | None = None,
) -> T:
    """``build()``, from the cache while none of ``topics`` has changed. ``name`` says what was built
    and from which parameters (``"villages?county=371502&limit=50"``). What ``build`` raises is not
    cached (a 404 is asked again)."""
    key = _cache_key(name, versions(topics, request))
    value = _LOCAL.get(key)
    if value is _MISSING:
        value = caches["reads"].get(key, _MISSING)
        if value is _MISSING:
            value = build()
            caches["reads"].set(key, value, settings.READ_CACHE_SECONDS)
        _LOCAL.put(key, value)
    return value  # type: ignore[no-any-return]


class _Recent:
    """The last values read, unpickled, in this process (the cache pickles every value it keeps:
    unpickling the home page's figures cost more than rendering them). Keys carry the versions, so a
    value here is never stale; it is shared by threads, so a cached value must not be changed."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.values: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            found = self.values.get(key)
            if found is None or found[0] < time.monotonic():
                return _MISSING
            self.values.move_to_end(key)
            return found[1]

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.values[key] = (time.monotonic() + settings.READ_CACHE_SECONDS, value)
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


_LOCAL = _Recent(256)


def forget_local() -> None:
    """Empty this process's unpickled copies (tests clear the cache between them)."""
    _LOCAL.clear()


def conditional(
    request: HttpRequest,
    name: str,
    topics: Iterable[str],
    build: Callable[[], bytes],
    *,
    content_type: str = "application/json; charset=utf-8",
) -> HttpResponse:
    """A public read as a response with ``ETag`` and ``Last-Modified`` from the versions of
    ``topics``: 304 with no body when the client's copy is current, else the body from the cache (or
    built). Browsers revalidate every time (``Cache-Control: no-cache``), so a write is seen at once."""
    current = versions(topics, request)
    etag = f'"{hashlib.sha1(f"{name}|{current.key}".encode()).hexdigest()[:20]}"'
    last_modified = int(current.changed_at.timestamp()) if current.changed_at else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        key = _cache_key(name, current)
        body = caches["reads"].get(key)
        if body is None:
            body = build()
            caches["reads"].set(key, body, settings.READ_CACHE_SECONDS)
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, no-cache"
    return response
