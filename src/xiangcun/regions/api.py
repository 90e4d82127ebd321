"""Public region and village data. Personal fields are masked unless the caller governs the village."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from xiangcun.core import regioncodes
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.regions import selectors
from xiangcun.regions.models import Region, Village
from xiangcun.regions.schemas import (
    ChildrenOut,
    ErrorOut,
    RegionOut,
    VillageDetailOut,
    VillageListOut,
)

router = Router()

CODE_PATTERN = r"^\d{6}(\d{3}(\d{3})?)?$"


def _check_code(code: str, field: str = "code") -> str:
    if not regioncodes.is_valid_code(code):
        raise ApplicationError(
            Msg("区划代码格式不正确：{code}（应为 6、9 或 12 位数字）", code=code), field=field
        )
    return code


def _region_out(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id,
        "lat": region.lat,
        "lng": region.lng,
        "area_km2": region.area_km2,
    }


def village_item(v: Village) -> dict[str, Any]:
    return {
        "code": v.code,
        "name": v.name,
        "town": v.town.name,
        "town_code": v.town_id,
        "county": v.county.name,
        "county_code": v.county_id,
        "lat": v.lat,
        "lng": v.lng,
    }


@router.get(
    "/regions/{code}",
    response={200: RegionOut | VillageDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="一个区划（省、市、县、乡镇或行政村）",
)
def region_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    _check_code(code)
    if len(code) == 12:
        return _village_detail(request, selectors.village_get(code))
    return _region_out(selectors.region_get(code))


@router.get(
    "/regions/{code}/children",
    response={200: ChildrenOut, 400: ErrorOut, 404: ErrorOut},
    summary="下级区划（乡镇的下级为行政村）",
)
def region_children(request: HttpRequest, code: str) -> dict[str, Any]:
    _check_code(code)
    if len(code) == 12:
        return {"items": [], "count": 0}
    region = selectors.region_get(code)
    if region.level == "town":
        villages = list(selectors.village_list(within=code))
        return {"items": [village_item(v) for v in villages], "count": len(villages)}
    items = [
        {**_region_out(row["region"]), "villages": row["villages"]} for row in selectors.child_figures(region)
    ]
    return {"items": items, "count": len(items)}


class VillageFilter(Schema):
    county: str | None = Field(None, pattern=r"^\d{6}$", description="6-digit county code")
    town: str | None = Field(None, pattern=r"^\d{9}$", description="9-digit town code")
    q: str | None = Field(None, max_length=40, description="name or pinyin initials, e.g. zjz for 张家庄")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get("/villages", response={200: VillageListOut, 404: ErrorOut, 422: ErrorOut}, summary="行政村列表")
def village_list(request: HttpRequest, filters: Query[VillageFilter]) -> dict[str, Any]:
    within = filters.town or filters.county
    if within:
        selectors.region_get(within)
    qs = selectors.village_list(within=within, q=filters.q)
    count = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [village_item(v) for v in page], "count": count}


def _village_detail(request: HttpRequest, village: Village) -> dict[str, Any]:
    profile = selectors.village_profile(village, request.user)
    return {
        **village_item(village),
        "level": "village",
        "parent": village.town_id,
        "households": village.households,
        "population": village.population,
        "cultivated_land_mu": village.cultivated_land_mu,
        "featured_industry": village.featured_industry,
        "incomes": [{"year": i.year, "amount": i.amount} for i in profile.incomes],
        "income_band": profile.band,
        "contact_name": profile.contact_name,
        "contact_phone": profile.contact_phone,
        "is_demo": village.is_demo,
    }


@router.get(
    "/villages/{code}", response={200: VillageDetailOut, 400: ErrorOut, 404: ErrorOut}, summary="行政村档案"
)
def village_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    if len(code) != 12 or not code.isdigit():
        raise ApplicationError("村级区划代码应为 12 位数字", field="code")
    return _village_detail(request, selectors.village_get(code))
