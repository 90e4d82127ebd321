"""When the database is busy: which database errors mean "try again in a moment", and the one
``ServiceBusy`` they become (503 with ``Retry-After``: JSON on the API in ``config/api.py``, a page in
``web/middleware.py``), never a 500.

- SQLite: "database is locked" / "database table is locked" — a writer waited ``busy_timeout`` for
  the single write lock (settings: longer than the longest write the platform makes, so this is rare).
- PostgreSQL: ``lock_not_available`` (55P03, ``lock_timeout`` expired), ``serialization_failure``
  (40001) and ``deadlock_detected`` (40P01): the transaction was rolled back and may simply be retried.
"""

from __future__ import annotations

from django.db import OperationalError

from xiangcun.core.errors import N_, ServiceBusy

BUSY = N_("系统繁忙，请稍后重试")
SQLITE_LOCKED = ("database is locked", "database table is locked", "database schema is locked")
POSTGRES_RETRY = frozenset({"55P03", "40001", "40P01"})


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is a database error that a retry a few seconds later would not meet."""
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    if sqlstate in POSTGRES_RETRY:
        return True
    text = str(exc).lower()
    return any(phrase in text for phrase in SQLITE_LOCKED)


def busy_error() -> ServiceBusy:
    return ServiceBusy(BUSY)
