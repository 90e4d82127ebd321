"""The server's date in tests: the workflow dates 公示, deadlines and settlements by
``timezone.localdate()``; ``server_date(day)`` makes that day "today" for the code under test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.utils import timezone

_localdate = timezone.localdate


@contextmanager
def server_date(day: dt.date) -> Iterator[dt.date]:
    """Run the block as if the server's calendar showed ``day`` (``timezone.localdate()`` without an
    argument; ``timezone.now()`` and ``localdate(value)`` are left alone)."""

    def localdate(value: Any = None, timezone: Any = None) -> dt.date:
        return day if value is None else _localdate(value, timezone)

    with mock.patch.object(timezone, "localdate", localdate):
        yield day
