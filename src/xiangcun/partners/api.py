"""Partners: public self-registration; list and detail with personal identifiers masked for
everyone but the city office and the partner themself; verification by the city office."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.partners import selectors, services
from xiangcun.partners.schemas import PartnerListOut, PartnerOut, RegisterIn, VerifyIn
from xiangcun.regions.schemas import ErrorOut

router = Router()
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _login(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise ApplicationError("请先登录", status=401)
    return request.user


@router.post("/partners/register", response={201: PartnerOut, **ERRORS}, summary="合伙人自助注册")
def partner_register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, Any]]:
    data = payload.dict(exclude={"username", "password"})
    if data.get("liaocheng_born") is None:
        data.pop("liaocheng_born", None)
    partner = services.partner_register(username=payload.username, password=payload.password, data=data)
    return Status(201, selectors.partner_view(partner, partner.user).as_dict())


class PartnerQuery(Schema):
    kind: str | None = Field(None, max_length=30)
    county: str | None = Field(None, pattern=r"^\d{6}$")
    category: str | None = Field(None, max_length=30)
    status: str | None = Field(None, max_length=10, description="city office only: pending/verified/refused")
    q: str | None = Field(None, max_length=40)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


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
    count = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [selectors.partner_view(p, request.user).as_dict() for p in page], "count": count}


@router.get("/partners/{int:partner_id}", response={200: PartnerOut, **ERRORS}, summary="合伙人详情")
def partner_detail(request: HttpRequest, partner_id: int) -> dict[str, Any]:
    partner = selectors.partner_get(partner_id)
    if not selectors.partner_can_view(request.user, partner):
        raise AccessDenied("该合伙人尚未认证")
    return selectors.partner_view(partner, request.user).as_dict()


@router.post(
    "/partners/{int:partner_id}/verify", response={200: PartnerOut, **ERRORS}, summary="市办公室审核合伙人"
)
def partner_verify(request: HttpRequest, partner_id: int, payload: VerifyIn) -> dict[str, Any]:
    user = _login(request)
    partner = selectors.partner_get(partner_id)
    partner = services.partner_verify(
        user=user, partner=partner, verified=payload.verified, reason=payload.reason
    )
    return selectors.partner_view(partner, user).as_dict()
