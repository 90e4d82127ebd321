"""Agreements API: drafts (by hand or from a pairing), the workflow, objections, annual
settlements, household statements, guaranteed payments and the distribution simulator.

Request bodies are read as JSON objects and parsed into the use case's model with
``core.inputs.parse`` (as the pages and the demo do): a bad value is a 400 naming the JSON path
and the Chinese labels. Reads of a public agreement need no login; writes do (``session_auth``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Query, Router, Status

from xiangcun.agreements import selectors, services
from xiangcun.agreements.models import Agreement
from xiangcun.agreements.schemas import (
    AgreementIn,
    AgreementListOut,
    AgreementOut,
    AnswerIn,
    BackfillIn,
    EventOut,
    GuaranteeOut,
    GuaranteePaidIn,
    ObjectionIn,
    ObjectionOut,
    RangeIn,
    SettlementIn,
    SettlementOut,
    SimulationOut,
    TransitionIn,
)
from xiangcun.core.api import ERRORS, Page, json_body, paginate, session_auth
from xiangcun.core.inputs import parse

router = Router()
JSONBody = Body[dict[str, Any]]


def _seen(payload: dict[str, Any], agreement: Agreement) -> dict[str, Any]:
    """The body with the state the client saw: its ``expected_status``, else the state read when
    this request began (so that of two simultaneous steps the second is a 409, not a second step)."""
    return {**payload, "expected_status": payload.get("expected_status") or agreement.status}


class ListQuery(Page):
    status: str | None = None
    q: str | None = None


@router.get(
    "/agreements", response={200: AgreementListOut, **ERRORS}, auth=session_auth, summary="协议列表（按辖区）"
)
def agreement_list(request: HttpRequest, q: Query[ListQuery]) -> dict[str, Any]:
    items, count = paginate(selectors.agreement_list(request.user, status=q.status, q=q.q), q)
    return {"items": items, "count": count}


@router.get("/agreements/publicity", response={200: AgreementListOut}, summary="公示中的协议（公开）")
def publicity(request: HttpRequest) -> dict[str, Any]:
    qs = selectors.publicity_list()
    return {"items": list(qs[:200]), "count": qs.count()}


@router.post(
    "/agreements",
    response={201: AgreementOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(AgreementIn),
    summary="新建协议草稿（可来自对接）",
)
def agreement_create(request: HttpRequest, payload: JSONBody) -> Status[Agreement]:
    agreement = services.agreement_create(user=request.user, draft=parse(AgreementIn, payload))
    return Status(201, agreement)


@router.get(
    "/agreements/guarantees",
    response={200: list[GuaranteeOut], **ERRORS},
    auth=session_auth,
    summary="保底收益应付与逾期",
)
def guarantees(request: HttpRequest, unpaid: bool = False) -> list[selectors.GuaranteeDue]:
    return selectors.guarantees_due(request.user, unpaid_only=unpaid)


@router.get("/agreements/{int:pk}", response={200: AgreementOut, **ERRORS}, summary="协议详情")
def agreement_detail(request: HttpRequest, pk: int) -> Agreement:
    return selectors.agreement_get_for(request.user, pk)


@router.put(
    "/agreements/{int:pk}",
    response={200: AgreementOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(AgreementIn),
    summary="修改协议草稿",
)
def agreement_update(request: HttpRequest, pk: int, payload: JSONBody) -> Agreement:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    return services.agreement_update(
        user=request.user, agreement=agreement, draft=parse(AgreementIn, payload)
    )


@router.post(
    "/agreements/{int:pk}/transitions",
    response={200: AgreementOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(TransitionIn),
    summary="协议状态流转",
    description=(
        "One step of the workflow. `expected_status`: the state the client saw (409 when the agreement "
        "has moved on meanwhile). Entering 公示 (`publicized`) takes the server's date: a `date` is refused "
        "(400, field `date`); a paper 公示 is entered through `/backfill` by the city office."
    ),
)
def agreement_transition(request: HttpRequest, pk: int, payload: JSONBody) -> Agreement:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    return services.agreement_transition(
        user=request.user, agreement=agreement, step=parse(TransitionIn, _seen(payload, agreement))
    )


@router.post(
    "/agreements/{int:pk}/backfill",
    response={200: AgreementOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(BackfillIn),
    summary="补录纸质公示与签署（市合伙人办公室）",
)
def agreement_backfill(request: HttpRequest, pk: int, payload: JSONBody) -> Agreement:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    return services.agreement_backfill(
        user=request.user, agreement=agreement, record=parse(BackfillIn, _seen(payload, agreement))
    )


@router.get("/agreements/{int:pk}/events", response={200: list[EventOut], **ERRORS}, summary="协议办理记录")
def agreement_events(request: HttpRequest, pk: int) -> Any:
    agreement = selectors.agreement_get_for(request.user, pk)
    return agreement.events.select_related("actor").order_by("created_at", "id")


@router.post(
    "/agreements/{int:pk}/objections",
    response={201: ObjectionOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(ObjectionIn),
    summary="登记公示异议",
)
def objection_create(request: HttpRequest, pk: int, payload: JSONBody) -> Status[Any]:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    objection = services.objection_record(
        user=request.user, agreement=agreement, objection=parse(ObjectionIn, payload)
    )
    return Status(201, objection)


@router.post(
    "/agreements/{int:pk}/objections/{int:oid}/answer",
    response={200: ObjectionOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(AnswerIn),
    summary="答复异议",
)
def objection_answer(request: HttpRequest, pk: int, oid: int, payload: JSONBody) -> Any:
    objection = selectors.objection_get_for(request.user, oid, agreement_pk=pk)
    return services.objection_answer(user=request.user, objection=objection, answer=parse(AnswerIn, payload))


@router.post(
    "/agreements/{int:pk}/settlements",
    response={201: SettlementOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(SettlementIn),
    summary="年度结算",
    description=(
        "A year's settlement (not after the current year, inside the term). A correction names the "
        "version it corrects (`corrects_version`, the latest) and a `reason`; an older version is a 409."
    ),
)
def settlement_create(request: HttpRequest, pk: int, payload: JSONBody) -> Status[selectors.SettlementView]:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    row = services.settlement_run(
        user=request.user, agreement=agreement, settlement=parse(SettlementIn, payload)
    )
    return Status(201, selectors.settlement_view(row, "official"))


@router.get(
    "/agreements/{int:pk}/settlements",
    response={200: list[SettlementOut], **ERRORS},
    summary="结算（含历史版本）",
)
def settlement_list(request: HttpRequest, pk: int) -> list[selectors.SettlementView]:
    agreement = selectors.agreement_get_for(request.user, pk)
    kind = selectors.reader_kind(request.user, agreement) or "public"
    return [selectors.settlement_view(r, kind) for r in selectors.settlement_list(agreement)]


@router.post(
    "/agreements/{int:pk}/guarantees",
    response={201: GuaranteeOut, **ERRORS},
    auth=session_auth,
    openapi_extra=json_body(GuaranteePaidIn),
    summary="登记保底收益支付",
)
def guarantee_paid(request: HttpRequest, pk: int, payload: JSONBody) -> Status[selectors.GuaranteeDue]:
    agreement = selectors.agreement_get_for(request.user, pk, write=True)
    p = services.guarantee_payment_record(
        user=request.user, agreement=agreement, payment=parse(GuaranteePaidIn, payload)
    )
    return Status(201, selectors.GuaranteeDue(agreement, p.year, p.amount, p.paid_on, p, overdue=False))


@router.get("/agreements/{int:pk}/simulation", response={200: SimulationOut, **ERRORS}, summary="分配模拟")
def simulation(request: HttpRequest, pk: int, q: Query[RangeIn]) -> dict[str, Any]:
    """Without ``low``/``high``: 歉收/正常/丰收 years; with them: ``steps`` profits from low to high."""
    agreement = selectors.agreement_get_for(request.user, pk)
    kind = selectors.reader_kind(request.user, agreement) or "public"
    if q.low is None and q.high is None:
        return selectors.simulate_scenarios(agreement, kind)
    _, _, profits = selectors.profits_between(agreement, q, steps=11)
    return selectors.simulate(agreement, profits, kind)


@router.get("/agreements/{int:pk}/pdf", response={200: None, **ERRORS}, summary="协议文本 PDF")
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from xiangcun.agreements.pdf import agreement_pdf as render

    agreement = selectors.agreement_get_for(request.user, pk)
    kind = selectors.reader_kind(request.user, agreement) or "public"
    response = HttpResponse(render(agreement, kind), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{agreement.code}.pdf"'
    return response
