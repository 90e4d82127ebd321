"""Matching: explained recommendations both ways, the county pairing (run, send invitations), the
pairing workflow, and the city's weights."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.matching import selectors, services
from xiangcun.matching.models import Pairing, PairingRun
from xiangcun.matching.schemas import (
    InterestIn,
    NoteIn,
    PairingListOut,
    PairingOut,
    PairingTransitionIn,
    RecommendationListOut,
    RunIn,
    RunOut,
    SendIn,
    WeightsIn,
    WeightsOut,
)
from xiangcun.partners.selectors import partner_can_view, partner_get, partner_of_user, partner_view
from xiangcun.partners.services import is_city_office
from xiangcun.recruitment.selectors import notice_get_for
from xiangcun.regions.schemas import ErrorOut

router = Router()
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _login(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise ApplicationError("请先登录", status=401)
    return request.user


class TopK(Schema):
    k: int = Field(10, ge=1, le=100)


@router.get(
    "/notices/{int:notice_id}/recommendations",
    response={200: RecommendationListOut, **ERRORS},
    summary="为招募令推荐合伙人（官员）",
)
def partners_for_notice(request: HttpRequest, notice_id: int, q: Query[TopK]) -> dict[str, Any]:
    user = _login(request)
    notice = notice_get_for(user, notice_id)
    from xiangcun.accounts.scoping import user_scope

    if not (user_scope(user).contains(notice.region_code) or is_city_office(user)):
        raise AccessDenied("只有本辖区的管理人员可以查看推荐合伙人")
    recs = selectors.partners_for_notice(notice, q.k)
    partners = selectors.partners_by_id([r.id for r in recs])
    items = []
    for r in recs:
        view = partner_view(partners[r.id], user)
        items.append(
            {
                "id": r.id,
                "title": view.name,
                "fit": r.fit,
                "factors": r.explanation.to_json()["factors"],
                "explanation": r.reasons,
            }
        )
    return {"items": items}


@router.get(
    "/partners/{int:partner_id}/recommendations",
    response={200: RecommendationListOut, **ERRORS},
    summary="为合伙人推荐招募令（本人或市办公室）",
)
def notices_for_partner(request: HttpRequest, partner_id: int, q: Query[TopK]) -> dict[str, Any]:
    user = _login(request)
    partner = partner_get(partner_id)
    own = partner_of_user(user)
    if not ((own is not None and own.pk == partner.pk) or is_city_office(user)):
        raise AccessDenied("只能查看自己的推荐")
    if not partner_can_view(user, partner):
        raise AccessDenied()
    recs = selectors.notices_for_partner(partner, q.k)
    notices = selectors.notices_by_id([r.id for r in recs])
    return {
        "items": [
            {
                "id": r.id,
                "title": notices[r.id].title,
                "fit": r.fit,
                "factors": r.explanation.to_json()["factors"],
                "explanation": r.reasons,
            }
            for r in recs
        ]
    }


def _run_out(run: PairingRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "county": run.county_id,
        "threshold": run.threshold,
        **run.proposal,
        "invitations_sent": run.invitations_sent,
    }


@router.post("/pairing/runs", response={201: RunOut, **ERRORS}, summary="运行县域一对一配对")
def run_create(request: HttpRequest, payload: RunIn) -> Status[dict[str, Any]]:
    run = services.pairing_run_create(user=_login(request), county_code=payload.county)
    return Status(201, _run_out(run))


@router.get("/pairing/runs/{int:run_id}", response={200: RunOut, **ERRORS}, summary="配对方案")
def run_detail(request: HttpRequest, run_id: int) -> dict[str, Any]:
    user = _login(request)
    run = selectors.pairing_run_get_for(user, run_id)
    return _run_out(run)


@router.post(
    "/pairing/runs/{int:run_id}/send", response={200: PairingListOut, **ERRORS}, summary="发出对接邀请"
)
def run_send(request: HttpRequest, run_id: int, payload: SendIn) -> dict[str, Any]:
    user = _login(request)
    run = selectors.pairing_run_get_for(user, run_id, write=True)
    pairs = [(p.notice, p.partner) for p in payload.pairs] if payload.pairs is not None else None
    created = services.pairing_run_send(user=user, run=run, pairs=pairs)
    return {"items": [_pairing_out(p, user) for p in created], "count": len(created)}


def _pairing_out(p: Pairing, user: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "notice": p.notice_id,
        "notice_title": p.notice.title,
        "partner": p.partner_id,
        "partner_name": partner_view(p.partner, user).name,
        "status": p.status,
        "status_label": p.get_status_display(),
        "origin": p.origin,
        "fit": p.fit,
        "withdraw_reason": p.withdraw_reason,
        "updated_at": p.updated_at,
    }


class PairingQuery(Schema):
    status: str | None = Field(None, max_length=12)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get("/pairings", response={200: PairingListOut, **ERRORS}, summary="我的对接")
def pairing_list(request: HttpRequest, q: Query[PairingQuery]) -> dict[str, Any]:
    user = _login(request)
    qs = selectors.pairing_list_for(user, q.status)
    page = qs[q.offset : q.offset + q.limit]
    return {"items": [_pairing_out(p, user) for p in page], "count": qs.count()}


@router.post("/pairings", response={201: PairingOut, **ERRORS}, summary="合伙人表达合作意向")
def pairing_interest(request: HttpRequest, payload: InterestIn) -> Status[dict[str, Any]]:
    user = _login(request)
    notice = notice_get_for(user, payload.notice)
    pairing = services.pairing_express_interest(user=user, notice=notice, note=payload.note)
    return Status(201, _pairing_out(selectors.pairing_get_for(user, pairing.pk), user))


@router.post(
    "/pairings/{int:pairing_id}/transition", response={200: PairingOut, **ERRORS}, summary="对接阶段流转/退出"
)
def pairing_transition(request: HttpRequest, pairing_id: int, payload: PairingTransitionIn) -> dict[str, Any]:
    user = _login(request)
    pairing = selectors.pairing_get_for(user, pairing_id, write=True)
    services.pairing_transition(
        user=user, pairing=pairing, to_status=payload.to_status, reason=payload.reason, note=payload.note
    )
    return _pairing_out(selectors.pairing_get_for(user, pairing_id), user)


@router.post("/pairings/{int:pairing_id}/notes", response={201: PairingOut, **ERRORS}, summary="添加洽谈记录")
def pairing_note(request: HttpRequest, pairing_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    user = _login(request)
    pairing = selectors.pairing_get_for(user, pairing_id, write=True)
    services.pairing_note_add(
        user=user, pairing=pairing, note=payload.note, meeting_date=payload.meeting_date
    )
    return Status(201, _pairing_out(pairing, user))


@router.get("/matching/weights", response={200: WeightsOut, **ERRORS}, summary="匹配权重")
def weights_get(request: HttpRequest) -> dict[str, Any]:
    weights, threshold = selectors.weights_get()
    return {"weights": weights.to_dict(), "threshold": threshold}


@router.put("/matching/weights", response={200: WeightsOut, **ERRORS}, summary="修改匹配权重（市级管理员）")
def weights_put(request: HttpRequest, payload: WeightsIn) -> dict[str, Any]:
    row = services.weights_update(user=_login(request), values=payload.weights, threshold=payload.threshold)
    return {"weights": row.values, "threshold": row.threshold}
