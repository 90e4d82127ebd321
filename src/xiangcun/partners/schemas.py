from __future__ import annotations

from decimal import Decimal

from ninja import Schema
from pydantic import Field


class PartnerProfileIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    is_organisation: bool = False
    kind: str
    contact_name: str = Field("", max_length=40)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=20)
    home_county: str | None = Field(None, pattern=r"^\d{6}$")
    liaocheng_born: bool | None = None
    capital_min: Decimal | None = None
    capital_max: Decimal | None = None
    skills: list[str] = []
    tags: list[str] = []
    preferred_counties: list[str] = []
    preferred_categories: list[str] = []
    cooperation_forms: list[str] = []
    resources_wanted: list[str] = []
    profile: str = ""
    track_record: str = ""
    certifications: str = ""


class RegisterIn(PartnerProfileIn):
    username: str = Field(..., min_length=3, max_length=150)
    password: str = Field(..., min_length=1, max_length=128)


class VerifyIn(Schema):
    verified: bool
    reason: str = Field("", max_length=300)


class PartnerOut(Schema):
    id: int
    name: str
    is_organisation: bool
    kind: str
    kind_label: str
    contact_name: str
    phone: str
    id_number: str
    home_county: str | None
    liaocheng_born: bool
    capital_min: Decimal | None
    capital_max: Decimal | None
    skills: list[str]
    tags: list[str]
    preferred_counties: list[str]
    preferred_categories: list[str]
    cooperation_forms: list[str]
    resources_wanted: list[str]
    profile: str
    track_record: str
    certifications: str
    status: str
    refusal_reason: str
    verified: bool
    masked: bool


class PartnerListOut(Schema):
    items: list[PartnerOut]
    count: int
