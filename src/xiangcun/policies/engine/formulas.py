"""Amount formulas: ``fixed``, ``rate`` (of a money fact, with ``floor``/``cap``), marginal
``tiers`` and ``per_unit`` (of a count, with ``max_units``); every parameter may change by date.
Amounts are rounded half-up to the fen (``core.money.fen``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from xiangcun.core.errors import Msg
from xiangcun.core.money import fen
from xiangcun.policies.engine.conditions import _fact
from xiangcun.policies.engine.explain import fact_zh, money_zh, rate_zh
from xiangcun.policies.engine.parameters import (
    Dated,
    _count,
    _Ctx,
    _dated,
    _join,
    _keys,
    _money,
    _rate,
    _unit_rate,
)
from xiangcun.policies.facts import COUNT, MONEY, Facts


@dataclass(frozen=True)
class Limit:
    """The floor or cap of a formula that changed its amount: ``before`` is what the formula gave,
    ``bound`` the floor or cap the amount was set to."""

    kind: str  # floor | cap
    before: Decimal
    bound: Decimal


@dataclass(frozen=True)
class Formula:
    type: str  # fixed | rate | tiers | per_unit | none
    base: str | None = None
    params: Mapping[str, Dated[Any]] = field(default_factory=dict)


_FORMULA_KEYS = {
    "fixed": (("amount",), ()),
    "rate": (("base", "rate"), ("floor", "cap")),
    "tiers": (("base", "brackets"), ("floor", "cap")),
    "per_unit": (("base", "amount"), ("cap", "max_units")),
}


def _brackets(ctx: _Ctx) -> Callable[[object, str], tuple[tuple[Decimal | None, Decimal], ...]]:
    def parse(raw: object, path: str) -> tuple[tuple[Decimal | None, Decimal], ...]:
        if not isinstance(raw, list) or not raw:
            raise ctx.fail(path, "应为非空列表")
        result: list[tuple[Decimal | None, Decimal]] = []
        last: Decimal = Decimal(0)
        for i, item in enumerate(raw):
            p = _join(path, i)
            final = i == len(raw) - 1
            _keys(item, ctx, p, required=("rate",) if final else ("upto", "rate"), optional=("upto",))
            upto = _money(ctx)(item["upto"], _join(p, "upto")) if item.get("upto") is not None else None
            if upto is not None and upto <= last:
                raise ctx.fail(_join(p, "upto"), "分档上限须逐档递增")
            if upto is not None:
                last = upto
            result.append((upto, _unit_rate(ctx)(item["rate"], _join(p, "rate"))))
        return tuple(result)

    return parse


def _formula(raw: object, ctx: _Ctx, path: str, merge_over: Mapping[str, Any] | None = None) -> Formula:
    if merge_over is not None and isinstance(raw, dict) and "type" not in raw:
        raw = {**merge_over, **raw}
    if not isinstance(raw, dict):
        raise ctx.fail(path, "应为键值对（映射）")
    kind = raw.get("type")
    if kind not in _FORMULA_KEYS:
        raise ctx.fail(
            _join(path, "type"),
            Msg("未知的计算方式 {kind!r}（可用：{v}）", kind=kind, v="、".join(_FORMULA_KEYS)),
        )
    required, optional = _FORMULA_KEYS[kind]
    _keys(raw, ctx, path, required=("type", *required), optional=optional)
    base: str | None = None
    if "base" in raw:
        types = (COUNT,) if kind == "per_unit" else (MONEY,) if kind == "rate" else (MONEY, COUNT)
        base = _fact(raw["base"], ctx, _join(path, "base"), types).name
    params: dict[str, Dated[Any]] = {}
    for key in (*required, *optional):
        if key == "base" or key not in raw:
            continue
        p = _join(path, key)
        if key == "rate":
            params[key] = _dated(raw[key], ctx, p, _rate(ctx))
        elif key == "brackets":
            params[key] = _dated(raw[key], ctx, p, _brackets(ctx))
        elif key == "max_units":
            params[key] = _dated(raw[key], ctx, p, _count(ctx))
        else:
            params[key] = _dated(raw[key], ctx, p, _money(ctx))
    return Formula(kind, base, params)


def _amount(formula: Formula, facts: Facts, on: date) -> tuple[Decimal, dict[str, Any], Limit | None]:
    """The benefit, the values the template may quote and the floor or cap that changed the
    benefit (``None`` when the formula's own amount stands). Raises KeyError(field) if a fact is missing."""
    p = {k: v.at(on) for k, v in formula.params.items()}
    ctx: dict[str, Any] = {}
    if formula.type == "none":
        return Decimal("0.00"), ctx, None
    if formula.type == "fixed":
        return fen(p["amount"]), ctx, None
    assert formula.base is not None
    base = facts.get(formula.base)
    if base is None:
        raise KeyError(formula.base)
    ctx["base"] = fact_zh(formula.base, base)
    if formula.type == "rate":
        value = fen(Decimal(base) * p["rate"])
        ctx["rate"] = rate_zh(p["rate"])
    elif formula.type == "tiers":
        total = Decimal(0)
        lower = Decimal(0)
        for upto, rate in p["brackets"]:
            top = Decimal(base) if upto is None else min(Decimal(base), upto)
            if top > lower:
                total += (top - lower) * rate
            if upto is None or base <= upto:
                break
            lower = upto
        value = fen(total)
    else:  # per_unit
        units = int(base)
        if "max_units" in p:
            units = min(units, int(p["max_units"]))
        value = fen(p["amount"] * units)
        ctx["per_unit"] = money_zh(p["amount"])
        ctx["units"] = str(units)
    before, limit = value, None
    if "floor" in p:
        ctx["floor"] = money_zh(p["floor"])
        if fen(p["floor"]) > value:
            value = fen(p["floor"])
            limit = Limit("floor", before, value)
    if "cap" in p:
        ctx["cap"] = money_zh(p["cap"])
        if fen(p["cap"]) < value:
            value = fen(p["cap"])
            limit = Limit("cap", before, value)
    return value, ctx, limit
