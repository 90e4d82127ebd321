"""Reasons in Chinese: amounts and facts as officials write them, each condition with its actual
value, threshold and mark, the gap to qualify, the near-miss rule, the sentence of a policy's
template, and the evaluation as JSON (what the API, the pages and ``policy evaluate`` show)."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xiangcun.core.errors import Msg
from xiangcun.core.money import money_zh as money_zh  # the one formatter of amounts (万元 from 10,000 yuan)
from xiangcun.policies.engine.parameters import _Ctx, _text
from xiangcun.policies.facts import BOOL, COUNT, COUNTY, FACTS, MONEY, Facts

if TYPE_CHECKING:
    from xiangcun.policies.engine.evaluation import Evaluation, PolicyResult
    from xiangcun.policies.engine.formulas import Limit

NEAR_SHARE = Decimal("0.5")  # a shortfall up to half the threshold is a near miss …
NEAR_COUNT = 5  # … and so is one of up to five people or jobs

KINDS: dict[str, str] = {
    "grant": "资金补助",
    "interest_subsidy": "贷款贴息",
    "rent_relief": "租金减免",
    "job_reward": "就业奖励",
    "privilege": "优先待遇",
}
KINDS_EN: dict[str, str] = {
    "grant": "grant",
    "interest_subsidy": "interest subsidy",
    "rent_relief": "rent relief",
    "job_reward": "reward per job",
    "privilege": "non-monetary privilege",
}
OPS_ZH = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠", "in": "属于", "not_in": "不属于"}

STATUS_ZH = {
    "applies": "可享受",
    "not_eligible": "条件未满足",
    "missing": "缺少信息",
    "not_in_force": "不在有效期内",
    "out_of_scope": "不在适用地区",
    "excluded": "同组择优未选",
}
TEMPLATE_KEYS = frozenset({"amount", "rate", "cap", "floor", "base", "per_unit", "units", "title"})


# ---------------------------------------------------------------------------------------------
# Formatting (Chinese)


def _plain(value: Decimal) -> str:
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def rate_zh(value: Decimal) -> str:
    return f"{_plain(value * 100)}%"


def fact_zh(name: str, value: Any) -> str:
    fact = FACTS[name]
    if value is None:
        return "（未填写）"
    if fact.type == MONEY:
        return money_zh(value)
    if fact.type == COUNT:
        return str(value)
    if fact.type == BOOL:
        return "是" if value else "否"
    if isinstance(value, frozenset | set | list | tuple):
        return "、".join(sorted(fact_zh(name, v) for v in value))
    if fact.type == COUNTY:
        names = official_counties_cached()
        return names.get(value, value)
    return fact.label_of(value)


_COUNTY_NAMES: dict[str, str] = {}


def official_counties_cached() -> Mapping[str, str]:
    return _COUNTY_NAMES


# ---------------------------------------------------------------------------------------------
# Reasons: conditions and gaps


@dataclass
class ConditionResult:
    field: str
    label: str
    op: str
    threshold: Any
    actual: Any
    passed: bool | None  # None: the fact is missing
    alternative: bool = False  # part of an "any" group

    @property
    def text(self) -> str:
        threshold = fact_zh(self.field, self.threshold)
        actual = fact_zh(self.field, self.actual)
        mark = {True: "✓", False: "✗", None: "?"}[self.passed]
        return f"{self.label} {OPS_ZH[self.op]} {threshold}（实际：{actual}）{mark}"


@dataclass
class Gap:
    field: str
    amount: Decimal

    @property
    def text(self) -> str:
        fact = FACTS[self.field]
        shown = money_zh(self.amount, up=True) if fact.type == MONEY else str(int(self.amount))
        return fact.gap.format(gap=shown) if fact.gap else f"{fact.zh}还差 {shown}"


def _near(gap: Gap, conditions: list[ConditionResult]) -> bool:
    """A near miss: every shortfall is at most half of its threshold (or a few people/jobs)."""
    for c in conditions:
        if c.field == gap.field and c.passed is False and c.op in (">=", ">"):
            if FACTS[gap.field].type == COUNT and gap.amount <= NEAR_COUNT:
                return True
            return bool(gap.amount <= Decimal(c.threshold) * NEAR_SHARE)
    return False


# ---------------------------------------------------------------------------------------------
# Sentences


def _template(raw: object, ctx: _Ctx, path: str) -> str:
    text = _text(raw, ctx, path)
    try:
        names = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
        specs = [(spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise ctx.fail(path, Msg("模板格式不正确：{exc}", exc=exc)) from None
    for name in names:
        if name not in FACTS and name not in TEMPLATE_KEYS:
            raise ctx.fail(path, Msg("模板中的 {{{name}}} 不是已知字段", name=name))
    if any(spec or conv for spec, conv in specs):
        raise ctx.fail(path, "模板占位符不能带格式说明")
    return text


class _Quoted(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "（未填写）"


def limit_clause(limit: Limit) -> str:
    """What a floor or cap did to the amount: ``，低于保底 8,000 元，按保底 8,000 元计``."""
    bound = money_zh(limit.bound)
    if limit.kind == "floor":
        return f"，低于保底 {bound}，按保底 {bound}计"
    return f"，超过上限 {bound}，按上限 {bound}计"


def _sentence(template: str, facts: Facts, ctx: Mapping[str, Any], amount: Decimal, title: str) -> str:
    values = _Quoted({name: fact_zh(name, facts.get(name)) for name in FACTS if facts.get(name) is not None})
    values.update(ctx)
    values["amount"] = money_zh(amount)
    values["title"] = title
    return template.format_map(values)


# ---------------------------------------------------------------------------------------------
# JSON


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


def result_json(r: PolicyResult) -> dict[str, Any]:
    layer = r.layer
    county_name = fact_zh("county", layer.county) if layer and layer.county else ""
    return {
        "id": r.policy.id,
        "title": r.policy.title,
        "kind": r.policy.kind,
        "kind_zh": KINDS[r.policy.kind],
        "example": r.policy.example,
        "applies": r.applies,
        "status": r.status,
        "status_zh": STATUS_ZH[r.status],
        "amount": f"{r.amount:.2f}",
        "amount_before_cap": None if r.amount_before_cap is None else f"{r.amount_before_cap:.2f}",
        "limit": r.limit,
        "amount_before_limit": None if r.amount_before_limit is None else f"{r.amount_before_limit:.2f}",
        "privilege": layer.privilege if layer else "",
        "layer": r.layer_code,
        "layer_zh": f"{county_name}例外规定" if county_name else "市级规定",
        "issuer": (layer or r.policy.city).issuer,
        "document": (layer or r.policy.city).document,
        "clause": (layer or r.policy.city).clause,
        "sentence": r.sentence,
        "conditions": [
            {
                "field": c.field,
                "label": c.label,
                "op": c.op,
                "threshold": _json_value(c.threshold),
                "actual": _json_value(c.actual),
                "passed": c.passed,
                "alternative": c.alternative,
                "text": c.text,
            }
            for c in r.conditions
        ],
        "gaps": [{"field": g.field, "gap": f"{g.amount:f}", "text": g.text} for g in r.gaps],
        "near_miss": r.near_miss,
        "missing": r.missing,
        "notes": r.notes,
    }


def evaluation_json(ev: Evaluation) -> dict[str, Any]:
    return {
        "date": ev.on.isoformat(),
        "ruleset": ev.ruleset,
        "total": f"{ev.total:.2f}",
        "results": [result_json(r) for r in ev.results],
    }
