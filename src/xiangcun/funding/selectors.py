"""Reads for funding rounds: rounds, their applications (scoped for counties), the 公示 view, the
officials' analysis of the other selection mode (``round_analysis``), and the one access function
per entity (``round_get_for``, ``application_get_for``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from xiangcun.accounts.permissions import Capability, can, require
from xiangcun.accounts.scoping import user_scope
from xiangcun.core.errors import N_, AccessDenied, Msg, NotFoundError
from xiangcun.funding.models import MODE_SHORT, FundingApplication, FundingRound, RoundStatus, SelectionMode
from xiangcun.funding.selection import Mode

ANALYSIS_REFUSAL = N_("方案对照仅供工作人员查看，公众请查看公示结果")


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


@dataclass(frozen=True)
class ModeOutcome:
    """What one selection mode funds in a round: counts and totals over the whole round, the list
    as far as the reader may see it (``application_list``)."""

    mode: Mode
    label: str  # the sentence of the 公示: 按得分排序择优（预算内依次支持）
    short: str  # its name in a comparison: 按得分排序
    count: int
    total_requested: Decimal
    total_score: Decimal
    funded: list[FundingApplication]
    budget_left: Decimal


@dataclass(frozen=True)
class RoundAnalysis:
    """The round's selection (its 公示) beside the other mode's: how many more projects the other
    funds and how much higher its total score is (negative: fewer, lower)."""

    shown: ModeOutcome
    other: ModeOutcome
    more_projects: int
    score_gain: Decimal

    @property
    def only_shown(self) -> set[int]:
        return {a.pk for a in self.shown.funded} - {a.pk for a in self.other.funded}

    @property
    def only_other(self) -> set[int]:
        return {a.pk for a in self.other.funded} - {a.pk for a in self.shown.funded}


def round_analysis(user: Any, funding_round: FundingRound) -> RoundAnalysis | None:
    """The analysis of a selected round for officials (403 for anyone else, even once published:
    the public reads the 公示); None while the round has not been selected in both modes."""
    require(user, Capability.OFFICIAL_READ, message=ANALYSIS_REFUSAL)
    if funding_round.status == RoundStatus.OPEN or funding_round.other_total_score is None:
        return None
    ranked = funding_round.applications.filter(rank__isnull=False)
    if ranked.filter(other_selected__isnull=True).exists():
        return None
    totals = ranked.aggregate(
        count=Count("pk", filter=Q(selected=True)),
        other_count=Count("pk", filter=Q(other_selected=True)),
        other_requested=Sum("requested", filter=Q(other_selected=True)),
    )
    visible = list(application_list(user, funding_round).filter(rank__isnull=False))
    mode = Mode(funding_round.mode)
    zero = Decimal("0.00")
    shown = ModeOutcome(
        mode,
        str(SelectionMode(mode.value).label),
        str(MODE_SHORT[SelectionMode(mode.value)]),
        totals["count"],
        funding_round.total_requested or zero,
        funding_round.total_score or zero,
        [a for a in visible if a.selected],
        funding_round.budget - (funding_round.total_requested or zero),
    )
    other_requested = funding_round.other_total_requested or totals["other_requested"] or zero
    other = ModeOutcome(
        mode.other,
        str(SelectionMode(mode.other.value).label),
        str(MODE_SHORT[SelectionMode(mode.other.value)]),
        totals["other_count"],
        other_requested,
        funding_round.other_total_score,
        [a for a in visible if a.other_selected],
        funding_round.budget - other_requested,
    )
    return RoundAnalysis(shown, other, other.count - shown.count, other.total_score - shown.total_score)
