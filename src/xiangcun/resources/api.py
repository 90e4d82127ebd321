"""Resources: the map's GeoJSON and county figures, public list and detail; writes scoped by region."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError
from xiangcun.regions import selectors as region_selectors
from xiangcun.regions.schemas import ErrorOut
from xiangcun.resources import selectors, services
from xiangcun.resources.models import Resource
from xiangcun.resources.schemas import (
    CountyFiguresOut,
    ResourceIn,
    ResourceListOut,
    ResourceOut,
    ResourcePatch,
)

router = Router()
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class FilterQuery(Schema):
    kind: str | None = Field(None, description="resource kind codes, comma-separated or repeated")
    status: str | None = Field(None, description="available, negotiating, signed, unavailable")
    county: str | None = Field(None, description="6-digit county code")
    village: str | None = Field(None, description="12-digit village code")
    area_min: str | None = Field(None, description="minimum area in 亩")
    area_max: str | None = Field(None, description="maximum area in 亩")
    q: str | None = Field(None, max_length=40, description="text in name, uses or village name")


class GeoQuery(FilterQuery):
    bbox: str | None = Field(None, description="W,S,E,N in WGS-84 degrees")
    zoom: int = Field(9, ge=0, le=22, description="the map's zoom; below 13 the answer is grid clusters")


class ListQuery(FilterQuery):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


def _login(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise ApplicationError("请先登录", status=401)
    return request.user


def resource_item(r: Resource) -> dict[str, Any]:
    return {
        "id": r.pk,
        "name": r.name,
        "kind": r.kind,
        "kind_label": vocab.label("resource", r.kind),
        "status": r.status,
        "status_label": r.get_status_display(),
        "area": r.area,
        "unit": r.unit,
        "area_mu": r.area_mu,
        "village": r.village_id,
        "village_name": r.village.name,
        "county": r.county_code,
        "county_name": r.village.county.name,
        "lng": r.lng,
        "lat": r.lat,
        "url": reverse("resources:detail", args=[r.pk]),
    }


def resource_out(r: Resource, user: Any) -> dict[str, Any]:
    return {
        **resource_item(r),
        "right": r.right,
        "owner_type": r.owner_type,
        "owner_name": selectors.owner_name_for(user, r),
        "boundary": r.boundary,
        "current_use": r.current_use,
        "permitted_use": r.permitted_use,
        "description": r.description,
        "valuation_method": r.valuation_method,
        "valuation_parameters": r.valuation_parameters,
        "appraised_value": r.appraised_value,
        "appraised_on": r.appraised_on,
        "appraiser": r.appraiser,
        "notices": [
            {"id": n.pk, "title": n.title, "status": n.status, "url": f"/notices/{n.pk}/"}
            for n in selectors.resource_notices(r)
        ],
        "photos": [
            {
                "id": p.pk,
                "url": p.image.url,
                "thumbnail": p.thumbnail.url if p.thumbnail else "",
                "caption": p.caption,
            }
            for p in r.photos.all()
        ],
        "can_edit": services.can_edit(user, r.region_code),
        "is_demo": r.is_demo,
    }


@router.get(
    "/resources/geojson",
    response={200: dict, 400: ErrorOut, 422: ErrorOut},
    summary="资源地图 GeoJSON：高缩放级别为点，低缩放级别为网格聚合",
)
def resource_geojson(request: HttpRequest, query: Query[GeoQuery]) -> HttpResponse:
    filters = selectors.ResourceFilters.from_params(request.GET)
    bbox = selectors.parse_bbox(query.bbox)
    collection = selectors.resource_geojson(bbox=bbox, zoom=query.zoom, filters=filters)
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


@router.get(
    "/resources/county-figures",
    response={200: CountyFiguresOut, 400: ErrorOut, 422: ErrorOut},
    summary="各县资源数量与面积（地图分级设色）",
)
def resource_county_figures(request: HttpRequest, query: Query[FilterQuery]) -> dict[str, Any]:
    filters = selectors.ResourceFilters.from_params(request.GET)
    figures = selectors.county_figures(filters)
    from django.conf import settings

    counties = region_selectors.counties_of(settings.XIANGCUN_CITY_CODE)
    items = [
        {"code": c.code, "name": c.name, **figures.get(c.code, {"count": 0, "area_mu": 0.0})}
        for c in counties
    ]
    return {"items": items}


@router.get("/resources", response={200: ResourceListOut, **ERRORS}, summary="资源列表")
def resource_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    filters = selectors.ResourceFilters.from_params(request.GET)
    qs = selectors.resource_list(filters)
    page = qs[query.offset : query.offset + query.limit]
    return {"items": [resource_item(r) for r in page], "count": qs.count()}


@router.get("/resources/{int:resource_id}", response={200: ResourceOut, **ERRORS}, summary="资源详情")
def resource_detail(request: HttpRequest, resource_id: int) -> dict[str, Any]:
    return resource_out(selectors.resource_get(resource_id), request.user)


@router.post("/resources", response={201: ResourceOut, **ERRORS}, summary="登记资源（限管辖范围内的村）")
def resource_create(request: HttpRequest, payload: ResourceIn) -> Status:
    user = _login(request)
    data = payload.model_dump()
    village = data.pop("village")
    notices = data.pop("notices")
    resource = services.resource_create(user=user, village_code=village, data=data)
    if notices:
        services.resource_notices_set(user=user, resource=resource, notice_ids=notices)
    return Status(201, resource_out(selectors.resource_get(resource.pk), user))


@router.patch(
    "/resources/{int:resource_id}",
    response={200: ResourceOut, **ERRORS},
    summary="修改资源（限管辖范围内的村）",
)
def resource_update(request: HttpRequest, resource_id: int, payload: ResourcePatch) -> dict[str, Any]:
    user = _login(request)
    resource = selectors.resource_get(resource_id)
    data = payload.model_dump(exclude_unset=True)
    notices = data.pop("notices", None)
    if data:
        resource = services.resource_update(user=user, resource=resource, data=data)
    if notices is not None:
        services.resource_notices_set(user=user, resource=resource, notice_ids=notices)
    return resource_out(selectors.resource_get(resource_id), user)
