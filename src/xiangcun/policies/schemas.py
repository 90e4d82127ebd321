"""Input and output of the policy calculator API; ``PublishIn`` is also the model the editor page
builds (``core.inputs.parse``) before publishing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StringConstraints

from xiangcun.core.inputs import Date
from xiangcun.policies.engine import KINDS, Policy
from xiangcun.policies.models import PolicyVersion


class EvaluateIn(Schema):
    date: Date | None = Field(None, title="测算日期", description="测算日期，默认今天")
    facts: dict[Annotated[str, StringConstraints(max_length=40)], Any] = Field(
        default_factory=dict,
        max_length=100,
        title="项目与合伙人信息",
        description="项目与合伙人信息，金额单位为元",
    )
    # strict: `"save": 0` or `"save": "no"` is a mistake to refuse, not a boolean to guess
    save: StrictBool = Field(False, title="保存测算结果", description="保存测算结果（记录规则集哈希与日期）")


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
    limit: str | None = Field(None, description="floor | cap: the formula's floor or cap set the amount")
    amount_before_limit: str | None = Field(None, description="the formula's amount before that floor or cap")
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
    """A policy of the library (``engine.Policy``): its city layer's reference and dates."""

    model_config = ConfigDict(from_attributes=True)

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

    @staticmethod
    def resolve_kind_zh(policy: Policy) -> str:
        return KINDS[policy.kind]

    @staticmethod
    def resolve_issuer(policy: Policy) -> str:
        return policy.city.issuer

    @staticmethod
    def resolve_document(policy: Policy) -> str:
        return policy.city.document

    @staticmethod
    def resolve_clause(policy: Policy) -> str:
        return policy.city.clause

    @staticmethod
    def resolve_effective_from(policy: Policy) -> dt.date:
        return policy.start

    @staticmethod
    def resolve_effective_to(policy: Policy) -> dt.date | None:
        return policy.end

    @staticmethod
    def resolve_scope(policy: Policy) -> list[str] | None:
        return sorted(policy.scope) if policy.scope is not None else None

    @staticmethod
    def resolve_county_exceptions(policy: Policy) -> list[str]:
        return sorted(policy.counties)


class PolicyListOut(Schema):
    ruleset: str
    items: list[PolicyOut]


class VersionOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    number: int
    ruleset_hash: str
    note: str
    changed_files: list[str]
    tests_passed: int
    published_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_published_by(version: PolicyVersion) -> str | None:
        return version.published_by.username if version.published_by else None


Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
MAX_FILES = 50
MAX_FILE_CHARS = 200_000
FileName = Annotated[str, StringConstraints(max_length=100)]
FileText = Annotated[str, StringConstraints(max_length=MAX_FILE_CHARS)]


class PublishIn(Schema):
    """Publishing the library as a new version: every file's text (name → YAML) and why."""

    files: dict[FileName, FileText] = Field(
        ..., max_length=MAX_FILES, title="政策文件", description="文件名 → YAML 文本"
    )
    note: Note = Field(..., title="修改说明")
