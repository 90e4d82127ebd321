"""Typed input and output of recruitment notices.

``NoticeIn`` is the one input model of a notice: the API body, the HTML form (``forms.py``) and the
tests all build it with ``core.inputs.parse``; the services receive it already valid. The outputs
read a ``Notice`` directly (``from_attributes``), no hand-written dict builder.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from xiangcun.core.api import Page
from xiangcun.core.errors import Msg
from xiangcun.core.inputs import (
    InputError,
    OptionalMoney,
    Text,
    VillageCode,
    VocabCode,
    VocabCodes,
    number,
)
from xiangcun.recruitment import selectors
from xiangcun.recruitment.models import AreaUnit, Notice, NoticeLevel, NoticeStatus

# Units as people write them (labels, symbols) → the stored code.
UNIT_ALIASES = {
    **{u.value: u.value for u in AreaUnit},
    **{str(u.label): u.value for u in AreaUnit},
    "m²": AreaUnit.SQUARE_METRE.value,
    "平米": AreaUnit.SQUARE_METRE.value,
    "㎡": AreaUnit.SQUARE_METRE.value,
}


def unit_code(value: str) -> str:
    """A unit as written (亩, 平方米, m², mu…) as its stored code; unknown values pass through."""
    return UNIT_ALIASES.get(value.strip(), value)


def _unit(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return AreaUnit.MU.value
    return unit_code(value) if isinstance(value, str) else value


def range_check(
    low: Decimal | None, high: Decimal | None, *, low_field: str, low_zh: str, high_zh: str
) -> None:
    """A minimum above its maximum is refused, naming the minimum's field."""
    if low is not None and high is not None and low > high:
        raise InputError(
            Msg(
                "{low_zh}（{low} 万元）不能高于{high_zh}（{high} 万元）",
                low_zh=low_zh,
                low=low,
                high_zh=high_zh,
                high=high,
                low_field=low_field,
            ),
            field=low_field,
            label=low_zh,
        )


class NoticeResourceIn(Schema):
    """One resource a notice offers (the ledger's units: 亩, 平方米, 项)."""

    kind: VocabCode("resource") = Field(..., title="资源类型")  # type: ignore[valid-type]
    area: OptionalMoney = Field(None, title="资源面积")
    unit: Annotated[AreaUnit, BeforeValidator(_unit)] = Field(AreaUnit.MU, title="资源单位")
    description: Text(300, required=False) = Field("", title="资源说明")  # type: ignore[valid-type]


class NoticeIn(Schema):
    """A notice as drafted or edited: the same fields from the API, the form and the tests."""

    title: Text(120) = Field(..., title="标题")  # type: ignore[valid-type]
    villages: list[VillageCode] = Field(..., min_length=1, max_length=50, title="涉及村庄")
    category: VocabCode("category") = Field(..., title="项目类别")  # type: ignore[valid-type]
    level: NoticeLevel = Field(NoticeLevel.COUNTY, title="层级")
    cooperation_forms: VocabCodes("form") = Field([], title="合作方式")  # type: ignore[valid-type]
    kinds_wanted: VocabCodes("kind") = Field([], title="需要的合伙人类型")  # type: ignore[valid-type]
    investment_min: OptionalMoney = Field(None, title="投资下限")
    investment_max: OptionalMoney = Field(None, title="投资上限")
    resources: list[NoticeResourceIn] = Field([], max_length=30, title="提供的资源")
    incentives: Text(2000, required=False) = Field("", title="优惠条件")  # type: ignore[valid-type]
    description: Text(2000, required=False) = Field("", title="项目介绍")  # type: ignore[valid-type]
    contact: Text(100, required=False) = Field("", title="联系方式")  # type: ignore[valid-type]
    deadline: dt.date | None = Field(None, title="截止日期")

    @model_validator(mode="after")
    def _range(self) -> NoticeIn:
        # An InputError, not a ValueError: pydantic lets it through, naming ``investment_min``.
        range_check(self.investment_min, self.investment_max, low_field="investment_min",
                    low_zh="投资下限", high_zh="投资上限")  # fmt: skip
        return self

    @classmethod
    def of(cls, notice: Notice) -> NoticeIn:
        """The input that would reproduce ``notice`` as it is (the edit form's starting point)."""
        return cls.model_validate(
            {
                "title": notice.title,
                "villages": [v.code for v in notice.villages.all()] or [notice.village_id],
                "category": notice.category,
                "level": notice.level,
                "cooperation_forms": notice.cooperation_forms,
                "kinds_wanted": notice.kinds_wanted,
                "investment_min": notice.investment_min,
                "investment_max": notice.investment_max,
                "resources": [
                    {"kind": r.kind, "area": r.area, "unit": r.unit, "description": r.description}
                    for r in notice.resources.all()
                ],
                "incentives": notice.incentives,
                "description": notice.description,
                "contact": notice.contact,
                "deadline": notice.deadline,
            }
        )


