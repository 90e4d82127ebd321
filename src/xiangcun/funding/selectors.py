"""Reads for funding rounds: rounds, their applications (scoped for counties), the 公示 view."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xiangcun.accounts.scoping import user_scope
from xiangcun.core.errors import Msg, NotFoundError
from xiangcun.funding.models import FundingApplication, FundingRound, RoundStatus
from xiangcun.partners.services import is_city_office


def round_list(user: Any) -> QuerySet[FundingRound]:
    """Officials see every round; others only published ones (公示)."""
    qs = FundingRound.objects.order_by("-year", "-created_at")
    if user_scope(user).is_official:
        return qs
    return qs.filter(status=RoundStatus.PUBLISHED)


def round_get(pk: int) -> FundingRound:
    row = FundingRound.objects.filter(pk=pk).first()
    if row is None:
        raise NotFoundError(Msg("遴选批次 {pk} 不存在", pk=pk), field="id")
    return row


def application_list(user: Any, funding_round: FundingRound) -> QuerySet[FundingApplication]:
    """The city office sees all; other officials their region's; everyone all once published."""
    qs = funding_round.applications.select_related(
        "agreement", "agreement__village", "agreement__village__county"
    )
    qs = qs.order_by("rank", "id")
    if is_city_office(user) or funding_round.status == RoundStatus.PUBLISHED:
        return qs
    return user_scope(user).filter(qs, "agreement__village__code")


def application_get(pk: int) -> FundingApplication:
    row = FundingApplication.objects.select_related("round", "agreement").filter(pk=pk).first()
    if row is None:
        raise NotFoundError(Msg("申报 {pk} 不存在", pk=pk), field="id")
    return row
