"""Writes for funding rounds (择优遴选): the city creates a round, counties file applications from
agreements in force, the city verifies the outcome figures and runs the exact selection of
``selection.select`` (scores, ranking, reasons), then publishes it for 公示. Inputs are the typed
models of ``funding.schemas``, already valid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.permissions import Capability, require
from xiangcun.agreements.models import Agreement, AgreementStatus
from xiangcun.core.audit import audit
from xiangcun.core.errors import ApplicationError
from xiangcun.core.validation import full_clean
from xiangcun.core.workdays import OBJECTION_WORKING_DAYS, add_working_days
from xiangcun.funding.models import FundingApplication, FundingRound, RoundStatus
from xiangcun.funding.schemas import FiguresIn, RoundIn
from xiangcun.funding.selection import CRITERIA, Application, Weights, greedy_select, select

CRITERION_LABELS = {
    "investment": "实际投资",
    "profit_tax": "利税",
    "social_benefit": "社会效益评审分",
    "farmer_income_increase": "带动农民增收",
    "collective_income_increase": "村集体增收",
}
FIGURES = ("requested", *CRITERIA)
MANAGE_REFUSAL = "项目遴选由市合伙人办公室组织"
APPLY_REFUSAL = "由县级或市级管理员申报"


def _require_city(user: Any) -> None:
    require(user, Capability.FUNDING_MANAGE, message=MANAGE_REFUSAL)


def stored_weights(funding_round: FundingRound) -> Weights:
    """A round's weights as stored (validated when the round was created)."""
    return Weights.from_mapping({name: Decimal(funding_round.weights[name]) for name in CRITERIA})


@transaction.atomic
def round_create(*, user: Any, new_round: RoundIn, is_demo: bool = False) -> FundingRound:
    _require_city(user)
    weights = new_round.weights.as_weights()
    row = FundingRound(
        name=new_round.name,
        year=new_round.year,
        budget=new_round.budget,
        weights={name: str(weights.of(name)) for name in CRITERIA},
        min_score=new_round.min_score,
        opens_on=new_round.opens_on,
        closes_on=new_round.closes_on,
        created_by=user,
        is_demo=is_demo,
    )
    full_clean(row)
    row.save()
    audit(
        actor=user,
        action="funding_round.create",
        target=row,
        data={"name": row.name, "year": row.year, "budget": row.budget, "weights": row.weights},
    )
    return row


def _require_county_of(user: Any, agreement: Agreement) -> None:
    require(user, Capability.FUNDING_APPLY, message=APPLY_REFUSAL)
    require(user, Capability.FUNDING_APPLY, agreement.village_id, field="agreement")


@transaction.atomic
def application_submit(
    *, user: Any, funding_round: FundingRound, agreement: Agreement, figures: FiguresIn
) -> FundingApplication:
    """File an application of an agreement in force with its outcome figures (unverified)."""
    _require_county_of(user, agreement)
    funding_round = FundingRound.objects.select_for_update().get(pk=funding_round.pk)
    if funding_round.status != RoundStatus.OPEN:
        raise ApplicationError("该批次已停止受理申报", field="round")
    if agreement.status != AgreementStatus.IN_FORCE:
        raise ApplicationError("只有履行中的协议项目可以申报", field="agreement")
    if funding_round.applications.filter(agreement=agreement).exists():
        raise ApplicationError("该项目已申报本批次", field="agreement")
    values = {name: getattr(figures, name) for name in FIGURES}
    application = FundingApplication(round=funding_round, agreement=agreement, submitted_by=user, **values)
    full_clean(application)
    application.save()
    audit(
        actor=user,
        action="funding_application.submit",
        target=application,
        region_code=agreement.village_id,
        data={"round": funding_round.pk, "agreement": agreement.pk, **values},
    )
    return application


@transaction.atomic
def application_verify(*, user: Any, application: FundingApplication) -> FundingApplication:
    """The city office confirms the outcome figures (checked against accounts and site visits)."""
    _require_city(user)
    application = FundingApplication.objects.select_for_update().get(pk=application.pk)
    if application.round.status == RoundStatus.PUBLISHED:
        raise ApplicationError("该批次已公示", field="round")
    application.verified = True
    application.verified_by = user
    application.verified_at = timezone.now()
    application.save(update_fields=["verified", "verified_by", "verified_at", "updated_at"])
    audit(
        actor=user,
        action="funding_application.verify",
        target=application,
        region_code=application.agreement.village_id,
        data={"round": application.round_id},
    )
    return application


