from __future__ import annotations

from decimal import Decimal

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    lat: float | None
    lng: float | None
    area_km2: float | None = None
    villages: int | None = None


class VillageItem(Schema):
    code: str
    name: str
    town: str
    town_code: str
    county: str
    county_code: str
    lat: float
    lng: float


class VillageListOut(Schema):
    items: list[VillageItem]
    count: int


class IncomeOut(Schema):
    year: int
    amount: Decimal


class VillageDetailOut(VillageItem):
    level: str = "village"
    parent: str
    households: int
    population: int
    cultivated_land_mu: Decimal
    featured_industry: str
    incomes: list[IncomeOut]
    income_band: str
    contact_name: str
    contact_phone: str
    is_demo: bool


class ErrorOut(Schema):
    error: str
    error_en: str | None = None
    field: str | None = None


class ChildrenOut(Schema):
    items: list[RegionOut | VillageItem]
    count: int
