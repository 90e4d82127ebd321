"""API schemas for funding rounds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class WeightsIn(Schema):
    investment: Decimal
    profit_tax: Decimal
    social_benefit: Decimal
    farmer_income_increase: Decimal
    collective_income_increase: Decimal


class RoundIn(Schema):
    name: str
    year: int
    budget: Decimal
    weights: WeightsIn
    min_score: Decimal | None = None
    opens_on: dt.date
    closes_on: dt.date


class RoundOut(Schema):
    id: int
    name: str
    year: int
    budget: Decimal
    weights: dict[str, str]
    min_score: Decimal | None
    opens_on: dt.date
    closes_on: dt.date
    status: str
    status_label: str
    total_requested: Decimal | None
    total_score: Decimal | None
    greedy_score: Decimal | None
    publicity_start: dt.date | None
    publicity_end: dt.date | None


class ApplicationIn(Schema):
    agreement: int
    requested: Decimal
    investment: Decimal
    profit_tax: Decimal
    social_benefit: Decimal
    farmer_income_increase: Decimal
    collective_income_increase: Decimal


class ApplicationOut(Schema):
    id: int
    agreement: int
    agreement_code: str
    title: str
    village: str
    requested: Decimal
    investment: Decimal
    profit_tax: Decimal
    social_benefit: Decimal
    farmer_income_increase: Decimal
    collective_income_increase: Decimal
    verified: bool
    score: Decimal | None
    rank: int | None
    selected: bool
    reason: str


class PublishIn(Schema):
    start: dt.date | None = None