def _reason_zh(
    kind: str, score: Decimal, requested: Decimal, left: Decimal, min_score: Decimal | None
) -> str:
    if kind == "min_score":
        return f"得分 {score} 低于最低分 {min_score}"
    return f"资金不足：申请 {requested:,.2f} 元，已超出遴选后剩余资金 {left:,.2f} 元（入选组合总分已最高）"


@transaction.atomic
def round_select(*, user: Any, funding_round: FundingRound) -> FundingRound:
    """Score, rank and select exactly (§3.3) among the verified applications; store every reason."""
    _require_city(user)
    funding_round = FundingRound.objects.select_for_update().get(pk=funding_round.pk)
    if funding_round.status == RoundStatus.PUBLISHED:
        raise ApplicationError("该批次已公示，不能重新遴选", field="round")
    apps = list(funding_round.applications.select_for_update().order_by("id"))
    verified = [a for a in apps if a.verified]
    if not verified:
        raise ApplicationError("没有已核实的申报，无法遴选", field="applications")
    weights = stored_weights(funding_round)
    pure = [
        Application(
            str(a.pk),
            a.requested,
            a.investment,
            a.profit_tax,
            a.social_benefit,
            a.farmer_income_increase,
            a.collective_income_increase,
        )
        for a in verified
    ]
    result = select(pure, weights, funding_round.budget, min_score=funding_round.min_score)
    greedy = greedy_select(pure, weights, funding_round.budget, min_score=funding_round.min_score)
    by_id = {str(a.pk): a for a in verified}
    left_out = {x.app_id: x for x in result.left_out}
    chosen = set(result.selected)
    for rank, line in enumerate(result.ranking, 1):
        a = by_id[line.app_id]
        a.score, a.rank, a.selected = line.score, rank, line.app_id in chosen
        if a.selected:
            a.reason = f"第 {rank} 名，得分 {line.score}，入选"
        else:
            out = left_out[line.app_id]
            a.reason = _reason_zh(
                out.kind, line.score, a.requested, result.budget_left, funding_round.min_score
            )
        a.save(update_fields=["score", "rank", "selected", "reason", "updated_at"])
    for a in apps:
        if not a.verified:
            a.score, a.rank, a.selected, a.reason = None, None, False, "申报数据未经核实，未参加评审"
            a.save(update_fields=["score", "rank", "selected", "reason", "updated_at"])
    funding_round.status = RoundStatus.SELECTED
    funding_round.selected_at = timezone.now()
    funding_round.total_requested = result.total_requested
    funding_round.total_score = result.total_score
    funding_round.greedy_score = greedy.total_score
    funding_round.save(
        update_fields=[
            "status",
            "selected_at",
            "total_requested",
            "total_score",
            "greedy_score",
            "updated_at",
        ]
    )
    audit(
        actor=user,
        action="funding_round.select",
        target=funding_round,
        data={
            "selected": sorted(result.selected),
            "total_score": result.total_score,
            "total_requested": result.total_requested,
        },
    )
    return funding_round


@transaction.atomic
def round_publish(*, user: Any, funding_round: FundingRound, start: dt.date | None = None) -> FundingRound:
    _require_city(user)
    funding_round = FundingRound.objects.select_for_update().get(pk=funding_round.pk)
    if funding_round.status != RoundStatus.SELECTED:
        raise ApplicationError("须先完成遴选再公示", field="status")
    first = start or timezone.localdate()
    funding_round.publicity_start = first
    funding_round.publicity_end = add_working_days(first, OBJECTION_WORKING_DAYS)
    funding_round.status = RoundStatus.PUBLISHED
    funding_round.save(update_fields=["publicity_start", "publicity_end", "status", "updated_at"])
    audit(
        actor=user,
        action="funding_round.publish",
        target=funding_round,
        data={"publicity_start": funding_round.publicity_start, "publicity_end": funding_round.publicity_end},
    )
    return funding_round
