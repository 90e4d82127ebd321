"""The facts a policy may read: project facts and partner facts (pure, no Django).

Every fact has a type: ``money`` (Decimal yuan, to the fen), ``count`` (a whole number),
``code`` (one of a fixed vocabulary), ``bool`` or ``county`` (an official county code). Policy
files may only name the facts listed here; the calculator form, the CLI input and the CSV
columns of ``policy batch`` use the same names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError, Message, Msg
from xiangcun.core.money import FEN, GROUPING, GroupingError, MoneyError, to_decimal

MONEY = "money"
COUNT = "count"
CODE = "code"
BOOL = "bool"
COUNTY = "county"

TITLE_LEVELS = vocab.TITLE_LEVELS

MAX_MONEY = Decimal(10) ** 12
MAX_COUNT = 10**7


@dataclass(frozen=True)
class Fact:
    name: str
    zh: str
    en: str
    type: str
    owner: str  # project | partner
    terms: tuple[vocab.Term, ...] = ()
    gap: str = ""  # Chinese sentence for a shortfall, ``{gap}`` is the amount missing

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def label_of(self, code: str) -> str:
        for term in self.terms:
            if term.code == code:
                return term.zh
        return code


FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("category", "项目类别", "project category", CODE, "project", vocab.PROJECT_CATEGORIES),
        Fact("county", "所在县（市、区）", "county", COUNTY, "project"),
        Fact("investment", "实际投资额", "actual investment", MONEY, "project", gap="再投资 {gap}即可享受"),
        Fact(
            "jobs_created",
            "新增就业岗位",
            "jobs created",
            COUNT,
            "project",
            gap="再创造 {gap} 个就业岗位即可享受",
        ),
        Fact(
            "villagers_employed",
            "带动村民就业人数",
            "villagers employed",
            COUNT,
            "project",
            gap="再带动 {gap} 人就业即可享受",
        ),
        Fact(
            "profit_tax",
            "预计年利税",
            "expected profit and tax",
            MONEY,
            "project",
            gap="年利税再增加 {gap}即可享受",
        ),
        Fact(
            "collective_income_increase",
            "村集体经济增收",
            "collective income increase",
            MONEY,
            "project",
            gap="村集体再增收 {gap}即可享受",
        ),
        Fact("cooperation_form", "合作方式", "cooperation form", CODE, "project", vocab.COOPERATION_FORMS),
        Fact("loan", "项目贷款额", "project loan", MONEY, "project", gap="贷款额再增加 {gap}即可享受"),
        Fact("annual_rent", "年租金", "annual rent", MONEY, "project", gap="年租金再增加 {gap}即可享受"),
        Fact("partner_kind", "合伙人类型", "partner kind", CODE, "partner", vocab.PARTNER_KINDS),
        Fact("liaocheng_born", "聊城籍", "born in Liaocheng", BOOL, "partner"),
        Fact("title_level", "专业技术职称", "professional title", CODE, "partner", TITLE_LEVELS),
        Fact("high_level_talent", "省市高层次人才", "provincial/city high-level talent", BOOL, "partner"),
        Fact("verified", "已认证合伙人", "verified partner", BOOL, "partner"),
    )
}

Facts = dict[str, Any]


def _error(name: str, message: Message) -> ApplicationError:
    return ApplicationError(message, field=name)


def parse_fact(name: str, raw: object, counties: Mapping[str, str]) -> Any:
    """One fact from JSON/form input, strictly; ``None`` or ``""`` is a missing fact."""
    fact = FACTS.get(name)
    if fact is None:
        raise _error(name, Msg("未知的事实字段：{name}", name=name))
    if raw is None or raw == "":
        return None
    if fact.type == MONEY:
        try:
            value = to_decimal(raw)
        except GroupingError:
            raise _error(name, Msg("{label}：{reason}", label=fact.zh, reason=GROUPING)) from None
        except MoneyError:
            raise _error(name, Msg("{zh}应为数字", zh=fact.zh, name=name)) from None
        if value < 0:
            raise _error(name, Msg("{zh}不能为负数", zh=fact.zh, name=name))
        if value > MAX_MONEY:
            raise _error(name, Msg("{zh}过大", zh=fact.zh, name=name))
        if value != value.quantize(FEN):
            raise _error(name, Msg("{zh}最多精确到分", zh=fact.zh, name=name))
        return value.quantize(FEN)
    if fact.type == COUNT:
        try:
            number = to_decimal(raw)
        except GroupingError:
            raise _error(name, Msg("{label}：{reason}", label=fact.zh, reason=GROUPING)) from None
        except MoneyError:
            raise _error(name, Msg("{zh}应为整数", zh=fact.zh, name=name)) from None
        if number != number.to_integral_value():
            raise _error(name, Msg("{zh}应为整数", zh=fact.zh, name=name))
        if number < 0:
            raise _error(name, Msg("{zh}不能为负数", zh=fact.zh, name=name))
        if number > MAX_COUNT:
            raise _error(name, Msg("{zh}过大", zh=fact.zh, name=name))
        return int(number)
    if fact.type == BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1", "yes", "on", "是", "y"):
            return True
        if text in ("false", "0", "no", "off", "否", "n"):
            return False
        raise _error(name, Msg("{zh}应为“是”或“否”", zh=fact.zh, name=name))
    text = str(raw).strip()
    if fact.type == COUNTY:
        if text not in counties:
            raise _error(name, Msg("未知的县（市、区）代码：{text}", text=text))
        return text
    if text not in fact.choices:
        raise _error(name, Msg("未知的{zh}代码：{text}", zh=fact.zh, text=text, name=name))
    return text


def parse_facts(raw: Mapping[str, object], counties: Mapping[str, str]) -> Facts:
    """All facts of one project; unknown names are refused, absent ones are missing (``None``)."""
    for name in raw:
        if name not in FACTS:
            raise _error(str(name), Msg("未知的事实字段：{name}", name=name))
    return {name: parse_fact(name, raw.get(name), counties) for name in FACTS}
