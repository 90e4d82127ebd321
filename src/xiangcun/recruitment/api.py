"""Recruitment notices: public list and detail; create and workflow steps scoped to the caller's region."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from xiangcun.accounts.permissions import require_login
from xiangcun.core.api import ERRORS, paginate, session_auth
from xiangcun.recruitment import selectors, services
from xiangcun.recruitment.models import Notice
from xiangcun.recruitment.schemas import NoticeDetail, NoticeIn, NoticeListOut, NoticeQuery, TransitionIn

router = Router(tags=["recruitment"])


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
    if filters.mine:  # the list is public; "my region" needs a login
        qs = selectors.notice_list_for(require_login(request.user), f)
    else:
        qs = selectors.notice_list_public(f)
    items, count = paginate(qs.prefetch_related("villages"), filters)
    return {"items": items, "count": count}


@router.get("/notices/{int:notice_id}", response={200: NoticeDetail, **ERRORS}, summary="招募令详情")
def notice_detail(request: HttpRequest, notice_id: int) -> Notice:
    return selectors.notice_get_for(request.user, notice_id)


@router.post("/notices", response={201: NoticeDetail, **ERRORS}, summary="起草招募令", auth=session_auth)
def notice_create(request: HttpRequest, payload: NoticeIn) -> Status[Notice]:
    notice = services.notice_create(user=request.user, notice_in=payload)
    return Status(201, selectors.notice_get_for(request.user, notice.pk))


@router.post(
    "/notices/{int:notice_id}/transition",
    response={200: NoticeDetail, **ERRORS},
    summary="招募令流转",
    auth=session_auth,
)
def notice_transition(request: HttpRequest, notice_id: int, payload: TransitionIn) -> Notice:
    user = request.user
    notice = selectors.notice_get_for(user, notice_id, write=True)
    batch = selectors.batch_get_for(user, payload.batch) if payload.batch is not None else None
    services.notice_transition(
        user=user,
        notice=notice,
        action=payload.action,
        reason=payload.reason,
        batch=batch,
        expected_status=payload.expected_status or notice.status,
    )
    return selectors.notice_get_for(user, notice_id)
