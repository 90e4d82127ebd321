"""Matching's input models (a county run, the invitations kept, a pairing step, a meeting note,
interest in a notice, the city's weights) and output schemas (read from the objects themselves).

The API body, the HTML form and the CLI are parsed into these once (``core.inputs.parse``); the
services receive their fields, valid. The workflow's rules (which step follows which, who signs)
and the weights' own rules (every factor, sum 1 — ``scoring.Weights``) are the services'.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints

from xiangcun.core.api import Page
from xiangcun.core.inputs import CountyCode, Text, number
from xiangcun.partners.selectors import NAME_ONLY, partner_view


def _blank_to_empty(value: Any) -> Any:
    return "" if value is None else value


def _blank_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _text(max_length: int) -> Any:
    return Annotated[Text(max_length, required=False), BeforeValidator(_blank_to_empty)]


# --------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------
class RunIn(Schema):
    county: CountyCode = Field(..., title="县（市、区）")


class PairIn(Schema):
    notice: str = Field(..., max_length=20, title="招募令")
    partner: str = Field(..., max_length=20, title="合伙人")


class SendIn(Schema):
    """The pairs of the proposal to invite (all of them when ``pairs`` is omitted)."""

    pairs: list[PairIn] | None = Field(None, max_length=10_000, title="邀请的组合")
    method: Literal["max_fit", "stable"] = Field("max_fit", title="配对方式")

    def kept(self) -> list[tuple[str, str]] | None:
        return [(p.notice, p.partner) for p in self.pairs] if self.pairs is not None else None


class PairingTransitionIn(Schema):
    """A step of a pairing; ``expected_status`` is the stage the caller saw (optional in the API:
    without it the stage read when the request began) — another stage by then is a 409."""

    to_status: str = Field(..., max_length=12, title="阶段")
    expected_status: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        None, max_length=12, title="办理时的阶段"
    )
    reason: _text(300) = Field("", title="退出理由")  # type: ignore[valid-type]
    note: _text(2000) = Field("", title="说明")  # type: ignore[valid-type]


class NoteIn(Schema):
    note: Text(2000) = Field(..., title="记录")  # type: ignore[valid-type]
    meeting_date: dt.date = Field(..., title="考察或洽谈日期")


class InterestIn(Schema):
    notice: int = Field(..., ge=1, title="招募令")
    note: _text(300) = Field("", title="留言")  # type: ignore[valid-type]


class WeightsIn(Schema):
    """The fit weights by factor (``category``, ``region`` …; each ≥ 0, sum 1) and the pairing
    threshold (0–1; unchanged when omitted)."""

    weights: dict[Annotated[str, StringConstraints(max_length=40)], Annotated[float, number]] = Field(
        ..., max_length=20, title="权重"
    )
    threshold: Annotated[float, number] | None = Field(
        None, ge=0.0, le=1.0, allow_inf_nan=False, title="最低匹配度"
    )


class PairingQuery(Page):
    status: str | None = Field(None, max_length=12, title="阶段")


class TopK(Schema):
    k: int = Field(10, ge=1, le=100, title="推荐数量")


# --------------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------------
class FactorOut(Schema):
    factor: str
    label: str
    value: float
    weight: float
    contribution: float
    text: str
    text_en: str


class RecommendationOut(Schema):
    """A ``selectors.Recommendation``: the other side's id and title as the reader may see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    fit: float
    factors: list[FactorOut]
    explanation: list[str]

    @staticmethod
    def resolve_factors(obj: Any) -> list[dict[str, Any]]:
        return obj.explanation.to_json()["factors"]  # type: ignore[no-any-return]

    @staticmethod
    def resolve_explanation(obj: Any) -> list[str]:
        return obj.reasons  # type: ignore[no-any-return]


class RecommendationListOut(Schema):
    items: list[RecommendationOut]


class PairOut(Schema):
    notice: str
    partner: str
    fit: float


class RunOut(Schema):
    """A ``PairingRun`` with its proposal."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    county: str = Field(..., alias="county_id")
    threshold: float
    pairs: list[PairOut]
    total_fit: float
    unmatched_notices: list[str]
    unmatched_partners: list[str]
    blocking_pairs: int | None
    stable: dict[str, Any] | None
    method: str
    invitations_sent: bool

    @staticmethod
    def resolve_pairs(obj: Any) -> list[Any]:
        return obj.proposal.get("pairs", [])  # type: ignore[no-any-return]

    @staticmethod
    def resolve_total_fit(obj: Any) -> float:
        return obj.proposal.get("total_fit", obj.total_fit)  # type: ignore[no-any-return]

    @staticmethod
    def resolve_unmatched_notices(obj: Any) -> list[str]:
        return obj.proposal.get("unmatched_notices", [])  # type: ignore[no-any-return]

    @staticmethod
    def resolve_unmatched_partners(obj: Any) -> list[str]:
        return obj.proposal.get("unmatched_partners", [])  # type: ignore[no-any-return]

    @staticmethod
    def resolve_blocking_pairs(obj: Any) -> int | None:
        return obj.proposal.get("blocking_pairs")  # type: ignore[no-any-return]

    @staticmethod
    def resolve_stable(obj: Any) -> dict[str, Any] | None:
        """The stable pairing beside it (pairs, total fit, blocking pairs = 0); null for old runs."""
        return obj.stable_proposal or None


class PairingOut(Schema):
    """A ``Pairing``; the partner's name masked as the reader may see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    notice: int = Field(..., alias="notice_id")
    notice_title: str
    partner: int = Field(..., alias="partner_id")
    partner_name: str
    status: str
    status_label: str
    origin: str
    fit: float | None
    withdraw_reason: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_notice_title(obj: Any) -> str:
        return obj.notice.title  # type: ignore[no-any-return]

    @staticmethod
    def resolve_partner_name(obj: Any, context: dict[str, Any]) -> str:
        return partner_view(obj.partner, context["request"].user, fields=NAME_ONLY).name

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return obj.get_status_display()  # type: ignore[no-any-return]


class PairingListOut(Schema):
    items: list[PairingOut]
    count: int


class NoticeContactOut(Schema):
    """A notice's contact line as the caller may see it (``masked``: phone numbers hidden)."""

    notice: int
    contact: str
    masked: bool


class WeightsOut(Schema):
    weights: dict[str, float]
    threshold: float
