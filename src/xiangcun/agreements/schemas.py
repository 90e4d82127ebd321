"""API schemas for agreements, settlements and the simulator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class ContributionIn(Schema):
    kind: str
    name: str = ""
    resource: int | None = None
    area_mu: Decimal | None = None
    annual_rent_per_mu: Decimal | None = None
    years: Decimal | None = None
    discount_rate: Decimal | None = None
    area_m2: Decimal | None = None
    rebuild_cost_per_m2: Decimal | None = None
    age_years: Decimal | None = None
    useful_life_years: Decimal | None = None
    residual_rate: Decimal | None = None
    appraised_value: Decimal | None = None
    amount: Decimal | None = None


class PartyIn(Schema):
    role: str
    name: str
    partner: int | None = None
    contributions: list[ContributionIn]


class MemberIn(Schema):
    household: str
    head_name: str
    shares: Decimal


class LabourCommitmentIn(Schema):
    position: str
    jobs: int = Field(ge=0)
    monthly_wage: Decimal


class AgreementIn(Schema):
    title: str
    village: str | None = None
    pairing: int | None = None
    description: str = ""
    mode: str = "additive"
    guarantee: Decimal = Decimal(0)
    reserve_rate: Decimal = Decimal(0)
    expected_profit: Decimal = Decimal(0)
    term_start: dt.date
    term_end: dt.date
    exit_clause: str = ""
    buyback_clause: str = ""
    parties: list[PartyIn]
    members: list[MemberIn] = []
    labour: list[LabourCommitmentIn] = []


class ContributionOut(Schema):
    kind: str
    name: str
    params: dict[str, Any]
    value: Decimal


class PartyOut(Schema):
    position: int
    role: str
    name: str
    partner: int | None
    contribution: Decimal
    share: Decimal
    contributions: list[ContributionOut]


class MemberOut(Schema):
    household: str
    head_name: str
    shares: Decimal


class AgreementOut(Schema):
    id: int
    code: str
    title: str
    village: str
    village_name: str
    pairing: int | None
    status: str
    status_label: str
    mode: str
    guarantee: Decimal
    reserve_rate: Decimal
    expected_profit: Decimal
    total_contribution: Decimal
    term_start: dt.date
    term_end: dt.date
    exit_clause: str
    buyback_clause: str
    publicity_start: dt.date | None
    objection_deadline: dt.date | None
    signed_on: dt.date | None
    in_force_on: dt.date | None
    parties: list[PartyOut]
    members: list[MemberOut]
    labour: list[dict[str, Any]]


class AgreementItem(Schema):
    id: int
    code: str
    title: str
    village: str
    village_name: str
    status: str
    status_label: str
    total_contribution: Decimal


class AgreementListOut(Schema):
    items: list[AgreementItem]
    count: int


class TransitionIn(Schema):
    to_status: str
    date: dt.date | None = None
    note: str = ""
    reason: str = ""
    assembly_date: dt.date | None = None
    assembly_attendees: int | None = None
    assembly_present: int | None = None
    assembly_votes_for: int | None = None
    assembly_resolution: str = ""


class EventOut(Schema):
    at: dt.datetime
    actor: str | None
    from_status: str
    to_status: str
    note: str


class ObjectionIn(Schema):
    raised_by: str
    content: str


class AnswerIn(Schema):
    answer: str


class ObjectionOut(Schema):
    id: int
    raised_by: str
    content: str
    answer: str
    answered_at: dt.datetime | None


class LabourPaymentIn(Schema):
    household: str
    amount: Decimal


class SettlementIn(Schema):
    year: int
    profit: Decimal
    labour: list[LabourPaymentIn] = []
    reason: str = ""


class SettlementOut(Schema):
    id: int
    year: int
    version: int
    reason: str
    profit: Decimal
    collective_income: Decimal
    reserve: Decimal
    distributed: Decimal
    created_at: dt.datetime
    parties: list[dict[str, Any]]
    households: list[dict[str, Any]]


class SimulationOut(Schema):
    profits: list[str]
    parties: list[dict[str, Any]]
    households: list[dict[str, Any]]
    reserve: list[str]
    scenarios: list[dict[str, str]] | None = None


class GuaranteeOut(Schema):
    agreement: int
    code: str
    title: str
    year: int
    amount: Decimal
    due_on: dt.date
    state: str
    paid_on: dt.date | None


class GuaranteePaidIn(Schema):
    year: int
    amount: Decimal
    paid_on: dt.date
