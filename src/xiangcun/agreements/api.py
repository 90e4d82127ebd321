"""Agreements API: drafts (by hand or from a pairing), the workflow, objections, annual
settlements, household statements, guaranteed payments and the distribution simulator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.agreements import selectors, services
from xiangcun.agreements.models import Agreement, Objection, Settlement
from xiangcun.agreements.schemas import (
    AgreementIn,
    AgreementListOut,
    AgreementOut,
    AnswerIn,
    EventOut,
    GuaranteeOut,
    GuaranteePaidIn,
    ObjectionIn,
    ObjectionOut,
    SettlementIn,
    SettlementOut,
    SimulationOut,
    TransitionIn,
)
from xiangcun.core.errors import ApplicationError, NotFoundError
from xiangcun.regions.schemas import ErrorOut

router = Router()
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _login(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise ApplicationError("请先登录", status=401)
    return request.user


def agreement_out(agreement: Agreement, kind: str) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "code": agreement.code,
        "title": agreement.title,
        "village": agreement.village_id,
        "village_name": agreement.village.name,
        "pairing": agreement.pairing_id,
        "status": agreement.status,
        "status_label": agreement.get_status_display(),
        "mode": agreement.mode,
        "guarantee": agreement.guarantee,
        "reserve_rate": agreement.reserve_rate,
        "expected_profit": agreement.expected_profit,
        "total_contribution": agreement.total_contribution,
        "term_start": agreement.term_start,
        "term_end": agreement.term_end,
        "exit_clause": agreement.exit_clause,
        "buyback_clause": agreement.buyback_clause,
        "publicity_start": agreement.publicity_start,
        "objection_deadline": agreement.objection_deadline,
        "signed_on": agreement.signed_on,
        "in_force_on": agreement.in_force_on,
        "parties": [
            {
                "position": p.position,
                "role": p.role,
                "name": p.name,
                "partner": p.partner_id,
                "contribution": p.contribution,
                "share": p.share,
                "contributions": [
                    {"kind": c.kind, "name": c.name, "params": c.params, "value": c.value}
                    for c in p.contributions.all()
                ],
            }
            for p in agreement.parties.prefetch_related("contributions").order_by("position")
        ],
        "members": [m.__dict__ for m in selectors.members_for(agreement, kind)],
        "labour": [
            {"position": x.position, "jobs": x.jobs, "monthly_wage": str(x.monthly_wage)}
            for x in agreement.labour_commitments.all()
        ],
    }


def _item(a: Agreement) -> dict[str, Any]:
    return {
        "id": a.pk,
        "code": a.code,
        "title": a.title,
        "village": a.village_id,
        "village_name": a.village.name,
        "status": a.status,
        "status_label": a.get_status_display(),
        "total_contribution": a.total_contribution,
    }


class ListQuery(Schema):
    status: str | None = None
    q: str | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get("/agreements", response={200: AgreementListOut, **ERRORS}, summary="协议列表（按辖区）")
def agreement_list(request: HttpRequest, q: Query[ListQuery]) -> dict[str, Any]:
    qs = selectors.agreement_list(_login(request), status=q.status, q=q.q)
    return {"items": [_item(a) for a in qs[q.offset : q.offset + q.limit]], "count": qs.count()}


@router.get("/agreements/publicity", response={200: AgreementListOut}, summary="公示中的协议（公开）")
def publicity(request: HttpRequest) -> dict[str, Any]:
    qs = selectors.publicity_list()
    return {"items": [_item(a) for a in qs[:200]], "count": qs.count()}


@router.post("/agreements", response={201: AgreementOut, **ERRORS}, summary="新建协议草稿（可来自对接）")
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Status[dict[str, Any]]:
    agreement = services.agreement_create(user=_login(request), data=payload.dict())
    return Status(201, agreement_out(agreement, "official"))


@router.get(
    "/agreements/guarantees", response={200: list[GuaranteeOut], **ERRORS}, summary="保底收益应付与逾期"
)
def guarantees(request: HttpRequest, unpaid: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "agreement": r.agreement.pk,
            "code": r.agreement.code,
            "title": r.agreement.title,
            "year": r.year,
            "amount": r.amount,
            "due_on": r.due_on,
            "state": r.state,
            "paid_on": r.paid.paid_on if r.paid else None,
        }
        for r in selectors.guarantees_due(_login(request), unpaid_only=unpaid)
    ]


@router.get("/agreements/{int:pk}", response={200: AgreementOut, **ERRORS}, summary="协议详情")
def agreement_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    agreement, kind = selectors.agreement_get_for(request.user, pk)
    return agreement_out(agreement, kind)


@router.put("/agreements/{int:pk}", response={200: AgreementOut, **ERRORS}, summary="修改协议草稿")
def agreement_update(request: HttpRequest, pk: int, payload: AgreementIn) -> dict[str, Any]:
    agreement = services.agreement_update(
        user=_login(request), agreement=selectors.agreement_get(pk), data=payload.dict()
    )
    return agreement_out(agreement, "official")


@router.post(
    "/agreements/{int:pk}/transitions", response={200: AgreementOut, **ERRORS}, summary="协议状态流转"
)
def agreement_transition(request: HttpRequest, pk: int, payload: TransitionIn) -> dict[str, Any]:
    data = payload.dict()
    agreement = services.agreement_transition(
        user=_login(request), agreement=selectors.agreement_get(pk), to_status=payload.to_status, data=data
    )
    return agreement_out(agreement, "official")


@router.get("/agreements/{int:pk}/events", response={200: list[EventOut], **ERRORS}, summary="协议办理记录")
def agreement_events(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    agreement, _ = selectors.agreement_get_for(request.user, pk)
    return [
        {
            "at": e.created_at,
            "actor": str(e.actor) if e.actor else None,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
        }
        for e in agreement.events.select_related("actor").order_by("created_at", "id")
    ]


def _objection(o: Objection) -> dict[str, Any]:
    return {
        "id": o.pk,
        "raised_by": o.raised_by,
        "content": o.content,
        "answer": o.answer,
        "answered_at": o.answered_at,
    }


@router.post(
    "/agreements/{int:pk}/objections", response={201: ObjectionOut, **ERRORS}, summary="登记公示异议"
)
def objection_create(request: HttpRequest, pk: int, payload: ObjectionIn) -> Status[dict[str, Any]]:
    objection = services.objection_record(
        user=_login(request),
        agreement=selectors.agreement_get(pk),
        raised_by=payload.raised_by,
        content=payload.content,
    )
    return Status(201, _objection(objection))


@router.post(
    "/agreements/{int:pk}/objections/{int:oid}/answer",
    response={200: ObjectionOut, **ERRORS},
    summary="答复异议",
)
def objection_answer(request: HttpRequest, pk: int, oid: int, payload: AnswerIn) -> dict[str, Any]:
    objection = Objection.objects.filter(pk=oid, agreement_id=pk).first()
    if objection is None:
        raise NotFoundError(f"异议 {oid} 不存在", field="id")
    return _objection(
        services.objection_answer(user=_login(request), objection=objection, answer=payload.answer)
    )


def settlement_out(row: Settlement, kind: str) -> dict[str, Any]:
    parties, households = selectors.settlement_lines(row, kind)
    return {
        "id": row.pk,
        "year": row.year,
        "version": row.version,
        "reason": row.reason,
        "profit": row.profit,
        "collective_income": row.collective_income,
        "reserve": row.reserve,
        "distributed": row.distributed,
        "created_at": row.created_at,
        "parties": [p.__dict__ for p in parties],
        "households": [h.__dict__ for h in households],
    }


@router.post("/agreements/{int:pk}/settlements", response={201: SettlementOut, **ERRORS}, summary="年度结算")
def settlement_create(request: HttpRequest, pk: int, payload: SettlementIn) -> Status[dict[str, Any]]:
    row = services.settlement_run(
        user=_login(request),
        agreement=selectors.agreement_get(pk),
        year=payload.year,
        profit=payload.profit,
        labour=[x.dict() for x in payload.labour],
        reason=payload.reason,
    )
    return Status(201, settlement_out(row, "official"))


@router.get(
    "/agreements/{int:pk}/settlements",
    response={200: list[SettlementOut], **ERRORS},
    summary="结算（含历史版本）",
)
def settlement_list(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    agreement, kind = selectors.agreement_get_for(request.user, pk)
    return [settlement_out(r, kind) for r in selectors.settlement_list(agreement)]


@router.post(
    "/agreements/{int:pk}/guarantees", response={201: GuaranteeOut, **ERRORS}, summary="登记保底收益支付"
)
def guarantee_paid(request: HttpRequest, pk: int, payload: GuaranteePaidIn) -> Status[dict[str, Any]]:
    agreement = selectors.agreement_get(pk)
    p = services.guarantee_payment_record(
        user=_login(request),
        agreement=agreement,
        year=payload.year,
        amount=payload.amount,
        paid_on=payload.paid_on,
    )
    return Status(
        201,
        {
            "agreement": agreement.pk,
            "code": agreement.code,
            "title": agreement.title,
            "year": p.year,
            "amount": p.amount,
            "due_on": p.paid_on,
            "state": "已支付",
            "paid_on": p.paid_on,
        },
    )


class RangeQuery(Schema):
    low: Decimal | None = None
    high: Decimal | None = None
    steps: int = Field(11, ge=2, le=201)


@router.get("/agreements/{int:pk}/simulation", response={200: SimulationOut, **ERRORS}, summary="分配模拟")
def simulation(request: HttpRequest, pk: int, q: Query[RangeQuery]) -> dict[str, Any]:
    """Without ``low``/``high``: 歉收/正常/丰收 years; with them: ``steps`` profits from low to high."""
    agreement, kind = selectors.agreement_get_for(request.user, pk)
    if q.low is None and q.high is None:
        return selectors.simulate_scenarios(agreement, kind)
    base = selectors.baseline_profit(agreement)
    low = q.low if q.low is not None else -base / 2
    high = q.high if q.high is not None else base * 2
    return selectors.simulate(agreement, selectors.profit_range(low, high, q.steps), kind)


@router.get("/agreements/{int:pk}/pdf", response={200: None, **ERRORS}, summary="协议文本 PDF")
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from xiangcun.agreements.pdf import agreement_pdf as render

    agreement, kind = selectors.agreement_get_for(request.user, pk)
    response = HttpResponse(render(agreement, kind), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{agreement.code}.pdf"'
    return response
