"""Funding rounds API (择优遴选): rounds, applications, verification, exact selection, 公示, xlsx."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from xiangcun.agreements.selectors import agreement_get
from xiangcun.core.errors import ApplicationError
from xiangcun.funding import selectors, services
from xiangcun.funding.exports import round_xlsx
from xiangcun.funding.models import FundingApplication, FundingRound
from xiangcun.funding.schemas import ApplicationIn, ApplicationOut, PublishIn, RoundIn, RoundOut
from xiangcun.regions.schemas import ErrorOut

router = Router()
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _login(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise ApplicationError("请先登录", status=401)
    return request.user


def round_out(r: FundingRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "year": r.year,
        "budget": r.budget,
        "weights": r.weights,
        "min_score": r.min_score,
        "opens_on": r.opens_on,
        "closes_on": r.closes_on,
        "status": r.status,
        "status_label": r.get_status_display(),
        "total_requested": r.total_requested,
        "total_score": r.total_score,
        "greedy_score": r.greedy_score,
        "publicity_start": r.publicity_start,
        "publicity_end": r.publicity_end,
    }


def application_out(a: FundingApplication) -> dict[str, Any]:
    return {
        "id": a.pk,
        "agreement": a.agreement_id,
        "agreement_code": a.agreement.code,
        "title": a.agreement.title,
        "village": a.agreement.village.name,
        "requested": a.requested,
        "investment": a.investment,
        "profit_tax": a.profit_tax,
        "social_benefit": a.social_benefit,
        "farmer_income_increase": a.farmer_income_increase,
        "collective_income_increase": a.collective_income_increase,
        "verified": a.verified,
        "score": a.score,
        "rank": a.rank,
        "selected": a.selected,
        "reason": a.reason,
    }


@router.get("/funding/rounds", response={200: list[RoundOut]}, summary="遴选批次（公众仅见已公示）")
def round_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [round_out(r) for r in selectors.round_list(request.user)]


@router.post("/funding/rounds", response={201: RoundOut, **ERRORS}, summary="新建遴选批次（市级）")
def round_create(request: HttpRequest, payload: RoundIn) -> Status[dict[str, Any]]:
    row = services.round_create(user=_login(request), data=payload.dict())
    return Status(201, round_out(row))


def _visible_round(request: HttpRequest, pk: int) -> FundingRound:
    row = selectors.round_get(pk)
    if not selectors.round_list(request.user).filter(pk=pk).exists():
        raise ApplicationError("该批次尚未公示", status=403)
    return row


@router.get("/funding/rounds/{int:pk}", response={200: RoundOut, **ERRORS}, summary="遴选批次详情")
def round_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return round_out(_visible_round(request, pk))


@router.get(
    "/funding/rounds/{int:pk}/applications",
    response={200: list[ApplicationOut], **ERRORS},
    summary="申报与排名",
)
def application_list(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    row = _visible_round(request, pk)
    return [application_out(a) for a in selectors.application_list(request.user, row)]


@router.post(
    "/funding/rounds/{int:pk}/applications", response={201: ApplicationOut, **ERRORS}, summary="申报（县级）"
)
def application_create(request: HttpRequest, pk: int, payload: ApplicationIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    app = services.application_submit(
        user=_login(request),
        funding_round=selectors.round_get(pk),
        agreement=agreement_get(data.pop("agreement")),
        figures=data,
    )
    return Status(201, application_out(app))


@router.post(
    "/funding/applications/{int:pk}/verify", response={200: ApplicationOut, **ERRORS}, summary="核实申报数据"
)
def application_verify(request: HttpRequest, pk: int) -> dict[str, Any]:
    app = services.application_verify(user=_login(request), application=selectors.application_get(pk))
    return application_out(app)


@router.post("/funding/rounds/{int:pk}/select", response={200: RoundOut, **ERRORS}, summary="评分与精确遴选")
def round_select(request: HttpRequest, pk: int) -> dict[str, Any]:
    return round_out(services.round_select(user=_login(request), funding_round=selectors.round_get(pk)))


@router.post("/funding/rounds/{int:pk}/publish", response={200: RoundOut, **ERRORS}, summary="公示遴选结果")
def round_publish(request: HttpRequest, pk: int, payload: PublishIn) -> dict[str, Any]:
    row = services.round_publish(
        user=_login(request), funding_round=selectors.round_get(pk), start=payload.start
    )
    return round_out(row)


@router.get("/funding/rounds/{int:pk}/xlsx", response={200: None, **ERRORS}, summary="导出遴选结果 xlsx")
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    row = _visible_round(request, pk)
    data = round_xlsx(row, selectors.application_list(request.user, row))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="funding-round-{row.pk}.xlsx"'
    return response
