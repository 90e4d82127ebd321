"""Typed input and output of funding rounds (择优遴选): one model per use case, built the same way
from the API body, the HTML forms and the demo (``core.inputs.parse``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from xiangcun.core.inputs import InputProblem, Money, Year, blank_is_none, number
from xiangcun.funding.selection import CRITERIA, Mode, Weights, validate_weights

# Numbers as typed, by the one rule for digits (``core.inputs.number``: "12,5" is refused, not 125).
Weight = Annotated[Decimal, number, Field(ge=0, le=1, allow_inf_nan=False)]
Score = Annotated[Decimal, number, Field(ge=0, le=100, allow_inf_nan=False)]


class In(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)


class WeightsIn(In):
    investment: Weight = Field(title="实际投资权重")
    profit_tax: Weight = Field(title="利税权重")
    social_benefit: Weight = Field(title="社会效益评审分权重")
    farmer_income_increase: Weight = Field(title="带动农民增收权重")
    collective_income_increase: Weight = Field(title="村集体增收权重")

    def as_weights(self) -> Weights:
        return Weights.from_mapping({name: getattr(self, name) for name in CRITERIA})


class RoundIn(In):
    name: str = Field(title="批次名称", min_length=1, max_length=120)
    year: Year = Field(default_factory=lambda: dt.date.today().year, title="年度")
    budget: Money = Field(title="资金总额")
    weights: WeightsIn = Field(title="权重")
    min_score: Annotated[Score | None, blank_is_none] = Field(None, title="最低分")
    mode: Mode = Field(Mode.RANK_ORDER, title="遴选方式")
    opens_on: dt.date = Field(title="申报开始")
    closes_on: dt.date = Field(title="申报截止")

    @field_validator("year", mode="before")
    @classmethod
    def _blank_year(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return dt.date.today().year
        return value

    @field_validator("weights", mode="after")
    @classmethod
    def _sum_to_one(cls, value: WeightsIn) -> WeightsIn:
        validate_weights(value.as_weights())  # a SelectionError names the field ("weights")
        return value

    @field_validator("closes_on", mode="after")
    @classmethod
    def _not_before_opening(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        opens = info.data.get("opens_on")
        if opens is not None and value < opens:
            raise InputProblem("须不早于申报开始")
        return value


class FiguresIn(In):
    """The outcome figures of an application (verified later by the city office)."""

    requested: Money = Field(title="申请金额")
    investment: Money = Field(title="实际投资")
    profit_tax: Money = Field(title="利税")
    social_benefit: Score = Field(title="社会效益评审分")
    farmer_income_increase: Money = Field(title="带动农民增收")
    collective_income_increase: Money = Field(title="村集体增收")


class ApplicationIn(FiguresIn):
    agreement: int = Field(title="申报项目", ge=1)


RoundStatusCode = Literal["open", "selected", "published"]


class RoundStepIn(In):
    """A step of a round (select, publish) with the state the caller saw: another state by the time
    the step runs means someone acted first (409)."""

    expected_status: Annotated[RoundStatusCode | None, blank_is_none] = Field(None, title="办理时的状态")


class PublishIn(RoundStepIn):
    """公示 of a round's result: it starts on the server's today; a ``start`` given is refused."""

    start: Annotated[dt.date | None, blank_is_none] = Field(None, title="公示开始")

    @field_validator("start", mode="after")
    @classmethod
    def _server_dated(cls, value: dt.date | None) -> dt.date | None:
        if value is not None:
            raise InputProblem("公示开始日期由系统按办理当天的日期记录，不能指定")
        return value


class Out(Schema):
    model_config = ConfigDict(from_attributes=True)


class RoundOut(Out):
    id: int
    name: str
    year: int
    budget: Decimal
    weights: dict[str, str]
    min_score: Decimal | None
    mode: Mode
    mode_label: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    status_label: str
    total_requested: Decimal | None
    total_score: Decimal | None
    publicity_start: dt.date | None
    publicity_end: dt.date | None

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_mode_label(obj: Any) -> str:
        return str(obj.get_mode_display())


class ApplicationOut(Out):
    id: int
    agreement: int = Field(validation_alias="agreement_id")
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

    @staticmethod
    def resolve_agreement_code(obj: Any) -> str:
        return str(obj.agreement.code)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.agreement.title)

    @staticmethod
    def resolve_village(obj: Any) -> str:
        return str(obj.agreement.village.name)


class ModeOutcomeOut(Schema):
    mode: Mode
    label: str
    count: int
    total_requested: Decimal
    total_score: Decimal
    funded: list[int] = Field(description="the funded applications the reader may see, by rank")

    @staticmethod
    def resolve_funded(obj: Any) -> list[int]:
        return [a.pk for a in obj.funded]


class AnalysisOut(Schema):
    """A selected round's selection (its 公示) beside the other mode's (officials only)."""

    shown: ModeOutcomeOut
    other: ModeOutcomeOut
    more_projects: int = Field(description="projects the other mode funds in addition (negative: fewer)")
    score_gain: Decimal = Field(description="how much higher the other mode's total score is")
