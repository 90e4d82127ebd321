"""Evaluation as of a date: each policy on its own (:func:`evaluate_policy`), then exclusivity
groups (only the best of a group applies) and caps (amounts scaled down to the limit, every fen
accounted for by ``core.money.split_units``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from xiangcun.core.money import FEN, split_units
from xiangcun.policies.engine.conditions import _check
from xiangcun.policies.engine.explain import (
    _COUNTY_NAMES,
    ConditionResult,
    Gap,
    _near,
    _sentence,
    fact_zh,
    limit_clause,
    money_zh,
)
from xiangcun.policies.engine.formulas import _amount
from xiangcun.policies.engine.layers import Layer, Library, Policy, _resolve, cap_applies, layer_for
from xiangcun.policies.engine.parameters import NoValue
from xiangcun.policies.facts import FACTS, Facts


@dataclass
class PolicyResult:
    policy: Policy
    status: str
    amount: Decimal = Decimal("0.00")
    layer: Layer | None = None
    conditions: list[ConditionResult] = field(default_factory=list)
    sentence: str = ""
    gaps: list[Gap] = field(default_factory=list)
    near_miss: bool = False
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    amount_before_cap: Decimal | None = None
    limit: str | None = None  # "floor" | "cap": the formula's own floor or cap set the amount
    amount_before_limit: Decimal | None = None  # what the formula gave before that floor or cap

    @property
    def applies(self) -> bool:
        return self.status == "applies"

    @property
    def layer_code(self) -> str:
        if self.layer is None or self.layer.county is None:
            return "city"
        return self.layer.county


@dataclass
class Evaluation:
    on: date
    ruleset: str
    total: Decimal
    results: list[PolicyResult]

    def result(self, policy_id: str) -> PolicyResult:
        for r in self.results:
            if r.policy.id == policy_id:
                return r
        raise KeyError(policy_id)


def evaluate_policy(policy: Policy, facts: Facts, on: date) -> PolicyResult:
    """One policy, before exclusivity groups and caps."""
    if not policy.city.active(on):
        end = f"至 {policy.end}" if policy.end else ""
        return PolicyResult(
            policy, "not_in_force", notes=[f"本政策自 {policy.start} 起施行{end}，测算日 {on} 不在有效期内"]
        )
    county = facts.get("county")
    if county is None:
        return PolicyResult(policy, "missing", missing=["county"], notes=["请填写项目所在县（市、区）"])
    if policy.scope is not None and county not in policy.scope:
        return PolicyResult(
            policy,
            "out_of_scope",
            notes=["本政策仅适用于：" + "、".join(fact_zh("county", c) for c in sorted(policy.scope))],
        )
    layer = layer_for(policy, county, on)
    result = PolicyResult(policy, "applies", layer=layer)
    if layer.excluded:
        result.status = "out_of_scope"
        result.notes.append(f"{fact_zh('county', county)}另有规定，本政策在该县不适用")
        return result
    try:
        _resolve(layer, on)  # every dated value of the layer must exist on this date
        passed: bool | None = True
        gaps: list[Gap] | None = []
        if layer.conditions is not None:
            passed, gaps = _check(layer.conditions, facts, on, result.conditions)
        if passed is None:
            result.status = "missing"
            result.missing = sorted(
                {c.field for c in result.conditions if c.passed is None}, key=list(FACTS).index
            )
            result.notes.append("缺少：" + "、".join(FACTS[m].zh for m in result.missing))
            return result
        if passed is False:
            result.status = "not_eligible"
            result.gaps = gaps or []
            result.near_miss = bool(result.gaps) and all(_near(g, result.conditions) for g in result.gaps)
            return result
        try:
            amount, ctx, limit = _amount(layer.formula, facts, on)
        except KeyError as exc:
            result.status = "missing"
            result.missing = [str(exc.args[0])]
            result.notes.append(f"缺少：{FACTS[str(exc.args[0])].zh}（计算金额需要）")
            return result
    except NoValue as exc:
        return PolicyResult(
            policy, "not_in_force", layer=layer, notes=[f"测算日 {on} 没有适用的参数（{exc.key}）"]
        )
    result.amount = amount
    if limit is None:
        result.sentence = _sentence(layer.template, facts, ctx, amount, policy.title)
    else:
        # The template's {amount} is what the formula gave; the sentence then says the floor or cap.
        result.limit, result.amount_before_limit = limit.kind, limit.before
        result.sentence = _sentence(layer.template, facts, ctx, limit.before, policy.title) + limit_clause(
            limit
        )
    return result


def evaluate(library: Library, facts: Facts, on: date) -> Evaluation:
    """Every policy of ``library`` for one project as of ``on``; then groups (best of each), then caps."""
    _COUNTY_NAMES.update(library.counties)
    results = [evaluate_policy(p, facts, on) for p in library.policies]
    by_group: dict[str, list[PolicyResult]] = {}
    for r in results:
        if r.applies and r.policy.group:
            by_group.setdefault(r.policy.group, []).append(r)
    for members in by_group.values():
        best = max(members, key=lambda r: (r.amount, [-ord(ch) for ch in r.policy.id]))
        for r in members:
            if r is not best:
                r.status = "excluded"
                r.notes.append(f"与「{best.policy.title}」同属一组，只择优享受金额较高的一项")
                r.amount_before_cap = r.amount
                r.amount = Decimal("0.00")
    for cap in library.caps:
        if not (cap.start <= on and (cap.end is None or on <= cap.end)):
            continue
        members = [r for r in results if r.applies and cap_applies(cap, r.policy)]
        if not members:
            continue
        try:
            limit, _, _ = _amount(cap.limit, facts, on)
        except KeyError as exc:
            for r in members:
                r.status = "missing"
                r.missing = [str(exc.args[0])]
                r.notes.append(f"缺少：{FACTS[str(exc.args[0])].zh}（核定「{cap.title}」需要）")
                r.amount = Decimal("0.00")
            continue
        except NoValue:
            continue
        total = sum((r.amount for r in members), Decimal(0))
        if total > limit:
            parts = split_units(int(limit * 100), [int(r.amount * 100) for r in members])
            for r, part in zip(members, parts, strict=True):
                r.amount_before_cap = r.amount
                r.amount = Decimal(part) * FEN
                r.notes.append(
                    f"受「{cap.title}」限制（合计上限 {money_zh(limit)}），按比例由 {money_zh(r.amount_before_cap)} 调减为 {money_zh(r.amount)}"
                )
    total = sum((r.amount for r in results if r.applies), Decimal("0.00"))
    return Evaluation(on, library.hash, total, results)
