"""Typed input and output of regions and villages.

``VillageProfileIn`` is the one input of a village profile edit (the page's form and any future
endpoint): every field optional, only the fields given are changed. Outputs read the models (or the
reader's ``VillageProfile``) directly, no dict builders.
"""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema
from pydantic import Field

from xiangcun.core.inputs import Count, OptionalMoney, Phone, Quantity, Text, Year


class VillageProfileIn(Schema):
    """A village profile edit: only the fields present are changed (``model_fields_set``)."""

    households: Count | None = Field(None, title="户数")
    population: Count | None = Field(None, title="人口")
    cultivated_land_mu: Quantity | None = Field(None, title="耕地面积（亩）")
    featured_industry: Text(100, required=False) | None = Field(None, title="特色产业")  # type: ignore[valid-type]
    contact_name: Text(40, required=False) | None = Field(None, title="联系村干部")  # type: ignore[valid-type]
    contact_phone: Phone | None = Field(None, title="联系电话")
    # year → collective income in yuan; a blank amount removes the year's figure
    incomes: dict[Year, OptionalMoney] = Field(default_factory=dict, title="村集体收入")


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None = Field(None, alias="parent_id")
    lat: float | None
    lng: float | None
    area_km2: float | None = None
    villages: int | None = None  # given for child regions (``RegionChildOut``)

    @staticmethod
    def resolve_villages(obj: object) -> None:
        return None  # ``Region.villages`` is the town's related manager, not a count


class RegionChildOut(Schema):
    """A child region with its village count (``selectors.ChildFigure``)."""

    code: str = Field(..., alias="region.code")
    name: str = Field(..., alias="region.name")
    level: str = Field(..., alias="region.level")
    parent: str | None = Field(None, alias="region.parent_id")
    lat: float | None = Field(None, alias="region.lat")
    lng: float | None = Field(None, alias="region.lng")
    area_km2: float | None = Field(None, alias="region.area_km2")
    villages: int


class VillageItem(Schema):
    code: str
    name: str
    town: str = Field(..., alias="town.name")
    town_code: str = Field(..., alias="town_id")
    county: str = Field(..., alias="county.name")
    county_code: str = Field(..., alias="county_id")
    lat: float
    lng: float


PICK_MAX_QUERY = 20  # characters of a picker search: a village name is at most a dozen
PICK_MAX_LIMIT = 20  # results per picker search


class VillagePickQuery(Schema):
    """A search of the village picker (``GET /api/v1/villages/pick``)."""

    q: str = Field("", max_length=PICK_MAX_QUERY, title="村名或拼音首字母",
                   description="name, part of one, or pinyin initials (lqz); empty: the region's first villages")  # fmt: skip
    limit: int = Field(10, ge=1, le=PICK_MAX_LIMIT, title="条数", description="results (1–20)")


class VillageChoiceOut(Schema):
    """A village as the picker lists it (``selectors.VillageChoice``)."""

    code: str
    name: str
    town: str
    county: str
    county_code: str
    label: str  # "黄家庄村 · 三庄街道 · 东昌府区"
    lat: float
    lng: float


class VillageChoicesOut(Schema):
    items: list[VillageChoiceOut]


class VillageListOut(Schema):
    items: list[VillageItem]
    count: int


class IncomeOut(Schema):
    year: int
    amount: Decimal


class VillageDetailOut(Schema):
    """A village as one reader sees it: read from ``selectors.VillageProfile`` (contacts masked
    unless the reader governs the village)."""

    code: str = Field(..., alias="village.code")
    name: str = Field(..., alias="village.name")
    town: str = Field(..., alias="village.town.name")
    town_code: str = Field(..., alias="village.town_id")
    county: str = Field(..., alias="village.county.name")
    county_code: str = Field(..., alias="village.county_id")
    lat: float = Field(..., alias="village.lat")
    lng: float = Field(..., alias="village.lng")
    level: str = "village"
    parent: str = Field(..., alias="village.town_id")
    households: int = Field(..., alias="village.households")
    population: int = Field(..., alias="village.population")
    cultivated_land_mu: Decimal = Field(..., alias="village.cultivated_land_mu")
    featured_industry: str = Field(..., alias="village.featured_industry")
    incomes: list[IncomeOut]
    income_band: str = Field(..., alias="band")
    contact_name: str
    contact_phone: str
    is_demo: bool = Field(..., alias="village.is_demo")


class ChildrenOut(Schema):
    items: list[RegionChildOut] | list[VillageItem]
    count: int


__all__ = [
    "ChildrenOut",
    "IncomeOut",
    "RegionChildOut",
    "RegionOut",
    "VillageDetailOut",
    "VillageItem",
    "VillageListOut",
    "VillageProfileIn",
]
