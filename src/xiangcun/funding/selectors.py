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
from xiangcun.agreements.models import Agreement, AgreementStatus
from xiangcun.agreements.selectors import agreement_list
from xiangcun.core.actions import SECONDARY, Action, Actions, actions_of
from xiangcun.core.errors import N_, AccessDenied, Msg, NotFoundError
from xiangcun.core.money import format_wan
from xiangcun.core.workdays import OBJECTION_WORKING_DAYS
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


# --------------------------------------------------------------------------------------------------
# What each reader may do on a round now (the services check the same rules)
# --------------------------------------------------------------------------------------------------
SELECT = Action(
    "select",
    Msg("确定入选名单"),
    confirm=Msg("按本批次的遴选方式评分、排名并确定入选名单？发布公示前可重新确定。"),
)
SELECT_AGAIN = Action(
    "select",
    Msg("重新确定入选名单"),
    SECONDARY,
    confirm=Msg("按最新核实的申报重新评分、排名并确定入选名单？"),
)
PUBLISH = Action(
    "publish",
    Msg("发布公示"),
    confirm=Msg(
        "确认发布公示？公示自今天起 {n} 个工作日，发布后入选名单不能再修改。", n=OBJECTION_WORKING_DAYS
    ),
)
VERIFY = Action("verify", Msg("核实"), SECONDARY, side=True)
APPLY = Action("apply", Msg("提交申报"), side=True)


def application_candidates_for(user: Any, funding_round: FundingRound, limit: int = 300) -> list[Agreement]:
    """The agreements ``user`` may file in ``funding_round`` now: the round takes applications, they
    hold ``FUNDING_APPLY``, and the agreement is in force, of their region and not filed yet
    (``services.application_submit``'s rules)."""
    if funding_round.status != RoundStatus.OPEN or not can(user, Capability.FUNDING_APPLY):
        return []
    applied = set(funding_round.applications.values_list("agreement_id", flat=True))
    rows = agreement_list(user, status=AgreementStatus.IN_FORCE)[:limit]
    return [a for a in rows if a.pk not in applied and can(user, Capability.FUNDING_APPLY, a.village_id)]


def round_actions_for(user: Any, funding_round: FundingRound, *, can_apply: bool = False) -> Actions:
    """The round's steps ``user`` may take now — the city office (``FUNDING_MANAGE``) verifies
    applications, selects once one is verified and publishes a selection; a county files an
    application while the round is open (``can_apply``: it has an agreement in force to file) —
    and who acts next."""
    status = funding_round.status
    items: list[Action] = []
    verified = funding_round.applications.filter(verified=True).exists()
    if can(user, Capability.FUNDING_MANAGE) and status != RoundStatus.PUBLISHED:
        if status == RoundStatus.SELECTED:
            items += [PUBLISH, SELECT_AGAIN]
        elif verified:
            items.append(SELECT)
        if funding_round.applications.filter(verified=False).exists():
            items.append(VERIFY)
    if status == RoundStatus.OPEN and can_apply and can(user, Capability.FUNDING_APPLY):
        items.append(APPLY)
    waiting: Msg | None = None
    if status == RoundStatus.OPEN:
        waiting = (
            Msg("受理申报中：市合伙人办公室核实申报数据后确定入选名单")
            if verified
            else Msg("受理申报中：申报数据经市合伙人办公室核实后，方可确定入选名单")
        )
    elif status == RoundStatus.SELECTED:
        waiting = Msg("已确定入选名单：等待市合伙人办公室发布公示")
    return actions_of(items, waiting)


def round_step_done(funding_round: FundingRound, step: str) -> Msg:
    """What a successful step says on the next page (the round as the step left it)."""
    if step == "select":
        funded = funding_round.applications.filter(selected=True).count()
        return Msg(
            "已确定入选名单：{n} 个项目获支持，合计 {amount} 万元。核对后可发布公示。",
            n=funded,
            amount=format_wan(funding_round.total_requested or 0),
        )
    if step == "publish":
        return Msg(
            "已发布公示，公示期至 {end}（{n} 个工作日）。",
            end=f"{funding_round.publicity_end:%Y-%m-%d}",
            n=OBJECTION_WORKING_DAYS,
        )
    if step == "verify":
        return Msg("已核实申报数据。")
    return Msg("申报已提交，等待市合伙人办公室核实。")
