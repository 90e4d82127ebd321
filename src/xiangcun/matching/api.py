"""Matching: explained recommendations both ways, the county pairing (run, send invitations), the
pairing workflow, and the city's weights."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from xiangcun.core.api import ERRORS, paginate, session_auth
from xiangcun.matching import selectors, services
from xiangcun.matching.models import Pairing, PairingRun
from xiangcun.matching.schemas import (
    InterestIn,
    NoteIn,
    NoticeContactOut,
    PairingListOut,
    PairingOut,
    PairingQuery,
    PairingTransitionIn,
    RecommendationListOut,
    RunIn,
    RunOut,
    SendIn,
    TopK,
    WeightsIn,
    WeightsOut,
)
from xiangcun.partners.selectors import partner_get_for
from xiangcun.recruitment.selectors import PURPOSE_NOTICE_API, notice_get_for

router = Router(auth=session_auth)  # every endpoint needs a login but reading the weights


@router.get(
    "/notices/{int:notice_id}/recommendations",
    response={200: RecommendationListOut, **ERRORS},
    summary="为招募令推荐合伙人（官员）",
)
def partners_for_notice(request: HttpRequest, notice_id: int, q: Query[TopK]) -> dict[str, Any]:
    notice = notice_get_for(request.user, notice_id)
    rows = selectors.partner_recommendations_for(request.user, notice, q.k)
    return {"items": [recommendation for recommendation, _ in rows]}


@router.get(
    "/partners/{int:partner_id}/recommendations",
    response={200: RecommendationListOut, **ERRORS},
    summary="为合伙人推荐招募令（本人或市办公室）",
)
def notices_for_partner(request: HttpRequest, partner_id: int, q: Query[TopK]) -> dict[str, Any]:
    partner = partner_get_for(request.user, partner_id)
    return {"items": selectors.notice_recommendations_for(request.user, partner, q.k)}


@router.post("/pairing/runs", response={201: RunOut, **ERRORS}, summary="运行县域一对一配对")
def run_create(request: HttpRequest, payload: RunIn) -> Status[PairingRun]:
    return Status(201, services.pairing_run_create(user=request.user, county_code=payload.county))


@router.get("/pairing/runs/{int:run_id}", response={200: RunOut, **ERRORS}, summary="配对方案")
def run_detail(request: HttpRequest, run_id: int) -> PairingRun:
    return selectors.pairing_run_get_for(request.user, run_id)


@router.post(
    "/pairing/runs/{int:run_id}/send", response={200: PairingListOut, **ERRORS}, summary="发出对接邀请"
)
def run_send(request: HttpRequest, run_id: int, payload: SendIn) -> dict[str, Any]:
    run = selectors.pairing_run_get_for(request.user, run_id, write=True)
    created = services.pairing_run_send(
        user=request.user, run=run, pairs=payload.kept(), method=payload.method
    )
    return {"items": created, "count": len(created)}


@router.get("/pairings", response={200: PairingListOut, **ERRORS}, summary="我的对接")
def pairing_list(request: HttpRequest, q: Query[PairingQuery]) -> dict[str, Any]:
    items, count = paginate(selectors.pairing_list_for(request.user, q.status), q)
    return {"items": items, "count": count}


@router.post("/pairings", response={201: PairingOut, **ERRORS}, summary="合伙人表达合作意向")
def pairing_interest(request: HttpRequest, payload: InterestIn) -> Status[Pairing]:
    notice = notice_get_for(request.user, payload.notice)
    pairing = services.pairing_express_interest(user=request.user, notice=notice, note=payload.note)
    return Status(201, selectors.pairing_get_for(request.user, pairing.pk))


@router.post(
    "/pairings/{int:pairing_id}/transition", response={200: PairingOut, **ERRORS}, summary="对接阶段流转/退出"
)
def pairing_transition(request: HttpRequest, pairing_id: int, payload: PairingTransitionIn) -> Pairing:
    pairing = selectors.pairing_get_for(request.user, pairing_id, write=True)
    services.pairing_transition(
        user=request.user,
        pairing=pairing,
        to_status=payload.to_status,
        reason=payload.reason,
        note=payload.note,
        expected_status=payload.expected_status or pairing.status,
    )
    return selectors.pairing_get_for(request.user, pairing_id)


@router.post("/pairings/{int:pairing_id}/notes", response={201: PairingOut, **ERRORS}, summary="添加洽谈记录")
def pairing_note(request: HttpRequest, pairing_id: int, payload: NoteIn) -> Status[Pairing]:
    pairing = selectors.pairing_get_for(request.user, pairing_id, write=True)
    services.pairing_note_add(
        user=request.user, pairing=pairing, note=payload.note, meeting_date=payload.meeting_date
    )
    return Status(201, pairing)


@router.get(
    "/notices/{int:notice_id}/contact",
    response={200: NoticeContactOut, **ERRORS},
    auth=None,
    summary="招募令联系方式（本辖区管理人员和对接中的合伙人可见完整号码）",
)
def notice_contact(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    """In full for the officials governing the notice's region and the partner in an active pairing
    with it (each such view logged); phone numbers masked for everyone else."""
    notice = notice_get_for(request.user, notice_id)
    contact = selectors.notice_contact_view(request.user, notice, purpose=PURPOSE_NOTICE_API)
    return {"notice": notice.pk, "contact": contact.contact, "masked": not contact.full}


@router.get("/matching/weights", response={200: WeightsOut, **ERRORS}, auth=None, summary="匹配权重")
def weights_current(request: HttpRequest) -> dict[str, Any]:
    weights, threshold = selectors.weights_current()
    return {"weights": weights.to_dict(), "threshold": threshold}


@router.put("/matching/weights", response={200: WeightsOut, **ERRORS}, summary="修改匹配权重（市级管理员）")
def weights_put(request: HttpRequest, payload: WeightsIn) -> dict[str, Any]:
    row = services.weights_update(user=request.user, values=payload.weights, threshold=payload.threshold)
    return {"weights": row.values, "threshold": row.threshold}