class TransitionIn(Schema):
    """A workflow step. ``expected_status``: the state the client saw (optional; without it the
    state read when the request began) — the notice in another state by then is a 409."""

    action: str = Field(..., max_length=20, title="操作")
    reason: Text(300, required=False) = Field("", title="理由")  # type: ignore[valid-type]
    batch: int | None = Field(None, ge=1, title="招募令批次")
    expected_status: NoticeStatus | None = Field(None, title="办理时的状态")


class BatchIn(Schema):
    title: Text(100) = Field(..., title="批次名称")  # type: ignore[valid-type]
    date: dt.date = Field(..., title="发布日期")


class NoticeQuery(Page):
    county: str | None = Field(None, pattern=r"^\d{6}$", title="县（市、区）")
    category: str | None = Field(None, max_length=30, title="项目类别")
    kind: str | None = Field(None, max_length=30, title="需要的合伙人类型")
    investment_min: Annotated[Decimal, number] | None = Field(None, ge=0, title="投资下限")
    investment_max: Annotated[Decimal, number] | None = Field(None, ge=0, title="投资上限")
    q: str | None = Field(None, max_length=40, title="关键词")
    mine: bool = Field(
        False, title="本辖区全部", description="officials: every notice of my region, any status"
    )
    status: str | None = Field(None, max_length=12, title="状态")


# ------------------------------------------------------------------------------------------------
# Output


class NoticeResourceOut(Schema):
    """A resource a notice offers (named apart from ``resources.ResourceOut``: the OpenAPI components
    are keyed by class name, and the two collided, so ``GET /notices/{id}`` documented the wrong one)."""

    model_config = ConfigDict(from_attributes=True)

    kind: str
    area: Decimal | None = None
    unit: str = "mu"
    unit_label: str = ""
    description: str = ""

    @staticmethod
    def resolve_unit_label(obj: Any) -> str:
        return str(obj.get_unit_display())


class NoticeItem(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    level: str
    category: str
    category_label: str
    status: str
    status_label: str
    county: str = Field(..., alias="county_id")
    county_name: str = Field(..., alias="county.name")
    village: str = Field(..., alias="village_id")
    village_name: str = Field(..., alias="village.name")
    villages: list[str]
    kinds_wanted: list[str]
    cooperation_forms: list[str]
    investment_min: Decimal | None
    investment_max: Decimal | None
    deadline: dt.date | None
    published_at: dt.datetime | None
    batch: int | None = Field(None, alias="batch_id")

    @staticmethod
    def resolve_category_label(obj: Notice) -> str:
        return obj.category_label()

    @staticmethod
    def resolve_status_label(obj: Notice) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_villages(obj: Notice) -> list[str]:
        return [v.code for v in obj.villages.all()] or [obj.village_id]


class TransitionOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    from_status: str
    to_status: str
    actor: str | None
    reason: str
    at: dt.datetime = Field(..., alias="created_at")

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return str(obj.actor) if obj.actor else None


def _contact(notice: Notice, context: dict[str, Any]) -> selectors.NoticeContact:
    """The notice's contact and description for the request's user, worked out (and its full view
    logged) once per response."""
    cache = context.setdefault("notice_contacts", {})
    if notice.pk not in cache:
        cache[notice.pk] = selectors.notice_contact_for(
            context["request"].user, notice, purpose=selectors.PURPOSE_NOTICE_API
        )
    return cache[notice.pk]  # type: ignore[no-any-return]


class NoticeDetail(NoticeItem):
    """A notice as the request's user sees it: phone numbers in the contact and the description
    masked except for the officials governing its region (a partner in an active pairing with it reads
    them at ``GET /notices/{id}/contact``); the workflow history and the reason of a return only for
    those officials."""

    resources: list[NoticeResourceOut]
    incentives: str
    description: str
    contact: str
    rejection_reason: str
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_resources(obj: Notice) -> list[Any]:
        return list(obj.resources.all())

    @staticmethod
    def resolve_contact(obj: Notice, context: dict[str, Any]) -> str:
        return _contact(obj, context).contact

    @staticmethod
    def resolve_description(obj: Notice, context: dict[str, Any]) -> str:
        return _contact(obj, context).description

    @staticmethod
    def resolve_rejection_reason(obj: Notice, context: dict[str, Any]) -> str:
        return obj.rejection_reason if selectors.notice_is_governed(context["request"].user, obj) else ""

    @staticmethod
    def resolve_transitions(obj: Notice, context: dict[str, Any]) -> list[Any]:
        if not selectors.notice_is_governed(context["request"].user, obj):
            return []
        return list(selectors.notice_transitions(obj))


class NoticeListOut(Schema):
    items: list[NoticeItem]
    count: int


__all__ = [
    "UNIT_ALIASES",
    "BatchIn",
    "NoticeDetail",
    "NoticeIn",
    "NoticeItem",
    "NoticeListOut",
    "NoticeQuery",
    "NoticeResourceIn",
    "NoticeResourceOut",
    "TransitionIn",
    "TransitionOut",
    "range_check",
    "unit_code",
]
