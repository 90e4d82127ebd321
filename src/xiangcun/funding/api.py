"""Funding rounds API (择优遴选): rounds (with their selection mode), applications, verification,
selection, 公示, the officials' analysis of the other mode, xlsx.

Request bodies are parsed into the use case's model with ``core.inputs.parse`` (400 naming the
JSON path); published rounds are public, everything else needs a login (``session_auth``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Router, Status

from xiangcun.agreements.selectors import agreement_get_for
from xiangcun.core.api import ERRORS, json_body, session_auth
from xiangcun.core.errors import ApplicationError
from xiangcun.core.inputs import parse
from xiangcun.funding import selectors, services
from xiangcun.funding.exports import round_xlsx
from xiangcun.funding.models import FundingApplication, FundingRound
from xiangcun.funding.schemas import (
    AnalysisOut,
    ApplicationIn,
    ApplicationOut,
    PublishIn,
    RoundIn,
    RoundOut,
)

router = Router()
JSONBody = Body[dict[str, Any]]


@router.get("/funding/rounds", response={200: list[RoundOut]}, summary="遴选批次（公众仅见已公示）")
def round_list(request: HttpRequest) -> Any:
    return selectors.round_list(request.user)


@router.post(
    "/funding/rounds",
    response={201: RoundOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(RoundIn),
    summary="新建遴选批次（市级）",
)
def round_create(request: HttpRequest, payload: JSONBody) -> Status[FundingRound]:
    return Status(201, services.round_create(user=request.user, new_round=parse(RoundIn, payload)))


@router.get("/funding/rounds/{int:pk}", response={200: RoundOut, **ERRORS}, summary="遴选批次详情")
def round_detail(request: HttpRequest, pk: int) -> FundingRound:
    return selectors.round_get_for(request.user, pk)


@router.get(
    "/funding/rounds/{int:pk}/applications",
    response={200: list[ApplicationOut], **ERRORS},
    summary="申报与排名",
)
def application_list(request: HttpRequest, pk: int) -> Any:
    return selectors.application_list(request.user, selectors.round_get_for(request.user, pk))


@router.post(
    "/funding/rounds/{int:pk}/applications",
    response={201: ApplicationOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(ApplicationIn),
    summary="申报（县级）",
)
def application_create(request: HttpRequest, pk: int, payload: JSONBody) -> Status[FundingApplication]:
    funding_round = selectors.round_get_for(request.user, pk)
    application = parse(ApplicationIn, payload)
    row = services.application_submit(
        user=request.user,
        funding_round=funding_round,
        agreement=agreement_get_for(request.user, application.agreement),
        figures=application,
    )
    return Status(201, row)


@router.post(
    "/funding/applications/{int:pk}/verify",
    response={200: ApplicationOut, **ERRORS},
    auth=session_auth,
    summary="核实申报数据",
)
def application_verify(request: HttpRequest, pk: int) -> FundingApplication:
    application = selectors.application_get_for(request.user, pk, write=True)
    return services.application_verify(user=request.user, application=application)


@router.post(
    "/funding/rounds/{int:pk}/select",
    response={200: RoundOut, **ERRORS},
    auth=session_auth,
    summary="评分与遴选（按批次的遴选方式，另一方式存作对照）",
)
def round_select(request: HttpRequest, pk: int) -> FundingRound:
    """Acts on the state read when the request began: of two simultaneous runs the second is a 409."""
    funding_round = selectors.round_get_for(request.user, pk, write=True)
    return services.round_select(
        user=request.user, funding_round=funding_round, expected_status=funding_round.status
    )


@router.post(
    "/funding/rounds/{int:pk}/publish",
    response={200: RoundOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(PublishIn),
    summary="公示遴选结果",
)
def round_publish(request: HttpRequest, pk: int, payload: JSONBody) -> FundingRound:
    funding_round = selectors.round_get_for(request.user, pk, write=True)
    step = parse(PublishIn, payload)
    return services.round_publish(
        user=request.user,
        funding_round=funding_round,
        expected_status=step.expected_status or funding_round.status,
    )


@router.get(
    "/funding/rounds/{int:pk}/analysis",
    response={200: AnalysisOut, **ERRORS},
    auth=session_auth,
    summary="方案对照：本批次遴选方式与另一方式（仅工作人员）",
)
def round_analysis(request: HttpRequest, pk: int) -> Any:
    analysis = selectors.round_analysis(request.user, selectors.round_get_for(request.user, pk))
    if analysis is None:
        raise ApplicationError("尚未遴选，暂无方案对照", field="status")
    return analysis


@router.get("/funding/rounds/{int:pk}/xlsx", response={200: None, **ERRORS}, summary="导出遴选结果 xlsx")
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.round_get_for(request.user, pk)
    data = round_xlsx(row, selectors.application_list(request.user, row))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="funding-round-{row.pk}.xlsx"'
    return response
