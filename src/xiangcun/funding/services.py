"""Writes for funding rounds (择优遴选): the city creates a round, counties file applications from
agreements in force, the city verifies the outcome figures and runs the exact selection of
``selection.select`` (scores, ranking, reasons), then publishes it for 公示."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.models import Role
from xiangcun.accounts.scoping import user_scope
from xiangcun.agreements.models import Agreement, AgreementStatus
from xiangcun.agreements.workdays import OBJECTION_WORKING_DAYS, add_working_days
from xiangcun.core.errors import AccessDenied, ApplicationError, Msg
from xiangcun.core.money import FEN, MoneyError, to_decimal
from xiangcun.core.validation import full_clean
from xiangcun.funding.models import FundingApplication, FundingRound, RoundStatus
from xiangcun.funding.selection import (
    CRITERIA,
    Application,
    SelectionError,
    Weights,
    greedy_select,
    select,
    validate_weights,
)
from xiangcun.partners.services import is_city_office

CRITERION_LABELS = {
    "investment": "实际投资",
    "profit_tax": "利税",
    "social_benefit": "社会效益评审分",
    "farmer_income_increase": "带动农民增收",
    "collective_income_increase": "村集体增收",
}
FIGURES = ("requested", *CRITERIA)


def _number(
    value: Any, field: str, label: str, *, money: bool = True, maximum: Decimal | None = None
) -> Decimal:
    try:
        number = to_decimal(value)
    except MoneyError:
        raise ApplicationError(
            Msg("{label}：不是有效的数字", label=label, field2=field), field=field
        ) from None
    if number < 0:
        raise ApplicationError(Msg("{label}不能为负数", label=label, field2=field), field=field)
    if maximum is not None and number > maximum:
        raise ApplicationError(
            Msg("{label}不能大于 {maximum}", label=label, maximum=maximum, field2=field), field=field
        )
    if money and number != number.quantize(FEN):
        raise ApplicationError(Msg("{label}须精确到分", label=label, field2=field), field=field)
    return number


def _date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        raise ApplicationError(Msg("{label}：日期格式应为 YYYY-MM-DD", label=label), field=field) from None


def _require_city(user: Any) -> None:
    if not is_city_office(user):
        raise AccessDenied("项目遴选由市合伙人办公室组织")


def parse_weights(raw: Mapping[str, Any]) -> Weights:
    values = {}
    for name in CRITERIA:
        values[name] = _number(
            raw.get(name, 0), f"weights.{name}", f"{CRITERION_LABELS[name]}权重", money=False
        )
    weights = Weights.from_mapping(values)
    validate_weights(weights)
    return weights


@transaction.atomic
def round_create(*, user: Any, data: Mapping[str, Any]) -> FundingRound:
    _require_city(user)
    weights = parse_weights(data.get("weights") or {})
    min_score = data.get("min_score")
    row = FundingRound(
        name=str(data.get("name") or "").strip()[:120],
        year=int(data.get("year") or timezone.localdate().year),
        budget=_number(data.get("budget"), "budget", "资金总额"),
        weights={name: str(weights.of(name)) for name in CRITERIA},
        min_score=None
        if min_score in (None, "")
        else _number(min_score, "min_score", "最低分", money=False, maximum=Decimal(100)),
        opens_on=_date(data.get("opens_on"), "opens_on", "申报开始"),
        closes_on=_date(data.get("closes_on"), "closes_on", "申报截止"),
        created_by=user,
        is_demo=bool(data.get("is_demo", False)),
    )
    if not row.name:
        raise ApplicationError("批次名称：必填", field="name")
    if row.closes_on < row.opens_on:
        raise ApplicationError("申报截止须不早于申报开始", field="closes_on")
    full_clean(row)
    row.save()
    return row


def _require_county_of(user: Any, agreement: Agreement) -> None:
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError("请先登录", status=401)
    if not (user.is_superuser or user.role in (Role.COUNTY_ADMIN, Role.CITY_ADMIN)):
        raise AccessDenied("由县级或市级管理员申报")
    user_scope(user).ensure(agreement.village_id, field="agreement")


@transaction.atomic
def application_submit(
    *, user: Any, funding_round: FundingRound, agreement: Agreement, figures: Mapping[str, Any]
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
    values = {
        name: _number(
            figures.get(name),
            name,
            CRITERION_LABELS.get(name, "申请金额"),
            money=name != "social_benefit",
            maximum=Decimal(100) if name == "social_benefit" else None,
        )
        for name in FIGURES
    }
    application = FundingApplication(round=funding_round, agreement=agreement, submitted_by=user, **values)
    full_clean(application)
    application.save()
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
    weights = parse_weights(funding_round.weights)
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
    try:
        result = select(pure, weights, funding_round.budget, min_score=funding_round.min_score)
        greedy = greedy_select(pure, weights, funding_round.budget, min_score=funding_round.min_score)
    except SelectionError as exc:
        raise exc from None
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
    return funding_round


@transaction.atomic
def round_publish(*, user: Any, funding_round: FundingRound, start: Any = None) -> FundingRound:
    _require_city(user)
    funding_round = FundingRound.objects.select_for_update().get(pk=funding_round.pk)
    if funding_round.status != RoundStatus.SELECTED:
        raise ApplicationError("须先完成遴选再公示", field="status")
    first = _date(start or timezone.localdate(), "start", "公示开始")
    funding_round.publicity_start = first
    funding_round.publicity_end = add_working_days(first, OBJECTION_WORKING_DAYS)
    funding_round.status = RoundStatus.PUBLISHED
    funding_round.save(update_fields=["publicity_start", "publicity_end", "status", "updated_at"])
    return funding_round
