"""Typed input and output of agreements: one model per use case, built the same way from the API
body, the HTML forms and the demo (``core.inputs.parse``), and the API's output schemas.

Every input field has a Chinese ``title``: a form error reads ``参与方第 1 项 · 出资第 1 项 · 金额（元）：
不能小于 0``, while ``field`` keeps the JSON path (``parties[0].contributions[0].amount``).

Contribution parameters by kind: land ``area_mu, annual_rent_per_mu, years, discount_rate?``;
house ``area_m2, rebuild_cost_per_m2, age_years, useful_life_years, residual_rate?``; appraised
``appraised_value``; cash and technology ``amount``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from xiangcun.agreements import selectors
from xiangcun.core.errors import N_
from xiangcun.core.inputs import (
    MAX_MONEY,
    Count,
    Date,
    InputError,
    InputProblem,
    Money,
    OptionalMoney,
    Quantity,
    Rate,
    SignedMoney,
    Text,
    Year,
    blank_is_none,
    number,
)

# The parameters each kind of contribution needs (required, optional).
PARAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "land": (("area_mu", "annual_rent_per_mu", "years"), ("discount_rate",)),
    "house": (("area_m2", "rebuild_cost_per_m2", "age_years", "useful_life_years"), ("residual_rate",)),
    "appraised": (("appraised_value",), ()),
    "cash": (("amount",), ()),
    "technology": (("amount",), ()),
}
PARAM_NAMES = tuple(sorted({name for req, opt in PARAMS.values() for name in (*req, *opt)}))

OptionalQuantity = Annotated[Quantity | None, blank_is_none]
OptionalRate = Annotated[Rate | None, blank_is_none]
OptionalId = Annotated[Annotated[int, number, Field(ge=1)] | None, blank_is_none]
OptionalDate = Annotated[Date | None, blank_is_none]
OptionalCount = Annotated[Count | None, blank_is_none]
Amount = Annotated[Decimal, number, Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)]
OptionalAmount = Annotated[Amount | None, blank_is_none]
OptionalProfit = Annotated[
    Annotated[Decimal, number, Field(ge=-MAX_MONEY, le=MAX_MONEY, allow_inf_nan=False)] | None, blank_is_none
]
AgreementStatusCode = Literal["draft", "approved", "publicized", "signed", "in_force", "ended"]
OptionalStatus = Annotated[AgreementStatusCode | None, blank_is_none]
OptionalVersion = Annotated[Annotated[int, Field(ge=1, le=32767)] | None, blank_is_none]

# Entering 公示 is dated by the server (the day the step is taken); a paper 公示 is 补录.
PUBLICITY_IS_SERVER_DATED = N_(
    "公示开始日期由系统按办理当天的日期记录，不能指定；已在线下张贴的纸质公示请由市合伙人办公室补录"
)


class In(Schema):
    """Input models strip the whitespace people type around text."""

    model_config = ConfigDict(str_strip_whitespace=True)


def _param(title: str) -> Any:
    return Field(None, title=title, validate_default=True)


class ContributionIn(In):
    kind: Literal["land", "house", "appraised", "cash", "technology"] = Field(title="出资方式")
    name: str = Field("", title="名称", max_length=100)
    resource: OptionalId = Field(None, title="资源台账")
    area_mu: OptionalQuantity = _param("面积（亩）")
    annual_rent_per_mu: OptionalQuantity = _param("每亩年租金（元）")
    years: OptionalQuantity = _param("年限")
    discount_rate: OptionalQuantity = _param("折现率")
    area_m2: OptionalQuantity = _param("面积（平方米）")
    rebuild_cost_per_m2: OptionalQuantity = _param("每平方米重置成本（元）")
    age_years: OptionalQuantity = _param("房龄（年）")
    useful_life_years: OptionalQuantity = _param("使用年限（年）")
    residual_rate: OptionalQuantity = _param("残值率")
    appraised_value: OptionalAmount = _param("评估价值（元）")
    amount: OptionalMoney = _param("金额（元）")

    @field_validator(*PARAM_NAMES, mode="after")
    @classmethod
    def _required_for_kind(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        kind = info.data.get("kind")
        if value is None and kind in PARAMS and info.field_name in PARAMS[kind][0]:
            raise InputProblem("必填")
        return value

    @property
    def params(self) -> dict[str, Decimal]:
        """The parameters of this kind that were given (the others are ignored)."""
        required, optional = PARAMS[self.kind]
        values = {key: getattr(self, key) for key in (*required, *optional)}
        return {key: value for key, value in values.items() if value is not None}


class PartyIn(In):
    role: Literal["collective", "partner", "other"] = Field(title="角色")
    name: str = Field(title="名称", min_length=1, max_length=100)
    partner: OptionalId = Field(None, title="合伙人")
    contributions: list[ContributionIn] = Field(title="出资", min_length=1, max_length=50)


class MemberIn(In):
    household: str = Field(title="户编号", min_length=1, max_length=30)
    head_name: str = Field(title="户主", min_length=1, max_length=40)
    shares: Quantity = Field(title="成员股数")


class LabourCommitmentIn(In):
    position: str = Field(title="岗位", min_length=1, max_length=60)
    jobs: Count = Field(title="岗位数")
    monthly_wage: Money = Field(title="月工资")


class AgreementIn(In):
    """A draft agreement (new or corrected): terms, parties with contributions, register, labour."""

    title: str = Field(title="项目名称", min_length=1, max_length=120)
    village: Annotated[str | None, blank_is_none] = Field(None, title="所在村", pattern=r"^\d{12}$")
    pairing: OptionalId = Field(None, title="对接记录")
    description: Text(2000, required=False) = Field("", title="项目内容")  # type: ignore[valid-type]
    mode: Literal["additive", "higher_of"] = Field("additive", title="分配方式")
    guarantee: Money = Field(Decimal(0), title="保底收益")
    reserve_rate: Rate = Field(Decimal(0), title="公积公益金提取比例")
    expected_profit: SignedMoney = Field(Decimal(0), title="预计可分配利润")
    term_start: dt.date = Field(title="合作期起")
    term_end: dt.date = Field(title="合作期止")
    exit_clause: str = Field("", title="退出条款", max_length=4000)
    buyback_clause: str = Field("", title="回购条款", max_length=4000)
    parties: list[PartyIn] = Field(title="参与方", min_length=1, max_length=50)
    members: list[MemberIn] = Field([], title="成员股名册", max_length=20_000)
    labour: list[LabourCommitmentIn] = Field([], title="用工承诺", max_length=200)

    @field_validator("mode", mode="before")
    @classmethod
    def _blank_is_additive(cls, value: Any) -> Any:
        return "additive" if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("guarantee", "reserve_rate", "expected_profit", mode="before")
    @classmethod
    def _blank_is_zero(cls, value: Any) -> Any:
        return 0 if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("term_end", mode="after")
    @classmethod
    def _after_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("term_start")
        if start is not None and value <= start:
            raise InputProblem("须晚于合作期起")
        return value

    @field_validator("members", mode="after")
    @classmethod
    def _register(cls, value: list[MemberIn]) -> list[MemberIn]:
        households = [m.household for m in value]
        if len(set(households)) != len(households):
            raise InputProblem("户编号重复")
        if value and not any(m.shares for m in value):
            raise InputProblem("成员股数之和须大于 0")
        return value


class TransitionIn(In):
    """One step of the workflow with the step's facts (see ``services.workflow``).

    ``expected_status`` is the state the caller saw (the pages always send it): when the agreement
    is in another state by the time the step runs, someone else acted first and the step is a 409.
    ``date`` is the day of signing, entry into force or end (not after today); → publicized takes
    no date — 公示 starts on the server's today — and one given is refused (400, ``date``)."""

    to_status: AgreementStatusCode = Field(title="目标状态")
    expected_status: OptionalStatus = Field(None, title="办理时的状态")
    date: OptionalDate = Field(None, title="日期")
    note: str = Field("", title="说明", max_length=1000)
    reason: str = Field("", title="终止原因", max_length=300)
    assembly_date: OptionalDate = Field(None, title="村民代表大会日期")
    assembly_attendees: OptionalCount = Field(None, title="应到代表人数")
    assembly_present: OptionalCount = Field(None, title="实到代表人数")
    assembly_votes_for: OptionalCount = Field(None, title="赞成票")
    assembly_resolution: str = Field("", title="决议摘要", max_length=2000)

    @model_validator(mode="after")
    def _publicity_is_server_dated(self) -> TransitionIn:
        if self.to_status == "publicized" and self.date is not None:
            raise InputError(PUBLICITY_IS_SERVER_DATED, field="date", label="日期")
        return self


