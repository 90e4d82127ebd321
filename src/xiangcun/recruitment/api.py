"""Recruitment notices: public list and detail; create and workflow steps scoped to the caller's region."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.accounts.scoping import user_scope
from xiangcun.core.errors import ApplicationError
from xiangcun.recruitment import selectors, services
from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.schemas import NoticeDetail, NoticeIn, NoticeListOut, TransitionIn
from xiangcun.regions.schemas import ErrorOut

router = Router()
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _login(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated:
        raise ApplicationError("请先登录", status=401)
    return user


def notice_item(n: Notice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "title": n.title,
        "level": n.level,
        "category": n.category,
        "category_label": n.category_label(),
        "status": n.status,
        "status_label": n.get_status_display(),
        "county": n.county_id,
        "county_name": n.county.name,
        "village": n.village_id,
        "village_name": n.village.name,
        "villages": [v.code for v in n.villages.all()] or [n.village_id],
        "kinds_wanted": n.kinds_wanted,
        "cooperation_forms": n.cooperation_forms,
        "investment_min": n.investment_min,
        "investment_max": n.investment_max,
        "deadline": n.deadline,
        "published_at": n.published_at,
        "batch": n.batch_id,
    }


def notice_detail_out(n: Notice, user: Any) -> dict[str, Any]:
    official = user_scope(user).contains(n.region_code)
    transitions = (
        [
            {
                "from_status": t.from_status,
                "to_status": t.to_status,
                "actor": str(t.actor) if t.actor else None,
                "reason": t.reason,
                "at": t.created_at,
            }
            for t in selectors.notice_transitions(n)
        ]
        if official
        else []
    )
    return {
        **notice_item(n),
        "resources": [
            {
                "kind": r.kind,
                "area": r.area,
                "unit": r.unit,
                "unit_label": r.get_unit_display(),
                "description": r.description,
            }
            for r in n.resources.all()
        ],
        "incentives": n.incentives,
        "description": n.description,
        "contact": selectors.notice_contact_for(user, n),
        "rejection_reason": n.rejection_reason if official else "",
        "transitions": transitions,
    }


class NoticeQuery(Schema):
    county: str | None = Field(None, pattern=r"^\d{6}$")
    category: str | None = Field(None, max_length=30)
    kind: str | None = Field(None, max_length=30)
    investment_min: Decimal | None = Field(None, ge=0)
    investment_max: Decimal | None = Field(None, ge=0)
    q: str | None = Field(None, max_length=40)
    mine: bool = Field(False, description="officials: every notice of my region, any status")
    status: str | None = Field(None, max_length=12)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get(
    "/notices",
    response={200: NoticeListOut, **ERRORS},
    summary="招募令列表（已发布；mine=true 为本辖区全部）",
)
def notice_list(request: HttpRequest, filters: Query[NoticeQuery]) -> dict[str, Any]:
    f = selectors.NoticeFilters(
        county=filters.county,
        category=filters.category,
        kind=filters.kind,
        investment_min=filters.investment_min,
        investment_max=filters.investment_max,
        q=filters.q,
        status=filters.status if filters.mine else None,
    )
    qs = selectors.notice_list_for(_login(request), f) if filters.mine else selectors.notice_list_public(f)
    count = qs.count()
    page = list(qs.prefetch_related("villages")[filters.offset : filters.offset + filters.limit])
    return {"items": [notice_item(n) for n in page], "count": count}


@router.get("/notices/{int:notice_id}", response={200: NoticeDetail, **ERRORS}, summary="招募令详情")
def notice_detail(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    return notice_detail_out(selectors.notice_get_for(request.user, notice_id), request.user)


@router.post("/notices", response={201: NoticeDetail, **ERRORS}, summary="起草招募令")
def notice_create(request: HttpRequest, payload: NoticeIn) -> Status[dict[str, Any]]:
    user = _login(request)
    notice = services.notice_create(
        user=user,
        title=payload.title,
        village_codes=payload.villages,
        category=payload.category,
        level=payload.level,
        cooperation_forms=payload.cooperation_forms,
        kinds_wanted=payload.kinds_wanted,
        investment_min=payload.investment_min,
        investment_max=payload.investment_max,
        incentives=payload.incentives,
        description=payload.description,
        contact=payload.contact,
        deadline=payload.deadline,
        resources=[r.dict() for r in payload.resources],
    )
    return Status(201, notice_detail_out(selectors.notice_get(notice.pk), user))


@router.post(
    "/notices/{int:notice_id}/transition", response={200: NoticeDetail, **ERRORS}, summary="招募令流转"
)
def notice_transition(request: HttpRequest, notice_id: int, payload: TransitionIn) -> dict[str, Any]:
    user = _login(request)
    notice = selectors.notice_get(notice_id)
    batch = selectors.batch_get(payload.batch) if payload.batch is not None else None
    services.notice_transition(
        user=user, notice=notice, action=payload.action, reason=payload.reason, batch=batch
    )
    return notice_detail_out(selectors.notice_get(notice_id), user)
