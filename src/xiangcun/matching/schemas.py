from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class FactorOut(Schema):
    factor: str
    label: str
    value: float
    weight: float
    contribution: float
    text: str
    text_en: str


class RecommendationOut(Schema):
    id: int
    title: str
    fit: float
    factors: list[FactorOut]
    explanation: list[str]


class RecommendationListOut(Schema):
    items: list[RecommendationOut]


class PairOut(Schema):
    notice: str
    partner: str
    fit: float


class RunIn(Schema):
    county: str = Field(..., pattern=r"^\d{6}$")


class RunOut(Schema):
    id: int
    county: str
    threshold: float
    pairs: list[PairOut]
    total_fit: float
    unmatched_notices: list[str]
    unmatched_partners: list[str]
    invitations_sent: bool


class SendIn(Schema):
    pairs: list[PairOut] | None = None


class PairingOut(Schema):
    id: int
    notice: int
    notice_title: str
    partner: int
    partner_name: str
    status: str
    status_label: str
    origin: str
    fit: float | None
    withdraw_reason: str
    updated_at: dt.datetime


class PairingListOut(Schema):
    items: list[PairingOut]
    count: int


class PairingTransitionIn(Schema):
    to_status: str
    reason: str = Field("", max_length=300)
    note: str = Field("", max_length=2000)


class NoteIn(Schema):
    note: str = Field(..., min_length=1, max_length=2000)
    meeting_date: dt.date


class InterestIn(Schema):
    notice: int
    note: str = Field("", max_length=300)


class WeightsIn(Schema):
    weights: dict[str, float]
    threshold: float | None = None


class WeightsOut(Schema):
    weights: dict[str, float]
    threshold: float
