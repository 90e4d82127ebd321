"""API schemas for resources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class ResourceIn(Schema):
    village: str = Field(..., pattern=r"^\d{12}$", description="12-digit village code")
    name: str = Field(..., max_length=100)
    kind: str = Field(..., description="resource kind code (core.vocab.RESOURCE_KINDS) or its Chinese label")
    right: str = "ownership"
    owner_type: str = "collective"
    owner_name: str = ""
    area: Decimal
    unit: str = Field("mu", description="mu (亩) or m2 (平方米)")
    lng: float
    lat: float
    boundary: dict[str, Any] | None = None
    current_use: str = ""
    permitted_use: str = ""
    status: str = "available"
    description: str = ""
    valuation_method: str = ""
    valuation_parameters: dict[str, Any] = Field(default_factory=dict)
    appraised_value: Decimal | None = None
    appraised_on: dt.date | None = None
    appraiser: str = ""
    notices: list[int] = Field(default_factory=list)


class ResourcePatch(Schema):
    name: str | None = Field(None, max_length=100)
    kind: str | None = None
    right: str | None = None
    owner_type: str | None = None
    owner_name: str | None = None
    area: Decimal | None = None
    unit: str | None = None
    lng: float | None = None
    lat: float | None = None
    boundary: dict[str, Any] | None = None
    current_use: str | None = None
    permitted_use: str | None = None
    status: str | None = None
    description: str | None = None
    valuation_method: str | None = None
    valuation_parameters: dict[str, Any] | None = None
    appraised_value: Decimal | None = None
    appraised_on: dt.date | None = None
    appraiser: str | None = None
    notices: list[int] | None = None


class NoticeLink(Schema):
    id: int
    title: str
    status: str
    url: str


class PhotoOut(Schema):
    id: int
    url: str
    thumbnail: str
    caption: str


class ResourceItem(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    area: Decimal
    unit: str
    area_mu: Decimal
    village: str
    village_name: str
    county: str
    county_name: str
    lng: float
    lat: float
    url: str


class ResourceOut(ResourceItem):
    right: str
    owner_type: str
    owner_name: str
    boundary: dict[str, Any] | None
    current_use: str
    permitted_use: str
    description: str
    valuation_method: str
    valuation_parameters: dict[str, Any]
    appraised_value: Decimal | None
    appraised_on: dt.date | None
    appraiser: str
    notices: list[NoticeLink]
    photos: list[PhotoOut]
    can_edit: bool
    is_demo: bool


class ResourceListOut(Schema):
    items: list[ResourceItem]
    count: int


class CountyFigure(Schema):
    code: str
    name: str
    count: int
    area_mu: float


class CountyFiguresOut(Schema):
    items: list[CountyFigure]
