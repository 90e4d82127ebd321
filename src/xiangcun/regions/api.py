"""Public region and village data. Personal fields are masked unless the caller governs the village."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from pydantic import Field

from xiangcun.core import readcache, regioncodes
from xiangcun.core.api import ERRORS, Page, paginate, schema_json, session_auth
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.regions import selectors
from xiangcun.regions.schemas import (
    ChildrenOut,
    RegionOut,
    VillageChoicesOut,
    VillageDetailOut,
    VillageListOut,
    VillagePickQuery,
)

router = Router(tags=["regions"])  # public

# The public lists are served from the cache while no region or village changed (core/readcache.py).
READS = ("regions",)


def _check_code(code: str, field: str = "code") -> str:
    if not regioncodes.is_valid_code(code):
        raise ApplicationError(
            Msg("区划代码格式不正确：{code}（应为 6、9 或 12 位数字）", code=code), field=field
        )
    return code


def _village_detail(request: HttpRequest, code: str) -> selectors.VillageProfile:
    village = selectors.village_get_for(request.user, code)
    return selectors.village_profile(village, request.user, purpose=selectors.PURPOSE_VILLAGE_API)


@router.get(
    "/regions/{code}",
    response={200: RegionOut | VillageDetailOut, **ERRORS},
    summary="一个区划（省、市、县、乡镇或行政村）",
)
def region_detail(request: HttpRequest, code: str) -> Any:
    _check_code(code)
    if len(code) == 12:
        return _village_detail(request, code)
    return selectors.region_get_for(request.user, code)


@router.get(
    "/regions/{code}/children",
    response={200: ChildrenOut, **ERRORS},
    summary="下级区划（乡镇的下级为行政村）",
)
def region_children(request: HttpRequest, code: str) -> HttpResponse:
    _check_code(code)

    def build() -> bytes:
        items: list[Any] = []
        if len(code) != 12:
            region = selectors.region_get_for(request.user, code)
            if region.level == "town":
                items = list(selectors.village_list(within=code))
            else:
                items = selectors.child_figures(region)
        return schema_json(ChildrenOut, {"items": items, "count": len(items)})

    return readcache.conditional(request, f"regions/{code}/children", READS, build)


class VillageFilter(Page):
    county: str | None = Field(None, pattern=r"^\d{6}$", description="6-digit county code")
    town: str | None = Field(None, pattern=r"^\d{9}$", description="9-digit town code")
    q: str | None = Field(None, max_length=40, description="name or pinyin initials, e.g. zjz for 张家庄")


@router.get("/villages", response={200: VillageListOut, **ERRORS}, summary="行政村列表")
def village_list(request: HttpRequest, filters: Query[VillageFilter]) -> HttpResponse:
    within = filters.town or filters.county

    def build() -> bytes:
        if within:
            selectors.region_get_for(request.user, within)
        items, count = paginate(selectors.village_list(within=within, q=filters.q), filters)
        return schema_json(VillageListOut, {"items": items, "count": count})

    name = f"villages {within!r} {filters.q!r} {filters.limit} {filters.offset}"
    return readcache.conditional(request, name, READS, build)


@router.get(
    "/villages/pick",
    response={200: VillageChoicesOut, **ERRORS},
    auth=session_auth,
    summary="选择村庄：本辖区内按村名或拼音首字母查找（村级表单的村庄选择器）",
)
def village_pick(request: HttpRequest, query: Query[VillagePickQuery]) -> dict[str, Any]:
    return {"items": selectors.village_pick_for(request.user, query.q, limit=query.limit)}


@router.get("/villages/{code}", response={200: VillageDetailOut, **ERRORS}, summary="行政村档案")
def village_detail(request: HttpRequest, code: str) -> selectors.VillageProfile:
    if len(code) != 12 or not code.isdigit():
        raise ApplicationError("村级区划代码应为 12 位数字", field="code")
    return _village_detail(request, code)
