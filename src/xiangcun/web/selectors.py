"""The home page's figures and the desk's to-dos, read through each app's own selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from xiangcun.agreements.selectors import todos_for as agreement_todos
from xiangcun.core.todos import Todo
from xiangcun.matching.models import ACTIVE_STATUSES, Pairing
from xiangcun.matching.selectors import todos_for as matching_todos
from xiangcun.partners.selectors import partner_list
from xiangcun.partners.selectors import todos_for as partner_todos
from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.selectors import notice_list_public
from xiangcun.recruitment.selectors import todos_for as recruitment_todos


@dataclass(frozen=True)
class PlatformFigures:
    notices_published: int
    partners_verified: int
    pairings_active: int
    pairings_signed: int
    latest_notices: list[Notice]


def platform_figures() -> PlatformFigures:
    """What the public may see of the platform's activity: published notices, verified partners,
    pairings under way."""
    notices = notice_list_public()
    by_status = dict(
        Pairing.objects.filter(status__in=ACTIVE_STATUSES).values_list("status").annotate(n=Count("id"))
    )
    return PlatformFigures(
        notices_published=notices.count(),
        partners_verified=partner_list(AnonymousUser()).count(),
        pairings_active=sum(by_status.values()),
        pairings_signed=by_status.get("signed", 0) + by_status.get("performing", 0),
        latest_notices=list(notices[:6]),
    )


def desk_todos(user: Any, *, today: dt.date | None = None) -> list[Todo]:
    """Every to-do of ``user``, collected from each app's ``todos_for`` (web may import every app):
    the overdue first, then in the order of the loop (notices, partners, pairings, agreements)."""
    todos = [
        *recruitment_todos(user, today=today),
        *partner_todos(user),
        *matching_todos(user),
        *agreement_todos(user, today=today),
    ]
    return sorted(todos, key=lambda t: not t.urgent)
