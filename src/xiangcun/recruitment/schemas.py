from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class ResourceSchema(Schema):
    kind: str
    area: Decimal | None = None
    unit: str = "mu"
    description: str = ""


class ResourceOut(ResourceSchema):
    unit_label: str = ""


class NoticeIn(Schema):
    title: str = Field(..., min_length=1, max_length=120)
    villages: list[str] = Field(..., min_length=1, max_length=50)
    category: str
    level: str = "county"
    cooperation_forms: list[str] = []
    kinds_wanted: list[str] = []
    investment_min: Decimal | None = None
    investment_max: Decimal | None = None
    resources: list[ResourceSchema] = []
    incentives: str = ""
    description: str = ""
    contact: str = Field("", max_length=100)
    deadline: dt.date | None = None


class TransitionIn(Schema):
    action: str
    reason: str = Field("", max_length=300)
    batch: int | None = None


class NoticeItem(Schema):
    id: int
    title: str
    level: str
    category: str
    category_label: str
    status: str
    status_label: str
    county: str
    county_name: str
    village: str
    village_name: str
    villages: list[str]
    kinds_wanted: list[str]
    cooperation_forms: list[str]
    investment_min: Decimal | None
    investment_max: Decimal | None
    deadline: dt.date | None
    published_at: dt.datetime | None
    batch: int | None


class TransitionOut(Schema):
    from_status: str
    to_status: str
    actor: str | None
    reason: str
    at: dt.datetime


class NoticeDetail(NoticeItem):
    resources: list[ResourceOut]
    incentives: str
    description: str
    contact: str
    rejection_reason: str
    transitions: list[TransitionOut]


class NoticeListOut(Schema):
    items: list[NoticeItem]
    count: int
