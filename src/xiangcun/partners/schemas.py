"""Partners' input models (registration, profile edit, verification) and output schemas.

The API body, the HTML form's cleaned data and tests are all parsed into these models once
(``core.inputs.parse``); the services receive them, valid. What needs the database (a county code
that exists, a free username) and what spans two fields of the stored profile (capital minimum ≤
maximum after an edit) is the service's to check.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints

from xiangcun.core import vocab
from xiangcun.core.errors import Msg
from xiangcun.core.inputs import (
    Accepted,
    CountyCode,
    IdNumber,
    InputProblem,
    OptionalMoney,
    Phone,
    Text,
    VocabCode,
    VocabCodes,
)
from xiangcun.partners.models import PartnerStatus

MAX_WORDS = 20


def _split(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return value.replace("，", ",").replace("、", ",").split(",")
    return value


def _words(values: list[str]) -> list[str]:
    """Stripped (each at most 30 characters), de-duplicated in order; at most 20."""
    words = [w for w in values if w]
    if len(words) > MAX_WORDS:
        raise InputProblem(Msg("最多填写 {limit} 项", limit=MAX_WORDS))
    return list(dict.fromkeys(words))


def _codes(values: list[str]) -> list[str]:
    return sorted(dict.fromkeys(values))


def _blank_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _blank_to_empty(value: Any) -> Any:
    return "" if value is None else value


PartnerWords = Annotated[
    list[Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)]],
    BeforeValidator(_split),
    AfterValidator(_words),
]
"""Free words (专长, 标签), comma- or 、-separated: a word over 30 characters is refused, not cut."""
CountyCodes = Annotated[
    list[CountyCode], BeforeValidator(_split), Field(max_length=MAX_WORDS), AfterValidator(_codes)
]
OptionalCounty = Annotated[CountyCode | None, BeforeValidator(_blank_to_none)]


def _title_code(value: str) -> str:
    if value:
        vocab.index_of("title", value)  # an unknown code is refused, naming it
    return value


TitleLevel = Annotated[
    str,
    BeforeValidator(_blank_to_empty),
    StringConstraints(strip_whitespace=True, max_length=20),
    AfterValidator(_title_code),
]


def _text(max_length: int) -> Any:
    return Annotated[Text(max_length, required=False), BeforeValidator(_blank_to_empty)]


class PartnerProfileIn(Schema):
    """A partner's profile as the partner fills it in (registration and the profile page)."""

    model_config = ConfigDict(extra="forbid")

    name: Text(100) = Field(..., title="姓名或机构名称")  # type: ignore[valid-type]
    is_organisation: bool = Field(False, title="以机构名义注册")
    kind: VocabCode("kind") = Field(..., title="合伙人类型")  # type: ignore[valid-type]
    contact_name: _text(40) = Field("", title="联系人")  # type: ignore[valid-type]
    phone: Phone = Field("", title="手机号")
    id_number: IdNumber = Field("", title="身份证号/统一社会信用代码")
    home_county: OptionalCounty = Field(None, title="籍贯县（市、区）")
    liaocheng_born: bool | None = Field(None, title="聊城籍", description="default: from home_county")
    title_level: TitleLevel = Field("", title="专业技术职称")
    high_level_talent: bool = Field(False, title="享受省市高层次人才绿色通道服务")
    capital_min: OptionalMoney = Field(None, title="可投入资金下限")
    capital_max: OptionalMoney = Field(None, title="可投入资金上限")
    skills: PartnerWords = Field([], title="专长")
    tags: PartnerWords = Field([], title="标签")
    preferred_counties: CountyCodes = Field([], title="意向县（市、区）")
    preferred_categories: VocabCodes("category") = Field([], title="意向项目类别")  # type: ignore[valid-type]
    cooperation_forms: VocabCodes("form") = Field([], title="合作方式")  # type: ignore[valid-type]
    resources_wanted: VocabCodes("resource") = Field([], title="所需资源")  # type: ignore[valid-type]
    profile: _text(3000) = Field("", title="个人/机构简介")  # type: ignore[valid-type]
    track_record: _text(3000) = Field("", title="过往业绩")  # type: ignore[valid-type]
    certifications: _text(1000) = Field("", title="资质证书")  # type: ignore[valid-type]


class PartnerRegisterIn(PartnerProfileIn):
    """Public self-registration: the profile and the account."""

    username: Text(150) = Field(..., min_length=3, title="用户名")  # type: ignore[valid-type]
    password: str = Field(..., min_length=10, max_length=128, title="密码")
    privacy_consent: Accepted = Field(
        ..., title="《个人信息处理规则》", description="must be true: the user ticked the box"
    )


class PartnerEditIn(PartnerProfileIn):
    """A profile edit: only the fields given are changed (the profile page sends them all)."""

    name: Text(100) | None = Field(None, title="姓名或机构名称")  # type: ignore[valid-type]
    kind: VocabCode("kind") | None = Field(None, title="合伙人类型")  # type: ignore[valid-type]

    def changes(self) -> dict[str, Any]:
        """The fields given, as model values (``liaocheng_born`` only when stated)."""
        out = {name: getattr(self, name) for name in self.model_fields_set}
        if out.get("liaocheng_born", False) is None:
            del out["liaocheng_born"]
        return out


class PartnerVerifyIn(Schema):
    """The city office's decision; ``expected_status`` is the state the reviewer saw (optional in
    the API: without it the state read when the request began) — another state by then is a 409."""

    verified: bool = Field(..., title="认证结果")
    reason: _text(300) = Field("", title="未通过理由")  # type: ignore[valid-type]
    expected_status: PartnerStatus | None = Field(None, title="办理时的状态")


class PartnerOut(Schema):
    """A partner as the reader may see it: built from a ``PartnerView`` (identifiers masked unless
    the reader is the partner or the city office)."""

    model_config = ConfigDict(from_attributes=True)

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

    @staticmethod
    def resolve_home_county(obj: Any) -> str | None:
        return obj.partner.home_county_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_refusal_reason(obj: Any) -> str:
        return obj.partner.refusal_reason if obj.private else ""  # type: ignore[no-any-return]

    @staticmethod
    def resolve_verified(obj: Any) -> bool:
        return obj.partner.status == PartnerStatus.VERIFIED  # type: ignore[no-any-return]

    @staticmethod
    def resolve_masked(obj: Any) -> bool:
        return not obj.private


class PartnerListOut(Schema):
    items: list[PartnerOut]
    count: int
