"""Eligibility conditions: ``{field, op, value}`` leaves under ``all``/``any`` groups.

A leaf names a fact of ``facts.FACTS`` and compares it with a threshold that may change by date.
Checking is three-valued — passed, failed, or unknown because the fact is missing (a missing fact
never raises) — and a failed ``>=``/``>`` on money or a count yields the gap that would pass it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from xiangcun.core.errors import Msg
from xiangcun.core.money import FEN, to_decimal
from xiangcun.policies.engine.explain import OPS_ZH, ConditionResult, Gap
from xiangcun.policies.engine.parameters import Dated, _count, _Ctx, _dated, _join, _keys, _money
from xiangcun.policies.facts import BOOL, COUNT, COUNTY, FACTS, MONEY, Fact, Facts

ORDERED_OPS = (">=", ">", "<=", "<")


@dataclass(frozen=True)
class Leaf:
    field: str
    op: str
    value: Dated[Any]


@dataclass(frozen=True)
class Group:
    mode: str  # all | any
    children: tuple[Leaf | Group, ...]


Condition = Leaf | Group


def _fact(name: object, ctx: _Ctx, path: str, types: tuple[str, ...] | None = None) -> Fact:
    if not isinstance(name, str) or name not in FACTS:
        raise ctx.fail(
            path,
            Msg("未知的事实字段 {name!r}（可用：{v}）", name=name, v="、".join(FACTS), v2=", ".join(FACTS)),
        )
    fact = FACTS[name]
    if types is not None and fact.type not in types:
        raise ctx.fail(path, Msg("字段 {name} 的类型（{type}）不能用于此处", name=name, type=fact.type))
    return fact


def _scalar_of(fact: Fact, ctx: _Ctx, counties: Mapping[str, str]) -> Callable[[object, str], Any]:
    def parse(raw: object, path: str) -> Any:
        if fact.type == MONEY:
            return _money(ctx)(raw, path)
        if fact.type == COUNT:
            return int(_count(ctx)(raw, path))
        if fact.type == BOOL:
            if not isinstance(raw, bool):
                raise ctx.fail(path, "应为 true 或 false")
            return raw
        text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else None
        if fact.type == COUNTY:
            if text is None or text not in counties:
                raise ctx.fail(path, Msg("县（市、区）代码 {raw!r} 不在官方区划代码表中", raw=raw))
            return text
        if text is None or text not in fact.choices:
            raise ctx.fail(
                path,
                Msg(
                    "{zh}代码 {raw!r} 未定义（可用：{v}）",
                    zh=fact.zh,
                    raw=raw,
                    v="、".join(fact.choices),
                    name=fact.name,
                ),
            )
        return text

    return parse


def _condition(raw: object, ctx: _Ctx, path: str, counties: Mapping[str, str]) -> Condition:
    if isinstance(raw, dict) and ("all" in raw or "any" in raw):
        _keys(raw, ctx, path, optional=("all", "any"))
        if len(raw) != 1:
            raise ctx.fail(path, "all 与 any 须分开书写")
        mode = next(iter(raw))
        items = raw[mode]
        if not isinstance(items, list) or not items:
            raise ctx.fail(_join(path, mode), "应为非空列表")
        return Group(
            mode,
            tuple(_condition(c, ctx, _join(_join(path, mode), i), counties) for i, c in enumerate(items)),
        )
    _keys(raw, ctx, path, required=("field", "op", "value"))
    assert isinstance(raw, dict)
    fact = _fact(raw["field"], ctx, _join(path, "field"))
    op = raw["op"]
    if op not in OPS_ZH:
        raise ctx.fail(_join(path, "op"), Msg("未知的比较符 {op!r}（可用：{v}）", op=op, v=" ".join(OPS_ZH)))
    if op in ORDERED_OPS and fact.type not in (MONEY, COUNT):
        raise ctx.fail(_join(path, "op"), Msg("{zh}不能比较大小", zh=fact.zh, op=op))
    if fact.type == BOOL and op not in ("==", "!="):
        raise ctx.fail(_join(path, "op"), "是/否字段只能用 == 或 !=")
    scalar = _scalar_of(fact, ctx, counties)
    if op in ("in", "not_in"):

        def parse(value: object, p: str) -> frozenset[Any]:
            if not isinstance(value, list) or not value:
                raise ctx.fail(p, "应为非空列表")
            return frozenset(scalar(v, _join(p, i)) for i, v in enumerate(value))

        return Leaf(fact.name, op, _dated(raw["value"], ctx, _join(path, "value"), parse))
    return Leaf(fact.name, op, _dated(raw["value"], ctx, _join(path, "value"), scalar))


def leaves(cond: Condition | None) -> list[Leaf]:
    if cond is None:
        return []
    if isinstance(cond, Leaf):
        return [cond]
    return [leaf for c in cond.children for leaf in leaves(c)]


# ---------------------------------------------------------------------------------------------
# Checking


def _compare(op: str, actual: Any, threshold: Any) -> bool:
    if op == ">=":
        return bool(actual >= threshold)
    if op == ">":
        return bool(actual > threshold)
    if op == "<=":
        return bool(actual <= threshold)
    if op == "<":
        return bool(actual < threshold)
    if op == "==":
        return bool(actual == threshold)
    if op == "!=":
        return bool(actual != threshold)
    if op == "in":
        return actual in threshold
    return actual not in threshold


def _check(
    cond: Condition, facts: Facts, on: date, out: list[ConditionResult], alternative: bool = False
) -> tuple[bool | None, list[Gap] | None]:
    """Three-valued: True / False / None (a fact is missing); plus the gaps that would fix a False."""
    if isinstance(cond, Leaf):
        fact = FACTS[cond.field]
        threshold = cond.value.at(on)
        actual = facts.get(cond.field)
        passed = None if actual is None else _compare(cond.op, actual, threshold)
        out.append(ConditionResult(cond.field, fact.zh, cond.op, threshold, actual, passed, alternative))
        if passed is False and cond.op in (">=", ">") and fact.type in (MONEY, COUNT):
            step = Decimal(0) if cond.op == ">=" else (FEN if fact.type == MONEY else Decimal(1))
            return False, [Gap(cond.field, to_decimal(threshold) - to_decimal(actual) + step)]
        return passed, None if passed is False else []
    results = [_check(c, facts, on, out, alternative or cond.mode == "any") for c in cond.children]
    values = [r[0] for r in results]
    if cond.mode == "all":
        if False in values:
            gaps: dict[str, Gap] = {}
            for value, g in results:
                if value is False:
                    if g is None:
                        return False, None
                    for gap in g:
                        if gap.field not in gaps or gaps[gap.field].amount < gap.amount:
                            gaps[gap.field] = gap
            return False, list(gaps.values())
        return (None, None) if None in values else (True, [])
    if True in values:
        return True, []
    if None in values:
        return None, None
    options = [g for _, g in results if g]
    if not options:
        return False, None
    return False, min(options, key=len)
