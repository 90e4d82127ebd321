"""Log-in throttling: growing delays per (username, client address) and per address, never a lock.

Why not the usual "five failures lock the account for 15 minutes": anybody who knows a user name could
then lock its owner out on purpose. Here failures are counted per **(username, address)** — an attacker
slows down only their own guesses at that account — and per **address**, with a larger allowance for a
whole office behind one NAT. After the free attempts each further failure doubles the wait (1 s, 2 s,
4 s … up to ``LOGIN_MAX_DELAY_SECONDS``); a success clears the (username, address) count.

Counting is race-safe on SQLite and PostgreSQL alike: an attempt first *reserves* each key with one
conditional ``UPDATE … WHERE blocked_until <= now`` (an atomic statement), holding it for
``HOLD_SECONDS`` while the password is checked, so parallel guesses cannot all slip through between a
read and a write; refused attempts do not check the password at all and do not count.

The client address is ``REMOTE_ADDR`` unless the request comes from a trusted proxy
(``TRUSTED_PROXIES``), in which case the right-most address of ``X-Forwarded-For`` that is not itself a
trusted proxy is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from xiangcun.accounts.models import LoginThrottle
from xiangcun.core.clientaddr import client_ip

HOLD_SECONDS = 10  # an attempt in progress; released when the password check ends


@dataclass(frozen=True)
class Throttled(Exception):
    """Too many recent failures: try again after ``wait_seconds``."""

    wait_seconds: int


@dataclass(frozen=True)
class _Rule:
    key: str
    free: int


def _rules(username: str, ip: str) -> list[_Rule]:
    return [
        _Rule(f"user:{username.lower()[:150]}|{ip}", settings.LOGIN_FREE_ATTEMPTS),
        _Rule(f"addr:{ip}", settings.LOGIN_FREE_ATTEMPTS_PER_ADDRESS),
    ]


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after ``failures`` failures with ``free`` free attempts: 0, then 1, 2, 4 …"""
    if failures <= free:
        return 0
    return int(min(settings.LOGIN_MAX_DELAY_SECONDS, 2 ** min(failures - free - 1, 30)))


def _row(key: str) -> None:
    if LoginThrottle.objects.filter(key=key).exists():
        return
    try:
        with transaction.atomic():
            LoginThrottle.objects.create(key=key)
    except IntegrityError:  # created by a parallel attempt
        pass


def _reserve(key: str, now: datetime) -> bool:
    free = Q(blocked_until__isnull=True) | Q(blocked_until__lte=now)
    return bool(
        LoginThrottle.objects.filter(free, key=key).update(
            blocked_until=now + timedelta(seconds=HOLD_SECONDS)
        )
    )


def _wait(key: str, now: datetime) -> int:
    until = LoginThrottle.objects.filter(key=key).values_list("blocked_until", flat=True).first()
    if until is None or until <= now:
        return 1
    return max(1, math.ceil((until - now).total_seconds()))


def check(request: HttpRequest, username: str, password: str, authenticate: Any) -> Any:
    """``authenticate(request, username=…, password=…)`` unless throttled (raises ``Throttled``).

    Returns the user or ``None``, recording the failure or clearing the count."""
    ip = client_ip(request) or "-"
    rules = _rules(username, ip)
    now = timezone.now()
    reserved: list[_Rule] = []
    for rule in rules:
        _row(rule.key)
        if not _reserve(rule.key, now):
            wait = _wait(rule.key, now)
            for done in reserved:
                LoginThrottle.objects.filter(key=done.key).update(blocked_until=None)
            raise Throttled(wait)
        reserved.append(rule)
    user = None
    try:
        user = authenticate(request, username=username, password=password)
    finally:
        _settle(rules, succeeded=user is not None)
    return user


def _settle(rules: list[_Rule], *, succeeded: bool) -> None:
    now = timezone.now()
    for index, rule in enumerate(rules):
        if succeeded:
            if index == 0:
                LoginThrottle.objects.filter(key=rule.key).delete()
            else:
                LoginThrottle.objects.filter(key=rule.key).update(blocked_until=None)
            continue
        LoginThrottle.objects.filter(key=rule.key).update(failures=F("failures") + 1)
        failures = LoginThrottle.objects.filter(key=rule.key).values_list("failures", flat=True).first() or 0
        seconds = delay_after(failures, rule.free)
        LoginThrottle.objects.filter(key=rule.key).update(
            blocked_until=now + timedelta(seconds=seconds) if seconds else None
        )


def forget_older_than(days: int = 30) -> int:
    """Delete throttle rows untouched for ``days`` (a housekeeping task)."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = LoginThrottle.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
