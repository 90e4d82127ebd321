"""The home page's figures, read through each app's own selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from xiangcun.matching.models import ACTIVE_STATUSES, Pairing
from xiangcun.partners.selectors import partner_list
from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.selectors import notice_list_public


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
