from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class EvaluateIn(Schema):
    date: dt.date | None = Field(None, description="测算日期，默认今天")
    facts: dict[str, Any] = Field(default_factory=dict, description="项目与合伙人信息，金额单位为元")
    save: bool = Field(False, description="保存测算结果（记录规则集哈希与日期）")


class ConditionOut(Schema):
    field: str
    label: str
    op: str
    threshold: Any
    actual: Any
    passed: bool | None
    alternative: bool
    text: str


class GapOut(Schema):
    field: str
    gap: str
    text: str


class PolicyResultOut(Schema):
    id: str
    title: str
    kind: str
    kind_zh: str
    example: bool
    applies: bool
    status: str
    status_zh: str
    amount: str
    amount_before_cap: str | None
    privilege: str
    layer: str
    layer_zh: str
    issuer: str
    document: str
    clause: str
    sentence: str
    conditions: list[ConditionOut]
    gaps: list[GapOut]
    near_miss: bool
    missing: list[str]
    notes: list[str]


class EvaluationOut(Schema):
    date: str
    ruleset: str
    total: str
    results: list[PolicyResultOut]
    saved_id: int | None = None


class PolicyOut(Schema):
    id: str
    title: str
    kind: str
    kind_zh: str
    example: bool
    issuer: str
    document: str
    clause: str
    effective_from: dt.date
    effective_to: dt.date | None
    scope: list[str] | None
    group: str | None
    county_exceptions: list[str]
    description: str


class PolicyListOut(Schema):
    ruleset: str
    items: list[PolicyOut]


class VersionOut(Schema):
    number: int
    ruleset_hash: str
    note: str
    changed_files: list[str]
    tests_passed: int
    published_by: str | None
    created_at: dt.datetime


class PublishIn(Schema):
    files: dict[str, str]
    note: str = Field(..., min_length=1, max_length=300)
