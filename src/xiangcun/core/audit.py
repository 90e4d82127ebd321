"""The audit log: one append-only, hash-chained record of every state change.

Every service that changes state calls :func:`audit` inside its own transaction, after its writes, so
the entry commits or rolls back with the change it describes. Entry *n* stores the SHA-256 of its own
canonical form, which includes the hash of entry *n − 1*: changing, inserting or deleting any row
breaks the chain from that row on, and :func:`verify` (``xiangcun audit verify``) names the first
entry that no longer fits. Nothing updates or deletes an entry: the model and its queryset refuse,
the admin is read-only, and on PostgreSQL a trigger refuses UPDATE and DELETE (on SQLite a trigger
refuses UPDATE; ``DELETE`` stays possible for the test-suite's flush, and a deleted row shows up as a
gap in the sequence).

The chain has one head, so appending is serialised: on SQLite every write transaction already holds
the database's write lock from its first statement (``transaction_mode: IMMEDIATE``); on PostgreSQL a
transaction-scoped advisory lock is taken. Services call :func:`audit` last to hold it briefly.
Truncating the tail is the one change a chain cannot show by itself: the head hash is printed by
``audit verify`` and stored in every backup manifest, so an operator can compare it with an older note.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from xiangcun.core.errors import Msg
from xiangcun.core.models import AuditEntry

GENESIS = "0" * 64
# An arbitrary 64-bit key for ``pg_advisory_xact_lock``: "xiangcun-audit" in ASCII, truncated.
_PG_LOCK_KEY = 0x7869616E6763756E


def _plain(value: Any) -> Any:
    """The JSON form of a value as the audit log stores it (and hashes it): decimals and dates as
    text, so that the stored entry reads back exactly as it was hashed on every database."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return str(value)


def _moment(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(entry: AuditEntry) -> bytes:
    """The bytes an entry's hash covers: every stored field and the previous entry's hash."""
    body = {
        "id": entry.pk,
        "at": _moment(entry.at),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "region_code": entry.region_code,
        "data": entry.data,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def _target(target: Any) -> tuple[str, str]:
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    if isinstance(target, tuple):
        kind, key = target
        return str(kind), str(key)
    raise TypeError(f"audit target must be a model instance or (type, id), not {target!r}")


Listener = Callable[[AuditEntry, Any], None]
_listeners: list[Listener] = []


def on_entry(listener: Listener) -> Listener:
    """Register ``listener(entry, target)``, called inside the transaction after every entry is
    written (an app's ``AppConfig.ready`` registers; e.g. notifications derived from what happened).
    A listener that raises rolls the change back with it: listeners must not fail on bad data."""
    _listeners.append(listener)
    return listener


def _locked_head() -> tuple[int, str]:
    """The head, read after taking the chain's lock (PostgreSQL; SQLite's write lock is already held)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    return head()


def audit(
    *,
    actor: Any,
    action: str,
    target: Any,
    data: Mapping[str, Any] | None = None,
    region_code: str = "",
) -> AuditEntry:
    """Append one entry: ``actor`` (a user, or ``None`` for the system) did ``action`` (``app.verb``,
    e.g. ``"agreement.transition"``) to ``target`` (a model instance or ``(type, id)``), with ``data``
    the facts of the change (states, amounts, reasons — JSON, no personal identifiers in full).

    Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit() must be called inside the transaction of the change it records")
    user = actor if getattr(actor, "is_authenticated", False) else None
    object_type, object_id = _target(target)
    last_id, last_hash = _locked_head()
    entry = AuditEntry(
        id=last_id + 1,
        at=timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor_label=user.get_username() if user is not None else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code or "",
        data=_plain(dict(data or {})),
        prev_hash=last_hash,
    )
    entry.hash = digest(entry)
    entry.save(force_insert=True)
    for listener in _listeners:
        listener(entry, target)
    return entry


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: ``ok``, how many entries it checked, the head hash, and for a broken
    chain the first bad entry's id and the reason (a ``Msg``)."""

    ok: bool
    checked: int
    head: str
    bad_id: int | None = None
    problem: Msg | None = None


def _entries(chunk: int) -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("id").iterator(chunk_size=chunk)


def verify(*, chunk: int = 2000) -> Verdict:
    """Recompute the chain from the first entry and stop at the first that does not fit."""
    expected_id, previous, checked = 1, GENESIS, 0
    for entry in _entries(chunk):
        if entry.pk != expected_id:
            return Verdict(
                False,
                checked,
                previous,
                expected_id,
                Msg("第 {id} 条记录缺失（下一条为第 {found} 条）", id=expected_id, found=entry.pk),
            )
        if entry.prev_hash != previous:
            return Verdict(
                False,
                checked,
                previous,
                entry.pk,
                Msg("第 {id} 条记录的前序哈希与第 {prev} 条不符", id=entry.pk, prev=entry.pk - 1),
            )
        if digest(entry) != entry.hash:
            return Verdict(
                False,
                checked,
                previous,
                entry.pk,
                Msg(
                    "第 {id} 条记录（{at}，{action}）的内容与其哈希不符，记录已被改动",
                    id=entry.pk,
                    at=timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                    action=entry.action,
                ),
            )
        previous, expected_id, checked = entry.hash, expected_id + 1, checked + 1
    return Verdict(True, checked, previous)


def head() -> tuple[int, str]:
    """The id and hash of the last entry (``(0, GENESIS)`` for an empty log)."""
    last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    return last if last else (0, GENESIS)
