"""Partners: public self-registration; list and detail with personal identifiers masked for
everyone but the city office and the partner themself (the city office's full views logged);
verification by the city office."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from xiangcun.core.api import ERRORS, ErrorOut, Page, paginate, session_auth
from xiangcun.core.ratelimit import count_request
from xiangcun.partners import selectors, services
from xiangcun.partners.schemas import PartnerListOut, PartnerOut, PartnerRegisterIn, PartnerVerifyIn
from xiangcun.partners.selectors import PartnerView

router = Router()  # public: registration, the list and profiles; verification needs a login


@router.post(
    "/partners/register", response={201: PartnerOut, 429: ErrorOut, **ERRORS}, summary="合伙人自助注册"
)
def partner_register(request: HttpRequest, payload: PartnerRegisterIn) -> Status[PartnerView]:
    # It says whether a user name is taken: limited, so that names cannot be harvested.
    count_request(request, "register", per_minute=10, anonymous_per_minute=5)
    partner = services.partner_register(data=payload, source="POST /api/v1/partners/register")
    return Status(201, selectors.partner_view(partner, partner.user))  # one's own: not logged


class PartnerQuery(Page):
    kind: str | None = Field(None, max_length=30)
    county: str | None = Field(None, pattern=r"^\d{6}$")
    category: str | None = Field(None, max_length=30)
    status: str | None = Field(None, max_length=10, description="city office only: pending/verified/refused")
    q: str | None = Field(None, max_length=40)


@router.get("/partners", response={200: PartnerListOut, **ERRORS}, summary="合伙人列表（已认证）")
def partner_list(request: HttpRequest, filters: Query[PartnerQuery]) -> dict[str, Any]:
    qs = selectors.partner_list(
        request.user,
        selectors.PartnerFilters(
            kind=filters.kind,
            county=filters.county,
            category=filters.category,
            status=filters.status,
            q=filters.q,
        ),
    )
    rows, count = paginate(qs, filters)
    views = selectors.partner_views(rows, request.user, purpose=selectors.PURPOSE_API)
    return {"items": views, "count": count}


@router.get("/partners/{int:partner_id}", response={200: PartnerOut, **ERRORS}, summary="合伙人详情")
def partner_detail(request: HttpRequest, partner_id: int) -> PartnerView:
    partner = selectors.partner_get_for(request.user, partner_id)
    return selectors.partner_view(partner, request.user, purpose=selectors.PURPOSE_API)


@router.post(
    "/partners/{int:partner_id}/verify",
    response={200: PartnerOut, **ERRORS},
    auth=session_auth,
    summary="市办公室审核合伙人",
)
def partner_verify(request: HttpRequest, partner_id: int, payload: PartnerVerifyIn) -> PartnerView:
    user = request.user
    partner = selectors.partner_get_for(user, partner_id)
    partner = services.partner_verify(
        user=user,
        partner=partner,
        verified=payload.verified,
        reason=payload.reason,
        expected_status=payload.expected_status or partner.status,
    )
    return selectors.partner_view(partner, user, purpose=selectors.PURPOSE_VERIFY)