class BackfillIn(In):
    """补录: a 公示 (and, when it happened, the signing and entry into force) that took place on
    paper, entered afterwards by the city office with the dates of the paper record and the reason
    (``services.agreement_backfill``). The agreement is flagged "补录：<reason>"."""

    expected_status: OptionalStatus = Field(None, title="办理时的状态")
    publicity_start: Date = Field(title="公示开始日期")
    signed_on: OptionalDate = Field(None, title="签署日期")
    in_force_on: OptionalDate = Field(None, title="生效日期")
    reason: Text(300) = Field(title="补录原因")  # type: ignore[valid-type]

    @field_validator("in_force_on", mode="after")
    @classmethod
    def _signed_first(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if value is not None and info.data.get("signed_on") is None:
            raise InputProblem("补录生效日期须同时补录签署日期")
        return value


class ObjectionIn(In):
    raised_by: str = Field(title="异议人", min_length=1, max_length=40)
    content: str = Field(title="异议内容", min_length=1, max_length=2000)


class AnswerIn(In):
    """The answer to an objection and its outcome: ``dismissed`` (驳回) or ``upheld`` (成立: the
    agreement goes back to 草稿). An API body without ``outcome`` (written before outcomes existed,
    when an answer never stopped signing) is a dismissal; a form sends its choice, and a blank one is
    refused."""

    answer: str = Field(title="答复", min_length=1, max_length=2000)
    outcome: Literal["dismissed", "upheld"] = Field("dismissed", title="答复结论")

    @field_validator("outcome", mode="before")
    @classmethod
    def _chosen(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InputProblem("请选择驳回或成立")
        return value


class LabourPaymentIn(In):
    household: str = Field(title="户编号", min_length=1, max_length=30)
    amount: Money = Field(title="劳务收入")


class SettlementIn(In):
    """A year's settlement: the first of its year, or a correction of version ``corrects_version``
    (required once the year has a settlement, with a ``reason``). A correction of a version that is
    no longer the latest — someone corrected it meanwhile — is a 409."""

    year: Year = Field(title="年度")
    profit: SignedMoney = Field(title="可分配利润")
    labour: list[LabourPaymentIn] = Field([], title="劳务收入", max_length=20_000)
    reason: str = Field("", title="更正原因", max_length=300)
    corrects_version: OptionalVersion = Field(None, title="更正的版本")


class RangeIn(In):
    """Profits to simulate: ``steps`` values from ``low`` to ``high`` (defaults around the
    agreement's normal year, see ``selectors.profits_between``)."""

    low: OptionalProfit = Field(None, title="利润下限")
    high: OptionalProfit = Field(None, title="利润上限")
    steps: int | None = Field(None, title="档数", ge=2, le=201)


class GuaranteePaidIn(In):
    year: Year = Field(title="年度")
    amount: Money = Field(title="支付金额")
    paid_on: dt.date = Field(title="支付日期")


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------
class Out(Schema):
    model_config = ConfigDict(from_attributes=True)


class ContributionOut(Out):
    kind: str
    name: str
    params: dict[str, Any]
    value: Decimal


class PartyOut(Out):
    position: int
    role: str
    name: str
    partner: int | None = Field(validation_alias="partner_id")
    contribution: Decimal
    share: Decimal
    contributions: list[ContributionOut]

    @staticmethod
    def resolve_contributions(obj: Any) -> Any:
        return obj.contributions.all()


class MemberOut(Out):
    household: str
    head_name: str
    shares: Decimal


class LabourOut(Out):
    position: str
    jobs: int
    monthly_wage: str

    @staticmethod
    def resolve_monthly_wage(obj: Any) -> str:
        return str(obj.monthly_wage)


class AgreementItem(Out):
    id: int
    code: str
    title: str
    village: str = Field(validation_alias="village_id")
    village_name: str
    status: str
    status_label: str
    total_contribution: Decimal

    @staticmethod
    def resolve_village_name(obj: Any) -> str:
        return str(obj.village.name)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class AgreementOut(AgreementItem):
    """An agreement as one reader sees it (household heads masked for the public: ``members`` is
    given by the endpoint from ``selectors.members_for``)."""

    pairing: int | None = Field(validation_alias="pairing_id")
    mode: str
    guarantee: Decimal
    reserve_rate: Decimal
    expected_profit: Decimal
    term_start: dt.date
    term_end: dt.date
    exit_clause: str
    buyback_clause: str
    publicity_start: dt.date | None
    objection_deadline: dt.date | None
    signed_on: dt.date | None
    in_force_on: dt.date | None
    backfilled: bool = Field(validation_alias="is_backfilled")
    backfill_reason: str
    parties: list[PartyOut]
    members: list[MemberOut]
    labour: list[LabourOut]

    @staticmethod
    def resolve_parties(obj: Any) -> Any:
        return obj.parties.prefetch_related("contributions").order_by("position")

    @staticmethod
    def resolve_members(obj: Any, context: Any) -> Any:
        request = context["request"]
        return selectors.members_for(obj, selectors.reader_kind(request.user, obj) or "public")

    @staticmethod
    def resolve_labour(obj: Any) -> Any:
        return obj.labour_commitments.all()


class AgreementListOut(Schema):
    items: list[AgreementItem]
    count: int


class EventOut(Out):
    at: dt.datetime = Field(validation_alias="created_at")
    actor: str | None
    from_status: str
    to_status: str
    note: str

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return str(obj.actor) if obj.actor else None


class ObjectionOut(Out):
    id: int
    raised_by: str
    content: str
    answer: str
    outcome: str
    answered_at: dt.datetime | None


class PartyLineOut(Out):
    name: str
    role: str
    share: Decimal
    guarantee: Decimal
    dividend: Decimal
    adjustment: Decimal
    total: Decimal


class HouseholdLineOut(Out):
    household: str
    head_name: str
    shares: Decimal
    dividend: Decimal
    labour: Decimal
    total: Decimal


class SettlementOut(Out):
    """A stored settlement as one reader sees it (``selectors.settlement_view``)."""

    id: int
    year: int
    version: int
    current: bool
    reason: str
    profit: Decimal
    collective_income: Decimal
    reserve: Decimal
    distributed: Decimal
    created_at: dt.datetime
    parties: list[PartyLineOut]
    households: list[HouseholdLineOut]


class SimulationOut(Schema):
    profits: list[str]
    parties: list[dict[str, Any]]
    households: list[dict[str, Any]]
    reserve: list[str]
    scenarios: list[dict[str, str]] | None = None


class GuaranteeOut(Out):
    agreement: int
    code: str
    title: str
    year: int
    amount: Decimal
    due_on: dt.date
    state: str
    paid_on: dt.date | None

    @staticmethod
    def resolve_agreement(obj: Any) -> int:
        return int(obj.agreement.pk)

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.agreement.code)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.agreement.title)

    @staticmethod
    def resolve_paid_on(obj: Any) -> dt.date | None:
        return obj.paid.paid_on if obj.paid else None
