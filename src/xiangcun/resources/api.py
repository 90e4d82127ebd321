"""Resources: the map's GeoJSON and county figures, public list and detail; writes scoped by region."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.core import jsonio, readcache
from xiangcun.core.api import ERRORS, ErrorOut, Page, paginate, schema_json, session_auth
from xiangcun.regions import selectors as region_selectors
from xiangcun.resources import selectors, services
from xiangcun.resources.models import Resource
from xiangcun.resources.schemas import (
    CountyFiguresOut,
    ResourceIn,
    ResourceListOut,
    ResourceOut,
    ResourcePatch,
)

router = Router(tags=["resources"])  # public reads; writes need a login (per endpoint)

# The map's reads are served from the cache while no resource (nor village: points carry the
# village's name) changed (core/readcache.py).
READS = ("resources", "regions")


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


class ListQuery(FilterQuery, Page):
    pass


@router.get(
    "/resources/geojson",
    response={200: dict, 400: ErrorOut, 422: ErrorOut},
    summary="资源地图 GeoJSON：高缩放级别为点，低缩放级别为网格聚合",
    # the body is GeoJSON (RFC 7946) and says so in its Content-Type
    openapi_extra={
        "responses": {"200": {"content": {"application/geo+json": {"schema": {"type": "object"}}}}}
    },
)
def resource_geojson(request: HttpRequest, query: Query[GeoQuery]) -> HttpResponse:
    filters = selectors.ResourceFilters.from_params(request.GET)
    bbox = selectors.parse_bbox(query.bbox)

    def build() -> bytes:
        return jsonio.dumps(selectors.resource_geojson(bbox=bbox, zoom=query.zoom, filters=filters))

    name = f"resources/geojson {filters.as_query()!r} {bbox!r} {query.zoom}"
    return readcache.conditional(
        request, name, READS, build, content_type="application/geo+json; charset=utf-8"
    )


@router.get(
    "/resources/county-figures",
    response={200: CountyFiguresOut, 400: ErrorOut, 422: ErrorOut},
    summary="各县资源数量与面积（地图分级设色）",
)
def resource_county_figures(request: HttpRequest, query: Query[FilterQuery]) -> HttpResponse:
    filters = selectors.ResourceFilters.from_params(request.GET)

    def build() -> bytes:
        figures = selectors.county_figures(filters)
        counties = region_selectors.counties_of(settings.XIANGCUN_CITY_CODE)
        items = [
            {"code": c.code, "name": c.name, **figures.get(c.code, {"count": 0, "area_mu": 0.0})}
            for c in counties
        ]
        return schema_json(CountyFiguresOut, {"items": items})

    return readcache.conditional(request, f"resources/county-figures {filters.as_query()!r}", READS, build)


@router.get("/resources", response={200: ResourceListOut, **ERRORS}, summary="资源列表")
def resource_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    filters = selectors.ResourceFilters.from_params(request.GET)
    items, count = paginate(selectors.resource_list(filters), query)
    return {"items": items, "count": count}


@router.get("/resources/{int:resource_id}", response={200: ResourceOut, **ERRORS}, summary="资源详情")
def resource_detail(request: HttpRequest, resource_id: int) -> Resource:
    return selectors.resource_get_for(request.user, resource_id)


@router.post(
    "/resources",
    response={201: ResourceOut, **ERRORS},
    summary="登记资源（限管辖范围内的村）",
    auth=session_auth,
)
def resource_create(request: HttpRequest, payload: ResourceIn) -> Status[Resource]:
    resource = services.resource_create(user=request.user, resource_in=payload)
    return Status(201, selectors.resource_get_for(request.user, resource.pk))


@router.patch(
    "/resources/{int:resource_id}",
    response={200: ResourceOut, **ERRORS},
    summary="修改资源（限管辖范围内的村）",
    auth=session_auth,
)
def resource_update(request: HttpRequest, resource_id: int, payload: ResourcePatch) -> Resource:
    resource = selectors.resource_get_for(request.user, resource_id, write=True)
    services.resource_update(user=request.user, resource=resource, changes=payload)
    return selectors.resource_get_for(request.user, resource_id)
