"""Reads for funding rounds: rounds, their applications (scoped for counties), the 公示 view, and
the one access function per entity (``round_get_for``, ``application_get_for``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiangcun.accounts.permissions import Capability, can, require
from xiangcun.accounts.scoping import user_scope
from xiangcun.core.errors import AccessDenied, Msg, NotFoundError
from xiangcun.funding.models import FundingApplication, FundingRound, RoundStatus


def round_list(user: Any) -> QuerySet[FundingRound]:
    """Officials see every round; others only published ones (公示)."""
    qs = FundingRound.objects.order_by("-year", "-created_at")
    if user_scope(user).is_official:
        return qs
    return qs.filter(status=RoundStatus.PUBLISHED)


def round_get_for(user: Any, pk: int, *, write: bool = False) -> FundingRound:
    """The round ``pk`` if ``user`` may read it (officials: any; others once published) or, with
    ``write``, manage it (the city office). 404 when there is none, 403/401 otherwise."""
    row = FundingRound.objects.filter(pk=pk).first()
    if row is None:
        raise NotFoundError(Msg("遴选批次 {pk} 不存在", pk=pk), field="id")
    if write:
        require(user, Capability.FUNDING_MANAGE, message="项目遴选由市合伙人办公室组织")
    elif not round_list(user).filter(pk=pk).exists():
        raise AccessDenied("该批次尚未公示")
    return row


def application_list(user: Any, funding_round: FundingRound) -> QuerySet[FundingApplication]:
    """The city office sees all; other officials their region's; everyone all once published."""
    qs = funding_round.applications.select_related(
        "agreement", "agreement__village", "agreement__village__county"
    )
    qs = qs.order_by("rank", "id")
    if can(user, Capability.FUNDING_MANAGE) or funding_round.status == RoundStatus.PUBLISHED:
        return qs
    return user_scope(user).filter(qs, "agreement__village__code")


def application_get_for(user: Any, pk: int, *, write: bool = False) -> FundingApplication:
    """The application ``pk`` if ``user`` may read it (as in ``application_list``) or, with
    ``write``, verify it (the city office)."""
    row = FundingApplication.objects.select_related("round", "agreement").filter(pk=pk).first()
    if row is None:
        raise NotFoundError(Msg("申报 {pk} 不存在", pk=pk), field="id")
    if write:
        require(user, Capability.FUNDING_MANAGE, message="项目遴选由市合伙人办公室组织")
    elif not application_list(user, round_get_for(user, row.round_id)).filter(pk=pk).exists():
        raise AccessDenied("无权查看该申报")
    return row
